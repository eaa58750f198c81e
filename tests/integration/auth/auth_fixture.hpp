// The auth service behind a real gRPC server, on real PostgreSQL and Redis: the fixture the
// auth integration tests share.
#pragma once

#include "auth/accounts/identity_keys.hpp"
#include "auth/api/auth_service.hpp"
#include "auth/app/admin_commands.hpp"
#include "auth/app/auth_components.hpp"
#include "auth/schema.hpp"
#include "common/grpc/grpc_errors.hpp"
#include "common/pg/migrations.hpp"
#include "support/grpc_test_server.hpp"
#include "support/test_support.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace auth_test {

using test_support::call_context;

// The parts of an auth service; tests vary the throttles, the Redis it talks to and the policy.
struct ServiceUnderTest {
  ServiceUnderTest(auth::AuthParts parts)
      : service(std::move(parts)), server(&service), stub(auth::v1::AuthService::NewStub(server.channel())) {}
  auth::AuthServiceImpl service;
  test_support::GrpcTestServer server;
  std::unique_ptr<auth::v1::AuthService::Stub> stub;
};

// The service's configuration for a test: its own database, the test Redis, cheap password
// hashing, limits no test reaches unless it means to (those build their own throttles).
inline auth::AuthConfig test_config(const test_support::TestDatabase& database, const std::string& key_file) {
  auth::AuthConfig config;
  config.database_url = database.url();
  config.database_pool_size = 4;
  config.redis_url = test_support::required_env("TEST_REDIS_URL");
  config.private_key_file = key_file;
  config.refresh_reuse_grace = std::chrono::seconds(10);
  config.email_verification = {std::chrono::hours(1), "https://app.example/verify?token={token}"};
  config.argon2 = {1024, 1, 1};
  config.login_per_account = config.login_per_client = config.register_per_client = config.account_mail_per_email =
      config.account_mail_per_client = {1000, std::chrono::seconds(60)};
  config.password_reset = {std::chrono::hours(1), "https://app.example/reset?uid={uid}&token={token}"};
  config.deletion_delay = std::chrono::milliseconds(0);
  return config;
}

// Migrations first: the components expect the schema.
inline const test_support::TestDatabase& migrated(const test_support::TestDatabase& database) {
  pqxx::connection c(database.url());
  auth::migrate(c);
  return database;
}

class AuthServiceTest : public ::testing::Test {
 protected:
  AuthServiceTest()
      : database_("auth_it"),
        key_file_(test_support::write_signing_key(keys_.path())),
        components_(test_config(migrated(database_), key_file_), database_.name() + "-") {
    main_ = std::make_unique<ServiceUnderTest>(parts());
    stub_ = main_->stub.get();
  }

  // A service on the same stores whose per-account login limit is `max` attempts, counted under
  // Redis keys of its own.
  std::unique_ptr<ServiceUnderTest> limited_service(int max) {
    std::string scope = "limited-" + database_.name() + "-" + std::to_string(limited_throttles_.size());
    // Not movable (mutexes inside): built in place.
    limited_throttles_.emplace_back(
        new auth::Throttles{{redis_, scope, {max, std::chrono::seconds(60)}},
                            {redis_, scope + "-client", {1000, std::chrono::seconds(60)}},
                            {redis_, scope + "-register", {1000, std::chrono::seconds(60)}},
                            {redis_, scope + "-mail-email", {max, std::chrono::seconds(60)}},
                            {redis_, scope + "-mail-client", {1000, std::chrono::seconds(60)}}});
    return std::make_unique<ServiceUnderTest>(parts_with({.throttles = limited_throttles_.back().get()}));
  }

  // The stores and limits a test replaces; the others are the fixture's.
  struct Replaced {
    auth::RefreshFamilyStore* families = nullptr;
    auth::RevocationStore* revocations = nullptr;
    const auth::TokenIssuer* tokens = nullptr;
    auth::Throttles* throttles = nullptr;
  };

  // The fixture's parts with `replaced`, the default policy and no outbox to wake.
  auth::AuthParts parts_with(const Replaced& replaced) {
    return {users_,
            replaced.families ? *replaced.families : families_,
            replaced.revocations ? *replaced.revocations : revocations_,
            verifications_,
            components_.resets,
            components_.mail_requests,
            components_.deletions,
            nullptr,
            hasher_,
            replaced.tokens ? *replaced.tokens : tokens_,
            replaced.throttles ? *replaced.throttles : throttles_,
            {}};
  }

  // The real wiring (AuthComponents::parts) under another account policy.
  auth::AuthParts parts(auth::AccountPolicy policy = {}) {
    auto parts = components_.parts();
    parts.policy = policy;
    return parts;
  }

  grpc::Status register_user(const std::string& username, const std::string& email, const std::string& password,
                             auth::v1::RegisterResponse* out = nullptr, auth::v1::AuthService::Stub* stub = nullptr,
                             const std::string& bearer = {}) {
    auth::v1::RegisterRequest request;
    if (!username.empty()) request.set_username(username);
    if (!email.empty()) request.set_email(email);
    request.set_password(password);
    auth::v1::RegisterResponse reply;
    auto status = (stub ? stub : stub_)->Register(call_context(bearer).get(), request, &reply);
    if (out) *out = reply;
    return status;
  }

  grpc::Status login(const std::string& username, const std::string& email, const std::string& password,
                     auth::v1::LoginResponse* out = nullptr, auth::v1::AuthService::Stub* stub = nullptr) {
    auth::v1::LoginRequest request;
    if (!username.empty()) request.set_username(username);
    if (!email.empty()) request.set_email(email);
    request.set_password(password);
    auth::v1::LoginResponse reply;
    auto status = (stub ? stub : stub_)->Login(call_context().get(), request, &reply);
    if (out) *out = reply;
    return status;
  }

  grpc::Status refresh(const std::string& token, auth::v1::RefreshResponse* out = nullptr,
                       auth::v1::AuthService::Stub* stub = nullptr) {
    auth::v1::RefreshRequest request;
    request.set_refresh(token);
    auth::v1::RefreshResponse reply;
    auto status = (stub ? stub : stub_)->Refresh(call_context().get(), request, &reply);
    if (out) *out = reply;
    return status;
  }

  grpc::Status verify(const std::string& token) {
    auth::v1::VerifyRequest request;
    request.set_token(token);
    auth::v1::VerifyResponse reply;
    return stub_->Verify(call_context().get(), request, &reply);
  }

  grpc::Status logout(const std::string& refresh_token, const std::string& access_token = {},
                      auth::v1::AuthService::Stub* stub = nullptr) {
    auth::v1::LogoutRequest request;
    request.set_refresh(refresh_token);
    request.set_access(access_token);
    auth::v1::LogoutResponse reply;
    return (stub ? stub : stub_)->Logout(call_context().get(), request, &reply);
  }

  grpc::Status me(const std::string& access_token, auth::v1::GetMeResponse* out = nullptr) {
    auth::v1::GetMeResponse reply;
    auto status = stub_->GetMe(call_context(access_token).get(), auth::v1::GetMeRequest(), &reply);
    if (out) *out = reply;
    return status;
  }

  std::int64_t count(const std::string& sql) {
    pqxx::connection c(database_.url());
    pqxx::read_transaction tx(c);
    return tx.exec1(sql)[0].as<std::int64_t>();
  }

  // The body of the last mail queued for `recipient` ("" when none) and its 64-hex token.
  std::string last_mail(const std::string& recipient, const std::string& subject = "%") {
    pqxx::connection c(database_.url());
    pqxx::read_transaction tx(c);
    auto rows =
        tx.exec_params("SELECT body FROM mail_outbox WHERE recipient = $1 AND subject LIKE $2 ORDER BY id DESC LIMIT 1",
                       recipient, subject);
    return rows.empty() ? "" : rows[0][0].as<std::string>();
  }
  std::string mailed_token(const std::string& recipient, const std::string& subject = "%") {
    std::smatch match;
    std::string body = last_mail(recipient, subject);
    if (!std::regex_search(body, match, std::regex("token=([0-9a-f]{64})"))) return {};
    return match[1];
  }
  std::int64_t mails_to(const std::string& recipient) {
    pqxx::connection c(database_.url());
    pqxx::read_transaction tx(c);
    return tx.exec_params1("SELECT count(*) FROM mail_outbox WHERE recipient = $1", recipient)[0].as<std::int64_t>();
  }

  // An AuthConfig as the binary would read it, for the admin commands.
  auth::AuthConfig admin_config() {
    std::map<std::string, std::string> values = {{"AUTH_DATABASE_URL", database_.url()},
                                                 {"AUTH_REDIS_URL", test_support::required_env("TEST_REDIS_URL")},
                                                 {"JWT_PRIVATE_KEY_FILE", key_file_},
                                                 {"ARGON2_MEMORY_KIB", "1024"},
                                                 {"ARGON2_ITERATIONS", "1"}};
    common::Env env("auth-service", "test", [values](const std::string& name) -> std::optional<std::string> {
      auto it = values.find(name);
      if (it == values.end()) return std::nullopt;
      return it->second;
    });
    auto config = auth::AuthConfig::from_env(env);
    env.check();
    return config;
  }

  // Runs an admin command of the binary (`args`: {"deactivate", "--username", "zoe"}) on this
  // test's database; its exit code, and what it printed in `output`.
  int admin(const std::vector<std::string>& args, const std::string& input = {}, std::string* output = nullptr) {
    std::istringstream in(input);
    std::ostringstream out, err;
    int code = auth::run_admin_command(admin_config(), args, in, out, err);
    if (output) *output = out.str() + err.str();
    return code;
  }

  std::string family_of(const std::string& token) { return tokens_.verify(token, "").family; }

  bool redis_has_family_revocation(const std::string& family) {
    return redis_.command({"ZSCORE", std::string(common::kRevocationsKey), "fam:" + family}).kind ==
           common::RedisReply::Kind::kString;
  }

  test_support::TestDatabase database_;
  test_support::TempDir keys_;
  std::string key_file_;
  auth::AuthComponents components_;
  common::PgPool& pool_ = components_.pool;
  common::RedisClient& redis_ = components_.redis;
  auth::UserStore& users_ = components_.users;
  auth::RefreshFamilyStore& families_ = components_.families;
  auth::RevocationStore& revocations_ = components_.revocations;
  auth::EmailVerifications& verifications_ = components_.verifications;
  auth::PasswordHasher& hasher_ = components_.hasher;
  auth::TokenIssuer& tokens_ = components_.tokens;
  auth::Throttles& throttles_ = components_.throttles;
  std::vector<std::unique_ptr<auth::Throttles>> limited_throttles_;  // of limited_service()
  std::unique_ptr<ServiceUnderTest> main_;
  auth::v1::AuthService::Stub* stub_ = nullptr;
};

}  // namespace auth_test
