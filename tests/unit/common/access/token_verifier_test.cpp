#include "common/access/token_verifier.hpp"
#include "unit/common/jwt/jwt_test_support.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

namespace {

using common::TokenVerifier;
using common::jwt::SigningKey;
using common::jwt::TokenError;

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

nlohmann::json access_claims(const std::string& jti, const std::string& family) {
  return {{"iss", "auth-service"}, {"aud", "api"},  {"token_type", "access"},    {"jti", jti},
          {"user_id", 7},          {"fam", family}, {"exp", now_seconds() + 300}};
}

class TokenVerifierTest : public ::testing::Test {
 protected:
  TokenVerifier::Options options(std::vector<common::jwt::KeyHandle>* served) {
    TokenVerifier::Options o;
    o.fetch_keys = [this, served] {
      ++fetches_;
      if (served == nullptr) throw std::runtime_error("auth unavailable");
      return *served;
    };
    o.rules = {"auth-service", "api", std::chrono::seconds(30), "access"};
    o.min_refetch_gap = std::chrono::hours(1);  // so a test sees exactly the fetches it causes
    return o;
  }

  SigningKey current_{unit_jwt::generate_ec_key()};
  SigningKey rotated_in_{unit_jwt::generate_ec_key()};
  common::RevocationSet revoked_;
  std::atomic<int> fetches_{0};
};

TEST_F(TokenVerifierTest, AKeyRotatedInIsFetchedOnItsFirstTokenAndOnlyOnce) {
  std::vector<common::jwt::KeyHandle> served = {current_.key()};
  auto o = options(&served);
  o.min_refetch_gap = std::chrono::milliseconds(0);
  TokenVerifier verifier(std::move(o), &revoked_);
  ASSERT_TRUE(verifier.refresh_keys());
  EXPECT_EQ(fetches_.load(), 1);
  EXPECT_EQ(verifier.verify(current_.sign(access_claims("a", "f"))).user_id, 7);
  EXPECT_EQ(fetches_.load(), 1) << "a known kid needs no fetch";

  served.push_back(rotated_in_.key());
  EXPECT_EQ(verifier.verify(rotated_in_.sign(access_claims("b", "f"))).user_id, 7);
  EXPECT_EQ(fetches_.load(), 2);
  EXPECT_EQ(verifier.key_count(), 2u);
  verifier.verify(rotated_in_.sign(access_claims("c", "f")));
  EXPECT_EQ(fetches_.load(), 2);
}

TEST_F(TokenVerifierTest, RequestsArrivingDuringAFetchWaitForItInsteadOfFailing) {
  std::vector<common::jwt::KeyHandle> served = {current_.key()};
  std::promise<void> gate;
  std::shared_future<void> opened = gate.get_future().share();
  auto o = options(&served);
  o.min_refetch_gap = std::chrono::milliseconds(0);
  auto plain_fetch = o.fetch_keys;
  o.fetch_keys = [plain_fetch, opened, this] {
    if (fetches_.load() >= 1) opened.wait();  // the refetch for the new kid takes a while
    return plain_fetch();
  };
  TokenVerifier verifier(std::move(o), &revoked_);
  ASSERT_TRUE(verifier.refresh_keys());
  served.push_back(rotated_in_.key());
  auto token = rotated_in_.sign(access_claims("r", "f"));
  std::atomic<int> accepted{0};
  std::vector<std::thread> requests;
  for (int i = 0; i < 4; ++i) {
    requests.emplace_back([&] {
      try {
        verifier.verify(token);
        ++accepted;
      } catch (const TokenError&) {
      }
    });
  }
  gate.set_value();
  for (auto& r : requests) r.join();
  EXPECT_EQ(accepted.load(), 4);
  EXPECT_EQ(fetches_.load(), 2) << "one refetch served every waiting request";
}

TEST_F(TokenVerifierTest, UnknownKidsCannotForceAFetchPerRequest) {
  std::vector<common::jwt::KeyHandle> served = {current_.key()};
  TokenVerifier verifier(options(&served), &revoked_);
  verifier.refresh_keys();
  auto stranger = SigningKey(unit_jwt::generate_ec_key());
  for (int i = 0; i < 5; ++i) EXPECT_THROW(verifier.verify(stranger.sign(access_claims("x", "f"))), TokenError);
  EXPECT_EQ(fetches_.load(), 1) << "within the minimum gap no refetch happens";
}

TEST_F(TokenVerifierTest, AFailedFetchKeepsTheKeysItHad) {
  common::jwt::KeySet files;
  files.add(current_.key());
  auto o = options(nullptr);
  o.static_keys = files;
  TokenVerifier verifier(std::move(o), &revoked_);
  EXPECT_FALSE(verifier.refresh_keys());
  EXPECT_EQ(verifier.verify(current_.sign(access_claims("a", "f"))).user_id, 7);
}

TEST_F(TokenVerifierTest, RevokedTokensAndFamiliesAreRefused) {
  std::vector<common::jwt::KeyHandle> served = {current_.key()};
  TokenVerifier verifier(options(&served), &revoked_);
  verifier.refresh_keys();
  auto expiry = now_seconds() + 300;
  revoked_.add("jti:dead", expiry);
  revoked_.add("fam:logged-out", expiry);
  EXPECT_THROW(verifier.verify(current_.sign(access_claims("dead", "other"))), TokenError);
  EXPECT_THROW(verifier.verify(current_.sign(access_claims("alive", "logged-out"))), TokenError);
  EXPECT_EQ(verifier.verify(current_.sign(access_claims("alive", "other"))).jti, "alive");
}

TEST_F(TokenVerifierTest, ACachedTokenIsStillRefusedOnceRevoked) {
  std::vector<common::jwt::KeyHandle> served = {current_.key()};
  TokenVerifier verifier(options(&served), &revoked_);
  verifier.refresh_keys();
  std::string token = current_.sign(access_claims("cached", "fam-1"));
  EXPECT_EQ(verifier.verify(token).jti, "cached");
  EXPECT_EQ(verifier.verify(token).jti, "cached");  // from the cache
  revoked_.add("fam:fam-1", now_seconds() + 300);
  EXPECT_THROW(verifier.verify(token), TokenError);
}

TEST_F(TokenVerifierTest, ACachedTokenDiesWithTheKeyThatSignedIt) {
  std::vector<common::jwt::KeyHandle> served = {current_.key(), rotated_in_.key()};
  auto o = options(&served);
  o.min_refetch_gap = std::chrono::milliseconds(0);
  TokenVerifier verifier(std::move(o), &revoked_);
  verifier.refresh_keys();
  std::string token = rotated_in_.sign(access_claims("k", "f"));
  EXPECT_EQ(verifier.verify(token).jti, "k");
  served = {current_.key()};  // the key is retired from the JWKS
  verifier.refresh_keys();
  EXPECT_THROW(verifier.verify(token), TokenError);
}

TEST(VerifiedTokenCache, ForgetsExpiredTokensAndOtherKeySetsAndStaysBounded) {
  common::VerifiedTokenCache cache(32);
  auto keys = std::make_shared<const common::jwt::KeySet>();
  auto other_keys = std::make_shared<const common::jwt::KeySet>();
  auto now = common::jwt::Clock::now();
  common::jwt::Claims claims;
  claims.jti = "j";
  claims.expires_at = now + std::chrono::seconds(60);
  cache.put("token", keys, claims);
  EXPECT_EQ(cache.find("token", keys, now, std::chrono::seconds(0))->jti, "j");
  EXPECT_FALSE(cache.find("token", other_keys, now, std::chrono::seconds(0)));
  EXPECT_FALSE(cache.find("token", keys, now + std::chrono::seconds(61), std::chrono::seconds(0)));
  EXPECT_TRUE(cache.find("token", keys, now + std::chrono::seconds(61), std::chrono::seconds(30)));
  EXPECT_FALSE(cache.find("other", keys, now, std::chrono::seconds(0)));
  for (int i = 0; i < 10000; ++i) cache.put("t" + std::to_string(i), keys, claims);
  int kept = 0;
  for (int i = 0; i < 10000; ++i)
    kept += cache.find("t" + std::to_string(i), keys, now, std::chrono::seconds(0)) ? 1 : 0;
  EXPECT_LE(kept, 16 * 3) << "bounded by the capacity (per shard)";
  EXPECT_GT(kept, 0);
}

}  // namespace
