// Changing users through auth.v1.AdminService and the CLI: every change ends the sessions it
// must, at once, and leaves exactly one audit row, committed with it.
#include "integration/auth/admin/admin_fixture.hpp"

#include <nlohmann/json.hpp>

namespace {

using admin_test::AdminServiceTest;
using admin_test::with_authorization;

TEST_F(AdminServiceTest, DeactivationEndsEverySessionAtOnceAndIsAuditedOnce) {
  std::int64_t id = make_user("zoe");
  auto first = session_of("zoe");
  auto second = session_of("zoe");
  staff_authorization();

  auth::v1::SetUserActiveResponse reply;
  ASSERT_TRUE(set_active(id, false, &reply).ok());
  EXPECT_EQ(reply.sessions_ended(), 2);
  EXPECT_FALSE(reply.user().is_active());
  EXPECT_EQ(reply.user().live_sessions(), 0);

  // Refresh tokens are refused, access tokens revoked here and announced to every replica.
  EXPECT_EQ(refresh(second.refresh()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(verify(first.access()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(redis_has_family_revocation(family_of(first.refresh())));
  EXPECT_TRUE(redis_has_family_revocation(family_of(second.refresh())));
  EXPECT_EQ(login("zoe", "", "zoe-pass-123").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(count("SELECT count(*) FROM token_families WHERE revoked_reason = 'deactivated'"), 2);

  EXPECT_EQ(audit_rows("user.deactivate"),
            (std::vector<std::string>{"user:" + std::to_string(staff_id_) + "|" + std::to_string(id) +
                                      "|127.0.0.1|{\"changed\": true, \"sessions_ended\": 2}"}));
  EXPECT_EQ(count("SELECT count(*) FROM audit_log"), 1);

  // Reactivating lets them log in again; it ends nothing and is audited too.
  ASSERT_TRUE(set_active(id, true, &reply).ok());
  EXPECT_TRUE(reply.user().is_active());
  EXPECT_EQ(reply.sessions_ended(), 0);
  EXPECT_TRUE(login("zoe", "", "zoe-pass-123").ok());
  EXPECT_EQ(audit_rows("user.activate").size(), 1u);
}

TEST_F(AdminServiceTest, EndUserSessionsEndsThemButKeepsTheAccount) {
  std::int64_t id = make_user("kim");
  auto session = session_of("kim");
  auth::v1::EndUserSessionsRequest request;
  request.set_id(id);
  auth::v1::EndUserSessionsResponse reply;
  ASSERT_TRUE(admin_.stub->EndUserSessions(with_authorization(staff_authorization()).get(), request, &reply).ok());
  EXPECT_EQ(reply.sessions_ended(), 1);
  EXPECT_EQ(refresh(session.refresh()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(verify(session.access()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(redis_has_family_revocation(family_of(session.refresh())));
  EXPECT_EQ(count("SELECT count(*) FROM token_families WHERE revoked_reason = 'admin'"), 1);
  EXPECT_TRUE(login("kim", "", "kim-pass-123").ok()) << "still active";

  ASSERT_TRUE(admin_.stub->EndUserSessions(with_authorization(staff_authorization()).get(), request, &reply).ok());
  EXPECT_EQ(reply.sessions_ended(), 1) << "the login just above";
  auto rows = audit_rows("user.end_sessions");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_TRUE(rows[0].ends_with("|{\"sessions_ended\": 1}")) << rows[0];
}

TEST_F(AdminServiceTest, SendPasswordResetIssuesItInTheAuditedTransaction) {
  std::int64_t id = make_user("ria");
  auth::v1::SendPasswordResetRequest request;
  request.set_id(id);
  auth::v1::SendPasswordResetResponse reply;

  ASSERT_TRUE(admin_.stub->SendPasswordReset(with_authorization(staff_authorization()).get(), request, &reply).ok());
  EXPECT_EQ(count("SELECT count(*) FROM mail_outbox WHERE recipient = 'ria@example.com'"), 1);
  EXPECT_EQ(mailed_token("ria@example.com", "Reset your password").size(), 64u);
  EXPECT_EQ(count("SELECT count(*) FROM password_resets WHERE used_at IS NULL"), 1);
  EXPECT_EQ(audit_rows("user.send_password_reset").size(), 1u);

  // A reset that fails takes its audit row with it, and the other way round.
  fail_resets_ = true;
  EXPECT_EQ(
      admin_.stub->SendPasswordReset(with_authorization(staff_authorization()).get(), request, &reply).error_code(),
      grpc::StatusCode::INTERNAL);
  EXPECT_EQ(audit_rows("user.send_password_reset").size(), 1u);
  EXPECT_EQ(count("SELECT count(*) FROM mail_outbox"), 1);
}

TEST_F(AdminServiceTest, CliDeactivateTakesTheSameAuditedPath) {
  ::setenv("SUDO_USER", "ops-alice", 1);
  std::int64_t id = make_user("zed");
  auto session = session_of("zed");
  std::string output;
  ASSERT_EQ(admin({"deactivate", "--username", "zed"}, "", &output), 0) << output;
  EXPECT_NE(output.find("User " + std::to_string(id) + " deactivated; 1 session(s) revoked."), std::string::npos)
      << output;
  EXPECT_EQ(audit_rows("user.deactivate"), (std::vector<std::string>{"cli:ops-alice|" + std::to_string(id) +
                                                                     "||{\"changed\": true, \"sessions_ended\": 1}"}));
  EXPECT_EQ(verify(session.access()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(redis_has_family_revocation(family_of(session.refresh())));

  ASSERT_EQ(admin({"deactivate", "--id", std::to_string(id)}, "", &output), 0) << output;
  EXPECT_NE(output.find("was already inactive; 0 session(s) revoked."), std::string::npos) << output;
  EXPECT_EQ(audit_rows("user.deactivate").size(), 2u);

  // Without SUDO_USER, the login user names the actor.
  ::unsetenv("SUDO_USER");
  ::setenv("USER", "bob", 1);
  ASSERT_EQ(admin({"createsuperuser", "--username", "boss"}, "Sup3r-secret-pw\n", &output), 0) << output;
  auto created = audit_rows("user.create_superuser");
  ASSERT_EQ(created.size(), 1u);
  EXPECT_TRUE(created[0].starts_with("cli:bob|")) << created[0];
}

TEST_F(AdminServiceTest, ListAuditEventsIsNewestFirstPagedAndFilteredByUser) {
  std::int64_t ann = make_user("ann");
  std::int64_t bob = make_user("bob");
  ASSERT_TRUE(set_staff(ann, true, staff_authorization()).ok());
  ASSERT_TRUE(set_active(bob, false).ok());
  ASSERT_TRUE(set_active(ann, false).ok());

  auto list = [&](std::int64_t target, int size, const std::string& token, auth::v1::ListAuditEventsResponse* out) {
    auth::v1::ListAuditEventsRequest request;
    request.set_target_user(target);
    request.set_page_size(size);
    request.set_page_token(token);
    return admin_.stub->ListAuditEvents(with_authorization(staff_authorization()).get(), request, out);
  };
  auth::v1::ListAuditEventsResponse first, second;
  ASSERT_TRUE(list(0, 2, "", &first).ok());
  ASSERT_EQ(first.events_size(), 2);
  EXPECT_EQ(first.events(0).action(), "user.deactivate");
  EXPECT_EQ(first.events(0).target_user(), ann);
  EXPECT_EQ(first.events(1).target_user(), bob);
  EXPECT_GT(first.events(0).id(), first.events(1).id());
  EXPECT_EQ(first.events(0).actor(), "user:" + std::to_string(staff_id_));
  EXPECT_EQ(first.events(0).client_ip(), "127.0.0.1");
  EXPECT_TRUE(first.events(0).has_at());
  EXPECT_EQ(nlohmann::json::parse(first.events(0).detail()).at("sessions_ended"), 0);
  ASSERT_FALSE(first.next_page_token().empty());
  ASSERT_TRUE(list(0, 2, first.next_page_token(), &second).ok());
  ASSERT_EQ(second.events_size(), 1);
  EXPECT_EQ(second.events(0).action(), "user.grant_staff");
  EXPECT_TRUE(second.next_page_token().empty());

  auth::v1::ListAuditEventsResponse about_ann;
  ASSERT_TRUE(list(ann, 0, "", &about_ann).ok());
  ASSERT_EQ(about_ann.events_size(), 2);
  EXPECT_EQ(about_ann.events(0).action(), "user.deactivate");
  EXPECT_EQ(about_ann.events(1).action(), "user.grant_staff");

  auth::v1::ListAuditEventsResponse refused;
  EXPECT_EQ(list(0, 1000, "", &refused).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(list(0, 2, "%%%", &refused).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
