// The caller's own account (issue 14): profile and email change, verification resend, sessions,
// deletion and the durable event that removes the account's content.
#include "integration/auth/auth_fixture.hpp"

#include <gtest/gtest.h>

namespace {

using auth_test::AuthServiceTest;
using test_support::call_context;

class SelfServiceTest : public AuthServiceTest {
 protected:
  grpc::Status update(const std::string& access, const auth::v1::UpdateMeRequest& request,
                      auth::v1::UpdateMeResponse* out = nullptr) {
    auth::v1::UpdateMeResponse reply;
    auto status = stub_->UpdateMe(call_context(access).get(), request, &reply);
    if (out) *out = reply;
    return status;
  }

  std::string first_error(const grpc::Status& status, const std::string& field) {
    auto errors = common::parse_status_details(status).field_errors;
    return errors.contains(field) ? errors.at(field).at(0) : "";
  }

  auth::v1::LoginResponse login_from(const std::string& username, const std::string& password,
                                     const std::string& user_agent, const std::string& client_ip) {
    auth::v1::LoginRequest request;
    request.set_username(username);
    request.set_password(password);
    auto context = call_context();
    context->AddMetadata("x-user-agent", user_agent);
    context->AddMetadata("x-client-ip", client_ip);
    auth::v1::LoginResponse reply;
    EXPECT_TRUE(stub_->Login(context.get(), request, &reply).ok());
    return reply;
  }

  grpc::Status delete_me(const std::string& access, const std::string& password) {
    auth::v1::DeleteMeRequest request;
    request.set_current_password(password);
    auth::v1::DeleteMeResponse reply;
    return stub_->DeleteMe(call_context(access).get(), request, &reply);
  }
};

TEST_F(SelfServiceTest, ProfileChangesFollowTheRegistrationRules) {
  auth::v1::RegisterResponse pia;
  ASSERT_TRUE(register_user("pia", "", "pia-pass-123", &pia).ok());
  ASSERT_TRUE(register_user("quinn", "", "quinn-pass-123").ok());
  const auto& access = pia.tokens().access();

  auth::v1::UpdateMeRequest taken;
  taken.set_username("QUINN");
  EXPECT_EQ(first_error(update(access, taken), "username"), "A user with that username already exists.");
  auth::v1::UpdateMeRequest blank;
  blank.set_username("  ");
  EXPECT_EQ(first_error(update(access, blank), "username"), "This field may not be blank.");
  auth::v1::UpdateMeRequest bad;
  bad.set_name(std::string("Pia\0P", 5));
  EXPECT_EQ(first_error(update(access, bad), "name"), "Null characters are not allowed.");

  auth::v1::UpdateMeRequest good;
  good.set_username(" Pia_2 ");
  good.set_name("Pia P");
  auth::v1::UpdateMeResponse updated;
  ASSERT_TRUE(update(access, good, &updated).ok());
  EXPECT_EQ(updated.user().username(), "Pia_2");
  EXPECT_EQ(updated.user().name(), "Pia P");
  EXPECT_TRUE(login("pia_2", "", "pia-pass-123").ok());
  EXPECT_EQ(login("pia", "", "pia-pass-123").error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(SelfServiceTest, ANewEmailWaitsForItsLinkAndTheOldAddressIsTold) {
  auth::v1::RegisterResponse sam;
  ASSERT_TRUE(register_user("sam", "sam@old.example", "sam-pass-123", &sam).ok());
  ASSERT_TRUE(register_user("tess", "tess@example.com", "tess-pass-123").ok());
  auth::v1::UpdateMeRequest to_taken;
  to_taken.set_email("TESS@example.com");
  EXPECT_EQ(first_error(update(sam.tokens().access(), to_taken), "email"), "user with this email already exists.");

  auth::v1::UpdateMeRequest change;
  change.set_email("sam@new.example");
  auth::v1::UpdateMeResponse pending;
  ASSERT_TRUE(update(sam.tokens().access(), change, &pending).ok());
  EXPECT_EQ(pending.user().email(), "sam@old.example");
  EXPECT_EQ(pending.user().pending_email(), "sam@new.example");
  EXPECT_NE(last_mail("sam@old.example", "Your email address is being changed").find("sam@new.example"),
            std::string::npos);
  EXPECT_EQ(login("", "sam@new.example", "sam-pass-123").error_code(), grpc::StatusCode::UNAUTHENTICATED);

  auth::v1::VerifyEmailRequest verify_request;
  verify_request.set_token(mailed_token("sam@new.example", "Confirm your new email address"));
  auth::v1::VerifyEmailResponse verified;
  ASSERT_TRUE(stub_->VerifyEmail(call_context().get(), verify_request, &verified).ok());
  EXPECT_EQ(verified.user().email(), "sam@new.example");
  EXPECT_TRUE(verified.user().email_verified());
  EXPECT_EQ(verified.user().pending_email(), "");
  EXPECT_TRUE(login("", "sam@new.example", "sam-pass-123").ok());
  EXPECT_EQ(login("", "sam@old.example", "sam-pass-123").error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(SelfServiceTest, ResendMailsOnlyAddressesWaitingForVerification) {
  ASSERT_TRUE(register_user("tia", "tia@example.com", "tia-pass-123").ok());
  ASSERT_EQ(mails_to("tia@example.com"), 1);
  for (const std::string email : {"tia@example.com", "none@example.com"}) {
    auth::v1::ResendVerificationRequest request;
    request.set_email(email);
    auth::v1::ResendVerificationResponse reply;
    EXPECT_TRUE(stub_->ResendVerification(call_context().get(), request, &reply).ok());
  }
  components_.mail_requests.resolve_pending();
  EXPECT_EQ(mails_to("tia@example.com"), 2);
  EXPECT_EQ(mails_to("none@example.com"), 0);
}

TEST_F(SelfServiceTest, SessionsListTheirClientsAndEndOneOrAllOthers) {
  ASSERT_TRUE(register_user("ada", "", "ada-pass-123").ok());
  ASSERT_TRUE(register_user("bea", "", "bea-pass-123").ok());
  // gRPC metadata only carries printable ASCII; length is what the service must bound.
  auto laptop = login_from("ada", "ada-pass-123", "Firefox/1 " + std::string(300, 'x'), "203.0.113.9");
  auto phone = login_from("ada", "ada-pass-123", "Ph%C3%B6ne%0A", "198.51.100.7");
  auto tablet = login_from("ada", "ada-pass-123", "Tablet", "198.51.100.8");
  auto others = login_from("bea", "bea-pass-123", "Bea", "192.0.2.1");

  auth::v1::ListSessionsResponse listed;
  ASSERT_TRUE(stub_->ListSessions(call_context(laptop.tokens().access()).get(), {}, &listed).ok());
  ASSERT_EQ(listed.sessions_size(), 4);  // the registration's, and three logins
  int current = 0;
  for (const auto& session : listed.sessions()) {
    if (session.id() == family_of(phone.tokens().refresh())) {
      EXPECT_EQ(session.user_agent(), "Phöne");  // decoded; the newline dropped
    }
    if (!session.current()) continue;
    ++current;
    EXPECT_EQ(session.id(), family_of(laptop.tokens().refresh()));
    EXPECT_EQ(session.user_agent(), ("Firefox/1 " + std::string(300, 'x')).substr(0, 256));
    EXPECT_EQ(session.client_ip(), "203.0.113.9");
  }
  EXPECT_EQ(current, 1);

  auth::v1::EndSessionRequest end_phone;
  end_phone.set_id(family_of(phone.tokens().refresh()));
  auth::v1::EndSessionResponse ended;
  ASSERT_TRUE(stub_->EndSession(call_context(laptop.tokens().access()).get(), end_phone, &ended).ok());
  EXPECT_EQ(refresh(phone.tokens().refresh()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(redis_has_family_revocation(end_phone.id()));
  EXPECT_EQ(stub_->EndSession(call_context(laptop.tokens().access()).get(), end_phone, &ended).error_code(),
            grpc::StatusCode::NOT_FOUND);
  auth::v1::EndSessionRequest end_bea;
  end_bea.set_id(family_of(others.tokens().refresh()));
  EXPECT_EQ(stub_->EndSession(call_context(laptop.tokens().access()).get(), end_bea, &ended).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(refresh(others.tokens().refresh()).ok());

  auth::v1::EndOtherSessionsResponse rest;
  ASSERT_TRUE(stub_->EndOtherSessions(call_context(laptop.tokens().access()).get(), {}, &rest).ok());
  EXPECT_EQ(rest.sessions_ended(), 2);  // the registration's and the tablet's
  EXPECT_EQ(refresh(tablet.tokens().refresh()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(refresh(laptop.tokens().refresh()).ok());
}

TEST_F(SelfServiceTest, DeletingTheAccountNeedsThePasswordEndsEverythingAndReachesContentOnce) {
  auth::v1::RegisterResponse uma;
  ASSERT_TRUE(register_user("uma", "uma@example.com", "uma-pass-123", &uma).ok());
  const auto& access = uma.tokens().access();
  auto wrong = delete_me(access, "not-her-password");
  EXPECT_EQ(first_error(wrong, "current_password"), "Invalid password.");
  EXPECT_TRUE(me(access).ok());

  ASSERT_TRUE(delete_me(access, "uma-pass-123").ok());
  EXPECT_EQ(me(access).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(refresh(uma.tokens().refresh()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(redis_has_family_revocation(family_of(access)));
  EXPECT_EQ(login("uma", "", "uma-pass-123").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  // Anonymized: nothing personal is left, the identifiers are free again.
  EXPECT_EQ(count("SELECT count(*) FROM users WHERE id = 1 AND username IS NULL AND email IS NULL AND name = '' "
                  "AND deleted_at IS NOT NULL AND NOT is_active"),
            1);
  EXPECT_TRUE(register_user("uma", "uma@example.com", "uma-pass-456").ok());

  // Content is down: the deletion stays pending and is retried later.
  std::vector<std::int64_t> removed;
  auto& deletions = components_.deletions;
  EXPECT_EQ(deletions.deliver_due([](std::int64_t) { throw std::runtime_error("content unavailable"); }), 0u);
  EXPECT_EQ(deletions.pending(), 1);
  EXPECT_EQ(count("SELECT count(*) FROM account_deletions WHERE attempts = 1 AND last_error IS NOT NULL"), 1);
  EXPECT_EQ(deletions.deliver_due([&](std::int64_t id) { removed.push_back(id); }), 0u);  // backing off
  {
    pqxx::connection c(database_.url());
    pqxx::work tx(c);
    tx.exec("UPDATE account_deletions SET next_attempt_at = now()");
    tx.commit();
  }
  EXPECT_EQ(deletions.deliver_due([&](std::int64_t id) { removed.push_back(id); }), 1u);
  EXPECT_EQ(removed, std::vector<std::int64_t>{1});
  EXPECT_EQ(deletions.pending(), 0);
  EXPECT_EQ(deletions.deliver_due([&](std::int64_t id) { removed.push_back(id); }), 0u);
  EXPECT_EQ(removed.size(), 1u);
}

}  // namespace
