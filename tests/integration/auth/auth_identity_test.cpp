// One canonical identity per account, one login limit per account, and strict text in every
// field of the auth service (issue 11), on real PostgreSQL and Redis.
#include "auth/accounts/identity.hpp"
#include "auth/accounts/identity_keys.hpp"
#include "auth/django_import/user_import.hpp"
#include "integration/auth/auth_fixture.hpp"

#include <gtest/gtest.h>

namespace {

using auth_test::AuthServiceTest;
using auth_test::ServiceUnderTest;
using test_support::call_context;

const char* const kNul = "Null characters are not allowed.";
const char* const kBadUtf8 = "Enter valid UTF-8 text.";

std::string nul(const std::string& before, const std::string& after = "") {
  return before + std::string(1, '\0') + after;
}

std::string field_error(const grpc::Status& status, const std::string& field) {
  auto errors = common::parse_status_details(status).field_errors;
  auto it = errors.find(field);
  return it == errors.end() || it->second.empty() ? "" : it->second.front();
}

class AuthIdentityTest : public AuthServiceTest {
 protected:
  std::string key_of(std::int64_t id, const char* column) {
    pqxx::connection c(database_.url());
    pqxx::read_transaction tx(c);
    auto value = tx.exec_params1(std::string("SELECT ") + column + " FROM users WHERE id = $1", id)[0];
    return value.is_null() ? "<null>" : value.as<std::string>();
  }
};

TEST_F(AuthIdentityTest, TwoSpellingsOfOneUsernameAreOneAccount) {
  auth::v1::RegisterResponse first;
  ASSERT_TRUE(register_user("atk_1", "", "fullwidth-pass-1", &first).ok());
  for (const std::string& spelling :
       {std::string("\xEF\xBD\x81\xEF\xBD\x94\xEF\xBD\x8B\xEF\xBC\xBF\xEF\xBC\x91"),  // ａｔｋ＿１
        std::string("ATK_1"), std::string(" Atk_1 ")}) {
    auto again = register_user(spelling, "", "fullwidth-pass-1");
    EXPECT_EQ(again.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << spelling;
    EXPECT_EQ(field_error(again, "username"), "A user with that username already exists.") << spelling;
    auth::v1::LoginResponse login;
    ASSERT_TRUE(this->login(spelling, "", "fullwidth-pass-1", &login).ok()) << spelling;
    EXPECT_EQ(login.user().id(), first.user().id());
    EXPECT_EQ(login.user().username(), "atk_1");
  }
  // "Straße" and "STRASSE" fold to one key.
  ASSERT_TRUE(register_user("Stra\xC3\x9F"
                            "e",
                            "", "strasse-pass-1")
                  .ok());
  EXPECT_EQ(field_error(register_user("STRASSE", "", "strasse-pass-1"), "username"),
            "A user with that username already exists.");
  EXPECT_EQ(count("SELECT count(*) FROM users"), 2);
}

TEST_F(AuthIdentityTest, FullwidthUsernameIsStoredInNfkc) {
  auth::v1::RegisterResponse reply;
  ASSERT_TRUE(
      register_user("\xEF\xBD\x81\xEF\xBD\x94\xEF\xBD\x8B\xEF\xBC\xBF\xEF\xBC\x92", "", "fullwidth-pass-2", &reply)
          .ok());
  EXPECT_EQ(reply.user().username(), "atk_2");
  EXPECT_EQ(key_of(reply.user().id(), "username"), "atk_2");
  EXPECT_EQ(key_of(reply.user().id(), "username_key"), "atk_2");
}

TEST_F(AuthIdentityTest, TwoSpellingsOfOneEmailAreOneAccount) {
  auth::v1::RegisterResponse first;
  ASSERT_TRUE(register_user("", "u@M\xC3\x9CLLER-x.COM", "unicode-pass-1", &first).ok());
  EXPECT_EQ(first.user().email(), "u@m\xC3\xBCller-x.com");  // Django's normalize_email
  EXPECT_EQ(key_of(first.user().id(), "email_key"), "u@xn--mller-x-n2a.com");
  for (const char* spelling : {"u@m\xC3\xBCller-x.com", "U@xn--mller-x-n2a.com", "u@XN--MLLER-X-N2A.com"}) {
    auto again = register_user("", spelling, "unicode-pass-1");
    EXPECT_EQ(field_error(again, "email"), "user with this email already exists.") << spelling;
    auth::v1::LoginResponse login;
    ASSERT_TRUE(this->login("", spelling, "unicode-pass-1", &login).ok()) << spelling;
    EXPECT_EQ(login.user().id(), first.user().id());
  }
  EXPECT_EQ(field_error(register_user("", "u@xn--zz-.com", "unicode-pass-1"), "email"), "Enter a valid email address.");
  EXPECT_EQ(count("SELECT count(*) FROM users"), 1);
}

TEST_F(AuthIdentityTest, UsernameAndEmailLoginsShareOneLimitAndSuccessResetsIt) {
  auto service = limited_service(3);
  auto* stub = service->stub.get();
  ASSERT_TRUE(register_user("dora", "dora@example.com", "dora-pass-1").ok());
  EXPECT_EQ(login("dora", "", "wrong", nullptr, stub).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(login("", "DORA@example.com", "wrong", nullptr, stub).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(login("\xEF\xBC\xA4ora", "", "wrong", nullptr, stub).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);  // Ｄora
  // Three failures through three spellings: the account is locked for all of them.
  EXPECT_EQ(login("", "dora@example.com", "dora-pass-1", nullptr, stub).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(login("DORA", "", "dora-pass-1", nullptr, stub).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);

  // Another account, on a service whose limit is 3 again: a success resets the shared count.
  auto fresh = limited_service(3);
  stub = fresh->stub.get();
  EXPECT_EQ(login("dora", "", "wrong", nullptr, stub).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(login("", "dora@example.com", "wrong", nullptr, stub).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(login("", "dora@example.com", "dora-pass-1", nullptr, stub).ok());
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(login("dora", "", "wrong", nullptr, stub).error_code(), grpc::StatusCode::UNAUTHENTICATED) << i;
  }
  EXPECT_EQ(login("dora", "", "dora-pass-1", nullptr, stub).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
}

TEST_F(AuthIdentityTest, UnknownAccountsAreLimitedByTheirCanonicalKey) {
  auto service = limited_service(2);
  auto* stub = service->stub.get();
  EXPECT_EQ(login("ghost", "", "x", nullptr, stub).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(login("\xEF\xBC\xA7HOST", "", "x", nullptr, stub).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);  // ＧHOST
  EXPECT_EQ(login("Ghost", "", "x", nullptr, stub).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(login("",
                  "g@B\xC3\x9C"
                  "CHER.de",
                  "x", nullptr, stub)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(login("", "G@xn--bcher-kva.de", "x", nullptr, stub).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(login("",
                  "g@b\xC3\xBC"
                  "cher.de",
                  "x", nullptr, stub)
                .error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
}

TEST_F(AuthIdentityTest, NulSuffixedIdentifiersAreRefusedAndNeverReachTheLimiter) {
  auto service = limited_service(2);
  auto* stub = service->stub.get();
  ASSERT_TRUE(register_user("vera", "vera@example.com", "vera-pass-1").ok());
  for (int i = 0; i < 5; ++i) {
    auto by_name = login(nul("vera", std::to_string(i)), "", "vera-pass-1", nullptr, stub);
    EXPECT_EQ(by_name.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(field_error(by_name, "username"), kNul);
    auto by_email = login("", nul("vera@example.com", std::to_string(i)), "vera-pass-1", nullptr, stub);
    EXPECT_EQ(field_error(by_email, "email"), kNul);
    EXPECT_EQ(field_error(login("vera", "", nul("vera-pass-1"), nullptr, stub), "password"), kNul);
    EXPECT_EQ(field_error(login("vera", "", "vera-pass-1\xFF", nullptr, stub), "password"), kBadUtf8);
    EXPECT_EQ(field_error(login("vera\xC0\xAF", "", "vera-pass-1", nullptr, stub), "username"), kBadUtf8);
  }
  // None of them counted: the account still has its whole budget.
  EXPECT_EQ(login("vera", "", "wrong", nullptr, stub).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(login("vera", "", "vera-pass-1", nullptr, stub).ok());
  // Nothing with a NUL reached Redis: only the account's own key was ever written.
  auto keys = redis_.command({"KEYS", "auth:rl:identity-" + database_.name() + "-1:*"});
  EXPECT_LE(keys.elements.size(), 1u);
}

TEST_F(AuthIdentityTest, NulAndInvalidUtf8InEveryRegistrationFieldAreFieldErrors) {
  auto attempt = [&](const char* field, const std::string& value) {
    auth::v1::RegisterRequest request;
    request.set_username("rita");
    request.set_email("rita@example.com");
    request.set_name("Rita");
    request.set_password("rita-pass-long-1");
    auto* reflection = request.GetReflection();
    reflection->SetString(&request, request.GetDescriptor()->FindFieldByName(field), value);
    auth::v1::RegisterResponse reply;
    return stub_->Register(call_context().get(), request, &reply);
  };
  for (const char* field : {"username", "email", "name", "password", "password2"}) {
    auto with_nul = attempt(field, nul(field == std::string("email") ? "rita@example.com" : "rita-pass-long-1", "x"));
    EXPECT_EQ(with_nul.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << field;
    EXPECT_EQ(field_error(with_nul, field), kNul) << field;
    auto bad = attempt(field, "rita\xED\xA0\x80");  // a UTF-16 surrogate
    EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << field;
    EXPECT_EQ(field_error(bad, field), kBadUtf8) << field;
  }
  EXPECT_EQ(count("SELECT count(*) FROM users"), 0);
}

TEST_F(AuthIdentityTest, NulAndInvalidUtf8InTokensAreFieldErrors) {
  auth::v1::RegisterResponse reg;
  ASSERT_TRUE(register_user("tina", "", "tina-pass-1", &reg).ok());
  const std::string refresh_token = reg.tokens().refresh();
  EXPECT_EQ(field_error(refresh(nul(refresh_token, "x")), "refresh"), kNul);
  EXPECT_EQ(field_error(refresh(refresh_token + "\xFF"), "refresh"), kBadUtf8);
  EXPECT_EQ(field_error(verify(nul(reg.tokens().access())), "token"), kNul);
  EXPECT_EQ(field_error(logout(nul(refresh_token)), "refresh"), kNul);
  EXPECT_EQ(field_error(logout(refresh_token, nul(reg.tokens().access())), "access"), kNul);
  auth::v1::VerifyEmailRequest request;
  request.set_token(nul("abc"));
  auth::v1::VerifyEmailResponse reply;
  EXPECT_EQ(field_error(stub_->VerifyEmail(call_context().get(), request, &reply), "token"), kNul);
  // The token itself was never consumed by any of these.
  EXPECT_TRUE(refresh(refresh_token).ok());
}

TEST_F(AuthIdentityTest, ImportedUsersGetKeysAndSpellingsOfTakenIdentitiesAreSkipped) {
  ASSERT_TRUE(register_user("atk_1", "u@example.com", "import-pass-1").ok());
  std::vector<auth::DjangoUser> users(4);
  users[0].id = 100, users[0].username = "\xEF\xBD\x81\xEF\xBD\x94\xEF\xBD\x8B\xEF\xBC\xBF\xEF\xBC\x91";  // ａｔｋ＿１
  users[1].id = 101, users[1].username = "fresh", users[1].email = "U@EXAMPLE.com";
  users[2].id = 102, users[2].username = "Fresh2",
  users[2].email =
      "f@B\xC3\x9C"
      "CHER.de";
  users[3].id = 103, users[3].username = nul("nul");
  for (auto& user : users) user.password = "!unusable";
  pqxx::connection c(database_.url());
  auto report = auth::import_django_users(c, users, true, false);
  EXPECT_EQ(report.imported, 1);
  ASSERT_EQ(report.skipped.size(), 3u);
  EXPECT_NE(report.skipped[2].find(kNul), std::string::npos) << report.skipped[2];
  EXPECT_EQ(key_of(102, "username_key"), "fresh2");
  EXPECT_EQ(key_of(102, "email"),
            "f@b\xC3\xBC"
            "cher.de");
  EXPECT_EQ(key_of(102, "email_key"), "f@xn--bcher-kva.de");
}

// Rows written before migration 005 (or by an older replica) get their keys; a row that folds
// to an older account's key is reported, keeps no key, and the start-up does not fail.
TEST(AuthIdentityMigration, ExistingRowsAreBackfilledOldestFirstAndCollisionsReported) {
  test_support::TestDatabase database("auth_keys");
  pqxx::connection c(database.url());
  std::vector<common::Migration> before;
  for (const auto& m : auth::migrations()) {
    if (m.version < 5) before.push_back(m);
  }
  ASSERT_EQ(common::apply_migrations(c, "auth", before), 4);
  {
    pqxx::work tx(c);
    // What the old code stored: raw fullwidth usernames, ASCII-lowered domains.
    tx.exec(
        "INSERT INTO users (id, username, email, password_hash) VALUES "
        "(1, 'atk_1', 'a@m\xC3\x9CLLER.com', 'x'), "
        "(2, '\xEF\xBD\x81\xEF\xBD\x94\xEF\xBD\x8B\xEF\xBC\xBF\xEF\xBC\x91', NULL, 'x'), "
        "(3, 'Stra\xC3\x9F"
        "e', 'A@xn--mller-kva.com', 'x'), "
        "(4, NULL, 'solo@example.com', 'x')");
    tx.commit();
  }
  EXPECT_EQ(auth::migrate(c), static_cast<int>(auth::migrations().size()) - 4);
  auto key = [&](std::int64_t id, const char* column) {
    pqxx::read_transaction tx(c);
    auto value = tx.exec_params1(std::string("SELECT ") + column + " FROM users WHERE id = $1", id)[0];
    return value.is_null() ? std::string("<null>") : value.as<std::string>();
  };
  EXPECT_EQ(key(1, "username_key"), "atk_1");
  EXPECT_EQ(key(1, "email_key"), "a@xn--mller-kva.com");
  EXPECT_EQ(key(2, "username_key"), "<null>");  // ａｔｋ＿１ is atk_1's, the older account
  EXPECT_EQ(key(3, "username_key"), "strasse");
  EXPECT_EQ(key(3, "email_key"), "<null>");  // a@müller.com is account 1's
  EXPECT_EQ(key(4, "email_key"), "solo@example.com");
  EXPECT_EQ(key(4, "username_key"), "<null>");

  // Running it again (another replica, the next start) changes nothing and still reports.
  auto report = auth::fill_identity_keys(c);
  EXPECT_EQ(report.filled, 0);
  ASSERT_EQ(report.conflicts.size(), 2u);
  EXPECT_EQ(report.conflicts[0].user_id, 2);
  EXPECT_EQ(report.conflicts[0].field, "username");
  EXPECT_EQ(report.conflicts[0].holder_id, 1);
  EXPECT_EQ(report.conflicts[1].user_id, 3);
  EXPECT_EQ(report.conflicts[1].field, "email");

  // Lookups by any spelling find the keyed account.
  common::PgPool pool(database.url(), 1, auth::prepare_auth_statements);
  auth::UserStore users(pool);
  EXPECT_EQ(users.find_by_username("\xEF\xBC\xA1TK_1")->id, 1);  // ＡTK_1
  EXPECT_EQ(users.find_by_email("A@M\xC3\xBCller.COM")->id, 1);
  EXPECT_EQ(users.find_by_username("STRASSE")->id, 3);
}

// A row an older replica wrote during a rolling upgrade (no keys) can still log in, and
// housekeeping's fill gives it its keys.
TEST_F(AuthIdentityTest, RowsWithoutKeysAreFoundTheOldWayUntilFilled) {
  {
    pqxx::connection c(database_.url());
    pqxx::work tx(c);
    tx.exec_params(
        "INSERT INTO users (id, username, email, password_hash) VALUES (500, 'Olde', 'olde@example.com', $1)",
        hasher_.hash("olde-pass-1"));
    tx.commit();
  }
  EXPECT_TRUE(login("olde", "", "olde-pass-1").ok());
  EXPECT_TRUE(login("", "OLDE@example.com", "olde-pass-1").ok());
  auto report = auth::fill_identity_keys(pool_);
  EXPECT_EQ(report.filled, 2);
  EXPECT_EQ(key_of(500, "username_key"), "olde");
  EXPECT_TRUE(login("\xEF\xBD\x8F\xEF\xBD\x8C\xEF\xBD\x84\xEF\xBD\x85", "", "olde-pass-1").ok());  // ｏｌｄｅ
}

}  // namespace
