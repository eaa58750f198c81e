#include "gateway/request_body.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using gateway::parse_body;
using gateway::string_field;
using nlohmann::json;
using Messages = std::vector<std::string>;

TEST(RequestBody, JsonObjectIsParsed) {
  auto result = parse_body("application/json", R"({"title":"Hi","n":3,"nested":{"a":[1]}})");
  EXPECT_EQ(result.error_status, 0);
  EXPECT_EQ(result.fields, (json{{"title", "Hi"}, {"n", 3}, {"nested", {{"a", {1}}}}}));
}

TEST(RequestBody, EmptyBodyWithoutContentTypeIsAnEmptyObject) {
  auto result = parse_body("", "");
  EXPECT_EQ(result.error_status, 0);
  EXPECT_TRUE(result.fields.is_object());
  EXPECT_TRUE(result.fields.empty());
}

TEST(RequestBody, EmptyBodyIsAnEmptyObjectWhateverItsType) {
  for (const char* type : {"application/json", "application/x-www-form-urlencoded", "text/plain"}) {
    auto result = parse_body(type, "");
    EXPECT_EQ(result.error_status, 0) << type;
    EXPECT_EQ(result.fields, json::object()) << type;
  }
}

TEST(RequestBody, MalformedJsonIs400WithDrfStyleDetail) {
  for (const char* body : {"{", "{\"a\":}", "{'a': 1}", "not json", "{\"a\":1}}"}) {
    auto result = parse_body("application/json", body);
    EXPECT_EQ(result.error_status, 400) << body;
    ASSERT_TRUE(result.error_body.contains("detail")) << body;
    auto detail = result.error_body["detail"].get<std::string>();
    EXPECT_EQ(detail.rfind("JSON parse error - ", 0), 0u) << detail;
    EXPECT_GT(detail.size(), std::string("JSON parse error - ").size()) << detail;
    // nlohmann's internal exception id is not part of the public message.
    EXPECT_EQ(detail.find("[json.exception"), std::string::npos) << detail;
  }
}

TEST(RequestBody, JsonArrayIs400ExpectedADictionary) {
  auto result = parse_body("application/json", "[1, 2]");
  EXPECT_EQ(result.error_status, 400);
  EXPECT_EQ(result.error_body, (json{{"non_field_errors", {"Invalid data. Expected a dictionary, but got list."}}}));
}

TEST(RequestBody, OtherJsonScalarsNameTheirPythonType) {
  const std::pair<const char*, const char*> cases[] = {
      {"\"text\"", "str"}, {"7", "int"}, {"1.5", "float"}, {"true", "bool"}, {"null", "NoneType"}};
  for (const auto& [body, kind] : cases) {
    auto result = parse_body("application/json", body);
    EXPECT_EQ(result.error_status, 400) << body;
    EXPECT_EQ(result.error_body["non_field_errors"],
              json::array({std::string("Invalid data. Expected a dictionary, but got ") + kind + "."}))
        << body;
  }
}

TEST(RequestBody, FormEncodedDecodesPlusAndPercentEscapes) {
  auto result = parse_body("application/x-www-form-urlencoded",
                           "title=Hello+world&content=50%25+off%21&sym=%2B%26%3D&first%20name=Ann");
  EXPECT_EQ(result.error_status, 0);
  EXPECT_EQ(result.fields,
            (json{{"title", "Hello world"}, {"content", "50% off!"}, {"sym", "+&="}, {"first name", "Ann"}}));
}

TEST(RequestBody, FormEncodedLastDuplicateWins) {
  auto result = parse_body("application/x-www-form-urlencoded", "a=1&b=x&a=2&a=3");
  EXPECT_EQ(result.fields, (json{{"a", "3"}, {"b", "x"}}));
}

TEST(RequestBody, FormEncodedKeyWithoutValueIsEmptyAndEmptyPairsAreSkipped) {
  auto result = parse_body("application/x-www-form-urlencoded", "&&flag&x=&y=1&");
  EXPECT_EQ(result.fields, (json{{"flag", ""}, {"x", ""}, {"y", "1"}}));
}

TEST(RequestBody, JsonWithCharsetParameterIsAccepted) {
  for (const char* type :
       {"application/json; charset=utf-8", "application/json;charset=UTF-8", "Application/JSON; charset=utf-8"}) {
    auto result = parse_body(type, R"({"a":"b"})");
    EXPECT_EQ(result.error_status, 0) << type;
    EXPECT_EQ(result.fields, (json{{"a", "b"}})) << type;
  }
}

TEST(RequestBody, FormWithCharsetParameterIsAccepted) {
  auto result = parse_body("application/x-www-form-urlencoded; charset=utf-8", "a=b");
  EXPECT_EQ(result.error_status, 0);
  EXPECT_EQ(result.fields, (json{{"a", "b"}}));
}

TEST(RequestBody, TextPlainIs415) {
  auto result = parse_body("text/plain", "title=x");
  EXPECT_EQ(result.error_status, 415);
  EXPECT_EQ(result.error_body, (json{{"detail", "Unsupported media type \"text/plain\" in request."}}));
}

TEST(RequestBody, MultipartIs415) {
  auto result = parse_body("multipart/form-data; boundary=XYZ",
                           "--XYZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--XYZ--\r\n");
  EXPECT_EQ(result.error_status, 415);
  EXPECT_EQ(result.error_body["detail"], "Unsupported media type \"multipart/form-data\" in request.");
}

TEST(RequestBody, BodyWithoutContentTypeIs415) {
  auto result = parse_body("", R"({"a":1})");
  EXPECT_EQ(result.error_status, 415);
}

// --- string_field ---------------------------------------------------------------------------

TEST(RequestStringField, AbsentIsNulloptWithoutError) {
  common::FieldErrors errors;
  EXPECT_EQ(string_field(json::object(), "title", errors), std::nullopt);
  EXPECT_TRUE(errors.empty());
}

TEST(RequestStringField, StringIsReturnedAsIs) {
  common::FieldErrors errors;
  json fields = {{"title", "  Hi  "}, {"empty", ""}};
  EXPECT_EQ(string_field(fields, "title", errors), std::optional<std::string>("  Hi  "));
  EXPECT_EQ(string_field(fields, "empty", errors), std::optional<std::string>(""));
  EXPECT_TRUE(errors.empty());
}

TEST(RequestStringField, NumberBecomesItsText) {
  common::FieldErrors errors;
  json fields = {{"int", 42}, {"negative", -7}, {"float", 1.5}};
  EXPECT_EQ(string_field(fields, "int", errors), std::optional<std::string>("42"));
  EXPECT_EQ(string_field(fields, "negative", errors), std::optional<std::string>("-7"));
  EXPECT_EQ(string_field(fields, "float", errors), std::optional<std::string>("1.5"));
  EXPECT_TRUE(errors.empty());
}

TEST(RequestStringField, NullIsAFieldError) {
  common::FieldErrors errors;
  EXPECT_EQ(string_field(json{{"title", nullptr}}, "title", errors), std::nullopt);
  EXPECT_EQ(errors["title"], Messages{"This field may not be null."});
}

TEST(RequestStringField, ObjectArrayAndBoolAreNotValidStrings) {
  json fields = {{"obj", {{"a", 1}}}, {"arr", json::array({"x"})}, {"yes", true}, {"no", false}};
  for (const char* name : {"obj", "arr", "yes", "no"}) {
    common::FieldErrors errors;
    EXPECT_EQ(string_field(fields, name, errors), std::nullopt) << name;
    EXPECT_EQ(errors[name], Messages{"Not a valid string."}) << name;
    EXPECT_EQ(errors.size(), 1u) << name;
  }
}

}  // namespace

namespace {

// Found by fuzzing: a number beyond a double made nlohmann throw out_of_range, which ended as a 500.
TEST(RequestBody, ANumberBeyondADoubleIsA400) {
  auto result = gateway::parse_body("application/json", R"({"n": 1e999})");
  EXPECT_EQ(result.error_status, 400);
  EXPECT_TRUE(result.error_body.contains("detail"));
}

}  // namespace
