#include "common/access/revocation_check.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>

namespace {

using namespace std::chrono_literals;
using common::RevocationCheck;

std::int64_t in_an_hour() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch() + 1h)
      .count();
}

class RevocationCheckTest : public ::testing::Test {
 protected:
  RevocationCheckTest()
      : check_(
            set_, [this] { return current_; },
            [this](std::string_view jti, std::string_view) {
              ++asked_;
              if (auth_down_) throw std::runtime_error("auth unreachable");
              return jti == "revoked-in-postgres";
            },
            {250ms, 60s, 3}, [this] { return now_; }) {}

  common::RevocationSet set_;
  bool current_ = true;
  bool auth_down_ = false;
  int asked_ = 0;
  RevocationCheck::Clock::time_point now_{};
  RevocationCheck check_;
};

TEST_F(RevocationCheckTest, ACurrentSetAnswersAloneWithoutAskingAuth) {
  set_.add("jti:gone", in_an_hour());
  EXPECT_TRUE(check_.revoked("gone", ""));
  EXPECT_FALSE(check_.revoked("revoked-in-postgres", ""));  // the set is trusted
  EXPECT_EQ(asked_, 0);
}

TEST_F(RevocationCheckTest, ASetThatIsNotCurrentAsksAuthAndCachesBriefly) {
  current_ = false;
  EXPECT_TRUE(check_.revoked("revoked-in-postgres", "fam"));
  EXPECT_FALSE(check_.revoked("live", "fam"));
  EXPECT_EQ(asked_, 2);
  now_ += 200ms;
  EXPECT_FALSE(check_.revoked("live", "fam"));
  EXPECT_EQ(asked_, 2);
  now_ += 100ms;  // past the 250 ms a "not revoked" answer is kept
  EXPECT_FALSE(check_.revoked("live", "fam"));
  EXPECT_EQ(asked_, 3);
  // "revoked" is kept much longer, and what the set knows needs no question at all.
  EXPECT_TRUE(check_.revoked("revoked-in-postgres", "fam"));
  set_.add("fam:stolen", in_an_hour());
  EXPECT_TRUE(check_.revoked("other", "stolen"));
  EXPECT_EQ(asked_, 3);
}

TEST_F(RevocationCheckTest, WhenNeitherTheSetNorAuthCanTellTheTokenDoesNotPass) {
  current_ = false;
  auth_down_ = true;
  EXPECT_THROW(check_.revoked("live", "fam"), common::RevocationUnknown);
  set_.add("jti:gone", in_an_hour());
  EXPECT_TRUE(check_.revoked("gone", ""));  // a known revocation needs nobody
}

TEST_F(RevocationCheckTest, TheCacheIsBounded) {
  current_ = false;
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(check_.revoked("token-" + std::to_string(i), ""));
  asked_ = 0;
  EXPECT_FALSE(check_.revoked("token-0", ""));  // dropped when the cache started afresh
  EXPECT_EQ(asked_, 1);
}

}  // namespace
