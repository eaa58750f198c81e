// Who may call auth.v1.AdminService: staff users' access tokens and live service keys, nobody
// else; and the CLI commands that make and end service keys.
#include "integration/auth/admin/admin_fixture.hpp"

#include <openssl/evp.h>

namespace {

using admin_test::AdminServiceTest;
using admin_test::reason;

std::string sha256_hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0xf];
  }
  return out;
}

TEST_F(AdminServiceTest, AStaffUsersAccessTokenIsAllowedAndAnotherUsersIsNotStaff) {
  std::int64_t plain = make_user("plain");
  auth::v1::GetUserResponse reply;
  ASSERT_TRUE(get_user(plain, staff_authorization(), &reply).ok());
  EXPECT_EQ(reply.user().username(), "plain");

  auto denied = get_user(plain, "Bearer " + session_of("plain").access());
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(reason(denied), "not_staff");
}

TEST_F(AdminServiceTest, MissingOrInvalidCredentialsAreUnauthenticated) {
  std::int64_t plain = make_user("plain");
  auto staff = staff_authorization();
  auto expect_unauthenticated = [&](const std::string& authorization, const std::string& why) {
    auto status = get_user(plain, authorization);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << authorization;
    EXPECT_EQ(reason(status), why) << authorization;
  };
  expect_unauthenticated("", "not_authenticated");
  expect_unauthenticated("Basic cm9vdDpyb290", "not_authenticated");
  expect_unauthenticated("Bearer not-a-token", "token_not_valid");
  expect_unauthenticated("ServiceKey x", "token_not_valid");
  expect_unauthenticated("ServiceKey nobody." + std::string(64, 'a'), "token_not_valid");
  expect_unauthenticated("ServiceKey ' OR 1=1 --", "token_not_valid");
  // The staff user's refresh token is not an access token.
  auth::v1::LoginResponse root;
  ASSERT_TRUE(login("root", "", "root-pass-123", &root).ok());
  expect_unauthenticated("Bearer " + root.tokens().refresh(), "token_not_valid");
  // Nor does a staff access token work after its session ended.
  ASSERT_TRUE(logout(root.tokens().refresh()).ok());
  expect_unauthenticated("Bearer " + root.tokens().access(), "token_not_valid");
  EXPECT_TRUE(get_user(plain, staff).ok()) << "the other session of root is still live";
}

TEST_F(AdminServiceTest, StaffIsReadFromTheDatabaseOnEveryCall) {
  std::int64_t helper = make_user("helper");
  std::string helper_authorization = "Bearer " + session_of("helper").access();
  EXPECT_EQ(get_user(helper, helper_authorization).error_code(), grpc::StatusCode::PERMISSION_DENIED);

  ASSERT_TRUE(set_staff(helper, true, staff_authorization()).ok());
  EXPECT_TRUE(get_user(helper, helper_authorization).ok()) << "the same token, now of a staff user";
  EXPECT_EQ(audit_rows("user.grant_staff"),
            (std::vector<std::string>{"user:" + std::to_string(staff_id_) + "|" + std::to_string(helper) +
                                      "|127.0.0.1|{\"changed\": true}"}));

  // A staff user cannot take their own staff away and keep using the API.
  ASSERT_TRUE(set_staff(helper, false, helper_authorization).ok());
  EXPECT_EQ(get_user(helper, helper_authorization).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(audit_rows("user.revoke_staff").size(), 1u);
  // A deactivated staff user's token is no credential at all.
  ASSERT_TRUE(set_staff(helper, true, staff_authorization()).ok());
  ASSERT_TRUE(set_active(helper, false).ok());
  EXPECT_EQ(get_user(helper, helper_authorization).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AdminServiceTest, AServiceKeyWorksUntilItIsRevokedAndOnlyItsHashIsStored) {
  ::setenv("SUDO_USER", "keymaster", 1);
  std::int64_t plain = make_user("plain");
  std::string key = create_service_key("billing");
  ASSERT_TRUE(key.starts_with("billing.")) << key;

  auth::v1::GetUserResponse reply;
  ASSERT_TRUE(get_user(plain, "ServiceKey " + key, &reply).ok());
  EXPECT_EQ(reply.user().id(), plain);
  EXPECT_EQ(count("SELECT count(*) FROM service_keys WHERE encode(key_hash, 'hex') = '" + sha256_hex(key) + "'"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM service_keys s WHERE s::text LIKE '%" + key.substr(8) + "%'"), 0);
  // One character off, or another key's name with this secret: refused.
  std::string wrong = key;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  EXPECT_EQ(get_user(plain, "ServiceKey " + wrong).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  create_service_key("other");
  EXPECT_EQ(get_user(plain, "ServiceKey other" + key.substr(7)).error_code(), grpc::StatusCode::UNAUTHENTICATED);

  // What a service does is audited under its name.
  ASSERT_TRUE(set_staff(plain, true, "ServiceKey " + key).ok());
  auto grants = audit_rows("user.grant_staff");
  ASSERT_EQ(grants.size(), 1u);
  EXPECT_TRUE(grants[0].starts_with("service:billing|" + std::to_string(plain) + "|")) << grants[0];
  EXPECT_EQ(audit_rows("service_key.create").at(0), "cli:keymaster|||{\"name\": \"billing\"}");

  std::string output;
  ASSERT_EQ(admin({"list-service-keys"}, "", &output), 0);
  EXPECT_NE(output.find("billing\tcreated "), std::string::npos) << output;
  EXPECT_EQ(output.find("revoked"), std::string::npos) << output;
  EXPECT_EQ(output.find(key.substr(8)), std::string::npos) << "never the key itself";

  ASSERT_EQ(admin({"revoke-service-key", "billing"}, "", &output), 0) << output;
  auto revoked = get_user(plain, "ServiceKey " + key);
  EXPECT_EQ(revoked.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(reason(revoked), "token_not_valid");
  EXPECT_EQ(audit_rows("service_key.revoke").size(), 1u);
  ASSERT_EQ(admin({"list-service-keys"}, "", &output), 0);
  EXPECT_NE(output.find("revoked "), std::string::npos) << output;
  EXPECT_EQ(admin({"revoke-service-key", "billing"}, "", &output), 1) << "already revoked";
}

TEST_F(AdminServiceTest, ServiceKeyCommandsRefuseBadNamesAndTakenOnes) {
  std::string output;
  EXPECT_EQ(admin({"create-service-key", "Billing"}, "", &output), 2) << output;
  EXPECT_EQ(admin({"create-service-key", "a.b"}, "", &output), 2) << output;
  EXPECT_EQ(admin({"create-service-key", std::string(65, 'a')}, "", &output), 2) << output;
  EXPECT_EQ(admin({"create-service-key"}, "", &output), 2) << output;
  EXPECT_EQ(count("SELECT count(*) FROM service_keys"), 0);

  ASSERT_FALSE(create_service_key("billing").empty());
  EXPECT_EQ(admin({"create-service-key", "billing"}, "", &output), 1) << output;
  EXPECT_EQ(count("SELECT count(*) FROM service_keys"), 1);
  EXPECT_EQ(audit_rows("service_key.create").size(), 1u) << "a refused key leaves no audit row";
  EXPECT_EQ(admin({"revoke-service-key", "nobody"}, "", &output), 1) << output;
}

}  // namespace
