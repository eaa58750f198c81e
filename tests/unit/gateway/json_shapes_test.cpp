#include "gateway/json_shapes.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

google::protobuf::Timestamp timestamp(std::int64_t seconds, std::int32_t nanos) {
  google::protobuf::Timestamp t;
  t.set_seconds(seconds);
  t.set_nanos(nanos);
  return t;
}

TEST(JsonShapesIso8601, EpochHasSixFractionDigitsAndZ) {
  EXPECT_EQ(gateway::iso8601(timestamp(0, 0)), "1970-01-01T00:00:00.000000Z");
}

TEST(JsonShapesIso8601, KnownDateKeepsMicroseconds) {
  // 1795435200 = 2026-11-23T12:00:00Z (computed outside this code).
  EXPECT_EQ(gateway::iso8601(timestamp(1795435200, 123456000)), "2026-11-23T12:00:00.123456Z");
  // 951868799 = 2000-02-29T23:59:59Z, a leap day.
  EXPECT_EQ(gateway::iso8601(timestamp(951868799, 1000)), "2000-02-29T23:59:59.000001Z");
}

TEST(JsonShapesIso8601, SubMicrosecondDigitsAreTruncated) {
  EXPECT_EQ(gateway::iso8601(timestamp(1795435200, 123456789)), "2026-11-23T12:00:00.123456Z");
  EXPECT_EQ(gateway::iso8601(timestamp(0, 999)), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(gateway::iso8601(timestamp(59, 999999999)), "1970-01-01T00:00:59.999999Z");
}

TEST(JsonShapesPost, HasTheSeedFieldNamesAndValues) {
  content::v1::Post post;
  post.set_id(17);
  post.set_title("Hello");
  post.set_content("World");
  post.set_user_id(42);
  *post.mutable_created_at() = timestamp(1795435200, 500000000);
  *post.mutable_updated_at() = timestamp(1795435260, 0);

  auto body = gateway::post_json(post);
  EXPECT_EQ(body, (nlohmann::json{{"id", 17},
                                  {"title", "Hello"},
                                  {"content", "World"},
                                  {"user", 42},
                                  {"created_at", "2026-11-23T12:00:00.500000Z"},
                                  {"updated_at", "2026-11-23T12:01:00.000000Z"}}));
  // Ids are JSON numbers, not strings, as DRF renders integer fields.
  EXPECT_TRUE(body["id"].is_number_integer());
  EXPECT_TRUE(body["user"].is_number_integer());
  EXPECT_FALSE(body.contains("user_id"));
}

}  // namespace
