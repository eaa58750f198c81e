// The caller's sessions (session_routes.cpp): listed, one ended, all others ended; session ids
// in the path are checked before auth is asked.
#include "tests/gateway/gateway_fixture.hpp"

#include "common/grpc/grpc_errors.hpp"

namespace gateway_test {
namespace {

class SessionRoutesTest : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    access_ = tokens_.access();
  }
  std::string access_;
};

const std::string kFamily = "0123456789abcdef0123456789abcdef";

TEST_F(SessionRoutesTest, ListsTheCallersSessionsAsAPlainArray) {
  auth::v1::ListSessionsResponse reply;
  *reply.add_sessions() = sample_session(kFamily, "Firefox on Linux", true);
  *reply.add_sessions() = sample_session("legacy-" + kFamily, "", false);
  auth_.list_sessions.reply_with(reply);
  auto listed = send("GET", "/api/sessions/", nullptr, access_);
  ASSERT_EQ(listed.status, 200) << listed.text;
  EXPECT_EQ(listed.header("Cache-Control"), "no-store");
  EXPECT_EQ(listed.body, json::array({{{"id", kFamily},
                                       {"created_at", "2026-11-23T12:00:00.123456Z"},
                                       {"last_used_at", "2026-11-23T13:00:00.123456Z"},
                                       {"expires_at", "2026-11-24T13:00:00.123456Z"},
                                       {"user_agent", "Firefox on Linux"},
                                       {"client_ip", "203.0.113.9"},
                                       {"current", true}},
                                      {{"id", "legacy-" + kFamily},
                                       {"created_at", "2026-11-23T12:00:00.123456Z"},
                                       {"last_used_at", "2026-11-23T13:00:00.123456Z"},
                                       {"expires_at", "2026-11-24T13:00:00.123456Z"},
                                       {"user_agent", ""},
                                       {"client_ip", "203.0.113.9"},
                                       {"current", false}}}));
  EXPECT_EQ(auth_.list_sessions.last_metadata("authorization"), "Bearer " + access_);

  auth_.list_sessions.reply_with({});
  EXPECT_EQ(send("GET", "/api/sessions", nullptr, access_).body, json::array());
  auto anonymous = send("GET", "/api/sessions/");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.body,
            json({{"detail", "Authentication credentials were not provided."}, {"code", "not_authenticated"}}));
  EXPECT_EQ(auth_.list_sessions.calls(), 2u);
}

TEST_F(SessionRoutesTest, EndingASessionAnswers204AndAnUnknownOne404) {
  auto ended = send("DELETE", "/api/sessions/" + kFamily + "/", nullptr, access_);
  EXPECT_EQ(ended.status, 204) << ended.text;
  EXPECT_EQ(ended.text, "");
  EXPECT_EQ(auth_.end_session.last_request().id(), kFamily);
  EXPECT_EQ(auth_.end_session.last_metadata("authorization"), "Bearer " + access_);

  EXPECT_EQ(send("DELETE", "/api/sessions/legacy-" + kFamily, nullptr, access_).status, 204);
  EXPECT_EQ(auth_.end_session.last_request().id(), "legacy-" + kFamily);

  auth_.end_session.fail_with(common::not_found());
  auto unknown = send("DELETE", "/api/sessions/" + kFamily + "/", nullptr, access_);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.body, json({{"detail", "Not found."}}));

  EXPECT_EQ(send("DELETE", "/api/sessions/" + kFamily + "/").status, 401);
  EXPECT_EQ(auth_.end_session.calls(), 3u);
}

TEST_F(SessionRoutesTest, MalformedSessionIdsAre404WithoutAskingAuth) {
  for (const std::string& id :
       std::vector<std::string>{"xyz", "legacy-", "legacy-xyz", "LEGACY-abc", "abc-def", "..", "abc%2F..", "abc;drop",
                                "abc%00", std::string(65, 'a'), "-1", "legacy-legacy-abc"}) {
    auto refused = send("DELETE", "/api/sessions/" + id + "/", nullptr, access_);
    EXPECT_EQ(refused.status, 404) << id;
    EXPECT_EQ(refused.body, json({{"detail", "Not found."}})) << id;
  }
  EXPECT_EQ(auth_.end_session.calls(), 0u);
  // The longest well-formed id passes.
  EXPECT_EQ(send("DELETE", "/api/sessions/" + std::string(64, 'F') + "/", nullptr, access_).status, 204);
  EXPECT_EQ(auth_.end_session.calls(), 1u);
}

TEST_F(SessionRoutesTest, EndingTheOtherSessionsSaysHowManyEnded) {
  auth::v1::EndOtherSessionsResponse reply;
  reply.set_sessions_ended(3);
  auth_.end_other_sessions.reply_with(reply);
  auto ended = send("POST", "/api/sessions/revoke-others/", nullptr, access_);
  ASSERT_EQ(ended.status, 200) << ended.text;
  EXPECT_EQ(ended.body, json({{"sessions_ended", 3}}));
  EXPECT_EQ(auth_.end_other_sessions.last_metadata("authorization"), "Bearer " + access_);

  EXPECT_EQ(send("POST", "/api/sessions/revoke-others/").status, 401);
  // Not a session id: the path is the POST route's, so DELETE is a method it does not allow.
  auto wrong_method = send("DELETE", "/api/sessions/revoke-others/", nullptr, access_);
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(wrong_method.header("Allow"), "POST, OPTIONS");
  EXPECT_EQ(auth_.end_other_sessions.calls(), 1u);
  EXPECT_EQ(auth_.end_session.calls(), 0u);
}

}  // namespace
}  // namespace gateway_test
