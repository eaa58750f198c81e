// Proves the sanitized tree is sanitized: each mode commits one error that only a sanitizer
// notices, and its test (tests/fuzz/CMakeLists.txt) passes only on the sanitizer's report.
#include <climits>
#include <cstdio>
#include <cstring>
#include <memory>

int main(int argc, char** argv) {
  volatile int index = argc + 7;  // 8 with one argument: out of bounds below, unknown to the compiler
  if (argc == 2 && std::strcmp(argv[1], "asan") == 0) {
    auto buffer = std::make_unique<char[]>(8);
    buffer[index] = 'x';  // heap-buffer-overflow
    std::printf("%c\n", buffer[0]);
  } else if (argc == 2 && std::strcmp(argv[1], "ubsan") == 0) {
    volatile int big = INT_MAX - 8 + index;  // INT_MAX
    std::printf("%d\n", big + 1);            // signed integer overflow
  }
  return 0;
}
