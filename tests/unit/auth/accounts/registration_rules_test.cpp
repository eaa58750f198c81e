#include "auth/accounts/registration_rules.hpp"
#include "common/core/text.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using auth::RegistrationInput;
using Messages = std::vector<std::string>;

const char* const kRequired = "This field is required.";
const char* const kBlank = "This field may not be blank.";
const char* const kBadUsername =
    "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.";
const char* const kBadEmail = "Enter a valid email address.";

RegistrationInput valid_input() {
  RegistrationInput in;
  in.username = "alice";
  in.email = "alice@example.com";
  in.name = "Alice Liddell";
  in.password = "s3cret-Passw0rd";
  in.password2 = "s3cret-Passw0rd";
  return in;
}

common::FieldErrors validate(RegistrationInput in, bool email_required = false) {
  return auth::validate_registration(auth::normalize_registration(std::move(in)), auth::PasswordPolicy{},
                                     email_required);
}

TEST(RegistrationRules, CompleteValidInputHasNoErrors) { EXPECT_TRUE(validate(valid_input()).empty()); }

TEST(RegistrationRules, MissingBothUsernameAndEmailIsANonFieldError) {
  auto in = valid_input();
  in.username.reset();
  in.email.reset();
  auto errors = validate(in);
  EXPECT_EQ(errors["non_field_errors"], Messages{"A username or an email address is required."});
  EXPECT_FALSE(errors.contains("username"));
  EXPECT_FALSE(errors.contains("email"));
}

TEST(RegistrationRules, EitherUsernameOrEmailAloneIsEnough) {
  auto only_username = valid_input();
  only_username.email.reset();
  EXPECT_TRUE(validate(only_username).empty());
  auto only_email = valid_input();
  only_email.username.reset();
  EXPECT_TRUE(validate(only_email).empty());
}

TEST(RegistrationRules, BlankUsernameWhenSentAloneIsReportedOnTheField) {
  for (const char* blank : {"", "   ", "\t\n"}) {
    auto in = valid_input();
    in.username = blank;
    in.email.reset();
    auto errors = validate(in);
    EXPECT_EQ(errors["username"], Messages{kBlank}) << '"' << blank << '"';
    EXPECT_FALSE(errors.contains("non_field_errors"));
  }
}

TEST(RegistrationRules, BlankEmailWhenSentAloneIsReportedOnTheField) {
  auto in = valid_input();
  in.username.reset();
  in.email = "  ";
  auto errors = validate(in);
  EXPECT_EQ(errors["email"], Messages{kBlank});
  EXPECT_FALSE(errors.contains("non_field_errors"));
}

TEST(RegistrationRules, InvalidUsernameCharactersGetDjangosMessage) {
  for (const char* username : {"bad name", "bad!name", "semi;colon", "slash/name", "quote'name", "<script>"}) {
    auto in = valid_input();
    in.username = username;
    EXPECT_EQ(validate(in)["username"], Messages{kBadUsername}) << username;
  }
}

TEST(RegistrationRules, UsernameAllowsLettersDigitsAndAtDotPlusMinusUnderscore) {
  for (const char* username : {"alice", "Alice_99", "a.b+c-d@e", "josé", "ユーザー"}) {
    auto in = valid_input();
    in.username = username;
    EXPECT_FALSE(validate(in).contains("username")) << username;
  }
}

TEST(RegistrationRules, UsernameLongerThan150CharactersIsRefused) {
  auto in = valid_input();
  in.username = std::string(150, 'a');
  EXPECT_FALSE(validate(in).contains("username"));
  in.username = std::string(151, 'a');
  EXPECT_EQ(validate(in)["username"], Messages{"Ensure this field has no more than 150 characters."});
}

TEST(RegistrationRules, UsernameLengthCountsCharactersNotBytes) {
  std::string username;
  for (int i = 0; i < 150; ++i) username += "é";  // 300 bytes, 150 characters
  auto in = valid_input();
  in.username = username;
  EXPECT_FALSE(validate(in).contains("username"));
}

TEST(RegistrationRules, InvalidEmailsAreRefused) {
  for (const char* email : {"userexample.com", "us er@example.com", "user@exa mple.com", "a@b..com", "a@-b.com",
                            "a@b-.com", "a@b.c", "@example.com", "user@", "user@.example.com", "user@example.com.",
                            ".user@example.com", "user.@example.com", "us..er@example.com", "a@b@example.com"}) {
    auto in = valid_input();
    in.email = email;
    EXPECT_EQ(validate(in)["email"], Messages{kBadEmail}) << email;
  }
}

TEST(RegistrationRules, ValidEmailsAreAccepted) {
  for (const char* email : {"user@example.com", "first.last+tag@sub.example.co.uk", "u@ex-ample.io", "USER@EXAMPLE.COM",
                            "user@localhost", "a@b.c1"}) {
    EXPECT_TRUE(auth::is_valid_email(email)) << email;
    auto in = valid_input();
    in.email = email;
    EXPECT_FALSE(validate(in).contains("email")) << email;
  }
}

TEST(RegistrationRules, EmailLongerThan254CharactersIsRefused) {
  auto in = valid_input();
  in.email = std::string(64, 'a') + "@" + std::string(63, 'b') + "." + std::string(63, 'c') + "." +
             std::string(62, 'd') + ".com";  // 259 characters, every label within limits
  EXPECT_EQ(validate(in)["email"], Messages{"Ensure this field has no more than 254 characters."});
}

TEST(RegistrationRules, NormalizeLowerCasesTheEmailDomainOnly) {
  auto in = valid_input();
  in.email = "John.Doe@EXAMPLE.Com";
  EXPECT_EQ(auth::normalize_registration(in).email, std::optional<std::string>("John.Doe@example.com"));
}

TEST(RegistrationRules, NormalizeTrimsUsernameEmailAndName) {
  auto in = valid_input();
  in.username = "  alice \t";
  in.email = "\n alice@Example.com  ";
  in.name = "  Alice  Liddell  ";
  auto out = auth::normalize_registration(in);
  EXPECT_EQ(out.username, std::optional<std::string>("alice"));
  EXPECT_EQ(out.email, std::optional<std::string>("alice@example.com"));
  EXPECT_EQ(out.name, std::optional<std::string>("Alice  Liddell"));
  EXPECT_TRUE(auth::validate_registration(out, auth::PasswordPolicy{}).empty());
}

TEST(RegistrationRules, NormalizeKeepsAbsentFieldsAbsent) {
  RegistrationInput in;
  auto out = auth::normalize_registration(in);
  EXPECT_FALSE(out.username);
  EXPECT_FALSE(out.email);
  EXPECT_FALSE(out.name);
  EXPECT_FALSE(out.password);
}

TEST(RegistrationRules, MissingPasswordIsRequired) {
  auto in = valid_input();
  in.password.reset();
  in.password2.reset();
  EXPECT_EQ(validate(in)["password"], Messages{kRequired});
}

TEST(RegistrationRules, BlankPasswordIsRefused) {
  auto in = valid_input();
  in.password = "";
  in.password2 = "";
  EXPECT_EQ(validate(in)["password"], Messages{kBlank});
}

TEST(RegistrationRules, MismatchedPassword2IsRefused) {
  auto in = valid_input();
  in.password2 = "something-else";
  EXPECT_EQ(validate(in)["password"], Messages{"Password fields didn't match."});
}

TEST(RegistrationRules, MatchingOrAbsentPassword2IsFine) {
  auto in = valid_input();
  EXPECT_FALSE(validate(in).contains("password"));
  in.password2.reset();
  EXPECT_FALSE(validate(in).contains("password"));
}

TEST(RegistrationRules, NameLongerThan150CharactersIsRefused) {
  auto in = valid_input();
  in.name = std::string(150, 'n');
  EXPECT_FALSE(validate(in).contains("name"));
  in.name = std::string(151, 'n');
  EXPECT_EQ(validate(in)["name"], Messages{"Ensure this field has no more than 150 characters."});
}

TEST(RegistrationRules, ErrorsOnSeveralFieldsAreAllReported) {
  RegistrationInput in;
  in.username = "bad name";
  in.email = "not-an-email";
  auto errors = validate(in);
  EXPECT_EQ(errors["username"], Messages{kBadUsername});
  EXPECT_EQ(errors["email"], Messages{kBadEmail});
  EXPECT_EQ(errors["password"], Messages{kRequired});
}

TEST(RegistrationRules, TrimHelperStripsAsciiWhitespaceOnly) {
  EXPECT_EQ(common::trim("  a b  "), "a b");
  EXPECT_EQ(common::trim("\t\r\n\f\v"), "");
  EXPECT_EQ(common::trim(""), "");
  EXPECT_EQ(common::trim("x"), "x");
}

}  // namespace

TEST(RegistrationRules, PasswordMeetsDjangosValidatorsWithTheUsersOwnAttributes) {
  auto in = valid_input();
  in.password = in.password2 = "alice@example";  // too similar to the email
  EXPECT_EQ(validate(in)["password"], Messages{"The password is too similar to the email address."});
  in.password = in.password2 = "12345678";
  EXPECT_EQ(validate(in)["password"], (Messages{"This password is too common.", "This password is entirely numeric."}));
  in.password = in.password2 = "admin";  // seed 002's example is refused, as Django refuses it
  EXPECT_EQ(validate(in)["password"], (Messages{"This password is too short. It must contain at least 8 characters.",
                                                "This password is too common."}));
}

TEST(RegistrationRules, ARelaxedPolicyAcceptsWhatDjangosDefaultsRefuse) {
  auto in = auth::normalize_registration(valid_input());
  in.password = in.password2 = "admin";
  auth::PasswordPolicy relaxed{1, false, false, false};
  EXPECT_TRUE(auth::validate_registration(in, relaxed).empty());
}

TEST(RegistrationRules, EmailIsRequiredWhenLoginNeedsAVerifiedEmail) {
  auto in = valid_input();
  in.email.reset();
  EXPECT_FALSE(validate(in).contains("email"));
  EXPECT_EQ(validate(in, true)["email"], Messages{kRequired});
  in.email = "";
  EXPECT_EQ(validate(in, true)["email"], Messages{kBlank});
}
