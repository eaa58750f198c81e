#include "gateway/json_shapes.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

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

  std::string text;
  gateway::append_post_json(text, post);
  nlohmann::json expected{{"id", 17},
                          {"title", "Hello"},
                          {"content", "World"},
                          {"user", 42},
                          {"created_at", "2026-11-23T12:00:00.500000Z"},
                          {"updated_at", "2026-11-23T12:01:00.000000Z"}};
  // The very bytes nlohmann wrote when it built the body.
  EXPECT_EQ(text, expected.dump());
  auto body = nlohmann::json::parse(text);
  // Ids are JSON numbers, not strings, as DRF renders integer fields.
  EXPECT_TRUE(body["id"].is_number_integer());
  EXPECT_TRUE(body["user"].is_number_integer());
  EXPECT_FALSE(body.contains("user_id"));
}

TEST(JsonShapesTask, IsWhatNlohmannWroteForTheSameObject) {
  content::v1::Task task;
  task.set_id(9);
  task.set_title("Buy \"milk\"");
  task.set_description("line\nbreak\ttab \\ é ✓");
  task.set_status("in_progress");
  task.set_user_id(3);
  *task.mutable_created_at() = timestamp(951868799, 1000);
  *task.mutable_updated_at() = timestamp(4102444800, 999999999);  // 2100-01-01
  std::string text;
  gateway::append_task_json(text, task);
  nlohmann::json expected{{"id", 9},
                          {"title", task.title()},
                          {"description", task.description()},
                          {"status", "in_progress"},
                          {"user", 3},
                          {"created_at", "2000-02-29T23:59:59.000001Z"},
                          {"updated_at", "2100-01-01T00:00:00.999999Z"}};
  EXPECT_EQ(text, expected.dump());
}

TEST(JsonShapesString, EscapesAsNlohmannDoes) {
  std::string every_control;
  for (int c = 1; c < 0x20; ++c) every_control += static_cast<char>(c);
  for (std::string text : {std::string(), std::string("plain"), std::string("\"quoted\" \\ /slash/"), every_control,
                           std::string("\x7f del"), std::string("\xc3\xa9t\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80"),
                           std::string("bad \xc3 utf-8 \xff"), std::string("nul\0inside", 10)}) {
    std::string out;
    gateway::append_json_string(out, text);
    EXPECT_EQ(out, nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) << out;
  }
}

TEST(JsonShapesIso8601, MatchesTheCalendarAcrossCenturiesAndLeapYears) {
  // Days whose dates were computed outside this code.
  EXPECT_EQ(gateway::iso8601(timestamp(-1, 0)), "1969-12-31T23:59:59.000000Z");
  EXPECT_EQ(gateway::iso8601(timestamp(946684800, 0)), "2000-01-01T00:00:00.000000Z");
  EXPECT_EQ(gateway::iso8601(timestamp(4107542399, 0)), "2100-02-28T23:59:59.000000Z");
  EXPECT_EQ(gateway::iso8601(timestamp(4107542400, 0)), "2100-03-01T00:00:00.000000Z");
  EXPECT_EQ(gateway::iso8601(timestamp(253402300799, 0)), "9999-12-31T23:59:59.000000Z");
}

}  // namespace
