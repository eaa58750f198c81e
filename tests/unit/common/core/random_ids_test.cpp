#include "common/core/text.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>

namespace {

bool is_lower_hex(const std::string& text) { return text.find_first_not_of("0123456789abcdef") == std::string::npos; }

TEST(RandomIds, BothKindsAreLowerHexOfTheAskedLength) {
  for (std::size_t bytes : {1u, 8u, 12u, 16u, 17u}) {
    for (const auto& id : {common::random_hex(bytes), common::unique_hex(bytes)}) {
      EXPECT_EQ(id.size(), 2 * bytes);
      EXPECT_TRUE(is_lower_hex(id)) << id;
    }
  }
}

TEST(RandomIds, UniqueIdsDoNotRepeatWithinOrAcrossThreads) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) EXPECT_TRUE(seen.insert(common::unique_hex(8)).second);
  // Each thread seeds its own generator: another thread's first ids are not this one's.
  std::string other_first;
  std::thread([&] { other_first = common::unique_hex(16); }).join();
  std::string first_here_again;
  std::thread([&] { first_here_again = common::unique_hex(16); }).join();
  EXPECT_NE(other_first, first_here_again);
}

}  // namespace
