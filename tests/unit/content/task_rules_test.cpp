#include "content/task_rules.hpp"

#include <gtest/gtest.h>

namespace {

using content::TaskInput;
using Messages = std::vector<std::string>;

common::FieldErrors validate(TaskInput in, bool partial = false) {
  return content::validate_task(content::normalize_task(std::move(in)), partial);
}

TEST(TaskRules, OnlyTheTitleIsRequiredAndTheDescriptionMayBeBlank) {
  EXPECT_TRUE(validate({"Buy Groceries", std::nullopt, std::nullopt}).empty());
  EXPECT_TRUE(validate({"Buy Groceries", "", "completed"}).empty());
  EXPECT_EQ(validate({std::nullopt, "x", std::nullopt})["title"], Messages{"This field is required."});
  EXPECT_EQ(validate({"   ", "x", std::nullopt})["title"], Messages{"This field may not be blank."});
}

TEST(TaskRules, StatusIsOneOfThreeChoicesMatchedExactly) {
  for (const char* ok : {"pending", "in-progress", "completed"}) EXPECT_TRUE(validate({"t", "", ok}).empty()) << ok;
  EXPECT_EQ(validate({"t", "", "Completed"})["status"], Messages{"\"Completed\" is not a valid choice."});
  EXPECT_EQ(validate({"t", "", ""})["status"], Messages{"\"\" is not a valid choice."});
}

TEST(TaskRules, PartialUpdatesMayOmitEverythingButNotBlankTheTitle) {
  EXPECT_TRUE(validate({std::nullopt, std::nullopt, "completed"}, true).empty());
  EXPECT_EQ(validate({"", std::nullopt, std::nullopt}, true)["title"], Messages{"This field may not be blank."});
}

TEST(TaskRules, TitleIsAtMost255CharactersNotBytes) {
  EXPECT_TRUE(validate({std::string(255, 'x'), "", std::nullopt}).empty());
  std::string umlauts;
  for (int i = 0; i < 255; ++i) umlauts += "ü";
  EXPECT_TRUE(validate({umlauts, "", std::nullopt}).empty());
  EXPECT_EQ(validate({std::string(256, 'x'), "", std::nullopt})["title"],
            Messages{"Ensure this field has no more than 255 characters."});
}

}  // namespace
