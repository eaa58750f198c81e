// Header bytes the gateway forwards to the services as gRPC metadata (issue 14). gRPC accepts
// only printable ASCII in a text metadata value and aborts the whole process on anything else,
// so a client's Authorization or User-Agent with other bytes must never reach it as they are:
// an unverified bearer on a public route is dropped, a User-Agent is percent-encoded. Three
// real binaries, raw TCP (httplib::Client would not send these bytes).
#include "attack/raw_http.hpp"
#include "e2e/stack.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace {

using attack::RawConnection;
using e2e::Stack;
using namespace std::chrono_literals;

class MetadataAttack : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stack_ = new Stack(e2e::Env{{"REGISTER_LIMIT_PER_CLIENT_MAX", "1000"}, {"LOGIN_LIMIT_PER_CLIENT_MAX", "1000"}});
    ASSERT_TRUE(stack_->ready()) << stack_->logs();
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }

  // POSTs `body` to `path` with `extra_headers`; the status, 0 when no answer came.
  static int raw_post(const std::string& path, const std::string& body, const std::string& extra_headers) {
    RawConnection connection(stack_->gateway_port_);
    connection.send("POST " + path + " HTTP/1.1\r\nHost: api\r\nContent-Type: application/json\r\n" + extra_headers +
                    "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    auto responses = connection.read_responses(1, 5s);
    return responses.empty() ? 0 : responses[0].status;
  }

  static Stack* stack_;
};

Stack* MetadataAttack::stack_ = nullptr;

TEST_F(MetadataAttack, HeaderBytesGrpcCannotCarryNeverTakeTheGatewayDown) {
  // UTF-8, a tab, DEL, bytes that are not UTF-8, a long value ending in a bidi override. The
  // framer may refuse some outright (400); none may end the process.
  const std::vector<std::string> values = {"caf\xc3\xa9", "a\tb", "\x7f", "\x80\xff",
                                           std::string(2000, 'u') + "\xe2\x80\xae"};
  auto answered = [](int status) { return status == 400 || (status >= 200 && status < 300); };
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::string name = "meta" + std::to_string(i);
    ASSERT_EQ(stack_->send("POST", "/api/register/", {{"username", name}, {"password", "Metadata-pass-1"}}).status,
              201);
    std::string body = R"({"username":")" + name + R"(","password":"Metadata-pass-1"})";
    int registered = raw_post("/api/register/", R"({"username":")" + name + R"(x","password":"Metadata-pass-1"})",
                              "Authorization: Bearer " + values[i] + "\r\n");
    int logged_in = raw_post("/api/token/", body, "User-Agent: " + values[i] + "\r\n");
    EXPECT_TRUE(answered(registered)) << "bearer " << i << ": " << registered;
    EXPECT_TRUE(answered(logged_in)) << "user agent " << i << ": " << logged_in;
    if (i == 0) {
      EXPECT_EQ(registered, 201);  // a bearer that is no token of ours is ignored on a public route
      EXPECT_EQ(logged_in, 200);
    }
    ASSERT_TRUE(stack_->gateway_->running()) << stack_->logs();
  }
  EXPECT_EQ(stack_->send("GET", "/healthz").status, 200);
}

TEST_F(MetadataAttack, TheSessionsPageShowsTheUserAgentAsTextAndNothingElse) {
  std::string body = R"({"username":"uatext","password":"Metadata-pass-1"})";
  ASSERT_EQ(raw_post("/api/register/", body, ""), 201);
  // UTF-8 kept, a right-to-left override and a C1 control dropped, bytes that are not UTF-8 dropped.
  ASSERT_EQ(raw_post("/api/token/", body, "User-Agent: Caf\xc3\xa9\xe2\x80\xae\xc2\x85 Browser\xff/1\r\n"), 200);
  auto login = stack_->send("POST", "/api/token/", {{"username", "uatext"}, {"password", "Metadata-pass-1"}});
  auto sessions = stack_->send("GET", "/api/sessions/", nullptr, login.body["access"]);
  ASSERT_EQ(sessions.status, 200) << sessions.body.dump();
  std::vector<std::string> agents;
  for (const auto& session : sessions.body) agents.push_back(session["user_agent"]);
  EXPECT_NE(std::find(agents.begin(), agents.end(), "Caf\xc3\xa9 Browser/1"), agents.end()) << sessions.body.dump();
}

}  // namespace
