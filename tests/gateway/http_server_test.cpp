// What HttpServer does before and around every handler: route matching (404, 405 with Allow),
// bearer authentication (401 in DRF's shape, fail-closed revocation), body parsing (400, 413,
// 415), the request id and the headers every answer carries.
#include "tests/gateway/gateway_fixture.hpp"

#include <regex>
#include <set>

namespace gateway_test {
namespace {

using HttpServerTest = GatewayTest;

const json kNotAuthenticated = {{"detail", "Authentication credentials were not provided."},
                                {"code", "not_authenticated"}};
const json kTokenNotValid = {{"detail", "Given token not valid for any token type"}, {"code", "token_not_valid"}};

TEST_F(HttpServerTest, MissingOrBadTokensGet401InDrfShape) {
  auto none = send("GET", "/api/posts/");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.body, kNotAuthenticated);
  EXPECT_EQ(none.header("WWW-Authenticate"), "Bearer realm=\"api\"");

  auto other_scheme = send("GET", "/api/posts/", nullptr, {}, {{"Authorization", "Basic YTpi"}});
  EXPECT_EQ(other_scheme.status, 401);
  EXPECT_EQ(other_scheme.body, kNotAuthenticated);

  auto garbage = send("GET", "/api/posts/", nullptr, "abc.def.ghi");
  EXPECT_EQ(garbage.status, 401);
  EXPECT_EQ(garbage.body, kTokenNotValid);
  EXPECT_EQ(garbage.header("WWW-Authenticate"), "Bearer realm=\"api\"");

  auto refresh_as_access = send("GET", "/api/posts/", nullptr, tokens_.refresh());
  EXPECT_EQ(refresh_as_access.status, 401);
  EXPECT_EQ(refresh_as_access.body, kTokenNotValid);

  auto expired = send("GET", "/api/posts/", nullptr,
                      tokens_.sign(tokens_.claims("access", "jti-old", "fam-1", -std::chrono::minutes(5))));
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(expired.body, kTokenNotValid);

  TestTokens stranger;  // a key the auth service never published
  auto foreign = send("GET", "/api/posts/", nullptr, stranger.access());
  EXPECT_EQ(foreign.status, 401);
  EXPECT_EQ(foreign.body, kTokenNotValid);

  auto blocked_create = send("POST", "/api/posts/", {{"title", "t"}, {"content", "c"}}, "abc.def.ghi");
  EXPECT_EQ(blocked_create.status, 401);
  EXPECT_EQ(blocked_create.body, kTokenNotValid);
  EXPECT_EQ(content_.create_post.calls(), 0u);
  EXPECT_EQ(content_.list_posts.calls(), 0u);

  std::string access = tokens_.access();
  auto listed = send("GET", "/api/posts/", nullptr, access);
  EXPECT_EQ(listed.status, 200);
  EXPECT_EQ(listed.body, json::array());
  EXPECT_EQ(content_.list_posts.last_metadata("authorization"), "Bearer " + access);
}

TEST_F(HttpServerTest, UnknownPathsAre404AndOtherMethods405WithAllow) {
  auto unknown = send("GET", "/api/nothing-here/");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.body, json({{"detail", "Not found."}}));
  // {id} is a positive integer, as Django's <int:pk>: anything else is no route at all.
  EXPECT_EQ(send("GET", "/api/posts/abc/", nullptr, tokens_.access()).status, 404);
  EXPECT_EQ(send("GET", "/api/posts/-1/", nullptr, tokens_.access()).status, 404);

  auto wrong_method = send("DELETE", "/api/token/");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(wrong_method.body, json({{"detail", "Method \"DELETE\" not allowed."}}));
  EXPECT_EQ(wrong_method.header("Allow"), "POST, OPTIONS");

  auto on_item = send("POST", "/api/posts/1");
  EXPECT_EQ(on_item.status, 405);
  EXPECT_EQ(on_item.header("Allow"), "GET, PUT, PATCH, DELETE, OPTIONS");
  EXPECT_EQ(send("PATCH", "/tasks/1/update/").header("Allow"), "PUT, OPTIONS");

  // OPTIONS without a preflight's headers: the methods, nothing else.
  auto options = send("OPTIONS", "/api/posts/");
  EXPECT_EQ(options.status, 200);
  EXPECT_EQ(options.body, json::object());
  EXPECT_EQ(options.header("Allow"), "GET, POST, OPTIONS");
  EXPECT_EQ(content_.create_post.calls() + content_.list_posts.calls() + content_.get_post.calls(), 0u);

  // A method no route has at all is refused by the HTTP layer, in the same JSON shape.
  auto trace = send("TRACE", "/api/posts/");
  EXPECT_EQ(trace.status, 400);
  EXPECT_EQ(trace.body, json({{"detail", "Bad request."}}));
}

TEST_F(HttpServerTest, BadBodiesGetDrfErrorsAndReachNoService) {
  auto client = this->client();
  httplib::Headers auth_header = {{"Authorization", "Bearer " + tokens_.access()}};
  auto malformed = client.Post("/api/posts/", auth_header, "{\"title\": ", "application/json");
  ASSERT_TRUE(malformed);
  EXPECT_EQ(malformed->status, 400);
  EXPECT_EQ(json::parse(malformed->body)["detail"].get<std::string>().rfind("JSON parse error - ", 0), 0u)
      << malformed->body;

  auto unsupported = client.Post("/api/posts/", auth_header, "title=x", "text/plain");
  ASSERT_TRUE(unsupported);
  EXPECT_EQ(unsupported->status, 415);
  EXPECT_EQ(json::parse(unsupported->body), json({{"detail", "Unsupported media type \"text/plain\" in request."}}));

  auto too_big = client.Post("/api/posts/", auth_header,
                             json({{"title", "big"}, {"content", std::string(8192, 'x')}}).dump(), "application/json");
  ASSERT_TRUE(too_big);
  EXPECT_EQ(too_big->status, 413);
  EXPECT_EQ(json::parse(too_big->body), json({{"detail", "Request body is too large."}}));

  auto not_an_object = send("POST", "/api/posts/", json::array({1, 2}), tokens_.access());
  EXPECT_EQ(not_an_object.status, 400);
  EXPECT_EQ(not_an_object.body, json({{"non_field_errors", {"Invalid data. Expected a dictionary, but got list."}}}));

  auto bad_type = send("POST", "/api/posts/", {{"title", json::array()}, {"content", "c"}}, tokens_.access());
  EXPECT_EQ(bad_type.status, 400);
  EXPECT_EQ(bad_type.body, json({{"title", {"Not a valid string."}}}));

  EXPECT_EQ(content_.create_post.calls(), 0u);
}

TEST_F(HttpServerTest, TheRequestIdTravelsToTheServiceAndBack) {
  auth_.login.fail_with(
      grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "No active account found with the given credentials"));
  auto reply = send("POST", "/api/token/", {{"username", "nobody"}, {"password", "x"}}, {},
                    {{"X-Request-Id", "e2e-trace-12345"}});
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.header("X-Request-Id"), "e2e-trace-12345");
  EXPECT_EQ(auth_.login.last_metadata("x-request-id"), "e2e-trace-12345");
  EXPECT_EQ(auth_.login.last_metadata("x-client-ip"), "127.0.0.1");
  EXPECT_EQ(auth_.login.last_metadata("authorization"), "");

  // One that is not short and plain is replaced, so logs stay searchable.
  auto replaced = send("POST", "/api/token/", {{"username", "nobody"}, {"password", "x"}}, {},
                       {{"X-Request-Id", "bad id with spaces"}});
  EXPECT_TRUE(std::regex_match(replaced.header("X-Request-Id"), std::regex("[0-9a-f]{24}")))
      << replaced.header("X-Request-Id");
  EXPECT_EQ(auth_.login.last_metadata("x-request-id"), replaced.header("X-Request-Id"));
}

TEST_F(HttpServerTest, TheClientsTraceContinuesToTheServiceWithASpanOfTheGateway) {
  const std::string trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  auto reply = send("GET", "/api/posts/7/", nullptr, tokens_.access(),
                    {{"traceparent", "00-" + trace_id + "-00f067aa0ba902b7-01"}});
  EXPECT_EQ(reply.status, 200);
  std::smatch parts;
  std::string sent = content_.get_post.last_metadata("traceparent");
  ASSERT_TRUE(std::regex_match(sent, parts, std::regex("00-([0-9a-f]{32})-([0-9a-f]{16})-01"))) << sent;
  EXPECT_EQ(parts[1], trace_id);
  EXPECT_NE(parts[2], "00f067aa0ba902b7");  // the gateway's own span, not the client's

  // Absent or malformed (upper case, a zero trace id, version ff): a new sampled trace.
  std::set<std::string> traces;
  for (const std::string& given : std::vector<std::string>{
           "", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
           "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "ff-" + trace_id + "-00f067aa0ba902b7-01",
           "00-" + trace_id + "-00f067aa0ba902b7-01-x"}) {
    httplib::Headers headers;
    if (!given.empty()) headers.emplace("traceparent", given);
    EXPECT_EQ(send("GET", "/api/posts/7/", nullptr, tokens_.access(), headers).status, 200);
    sent = content_.get_post.last_metadata("traceparent");
    ASSERT_TRUE(std::regex_match(sent, parts, std::regex("00-([0-9a-f]{32})-[0-9a-f]{16}-01")))
        << given << " -> " << sent;
    EXPECT_NE(parts[1], trace_id) << given;
    traces.insert(parts[1]);
  }
  EXPECT_EQ(traces.size(), 5u);
}

TEST_F(HttpServerTest, EveryAnswerIsNoStoreAndNotSniffed) {
  for (const auto& reply : {send("GET", "/healthz"), send("GET", "/api/nothing/"), send("GET", "/api/posts/")}) {
    EXPECT_EQ(reply.header("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(reply.header("Cache-Control"), "no-store");
    EXPECT_EQ(reply.header("Pragma"), "no-cache");
    EXPECT_EQ(reply.header("Content-Type"), "application/json");
  }
}

// The production wiring with the revocation channel down (Redis at a closed port): the set
// alone is not trusted, so every token is checked with auth (CheckRevocation).
class RevocationsCheckedWithAuthTest : public GatewayTest {
 protected:
  void configure(Settings& settings) override { settings["REVOCATIONS_REDIS_URL"] = "redis://127.0.0.1:1/0"; }
};

TEST_F(RevocationsCheckedWithAuthTest, ATokenAuthDoesNotKnowAsRevokedPasses) {
  auth::v1::CheckRevocationResponse not_revoked;
  not_revoked.set_revoked(false);
  auth_.check_revocation.reply_with(not_revoked);
  EXPECT_EQ(send("GET", "/api/posts/", nullptr, tokens_.access()).status, 200);
  auto asked = auth_.check_revocation.last_request();
  EXPECT_EQ(asked.token_id(), "jti-1");
  EXPECT_EQ(asked.family(), "fam-1");
}

TEST_F(RevocationsCheckedWithAuthTest, ATokenAuthKnowsAsRevokedIsRefused) {
  auth::v1::CheckRevocationResponse revoked;
  revoked.set_revoked(true);
  auth_.check_revocation.reply_with(revoked);
  auto refused = send("GET", "/api/posts/", nullptr, tokens_.access());
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(refused.body, kTokenNotValid);
  EXPECT_EQ(content_.list_posts.calls(), 0u);
}

TEST_F(RevocationsCheckedWithAuthTest, WhenAuthCannotSayTheTokenIsRefusedWith503) {
  auth_.check_revocation.fail_with(grpc::Status(grpc::StatusCode::UNAVAILABLE, "database down"));
  auto refused = send("GET", "/api/posts/", nullptr, tokens_.access());
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(refused.body, json({{"detail", "Service temporarily unavailable, try again later."}}));
  EXPECT_EQ(refused.header("Retry-After"), "1");
  EXPECT_EQ(content_.list_posts.calls(), 0u);
  // Public routes need no revocation check.
  EXPECT_EQ(send("GET", "/healthz").status, 200);
}

}  // namespace
}  // namespace gateway_test
