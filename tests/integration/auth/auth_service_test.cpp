// The auth service behind a real gRPC server, on real PostgreSQL and Redis.
#include "auth/app/housekeeping.hpp"
#include "integration/auth/auth_fixture.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace {

using auth_test::AuthServiceTest;
using auth_test::ServiceUnderTest;
using test_support::call_context;

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

TEST_F(AuthServiceTest, RegisterWithoutSessionIssuesNoTokensAndStartsNoSession) {
  auth::v1::RegisterRequest request;
  request.set_username("quiet");
  request.set_password("quiet-pass-123");
  request.set_without_session(true);
  auth::v1::RegisterResponse reply;
  ASSERT_TRUE(stub_->Register(call_context().get(), request, &reply).ok());
  EXPECT_EQ(reply.user().username(), "quiet");
  EXPECT_FALSE(reply.has_tokens());
  EXPECT_EQ(count("SELECT count(*) FROM token_families"), 0);
  EXPECT_TRUE(login("quiet", "", "quiet-pass-123").ok());
}

TEST_F(AuthServiceTest, DuplicateUsernameOrEmailIsAFieldErrorAndStoresNothing) {
  ASSERT_TRUE(register_user("bob", "bob@example.com", "pw-bob-123").ok());
  auto by_name = register_user("BOB", "other@example.com", "another-pass-1");
  ASSERT_EQ(by_name.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(common::parse_status_details(by_name).field_errors.at("username").at(0),
            "A user with that username already exists.");
  auto by_email = register_user("bobby", "BOB@example.com", "another-pass-1");
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

TEST_F(AuthServiceTest, RefreshRotatesWithinOneFamilyAndTheUsedTokenIsRecorded) {
  auth::v1::RegisterResponse registered;
  ASSERT_TRUE(register_user("erin", "", "pw-erin-1", &registered).ok());
  const auto& first = registered.tokens().refresh();
  auth::v1::RefreshResponse rotated;
  ASSERT_TRUE(refresh(first, &rotated).ok());
  EXPECT_NE(rotated.tokens().refresh(), first);
  EXPECT_EQ(family_of(rotated.tokens().refresh()), family_of(first));
  EXPECT_EQ(family_of(rotated.tokens().access()), family_of(first));
  EXPECT_EQ(count("SELECT count(*) FROM refresh_tokens WHERE used_at IS NOT NULL"), 1);
  // The successor pair is stored sealed, never as a readable token.
  EXPECT_EQ(count("SELECT count(*) FROM refresh_tokens WHERE position('eyJ'::bytea in successor) > 0"), 0);
  // A used token is no longer valid for Verify; the rotated one is, and rotates in turn.
  EXPECT_EQ(verify(first).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(verify(rotated.tokens().refresh()).ok());
  EXPECT_TRUE(refresh(rotated.tokens().refresh()).ok());
}

TEST_F(AuthServiceTest, TwoTabsRefreshingOneTokenWithinTheGraceWindowGetTheSamePair) {
  auth::v1::RegisterResponse registered;
  ASSERT_TRUE(register_user("frank", "", "pw-frank-1", &registered).ok());
  std::vector<auth::v1::RefreshResponse> replies(8);
  std::vector<grpc::Status> statuses(8);
  std::vector<std::thread> tabs;
  for (std::size_t i = 0; i < replies.size(); ++i) {
    tabs.emplace_back([&, i] { statuses[i] = refresh(registered.tokens().refresh(), &replies[i]); });
  }
  for (auto& t : tabs) t.join();
  for (std::size_t i = 0; i < replies.size(); ++i) {
    ASSERT_TRUE(statuses[i].ok()) << statuses[i].error_message();
    EXPECT_EQ(replies[i].tokens().refresh(), replies[0].tokens().refresh());
    EXPECT_EQ(replies[i].tokens().access(), replies[0].tokens().access());
  }
  EXPECT_EQ(count("SELECT count(*) FROM refresh_tokens"), 2);  // the first and one successor
  EXPECT_TRUE(refresh(replies[0].tokens().refresh()).ok());
}

TEST_F(AuthServiceTest, ReuseOfARotatedTokenAfterTheGraceWindowRevokesTheWholeFamily) {
  auth::RefreshFamilyStore no_grace(pool_, std::chrono::seconds(0));
  auth::RevocationStore revocations(pool_, redis_);
  ServiceUnderTest strict(parts_with({.families = &no_grace, .revocations = &revocations}));
  auth::v1::RegisterResponse registered;
  ASSERT_TRUE(register_user("gail", "", "pw-gail-1", &registered, strict.stub.get()).ok());
  auth::v1::LoginResponse other_session;
  ASSERT_TRUE(login("gail", "", "pw-gail-1", &other_session, strict.stub.get()).ok());
  const auto& stolen = registered.tokens().refresh();
  auth::v1::RefreshResponse legit;
  ASSERT_TRUE(refresh(stolen, &legit, strict.stub.get()).ok());

  auto reuse = refresh(stolen, nullptr, strict.stub.get());
  ASSERT_EQ(reuse.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(common::parse_status_details(reuse).reason, "token_not_valid");
  // Every token of the family is dead: the legitimate holder's new pair too.
  EXPECT_EQ(refresh(legit.tokens().refresh(), nullptr, strict.stub.get()).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(verify(legit.tokens().access()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(count("SELECT count(*) FROM token_families WHERE revoked_reason = 'reuse'"), 1);
  EXPECT_TRUE(redis_has_family_revocation(family_of(stolen)));
  // Another login of the same user is another family, untouched.
  EXPECT_TRUE(refresh(other_session.tokens().refresh(), nullptr, strict.stub.get()).ok());
}

TEST_F(AuthServiceTest, ConcurrentRefreshesWithoutGraceLetOneWinAndThenKillTheFamily) {
  auth::RefreshFamilyStore no_grace(pool_, std::chrono::seconds(0));
  auth::RevocationStore revocations(pool_, redis_);
  ServiceUnderTest strict(parts_with({.families = &no_grace, .revocations = &revocations}));
  auth::v1::RegisterResponse registered;
  ASSERT_TRUE(register_user("hugo", "", "pw-hugo-1", &registered, strict.stub.get()).ok());
  std::atomic<int> successes{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (refresh(registered.tokens().refresh(), nullptr, strict.stub.get()).ok()) ++successes;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(successes.load(), 1);
  EXPECT_EQ(count("SELECT count(*) FROM token_families WHERE revoked_at IS NOT NULL"), 1);
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

TEST_F(AuthServiceTest, LogoutPublishesTheFamilyRevocationWithItsExpiry) {
  auth::v1::RegisterResponse registered;
  ASSERT_TRUE(register_user("leo", "", "pw-leo-12", &registered).ok());
  ASSERT_TRUE(logout(registered.tokens().refresh()).ok());
  auto family = family_of(registered.tokens().refresh());
  auto score = redis_.command({"ZSCORE", std::string(common::kRevocationsKey), "fam:" + family});
  ASSERT_EQ(score.kind, common::RedisReply::Kind::kString);
  auto refresh_expiry = std::chrono::duration_cast<std::chrono::seconds>(
                            tokens_.verify(registered.tokens().refresh(), "refresh").expires_at.time_since_epoch())
                            .count();
  EXPECT_EQ(std::stoll(score.text), refresh_expiry);
}

TEST_F(AuthServiceTest, HousekeepingDeletesOnlyWhatHasExpired) {
  auth::v1::RegisterResponse expired, live;
  ASSERT_TRUE(register_user("old", "old@example.com", "pw-old-123", &expired).ok());
  ASSERT_TRUE(register_user("new", "new@example.com", "pw-new-123", &live).ok());
  ASSERT_TRUE(logout(expired.tokens().refresh(), expired.tokens().access()).ok());
  ASSERT_TRUE(logout(live.tokens().refresh()).ok());
  {
    pqxx::connection c(database_.url());
    pqxx::work tx(c);
    auto old_id = std::to_string(expired.user().id());
    tx.exec("UPDATE token_families SET expires_at = now() - interval '1 second' WHERE user_id = " + old_id);
    tx.exec("UPDATE email_verifications SET expires_at = now() - interval '1 second' WHERE user_id = " + old_id);
    // Both logouts' outbox rows published, and expired.
    tx.exec("UPDATE revocation_outbox SET published_at = now(), expires_at = now() - interval '1 second'");
    tx.commit();
  }
  // A family (its refresh token goes with it), a verification, and the older outbox row: the
  // newest published one stays for the publisher's comparison with Redis's marker.
  EXPECT_EQ(auth::purge_expired_rows(pool_), 3);
  EXPECT_EQ(count("SELECT count(*) FROM revocation_outbox"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM token_families"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM email_verifications"), 1);
  EXPECT_EQ(verify(live.tokens().access()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
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
  auto limited = limited_service(3);
  auto* stub = limited->stub.get();
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
                        {redis_, scope, {2, std::chrono::seconds(60)}},
                        {redis_, scope + "-mail-email", {1000, std::chrono::seconds(60)}},
                        {redis_, scope + "-mail-client", {1000, std::chrono::seconds(60)}}};
  ServiceUnderTest limited(parts_with({.throttles = &small}));
  auto* stub = limited.stub.get();
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
