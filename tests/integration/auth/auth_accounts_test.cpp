// Accounts in the auth service: password rules, registration policies, email verification,
// the caller's profile, keys, users imported from Django, HS256 migration and admin commands.
#include "auth/django_import/user_import.hpp"
#include "common/core/base64url.hpp"
#include "integration/auth/auth_fixture.hpp"

#include <gtest/gtest.h>
#include <openssl/hmac.h>

#include <regex>

namespace {

using auth_test::AuthServiceTest;
using auth_test::ServiceUnderTest;
using test_support::call_context;

std::string reason(const grpc::Status& status) { return common::parse_status_details(status).reason; }

// A token as simplejwt signs it: HS256, no kid, no iss/aud.
std::string simplejwt_token(const std::string& secret, const nlohmann::json& claims) {
  std::string input =
      common::base64url_encode(R"({"alg":"HS256","typ":"JWT"})") + "." + common::base64url_encode(claims.dump());
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &length);
  return input + "." + common::base64url_encode(std::string(reinterpret_cast<char*>(mac), length));
}

std::int64_t epoch_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class AuthAccountsTest : public AuthServiceTest {
 protected:
  grpc::Status verify_email(const std::string& token, auth::v1::VerifyEmailResponse* out = nullptr) {
    auth::v1::VerifyEmailRequest request;
    request.set_token(token);
    auth::v1::VerifyEmailResponse reply;
    auto status = stub_->VerifyEmail(call_context().get(), request, &reply);
    if (out) *out = reply;
    return status;
  }

  std::string access_token_of(const std::string& username, const std::string& password) {
    auth::v1::LoginResponse reply;
    EXPECT_TRUE(login(username, "", password, &reply).ok());
    return reply.tokens().access();
  }

  void insert_user(std::int64_t id, const std::string& username, const std::string& hash) {
    pqxx::connection c(database_.url());
    pqxx::work tx(c);
    tx.exec_params("INSERT INTO users (id, username, password_hash) VALUES ($1, $2, $3)", id, username, hash);
    tx.commit();
  }

  std::string stored_hash(const std::string& username) {
    pqxx::connection c(database_.url());
    pqxx::read_transaction tx(c);
    return tx.exec_params1("SELECT password_hash FROM users WHERE username = $1", username)[0].as<std::string>();
  }
};

TEST_F(AuthAccountsTest, RegistrationAppliesDjangosPasswordValidatorsAndStoresNothingOnRefusal) {
  auto status = register_user("admin", "", "admin");
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto errors = common::parse_status_details(status).field_errors;
  EXPECT_EQ(errors.at("password"),
            (std::vector<std::string>{"The password is too similar to the username.",
                                      "This password is too short. It must contain at least 8 characters.",
                                      "This password is too common."}));
  EXPECT_EQ(count("SELECT count(*) FROM users"), 0);
}

TEST_F(AuthAccountsTest, AdminOnlyRegistrationNeedsAStaffUsersValidToken) {
  ServiceUnderTest admin_only(parts({auth::RegistrationPolicy::kAdminOnly, false, {}}));
  auto* stub = admin_only.stub.get();
  auto anonymous = register_user("newbie", "newbie@example.com", "newbie-pass-1", nullptr, stub);
  EXPECT_EQ(anonymous.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(reason(anonymous), "not_authenticated");

  ASSERT_TRUE(register_user("plain", "", "plain-pass-1").ok());  // through the open service
  auto not_staff =
      register_user("newbie", "", "newbie-pass-1", nullptr, stub, access_token_of("plain", "plain-pass-1"));
  EXPECT_EQ(not_staff.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  auth::NewUser root;
  root.username = "root";
  root.password_hash = hasher_.hash("root-pass-12");
  root.is_staff = true;
  users_.create(root);
  auth::v1::LoginResponse staff;
  ASSERT_TRUE(login("root", "", "root-pass-12", &staff).ok());
  auth::v1::RegisterResponse created;
  ASSERT_TRUE(
      register_user("newbie", "newbie@example.com", "newbie-pass-1", &created, stub, staff.tokens().access()).ok());
  EXPECT_EQ(created.user().username(), "newbie");
  EXPECT_FALSE(created.has_tokens()) << "the admin gets no tokens for the user they registered";
  EXPECT_FALSE(mailed_token("newbie@example.com").empty());

  // A staff token revoked by logout no longer registers anyone.
  ASSERT_TRUE(logout(staff.tokens().refresh()).ok());
  auto revoked = register_user("another", "", "another-pass-1", nullptr, stub, staff.tokens().access());
  EXPECT_EQ(revoked.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(count("SELECT count(*) FROM users WHERE username = 'another'"), 0);
}

TEST_F(AuthAccountsTest, EmailVerificationTokenIsMailedHashedAtRestAndSingleUse) {
  auth::v1::RegisterResponse registered;
  ASSERT_TRUE(register_user("vera", "vera@example.com", "vera-pass-12", &registered).ok());
  std::string token = mailed_token("vera@example.com");
  ASSERT_EQ(token.size(), 64u);
  EXPECT_EQ(count("SELECT count(*) FROM email_verifications WHERE encode(token_hash, 'hex') = '" + token + "'"), 0);
  auth::v1::GetMeResponse before;
  ASSERT_TRUE(me(registered.tokens().access(), &before).ok());
  EXPECT_FALSE(before.user().email_verified());

  auth::v1::VerifyEmailResponse verified;
  ASSERT_TRUE(verify_email(token, &verified).ok());
  EXPECT_TRUE(verified.user().email_verified());
  auth::v1::GetMeResponse after;
  ASSERT_TRUE(me(registered.tokens().access(), &after).ok());
  EXPECT_TRUE(after.user().email_verified());

  auto again = verify_email(token);
  ASSERT_EQ(again.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(common::parse_status_details(again).field_errors.at("token").at(0),
            "Invalid or expired verification token.");
  EXPECT_EQ(verify_email(std::string(64, 'a')).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(verify_email("").error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(AuthAccountsTest, AnExpiredVerificationTokenVerifiesNothing) {
  ASSERT_TRUE(register_user("walt", "walt@example.com", "walt-pass-12").ok());
  std::string token = mailed_token("walt@example.com");
  {
    pqxx::connection c(database_.url());
    pqxx::work tx(c);
    tx.exec("UPDATE email_verifications SET expires_at = now() - interval '1 second'");
    tx.commit();
  }
  EXPECT_EQ(verify_email(token).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(count("SELECT count(*) FROM users WHERE email_verified"), 0);
}

TEST_F(AuthAccountsTest, WhenVerificationIsRequiredLoginWaitsForIt) {
  ServiceUnderTest strict(parts({auth::RegistrationPolicy::kOpen, true, {}}));
  auto* stub = strict.stub.get();
  auto no_email = register_user("xena", "", "xena-pass-12", nullptr, stub);
  ASSERT_EQ(no_email.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(common::parse_status_details(no_email).field_errors.at("email").at(0), "This field is required.");

  auth::v1::RegisterResponse registered;
  ASSERT_TRUE(register_user("xena", "xena@example.com", "xena-pass-12", &registered, stub).ok());
  EXPECT_FALSE(registered.has_tokens());
  auto early = login("xena", "", "xena-pass-12", nullptr, stub);
  EXPECT_EQ(early.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(reason(early), "email_not_verified");
  // A wrong password learns nothing about the verification state.
  EXPECT_EQ(reason(login("xena", "", "wrong-password", nullptr, stub)), "no_active_account");

  ASSERT_TRUE(verify_email(mailed_token("xena@example.com")).ok());
  EXPECT_TRUE(login("xena", "", "xena-pass-12", nullptr, stub).ok());
}

TEST_F(AuthAccountsTest, GetMeNeedsALiveAccessToken) {
  auth::v1::RegisterResponse registered;
  ASSERT_TRUE(register_user("yuri", "yuri@example.com", "yuri-pass-12", &registered).ok());
  auth::v1::GetMeResponse reply;
  ASSERT_TRUE(me(registered.tokens().access(), &reply).ok());
  EXPECT_EQ(reply.user().id(), registered.user().id());
  EXPECT_EQ(reply.user().email(), "yuri@example.com");
  EXPECT_GT(reply.user().date_joined().seconds(), 0);
  EXPECT_EQ(reason(me("")), "not_authenticated");
  EXPECT_EQ(reason(me(registered.tokens().refresh())), "token_not_valid");
  ASSERT_TRUE(logout(registered.tokens().refresh()).ok());
  EXPECT_EQ(reason(me(registered.tokens().access())), "token_not_valid");
}

TEST_F(AuthAccountsTest, JwksListsTheSigningKeyFirstAndRetiredKeysStillVerify) {
  auto old_key = test_support::write_signing_key(keys_.path(), "old.pem");
  auth::TokenIssuer old_issuer(common::jwt::SigningKey::from_pem_file(old_key), {});
  auth::UserRecord user;
  user.id = 7;
  auto old_token = old_issuer.issue(user).access.token;

  auth::TokenIssuer rotated(common::jwt::SigningKey::from_pem_file(key_file_), {},
                            common::jwt::KeySet::from_pem_files({old_key}));
  EXPECT_EQ(rotated.verify(old_token, "access").user_id, 7);
  auto jwks = rotated.jwks();
  ASSERT_EQ(jwks.size(), 2u);
  EXPECT_EQ(jwks[0]["kid"], common::jwt::SigningKey::from_pem_file(key_file_).kid());
  EXPECT_EQ(jwks[1]["kid"], common::jwt::SigningKey::from_pem_file(old_key).kid());
  EXPECT_FALSE(jwks[0].contains("d")) << "never the private part";

  auth::v1::GetJwksResponse reply;
  ASSERT_TRUE(stub_->GetJwks(call_context().get(), auth::v1::GetJwksRequest(), &reply).ok());
  ASSERT_EQ(reply.keys_size(), 1);
  EXPECT_EQ(reply.keys(0).kid(), common::jwt::SigningKey::from_pem_file(key_file_).kid());
  EXPECT_EQ(reply.keys(0).alg(), "ES256");
}

TEST_F(AuthAccountsTest, ADjangoHashLogsInOnceAndIsReplacedByArgon2id) {
  insert_user(500, "django_user", "pbkdf2_sha256$1000$c2FsdHNhbHQ1234$ScY73C7vmTF9l0nmTIPKA1cAoLa+YLaI4xQ+hVFptIE=");
  EXPECT_EQ(login("django_user", "", "wrong password").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(stored_hash("django_user").starts_with("pbkdf2_sha256$"));
  ASSERT_TRUE(login("django_user", "", "correct horse battery staple").ok());
  EXPECT_TRUE(stored_hash("django_user").starts_with("$argon2id$"));
  EXPECT_TRUE(login("django_user", "", "correct horse battery staple").ok());
}

TEST_F(AuthAccountsTest, ImportKeepsIdsAndHashesSkipsConflictsAndMovesTheSequence) {
  ASSERT_TRUE(register_user("taken", "", "taken-pass-1").ok());
  auth::DjangoUser importable;
  importable.id = 41;
  importable.username = "imported";
  importable.email = "imported@example.com";
  importable.first_name = "Ima";
  importable.last_name = "Ported";
  importable.password = "pbkdf2_sha256$1000$c2FsdHNhbHQ1234$ScY73C7vmTF9l0nmTIPKA1cAoLa+YLaI4xQ+hVFptIE=";
  importable.is_active = true;
  auth::DjangoUser unusable = importable;
  unusable.id = 42;
  unusable.username = "nopass";
  unusable.email = "";
  unusable.password = "!unusable";
  auth::DjangoUser conflict = importable;
  conflict.id = 43;
  conflict.username = "TAKEN";
  conflict.email = "";

  pqxx::connection c(database_.url());
  auto report = auth::import_django_users(c, {importable, unusable, conflict}, true);
  EXPECT_EQ(report.imported, 2u);
  EXPECT_EQ(report.unusable_passwords, 1u);
  ASSERT_EQ(report.skipped.size(), 1u);
  EXPECT_NE(report.skipped[0].find("id 43"), std::string::npos);

  auth::v1::LoginResponse logged_in;
  ASSERT_TRUE(login("", "imported@example.com", "correct horse battery staple", &logged_in).ok());
  EXPECT_EQ(logged_in.user().id(), 41);
  EXPECT_EQ(logged_in.user().name(), "Ima Ported");
  EXPECT_TRUE(logged_in.user().email_verified());
  EXPECT_EQ(login("nopass", "", "anything").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  auth::v1::RegisterResponse next;
  ASSERT_TRUE(register_user("newcomer", "", "newcomer-pass-1", &next).ok());
  EXPECT_GT(next.user().id(), 42);
}

TEST_F(AuthAccountsTest, HS256MigrationModeAcceptsSimplejwtTokensAndRotatesThemIntoOurs) {
  const std::string secret = "django-insecure-secret-key";
  auto trusted = common::jwt::KeySet();
  trusted.accept_legacy_hs256(secret);
  auth::TokenIssuer migrating(common::jwt::SigningKey::from_pem_file(key_file_), {}, trusted);
  ServiceUnderTest service(parts_with({.tokens = &migrating}));
  insert_user(900, "old_timer", hasher_.hash("old-timer-pass"));

  auto now = epoch_now();
  auto refresh_token = simplejwt_token(secret, {{"token_type", "refresh"},
                                                {"exp", now + 3600},
                                                {"iat", now},
                                                {"jti", "0123456789abcdef0123456789abcdef"},
                                                {"user_id", 900}});
  auto access_token = simplejwt_token(secret, {{"token_type", "access"},
                                               {"exp", now + 300},
                                               {"iat", now},
                                               {"jti", "fedcba9876543210fedcba9876543210"},
                                               {"user_id", 900}});
  auth::v1::GetMeResponse profile;
  ASSERT_TRUE(service.stub->GetMe(call_context(access_token).get(), auth::v1::GetMeRequest(), &profile).ok());
  EXPECT_EQ(profile.user().username(), "old_timer");

  auth::v1::RefreshResponse rotated;
  ASSERT_TRUE(refresh(refresh_token, &rotated, service.stub.get()).ok());
  auto ours = migrating.verify(rotated.tokens().access(), "access");
  EXPECT_FALSE(ours.legacy);
  EXPECT_EQ(ours.user_id, 900);
  // The old token is now used like any rotated one: within the grace window, the same pair.
  auth::v1::RefreshResponse replay;
  ASSERT_TRUE(refresh(refresh_token, &replay, service.stub.get()).ok());
  EXPECT_EQ(replay.tokens().refresh(), rotated.tokens().refresh());

  auto forged = simplejwt_token("another-secret",
                                {{"token_type", "refresh"}, {"exp", now + 3600}, {"jti", "aaaa"}, {"user_id", 900}});
  EXPECT_EQ(refresh(forged, nullptr, service.stub.get()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  // A legacy token of a user who was never imported is refused, not an error.
  auto stranger =
      simplejwt_token(secret, {{"token_type", "refresh"}, {"exp", now + 3600}, {"jti", "bbbb"}, {"user_id", 12345}});
  EXPECT_EQ(refresh(stranger, nullptr, service.stub.get()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(logout(stranger, {}, service.stub.get()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  // Without migration mode, simplejwt tokens are refused.
  EXPECT_EQ(refresh(refresh_token).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AuthAccountsTest, CreateSuperuserValidatesLikeRegistrationAndMakesAVerifiedStaffUser) {
  std::string output;
  EXPECT_EQ(admin({"createsuperuser", "--username", "boss"}, "boss\n", &output), 1);
  EXPECT_NE(output.find("too similar to the username"), std::string::npos) << output;
  EXPECT_EQ(count("SELECT count(*) FROM users"), 0);

  ASSERT_EQ(
      admin({"createsuperuser", "--username", "boss", "--email", "boss@example.com"}, "Sup3r-secret-pw\n", &output), 0)
      << output;
  EXPECT_EQ(count("SELECT count(*) FROM users WHERE is_staff AND is_superuser AND email_verified"), 1);
  EXPECT_TRUE(login("boss", "", "Sup3r-secret-pw").ok());
  EXPECT_EQ(admin({"createsuperuser", "--username", "BOSS"}, "Sup3r-secret-pw\n", &output), 1);
  EXPECT_EQ(admin({"createsuperuser", "--bogus"}, "", &output), 2);
  EXPECT_EQ(admin({"no-such-command"}, "", &output), 2);
}

TEST_F(AuthAccountsTest, DeactivateRefusesLoginAndRevokesEverySessionEverywhere) {
  auth::v1::RegisterResponse registered;
  ASSERT_TRUE(register_user("zoe", "", "zoe-pass-123", &registered).ok());
  auth::v1::LoginResponse second;
  ASSERT_TRUE(login("zoe", "", "zoe-pass-123", &second).ok());
  std::string output;
  ASSERT_EQ(admin({"deactivate", "--username", "zoe"}, "", &output), 0) << output;
  EXPECT_NE(output.find("2 session(s) revoked"), std::string::npos) << output;
  EXPECT_EQ(login("zoe", "", "zoe-pass-123").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(refresh(second.tokens().refresh()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(verify(registered.tokens().access()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(redis_has_family_revocation(family_of(registered.tokens().refresh())));
  EXPECT_TRUE(redis_has_family_revocation(family_of(second.tokens().refresh())));
  EXPECT_EQ(admin({"deactivate", "--username", "nobody"}, "", &output), 1);
}

}  // namespace
