// The in-memory revocation set and the channel's message format.
#include "common/access/revocation_set.hpp"
#include "common/access/revocation_channel.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <string>
#include <thread>
#include <vector>

namespace {

using common::RevocationSet;
using std::chrono::seconds;

// A fixed clock: 2023-11-14T22:13:20Z.
constexpr std::int64_t kNow = 1'700'000'000;
const auto kNowTime = std::chrono::system_clock::time_point(seconds(kNow));

std::chrono::system_clock::time_point at(std::int64_t epoch) {
  return std::chrono::system_clock::time_point(seconds(epoch));
}

TEST(RevocationSetTest, RevokedTokenMatchesUntilItsExpiry) {
  RevocationSet set;
  set.add("jti:abc", kNow + 60, kNowTime);
  EXPECT_TRUE(set.is_revoked("abc", "", kNowTime));
  EXPECT_TRUE(set.is_revoked("abc", "", at(kNow + 59)));
  EXPECT_TRUE(set.is_revoked("abc", "", at(kNow + 59) + std::chrono::milliseconds(999)));
  EXPECT_FALSE(set.is_revoked("abc", "", at(kNow + 60)));  // the token itself is dead by then
  EXPECT_FALSE(set.is_revoked("abd", "", kNowTime));
  EXPECT_EQ(set.size(), 1u);
}

TEST(RevocationSetTest, RevokedFamilyMatchesEveryTokenOfIt) {
  RevocationSet set;
  set.add("fam:f1", kNow + 60, kNowTime);
  EXPECT_TRUE(set.is_revoked("any", "f1", kNowTime));
  EXPECT_TRUE(set.is_revoked("other", "f1", kNowTime));
  EXPECT_FALSE(set.is_revoked("any", "f2", kNowTime));
  EXPECT_FALSE(set.is_revoked("any", "f1", at(kNow + 60)));
}

TEST(RevocationSetTest, TokenAndFamilyIdsAreSeparateNamespaces) {
  RevocationSet set;
  set.add("jti:same", kNow + 60, kNowTime);
  EXPECT_FALSE(set.is_revoked("x", "same", kNowTime));
  set.add("fam:other", kNow + 60, kNowTime);
  EXPECT_FALSE(set.is_revoked("other", "", kNowTime));
}

TEST(RevocationSetTest, EmptyIdsNeverMatch) {
  RevocationSet set;
  set.add("fam:", kNow + 60, kNowTime);
  set.add("jti:", kNow + 60, kNowTime);
  EXPECT_EQ(set.size(), 0u);
  EXPECT_FALSE(set.is_revoked("", "", kNowTime));
  set.add("fam:f1", kNow + 60, kNowTime);
  EXPECT_FALSE(set.is_revoked("abc", "", kNowTime));
}

TEST(RevocationSetTest, UnknownKindsAndExpiredRevocationsAreNotStored) {
  RevocationSet set;
  set.add("usr:42", kNow + 60, kNowTime);
  set.add("abc", kNow + 60, kNowTime);
  set.add("jti:old", kNow, kNowTime);
  EXPECT_EQ(set.size(), 0u);
  EXPECT_FALSE(set.is_revoked("old", "", at(kNow - 10)));
}

TEST(RevocationSetTest, RevokingAgainKeepsTheLaterExpiry) {
  RevocationSet set;
  set.add("jti:abc", kNow + 100, kNowTime);
  set.add("jti:abc", kNow + 10, kNowTime);
  EXPECT_TRUE(set.is_revoked("abc", "", at(kNow + 50)));
  set.add("jti:abc", kNow + 200, kNowTime);
  EXPECT_TRUE(set.is_revoked("abc", "", at(kNow + 150)));
  EXPECT_EQ(set.size(), 1u);
}

TEST(RevocationSetTest, MergeAddsTheUnexpiredEntriesAndForgetsNothing) {
  RevocationSet set;
  set.add("jti:old", kNow + 60, kNowTime);
  set.add("fam:old", kNow + 60, kNowTime);
  set.merge({{"jti:new", kNow + 60},
             {"fam:new", kNow + 60},
             {"jti:gone", kNow - 1},
             {"bad:x", kNow + 60},
             {"jti:old", kNow + 30}},
            kNowTime);
  EXPECT_TRUE(set.is_revoked("old", "", kNowTime));
  EXPECT_TRUE(set.is_revoked("x", "old", kNowTime));
  EXPECT_TRUE(set.is_revoked("new", "", kNowTime));
  EXPECT_TRUE(set.is_revoked("x", "new", kNowTime));
  EXPECT_FALSE(set.is_revoked("gone", "", kNowTime));
  EXPECT_EQ(set.size(), 4u);
  // The later expiry of a member present twice wins.
  EXPECT_TRUE(set.is_revoked("old", "", kNowTime + std::chrono::seconds(45)));
  set.merge({}, kNowTime);
  EXPECT_EQ(set.size(), 4u);
}

TEST(RevocationSetTest, ExpiredEntriesArePurgedAsTheSetGrows) {
  RevocationSet set;
  for (int i = 0; i < 1000; ++i) set.add("jti:early-" + std::to_string(i), kNow + 10, kNowTime);
  EXPECT_EQ(set.size(), 1000u);
  // An hour later the early ones are dead: adding more sweeps them instead of growing forever.
  const auto later = at(kNow + 3600);
  for (int i = 0; i < 5000; ++i) set.add("jti:late-" + std::to_string(i), kNow + 7200, later);
  EXPECT_EQ(set.size(), 5000u);
  EXPECT_TRUE(set.is_revoked("late-0", "", later));
  EXPECT_TRUE(set.is_revoked("late-4999", "", later));
}

TEST(RevocationSetTest, ConcurrentReadersSeeConsistentAnswersWhileAWriterChangesTheSet) {
  RevocationSet set;
  set.add("jti:always", kNow + 3600, kNowTime);
  constexpr int kReaders = 4;
  constexpr int kLookups = 20'000;
  std::atomic<int> wrong{0};
  std::latch start(kReaders + 1);
  std::vector<std::thread> threads;
  for (int r = 0; r < kReaders; ++r) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      for (int i = 0; i < kLookups; ++i) {
        if (!set.is_revoked("always", "", kNowTime) || set.is_revoked("never", "never", kNowTime)) ++wrong;
      }
    });
  }
  threads.emplace_back([&] {
    start.arrive_and_wait();
    for (int i = 0; i < 3000; ++i) {
      set.add("jti:w" + std::to_string(i), kNow + 3600, kNowTime);
      if (i % 1000 == 999) set.merge({{"jti:always", kNow + 3600}, {"fam:f", kNow + 3600}}, kNowTime);
    }
  });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(set.size(), 3002u);  // every add and the merged family; nothing expired
}

TEST(RevocationMessageTest, ParsesTokenAndFamilyMessages) {
  auto token = common::parse_revocation_message("jti:abc 1700000060");
  ASSERT_TRUE(token);
  EXPECT_EQ(token->first, "jti:abc");
  EXPECT_EQ(token->second, 1'700'000'060);
  auto family = common::parse_revocation_message("fam:f 1 2 3");  // the id may hold spaces
  ASSERT_TRUE(family);
  EXPECT_EQ(family->first, "fam:f 1 2");
  EXPECT_EQ(family->second, 3);
}

TEST(RevocationMessageTest, RejectsAnythingElse) {
  for (const char* message : {"reload", "", "jti:abc", "jti:abc ", "jti:abc 12x", "jti:abc 1.5", "usr:1 100",
                              "jti: 100", " 100", "jti:abc 99999999999999999999"}) {
    EXPECT_FALSE(common::parse_revocation_message(message)) << '"' << message << '"';
  }
}

TEST(RevocationMessageTest, MemberNamesTheKind) {
  EXPECT_EQ((common::Revocation{common::Revocation::Kind::kToken, "abc", 1}.member()), "jti:abc");
  EXPECT_EQ((common::Revocation{common::Revocation::Kind::kFamily, "f", 1}.member()), "fam:f");
}

}  // namespace
