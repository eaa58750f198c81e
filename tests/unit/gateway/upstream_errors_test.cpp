#include "common/grpc/grpc_errors.hpp"
#include "gateway/responses.hpp"

#include <gtest/gtest.h>

namespace {

TEST(UpstreamErrors, ARateLimitIs429WithItsRetryAfter) {
  httplib::Response response;
  gateway::send_upstream_error(response, common::resource_exhausted("Request was throttled.", std::chrono::seconds(7)));
  EXPECT_EQ(response.status, 429);
  EXPECT_EQ(response.get_header_value("Retry-After"), "7");
}

TEST(UpstreamErrors, AServerOutOfCapacityIs503NotARateLimit) {
  httplib::Response response;
  // What a gRPC sync server answers when every thread is busy: no RetryInfo.
  gateway::send_upstream_error(response, grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "no threads"));
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.get_header_value("Retry-After"), "1");
}

TEST(UpstreamErrors, AStoppingServerIs503) {
  httplib::Response response;
  gateway::send_upstream_error(response, grpc::Status(grpc::StatusCode::CANCELLED, "Server shutdown"));
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.get_header_value("Retry-After"), "1");
}

TEST(UpstreamErrors, AStorageOutageIs503WithRetryAfterAndNoInternals) {
  httplib::Response response;
  gateway::send_upstream_error(response,
                               grpc::Status(grpc::StatusCode::UNAVAILABLE, "database commit outcome unknown"));
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.get_header_value("Retry-After"), "1");
  EXPECT_EQ(response.body.find("database"), std::string::npos);
}

}  // namespace
