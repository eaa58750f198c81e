// The auth service behind a real gRPC server, on real PostgreSQL and Redis.
#include "auth/auth_service.hpp"
#include "auth/schema.hpp"
#include "common/grpc_errors.hpp"
#include "support/grpc_test_server.hpp"
#include "support/test_support.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace {

using test_support::call_context;

class AuthServiceTest : public ::testing::Test {
 protected:
  AuthServiceTest()
      : database_("auth_it"),
        key_file_(test_support::write_signing_key(keys_.path())),
        pool_(database_.url(), 4,
              [](pqxx::connection& c) {
                auth::UserStore::prepare(c);
                auth::RevocationStore::prepare(c);
              }),
        redis_(common::RedisOptions::from_url(test_support::required_env("TEST_REDIS_URL"))),
        users_(pool_),
        revocations_(pool_, redis_),
        hasher_({1024, 1, 1}),
        tokens_(common::jwt::SigningKey::from_pem_file(key_file_), {}),
        throttles_{{redis_, "login-account-" + database_.name(), {1000, std::chrono::seconds(60)}},
                   {redis_, "login-client-" + database_.name(), {1000, std::chrono::seconds(60)}},
                   {redis_, "register-client-" + database_.name(), {1000, std::chrono::seconds(60)}}},
        service_(users_, revocations_, hasher_, tokens_, throttles_),
        server_(&service_),
        stub_(auth::v1::AuthService::NewStub(server_.channel())) {
    pqxx::connection c(database_.url());
    common::apply_migrations(c, "auth", auth::migrations());
  }

  grpc::Status register_user(const std::string& username, const std::string& email,
                             const std::string& password, auth::v1::RegisterResponse* out = nullptr) {
    auth::v1::RegisterRequest request;
    if (!username.empty()) request.set_username(username);
    if (!email.empty()) request.set_email(email);
    request.set_password(password);
    auth::v1::RegisterResponse reply;
    auto status = stub_->Register(call_context().get(), request, &reply);
    if (out) *out = reply;
    return status;
  }

  grpc::Status login(const std::string& username, const std::string& email, const std::string& password,
                     auth::v1::LoginResponse* out = nullptr) {
    auth::v1::LoginRequest request;
    if (!username.empty()) request.set_username(username);
    if (!email.empty()) request.set_email(email);
    request.set_password(password);
    auth::v1::LoginResponse reply;
    auto status = stub_->Login(call_context().get(), request, &reply);
    if (out) *out = reply;
    return status;
  }

  grpc::Status refresh(const std::string& token, auth::v1::RefreshResponse* out = nullptr) {
    auth::v1::RefreshRequest request;
    request.set_refresh(token);
    auth::v1::RefreshResponse reply;
    auto status = stub_->Refresh(call_context().get(), request, &reply);
    if (out) *out = reply;
    return status;
  }

  grpc::Status verify(const std::string& token) {
    auth::v1::VerifyRequest request;
    request.set_token(token);
    auth::v1::VerifyResponse reply;
    return stub_->Verify(call_context().get(), request, &reply);
  }

  grpc::Status logout(const std::string& refresh_token, const std::string& access_token = {}) {
    auth::v1::LogoutRequest request;
    request.set_refresh(refresh_token);
    request.set_access(access_token);
    auth::v1::LogoutResponse reply;
    return stub_->Logout(call_context().get(), request, &reply);
  }

  std::int64_t count(const std::string& sql) {
    pqxx::connection c(database_.url());
    pqxx::read_transaction tx(c);
    return tx.exec1(sql)[0].as<std::int64_t>();
  }

  test_support::TestDatabase database_;
  test_support::TempDir keys_;
  std::string key_file_;
  common::PgPool pool_;
  common::RedisClient redis_;
  auth::UserStore users_;
  auth::RevocationStore revocations_;
  auth::PasswordHasher hasher_;
  auth::TokenIssuer tokens_;
  auth::Throttles throttles_;
  auth::AuthServiceImpl service_;
  test_support::GrpcTestServer server_;
  std::unique_ptr<auth::v1::AuthService::Stub> stub_;
};

TEST_F(AuthServiceTest, RegisterStoresAnArgon2HashAndReturnsTokensForTheUser) {
  auth::v1::RegisterResponse reply;
  ASSERT_TRUE(register_user("alice", "Alice@Example.COM", "correct horse", &reply).ok());
  EXPECT_GT(reply.user().id(), 0);
  EXPECT_EQ(reply.user().username(), "alice");
  EXPECT_EQ(reply.user().email(), "Alice@example.com");  // domain normalised, local part kept
  auto claims = tokens_.verify(reply.tokens().access(), "access");
  EXPECT_EQ(claims.user_id, reply.user().id());
  EXPECT_EQ(claims.username, "alice");
  EXPECT_NO_THROW(tokens_.verify(reply.tokens().refresh(), "refresh"));
  EXPECT_EQ(count("SELECT count(*) FROM users WHERE password_hash LIKE '$argon2id$%'"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM users WHERE password_hash LIKE '%correct horse%'"), 0);
}

TEST_F(AuthServiceTest, DuplicateUsernameOrEmailIsAFieldErrorAndStoresNothing) {
  ASSERT_TRUE(register_user("bob", "bob@example.com", "pw-bob-123").ok());
  auto by_name = register_user("BOB", "other@example.com", "pw");
  ASSERT_EQ(by_name.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(common::parse_status_details(by_name).field_errors.at("username").at(0),
            "A user with that username already exists.");
  auto by_email = register_user("bobby", "BOB@example.com", "pw");
  ASSERT_EQ(by_email.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(common::parse_status_details(by_email).field_errors.count("email"), 1u);
  EXPECT_EQ(count("SELECT count(*) FROM users"), 1);
}

TEST_F(AuthServiceTest, InvalidRegistrationReturnsEveryFieldErrorAndStoresNothing) {
  auth::v1::RegisterRequest request;
  request.set_email("not-an-email");
  request.set_password("pw1");
  request.set_password2("pw2");
  auth::v1::RegisterResponse reply;
  auto status = stub_->Register(call_context().get(), request, &reply);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto errors = common::parse_status_details(status).field_errors;
  EXPECT_EQ(errors.at("email").at(0), "Enter a valid email address.");
  EXPECT_EQ(errors.at("password").at(0), "Password fields didn't match.");
  EXPECT_EQ(count("SELECT count(*) FROM users"), 0);
}

TEST_F(AuthServiceTest, LoginWorksByUsernameOrEmailCaseInsensitively) {
  ASSERT_TRUE(register_user("carol", "carol@example.com", "s3cret-pass").ok());
  auth::v1::LoginResponse by_name;
  ASSERT_TRUE(login("Carol", "", "s3cret-pass", &by_name).ok());
  EXPECT_EQ(by_name.user().email(), "carol@example.com");
  auth::v1::LoginResponse by_email;
  ASSERT_TRUE(login("", "CAROL@example.com", "s3cret-pass", &by_email).ok());
  EXPECT_EQ(tokens_.verify(by_email.tokens().access(), "access").user_id, by_name.user().id());
  EXPECT_EQ(count("SELECT count(*) FROM users WHERE last_login IS NOT NULL"), 1);
}

TEST_F(AuthServiceTest, WrongPasswordAndUnknownAccountGetTheSameAnswer) {
  ASSERT_TRUE(register_user("dave", "", "right-password").ok());
  auto wrong = login("dave", "", "wrong-password");
  auto unknown = login("nobody", "", "right-password");
  ASSERT_EQ(wrong.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  ASSERT_EQ(unknown.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(wrong.error_message(), unknown.error_message());
  EXPECT_EQ(common::parse_status_details(wrong).reason, common::parse_status_details(unknown).reason);
}

TEST_F(AuthServiceTest, RefreshRotatesAndTheOldRefreshTokenIsRefusedAfterwards) {
  auth::v1::RegisterResponse registered;
  ASSERT_TRUE(register_user("erin", "", "pw-erin-1", &registered).ok());
  const auto& first = registered.tokens().refresh();
  auth::v1::RefreshResponse rotated;
  ASSERT_TRUE(refresh(first, &rotated).ok());
  EXPECT_NE(rotated.tokens().refresh(), first);
  EXPECT_EQ(tokens_.verify(rotated.tokens().refresh(), "refresh").family,
            tokens_.verify(first, "refresh").family);

  auto again = refresh(first);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(common::parse_status_details(again).reason, "token_not_valid");
  // Durable in PostgreSQL, cached in Redis with a TTL no longer than the token's life.
  EXPECT_EQ(count("SELECT count(*) FROM revoked_tokens WHERE token_type = 'refresh'"), 1);
  auto jti = tokens_.verify(first, "refresh").jti;
  auto ttl = redis_.command({"TTL", auth::RevocationStore::redis_key(jti)}).integer;
  EXPECT_GT(ttl, 0);
  EXPECT_LE(ttl, tokens_.settings().refresh_ttl.count());
  // The rotated token still works.
  EXPECT_TRUE(refresh(rotated.tokens().refresh()).ok());
}

TEST_F(AuthServiceTest, ConcurrentRefreshesOfOneTokenLetExactlyOneWin) {
  auth::v1::RegisterResponse registered;
  ASSERT_TRUE(register_user("frank", "", "pw-frank-1", &registered).ok());
  std::atomic<int> successes{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (refresh(registered.tokens().refresh()).ok()) ++successes;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(successes.load(), 1);
}

TEST_F(AuthServiceTest, AccessAndRefreshTokensAreRefusedWhereTheOtherIsExpected) {
  auth::v1::RegisterResponse registered;
  ASSERT_TRUE(register_user("gina", "", "pw-gina-1", &registered).ok());
  EXPECT_EQ(refresh(registered.tokens().access()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(logout(registered.tokens().access()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(count("SELECT count(*) FROM revoked_tokens"), 0);
}

TEST_F(AuthServiceTest, VerifyAcceptsValidTokensAndRefusesGarbage) {
  auth::v1::RegisterResponse registered;
  ASSERT_TRUE(register_user("hank", "", "pw-hank-1", &registered).ok());
  EXPECT_TRUE(verify(registered.tokens().access()).ok());
  EXPECT_TRUE(verify(registered.tokens().refresh()).ok());
  EXPECT_EQ(verify("not.a.token").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(verify("").error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(AuthServiceTest, LogoutRevokesTheRefreshTokenAndThePresentedAccessToken) {
  auth::v1::RegisterResponse registered;
  ASSERT_TRUE(register_user("ivy", "", "pw-ivy-1", &registered).ok());
  ASSERT_TRUE(logout(registered.tokens().refresh(), registered.tokens().access()).ok());
  EXPECT_EQ(refresh(registered.tokens().refresh()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(verify(registered.tokens().access()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(verify(registered.tokens().refresh()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  // A second logout with the same token is refused, like simplejwt's blacklist.
  EXPECT_EQ(logout(registered.tokens().refresh()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AuthServiceTest, LogoutDoesNotRevokeAnotherUsersAccessToken) {
  auth::v1::RegisterResponse jack, kate;
  ASSERT_TRUE(register_user("jack", "", "pw-jack-1", &jack).ok());
  ASSERT_TRUE(register_user("kate", "", "pw-kate-1", &kate).ok());
  ASSERT_TRUE(logout(jack.tokens().refresh(), kate.tokens().access()).ok());
  EXPECT_TRUE(verify(kate.tokens().access()).ok());
}

TEST_F(AuthServiceTest, RevocationsSurviveLosingRedisKeys) {
  auth::v1::RegisterResponse registered;
  ASSERT_TRUE(register_user("liam", "", "pw-liam-1", &registered).ok());
  ASSERT_TRUE(logout(registered.tokens().refresh()).ok());
  auto jti = tokens_.verify(registered.tokens().refresh(), "refresh").jti;
  redis_.command({"DEL", auth::RevocationStore::redis_key(jti)});
  EXPECT_EQ(verify(registered.tokens().refresh()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(refresh(registered.tokens().refresh()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AuthServiceTest, WithoutRedisLogoutAndRefreshFallBackToPostgres) {
  // A Redis client pointed at a port nobody listens on.
  common::RedisOptions nowhere;
  nowhere.port = test_support::free_port();
  common::RedisClient down(nowhere);
  auth::RevocationStore revocations(pool_, down);
  auth::AuthServiceImpl service(users_, revocations, hasher_, tokens_, throttles_);
  test_support::GrpcTestServer server(&service);
  auto stub = auth::v1::AuthService::NewStub(server.channel());

  auth::v1::RegisterRequest request;
  request.set_username("mia");
  request.set_password("pw-mia-1");
  auth::v1::RegisterResponse registered;
  ASSERT_TRUE(stub->Register(call_context().get(), request, &registered).ok());
  auth::v1::LogoutRequest logout_request;
  logout_request.set_refresh(registered.tokens().refresh());
  auth::v1::LogoutResponse logged_out;
  ASSERT_TRUE(stub->Logout(call_context().get(), logout_request, &logged_out).ok());
  auth::v1::RefreshRequest refresh_request;
  refresh_request.set_refresh(registered.tokens().refresh());
  auth::v1::RefreshResponse refreshed;
  EXPECT_EQ(stub->Refresh(call_context().get(), refresh_request, &refreshed).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(count("SELECT count(*) FROM revoked_tokens"), 1);
}

TEST_F(AuthServiceTest, MigrationsAreIdempotentAndSafeToRunConcurrently) {
  pqxx::connection c(database_.url());
  EXPECT_EQ(common::apply_migrations(c, "auth", auth::migrations()), 0);

  test_support::TestDatabase fresh("auth_migrate");
  std::atomic<int> applied{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> replicas;
  for (int i = 0; i < 4; ++i) {
    replicas.emplace_back([&] {
      try {
        pqxx::connection connection(fresh.url());
        applied += common::apply_migrations(connection, "auth", auth::migrations());
      } catch (const std::exception&) {
        ++failures;
      }
    });
  }
  for (auto& r : replicas) r.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(applied.load(), static_cast<int>(auth::migrations().size()));
}

TEST_F(AuthServiceTest, LoginIsThrottledPerAccountAlikeForUnknownAccountsAndResetOnSuccess) {
  std::string scope = "login-account-small-" + database_.name();
  auth::Throttles small{{redis_, scope, {3, std::chrono::seconds(60)}},
                        {redis_, scope + "-client", {1000, std::chrono::seconds(60)}},
                        {redis_, scope + "-register", {1000, std::chrono::seconds(60)}}};
  auth::AuthServiceImpl service(users_, revocations_, hasher_, tokens_, small);
  test_support::GrpcTestServer server(&service);
  auto stub = auth::v1::AuthService::NewStub(server.channel());
  auto attempt = [&](const std::string& username, const std::string& password) {
    auth::v1::LoginRequest request;
    request.set_username(username);
    request.set_password(password);
    auth::v1::LoginResponse reply;
    return stub->Login(call_context().get(), request, &reply);
  };
  ASSERT_TRUE(register_user("nora", "", "nora-pass-1").ok());

  // A success resets the account's count.
  EXPECT_EQ(attempt("nora", "wrong").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(attempt("nora", "wrong").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(attempt("nora", "nora-pass-1").ok());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(attempt("NORA", "wrong").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  auto blocked = attempt("nora", "nora-pass-1");  // even the right password waits
  ASSERT_EQ(blocked.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  auto retry = common::parse_status_details(blocked).retry_delay;
  ASSERT_TRUE(retry.has_value());
  EXPECT_GT(retry->count(), 0);
  EXPECT_LE(retry->count(), 60);

  // An unknown account is limited the same way, and other accounts are unaffected.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(attempt("ghost", "x").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(attempt("ghost", "x").error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  ASSERT_TRUE(register_user("olga", "", "olga-pass-1").ok());
  EXPECT_TRUE(attempt("olga", "olga-pass-1").ok());
}

TEST_F(AuthServiceTest, RegistrationIsThrottledPerClientAndAThrottledOneStoresNothing) {
  std::string scope = "register-small-" + database_.name();
  auth::Throttles small{{redis_, scope + "-account", {1000, std::chrono::seconds(60)}},
                        {redis_, scope + "-client", {1000, std::chrono::seconds(60)}},
                        {redis_, scope, {2, std::chrono::seconds(60)}}};
  auth::AuthServiceImpl service(users_, revocations_, hasher_, tokens_, small);
  test_support::GrpcTestServer server(&service);
  auto stub = auth::v1::AuthService::NewStub(server.channel());
  auto attempt = [&](const std::string& username) {
    auth::v1::RegisterRequest request;
    request.set_username(username);
    request.set_password("some-pass-1");
    auth::v1::RegisterResponse reply;
    return stub->Register(call_context().get(), request, &reply);
  };
  EXPECT_TRUE(attempt("p1").ok());
  EXPECT_TRUE(attempt("p2").ok());
  EXPECT_EQ(attempt("p3").error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(count("SELECT count(*) FROM users"), 2);
}

}  // namespace
