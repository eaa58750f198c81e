# The sanitized tree (scripts/build-sanitized.sh, build-sanitize/): clang with ASan + UBSan for
# the unit tests, and libFuzzer targets (tests/fuzz) run for a bounded time as CTest tests.
#
#   -DSANITIZE=ON  every target of the tree compiles and links with -fsanitize=address,undefined;
#                  the tree then defines only the unit tests and the fuzz targets' tests
#                  (tests/CMakeLists.txt), not the integration/e2e/bench ones.
#   -DFUZZ=ON      (clang only) coverage instrumentation for libFuzzer in our code and the fuzz
#                  targets of tests/fuzz; add one with add_fuzz_target() below.
#
# Debian's gRPC, protobuf, abseil, OpenSSL and libpqxx are not instrumented: ASan still sees
# every access our code makes and intercepts malloc/free for all, UBSan checks only our code.

option(SANITIZE "Build with AddressSanitizer + UndefinedBehaviorSanitizer" OFF)
option(FUZZ "Build the libFuzzer targets of tests/fuzz (clang)" OFF)
set(FUZZ_SECONDS 30 CACHE STRING "How long each fuzz.<name> test fuzzes (libFuzzer -max_total_time)")

if(SANITIZE)
  # -O1 keeps reports exact and the build fast; no NDEBUG, so assert()s check too.
  set(SANITIZE_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=undefined
                     -fno-omit-frame-pointer)
  add_compile_options(${SANITIZE_FLAGS} -O1 -g)
  add_link_options(${SANITIZE_FLAGS})
  # What every sanitized process of the tree's tests runs with. No suppression is needed:
  # detect_odr_violation stays on, and so does container-overflow (our std:: containers are
  # instrumented; the uninstrumented libraries' are not annotated, so they cannot report).
  set(SANITIZER_TEST_ENVIRONMENT
      "ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
      "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
  # Reports with file:line (llvm-14 installs it without the unversioned name the runtime looks for).
  find_program(LLVM_SYMBOLIZER NAMES llvm-symbolizer llvm-symbolizer-14 PATHS /usr/lib/llvm-14/bin)
  if(LLVM_SYMBOLIZER)
    list(APPEND SANITIZER_TEST_ENVIRONMENT "ASAN_SYMBOLIZER_PATH=${LLVM_SYMBOLIZER}")
  endif()
endif()

if(FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "FUZZ=ON needs clang (libFuzzer): CXX=clang++-14, see scripts/build-sanitized.sh")
  endif()
  # Coverage feedback from our code (the libraries under test), without libFuzzer's main().
  add_compile_options(-fsanitize=fuzzer-no-link)
  add_custom_target(fuzz_targets)
endif()

# add_fuzz_target(<name> <source.cpp>... [LIBS <libraries>...])
#
# Builds the fuzzer fuzz_<name> and adds the CTest test fuzz.<name>: libFuzzer for FUZZ_SECONDS,
# starting from the committed seeds in tests/fuzz/corpus/<name>/ (read only) plus what earlier
# runs of this tree found (<build>/fuzz/<name>/corpus), with tests/fuzz/<name>.dict when it
# exists. A crash, a sanitizer report, a leak, an input slower than 10 s or a process above
# 2 GiB fails the test; the reproducer lands in <build>/fuzz/<name>/ (crash-<sha1>, ...):
# replay it with `build-sanitize/bin/fuzz_<name> <file>`.
function(add_fuzz_target name)
  if(NOT FUZZ)
    return()
  endif()
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "" "LIBS")
  set(target fuzz_${name})
  add_executable(${target} ${ARG_UNPARSED_ARGUMENTS})
  target_compile_options(${target} PRIVATE ${PROJECT_WARNINGS})
  target_link_options(${target} PRIVATE -fsanitize=fuzzer)
  target_link_libraries(${target} PRIVATE ${ARG_LIBS})
  add_dependencies(fuzz_targets ${target})

  set(seeds ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/${name})
  if(NOT IS_DIRECTORY ${seeds})
    message(FATAL_ERROR "fuzz target ${name}: commit a seed corpus in tests/fuzz/corpus/${name}/")
  endif()
  set(work ${CMAKE_BINARY_DIR}/fuzz/${name})
  file(MAKE_DIRECTORY ${work}/corpus)
  set(options -max_total_time=${FUZZ_SECONDS} -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048
              -print_final_stats=1 -artifact_prefix=${work}/)
  set(dict ${PROJECT_SOURCE_DIR}/tests/fuzz/${name}.dict)
  if(EXISTS ${dict})
    list(APPEND options -dict=${dict})
  endif()
  add_test(NAME fuzz.${name} COMMAND ${target} ${options} ${work}/corpus ${seeds})
  math(EXPR timeout "${FUZZ_SECONDS} + 120")
  set_tests_properties(fuzz.${name} PROPERTIES TIMEOUT ${timeout} LABELS "fuzz;sanitized"
                       ENVIRONMENT "${SANITIZER_TEST_ENVIRONMENT}")
endfunction()
