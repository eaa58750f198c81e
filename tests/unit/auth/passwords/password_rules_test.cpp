#include "auth/passwords/password_rules.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

const std::string kCommon = "This password is too common.";
const std::string kNumeric = "This password is entirely numeric.";
const std::string kShort8 = "This password is too short. It must contain at least 8 characters.";
const std::string kSimilarUsername = "The password is too similar to the username.";
const std::string kSimilarEmail = "The password is too similar to the email address.";
const std::string kSimilarName = "The password is too similar to the name.";

struct DjangoCase {
  std::string password;
  auth::UserAttributes user;
  auth::PasswordPolicy policy;
  std::vector<std::string> expected;
};

// Each expectation is what Django's validate_password() returned: Debian 12's Django 3.2.25, whose
// common-password list is the one embedded here and whose validators, messages and similarity
// shortcut are those of 4.2/5.x; validators in Django's default order, with
// UserAttributeSimilarityValidator(user_attributes=("username", "email", "name")) on a User with
// `name` set as an attribute.
const std::vector<DjangoCase> kDjangoCases = {
    {"", {"alice", "", ""}, {}, {kShort8}},
    {"abc", {"", "", ""}, {}, {kShort8, kCommon}},
    {"12345", {"", "", ""}, {}, {kShort8, kCommon, kNumeric}},
    {"password", {"", "", ""}, {}, {kCommon}},
    {"PassWord", {"", "", ""}, {}, {kCommon}},
    {" password ", {"", "", ""}, {}, {kCommon}},
    {"\xc2\xa0"
     "password\x09",
     {"", "", ""},
     {},
     {kCommon}},
    {"qwerty123", {"", "", ""}, {}, {kCommon}},
    {"iloveyou", {"", "", ""}, {}, {kCommon}},
    {"123456789012", {"", "", ""}, {}, {kNumeric}},
    {"8675309123470", {"", "", ""}, {}, {kNumeric}},
    {" 123456 ", {"", "", ""}, {}, {kCommon}},
    {"alice", {"alice", "", ""}, {}, {kSimilarUsername, kShort8, kCommon}},
    {"alice123", {"alice", "", ""}, {}, {kSimilarUsername, kCommon}},
    {"ALICE!!!", {"Alice", "", ""}, {}, {kSimilarUsername}},
    {"Alice2024!", {"alice", "", ""}, {}, {}},
    {"johnsmith1", {"jsmith", "john.smith@example.com", ""}, {}, {kSimilarUsername}},
    {"smithjohn99", {"", "john.smith@example.com", ""}, {}, {}},
    {"xample.com", {"", "john.smith@example.com", ""}, {}, {kSimilarEmail}},
    {"mariagarcia", {"mg", "mg@example.org", "Maria Garcia"}, {}, {kSimilarName}},
    {"garcia1984", {"", "", "Maria Garcia"}, {}, {kSimilarName}},
    {"christopher!", {"u123", "", "Christopher"}, {}, {kSimilarName}},
    {"bobbob12", {"bob", "bob@bob.com", "Bob"}, {}, {}},
    {"firstlast", {"first_last", "", ""}, {}, {kSimilarUsername}},
    {"correct horse battery staple", {"alice", "alice@example.com", "Alice Liddell"}, {}, {}},
    {"alalalalalalalalalalal", {"al", "", ""}, {}, {}},
    {"alalalalalalalalalal", {"al", "", ""}, {}, {}},
    {"alal", {"al", "", ""}, {}, {kShort8}},
    {"aaaaaaaaaaaaaaaaaaaa", {"", "a@b.co", ""}, {}, {}},
    {"pässwörd", {"", "", ""}, {}, {}},
    {"Ünïcödé-pässwörd-42", {"", "", ""}, {}, {}},
    {"MÜLLERjürgen", {"", "", "Jürgen Müller"}, {}, {kSimilarName}},
    {"jeanluc12", {"", "", "Jean·Luc"}, {}, {kSimilarName}},
    {"пароль", {"", "", ""}, {}, {kShort8}},
    {"ПАРОЛЬ-секрет", {"", "", "Пароль"}, {}, {}},
    {"١٢٣٤٥٦٧٨٩", {"", "", ""}, {}, {kNumeric}},
    {"²³¹²³¹²³", {"", "", ""}, {}, {kNumeric}},
    {"密码密码密码密码", {"", "", ""}, {}, {}},
    {"🔒🔒🔒🔒🔒🔒🔒", {"", "", ""}, {}, {kShort8}},
    {"🔒🔒🔒🔒🔒🔒🔒🔒", {"🔒", "", ""}, {}, {}},
    {"", {"", "", ""}, {.min_length = 1}, {"This password is too short. It must contain at least 1 character."}},
    {"short", {"", "", ""}, {.min_length = 1}, {}},
    {"longenough1",
     {"", "", ""},
     {.min_length = 12},
     {"This password is too short. It must contain at least 12 characters."}},
    {"12345678", {"", "", ""}, {.check_common = false}, {kNumeric}},
    {"12345678", {"", "", ""}, {.check_common = false, .check_numeric = false}, {}},
    {"alice123", {"alice", "", ""}, {.check_similarity = false}, {kCommon}},
    {"alicexyz9", {"alice", "", ""}, {}, {kSimilarUsername}},
    {"alicexyz9", {"alice", "", ""}, {.max_similarity = 0.5}, {kSimilarUsername}},
    {"alicexyz9", {"alice", "", ""}, {.max_similarity = 1.0}, {}},
    {"alice", {"alice", "", ""}, {.max_similarity = 1.0}, {kSimilarUsername, kShort8, kCommon}},
    {"alalalalalalalalalalal", {"al", "", ""}, {.max_similarity = 0.1}, {kSimilarUsername}},
    {"alalalalalalalalalalalalalalalalalalalalal", {"al", "", ""}, {.max_similarity = 0.1}, {}},
    {"", {"trailing.", "", ""}, {}, {kSimilarUsername, kShort8}},
    {"maria1234", {"zz", "maria@x.io", "Maria"}, {}, {kSimilarEmail}},
    {"pass word", {"", "", ""}, {}, {}},
    {"0000000000", {"", "", ""}, {}, {kCommon, kNumeric}},
    {"åsaåsa1!", {"ÅSAÅSA", "", ""}, {}, {kSimilarUsername}},
    {"ПАРОЛЬ1", {"", "", "пароль"}, {}, {kSimilarName, kShort8}},
    {std::string(200, 'x'), {"", "", ""}, {}, {}},
    {"Tr0ub4dor&3", {"troubadour", "", ""}, {}, {}},
    // Python's \W also splits at emoji, combining accents (decomposed text) and non-ASCII punctuation.
    {"alice2024", {"🔒alice🔒", "", ""}, {}, {kSimilarUsername}},
    {"jose123",
     {"", "",
      "Jose\xcc\x81 Garci\xcc\x81"
      "a"},
     {},
     {kSimilarName, kShort8, kCommon}},
    {"jose123", {"", "", "José García"}, {}, {kShort8, kCommon}},
    {"anne1234", {"", "", "Anne–Marie"}, {}, {}},
    {"marie！！！", {"", "", "Anne–Marie"}, {}, {kSimilarName}},
};

TEST(PasswordRules, MatchesDjangosValidatePassword) {
  for (const auto& c : kDjangoCases) {
    SCOPED_TRACE("password \"" + c.password + "\", user \"" + c.user.username + "\", \"" + c.user.email + "\", \"" +
                 c.user.name + "\"");
    EXPECT_EQ(auth::validate_password(c.password, c.user, c.policy), c.expected);
  }
}

TEST(PasswordRules, DefaultsAreDjangos) {
  auth::PasswordPolicy policy;
  EXPECT_EQ(policy.min_length, 8u);
  EXPECT_TRUE(policy.check_common);
  EXPECT_TRUE(policy.check_numeric);
  EXPECT_TRUE(policy.check_similarity);
  EXPECT_DOUBLE_EQ(policy.max_similarity, 0.7);
}

TEST(PasswordRules, FindsTheFirstLastAndPieceBoundaryEntriesOfTheEmbeddedList) {
  // The list is embedded in ~60 KB pieces cut at line ends; these are the entries on either
  // side of each cut, plus the file's first and last (unterminated) lines.
  const auth::PasswordPolicy only_common{.min_length = 0, .check_numeric = false, .check_similarity = false};
  for (const char* entry : {"bigpimpin1", "hailey", "iceberg", "cena54", "joshua7", "chobits", "z k.lovemom"}) {
    EXPECT_EQ(auth::validate_password(entry, {}, only_common), std::vector<std::string>{kCommon}) << entry;
  }
  EXPECT_TRUE(auth::validate_password("chobits!", {}, only_common).empty());
  EXPECT_TRUE(auth::validate_password("hailey\nicebe", {}, only_common).empty());
}

TEST(PasswordRules, CountsCharactersNotBytes) {
  // 8 two-byte characters are long enough; 7 four-byte ones (28 bytes) are not.
  EXPECT_TRUE(auth::validate_password("ääääääää", {}, {}).empty());
  EXPECT_EQ(auth::validate_password("🔒🔒🔒🔒🔒🔒🔒", {}, {}), std::vector<std::string>{kShort8});
}

TEST(PasswordRules, InvalidUtf8CountsEachStrayByteAsOneCharacter) {
  EXPECT_EQ(auth::validate_password("\xff\xfe\xfd\xfc\xfb\xfa\x80", {}, {}), std::vector<std::string>{kShort8});
  EXPECT_TRUE(auth::validate_password("\xff\xfe\xfd\xfc\xfb\xfa\x80\xc3", {}, {}).empty());
}

TEST(PasswordRules, EmptyAttributesAreSkipped) {
  // Django skips falsy values; an empty value would otherwise be "similar" to an empty password.
  const auth::PasswordPolicy no_length{.min_length = 0};
  EXPECT_TRUE(auth::validate_password("", {}, no_length).empty());
}

}  // namespace
