#include "content/post_rules.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using content::PostInput;
using Messages = std::vector<std::string>;

const char* const kRequired = "This field is required.";
const char* const kBlank = "This field may not be blank.";
const char* const kTooLong = "Ensure this field has no more than 200 characters.";

common::FieldErrors validate(PostInput in, bool partial) {
  return content::validate_post(content::normalize_post(std::move(in)), partial);
}

std::string repeat(const std::string& unit, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += unit;
  return out;
}

TEST(PostRules, CompletePostHasNoErrors) { EXPECT_TRUE(validate({"Title", "Body"}, false).empty()); }

TEST(PostRules, CreateRequiresTitleAndContent) {
  auto errors = validate({}, false);
  EXPECT_EQ(errors["title"], Messages{kRequired});
  EXPECT_EQ(errors["content"], Messages{kRequired});
  EXPECT_EQ(errors.size(), 2u);
}

TEST(PostRules, BlankTitleOrContentIsRefused) {
  auto errors = validate({"", "   \n"}, false);
  EXPECT_EQ(errors["title"], Messages{kBlank});
  EXPECT_EQ(errors["content"], Messages{kBlank});
}

TEST(PostRules, WhitespaceOnlyTitleIsBlankAfterTrimming) {
  EXPECT_EQ(validate({" \t ", "Body"}, false)["title"], Messages{kBlank});
}

TEST(PostRules, TitleOf200CharactersIsAcceptedAnd201Refused) {
  EXPECT_TRUE(validate({std::string(200, 't'), "Body"}, false).empty());
  EXPECT_EQ(validate({std::string(201, 't'), "Body"}, false)["title"], Messages{kTooLong});
}

TEST(PostRules, TitleLengthCountsUtf8CharactersNotBytes) {
  EXPECT_TRUE(validate({repeat("é", 200), "Body"}, false).empty());  // 400 bytes
  EXPECT_TRUE(validate({repeat("😀", 200), "Body"}, false).empty());  // 800 bytes
  EXPECT_EQ(validate({repeat("é", 201), "Body"}, false)["title"], Messages{kTooLong});
}

TEST(PostRules, TitleLengthIsMeasuredAfterTrimming) {
  EXPECT_TRUE(validate({"   " + std::string(200, 't') + "   ", "Body"}, false).empty());
}

TEST(PostRules, ContentHasNoLengthLimit) { EXPECT_TRUE(validate({"Title", std::string(100000, 'c')}, false).empty()); }

TEST(PostRules, PartialUpdateAllowsAbsentFields) {
  EXPECT_TRUE(validate({}, true).empty());
  EXPECT_TRUE(validate({"Only title", std::nullopt}, true).empty());
  EXPECT_TRUE(validate({std::nullopt, "Only content"}, true).empty());
}

TEST(PostRules, PartialUpdateStillRefusesBlankAndTooLong) {
  auto errors = validate({"  ", ""}, true);
  EXPECT_EQ(errors["title"], Messages{kBlank});
  EXPECT_EQ(errors["content"], Messages{kBlank});
  EXPECT_EQ(validate({std::string(201, 't'), std::nullopt}, true)["title"], Messages{kTooLong});
}

TEST(PostRules, NormalizeTrimsBothFieldsAndKeepsAbsence) {
  auto out = content::normalize_post({"  Hello world \n", "\t body text  "});
  EXPECT_EQ(out.title, std::optional<std::string>("Hello world"));
  EXPECT_EQ(out.content, std::optional<std::string>("body text"));
  auto absent = content::normalize_post({});
  EXPECT_FALSE(absent.title);
  EXPECT_FALSE(absent.content);
}

}  // namespace
