// Upstream failures mapped once, at the gateway (responses.cpp): field errors → 400, 401 with
// or without a code, 403, 404, rate limits → 429 with Retry-After, outages → 503 with
// Retry-After, anything else → 500 without internals.
#include "tests/gateway/gateway_fixture.hpp"

#include "common/grpc/grpc_errors.hpp"

namespace gateway_test {
namespace {

class ResponsesTest : public GatewayTest {
 protected:
  // GET /api/posts/1/ while the content service answers `status`.
  Reply get_post_failing_with(const grpc::Status& status) {
    content_.get_post.fail_with(status);
    return send("GET", "/api/posts/1/", nullptr, tokens_.access());
  }
};

const json kUnavailable = {{"detail", "Service temporarily unavailable, try again later."}};

TEST_F(ResponsesTest, OutagesAre503WithRetryAfter) {
  for (auto code : {grpc::StatusCode::UNAVAILABLE, grpc::StatusCode::DEADLINE_EXCEEDED, grpc::StatusCode::CANCELLED}) {
    auto reply = get_post_failing_with(grpc::Status(code, "connection refused to 10.0.0.7"));
    EXPECT_EQ(reply.status, 503) << code;
    EXPECT_EQ(reply.body, kUnavailable) << code;
    EXPECT_EQ(reply.header("Retry-After"), "1") << code;
  }
  // Out of capacity without a retry delay is an outage too, not a rate limit.
  auto busy = get_post_failing_with(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "too many calls"));
  EXPECT_EQ(busy.status, 503);
  EXPECT_EQ(busy.body, kUnavailable);
  EXPECT_EQ(busy.header("Retry-After"), "1");
}

TEST_F(ResponsesTest, RateLimitsPassThroughAs429WithTheirDelay) {
  auto limited = get_post_failing_with(common::resource_exhausted("slow down", std::chrono::seconds(17)));
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.body, json({{"detail", "Request was throttled."}}));
  EXPECT_EQ(limited.header("Retry-After"), "17");
}

TEST_F(ResponsesTest, ClientErrorsKeepTheirDrfShape) {
  auto fields = get_post_failing_with(common::invalid_argument({{"title", {"Too long.", "Bad."}}}));
  EXPECT_EQ(fields.status, 400);
  EXPECT_EQ(fields.body, json({{"title", {"Too long.", "Bad."}}}));
  auto exists = get_post_failing_with(grpc::Status(grpc::StatusCode::ALREADY_EXISTS, "Already there."));
  EXPECT_EQ(exists.status, 400);
  EXPECT_EQ(exists.body, json({{"detail", "Already there."}}));
  auto precondition = get_post_failing_with(grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "Not yet."));
  EXPECT_EQ(precondition.status, 400);
  EXPECT_EQ(precondition.body, json({{"detail", "Not yet."}}));

  auto denied = get_post_failing_with(
      common::status_with_reason(grpc::StatusCode::PERMISSION_DENIED, "Only staff may register users.", "not_staff"));
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(denied.body, json({{"detail", "Only staff may register users."}, {"code", "not_staff"}}));
  auto denied_plain = get_post_failing_with(grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "No."));
  EXPECT_EQ(denied_plain.body, json({{"detail", "No."}}));

  auto unauthenticated = get_post_failing_with(
      common::status_with_reason(grpc::StatusCode::UNAUTHENTICATED, "Token is blacklisted", "token_not_valid"));
  EXPECT_EQ(unauthenticated.status, 401);
  EXPECT_EQ(unauthenticated.body, json({{"detail", "Token is blacklisted"}, {"code", "token_not_valid"}}));
  EXPECT_EQ(unauthenticated.header("WWW-Authenticate"), "Bearer realm=\"api\"");

  auto missing = get_post_failing_with(common::not_found());
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, json({{"detail", "Not found."}}));
}

TEST_F(ResponsesTest, BugsAre500WithoutInternals) {
  for (auto code : {grpc::StatusCode::INTERNAL, grpc::StatusCode::UNKNOWN, grpc::StatusCode::UNIMPLEMENTED}) {
    auto reply = get_post_failing_with(grpc::Status(code, "pqxx: relation \"posts\" does not exist"));
    EXPECT_EQ(reply.status, 500) << code;
    EXPECT_EQ(reply.body, json({{"detail", "A server error occurred."}})) << code;
    EXPECT_EQ(reply.text.find("pqxx"), std::string::npos);
  }
}

}  // namespace
}  // namespace gateway_test
