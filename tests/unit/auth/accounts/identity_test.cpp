// The canonical identity rules (services/auth/identity.hpp): Django's display forms and our
// case-insensitive lookup keys.
#include "auth/accounts/identity.hpp"
#include "auth/accounts/registration_rules.hpp"

#include <gtest/gtest.h>

namespace {

using namespace auth::identity;

TEST(Identity, UsernameDisplayIsNfkcLikeDjango) {
  EXPECT_EQ(username_display("\xEF\xBD\x81\xEF\xBD\x94\xEF\xBD\x8B\xEF\xBC\xBF\xEF\xBC\x91"), "atk_1");  // ａｔｋ＿１
  EXPECT_EQ(username_display("\xEF\xAC\x81sh"), "fish");    // "ﬁsh": the ligature decomposes
  EXPECT_EQ(username_display("\xE2\x84\xAB"), "\xC3\x85");  // Angstrom sign -> Å
  EXPECT_EQ(username_display("Alice"), "Alice");            // case is kept for display
  EXPECT_EQ(username_display("Stra\xC3\x9F"
                             "e"),
            "Stra\xC3\x9F"
            "e");  // ß stays ß
}

TEST(Identity, UsernameKeyFoldsCaseInFullUnicode) {
  EXPECT_EQ(username_key("Alice"), "alice");
  EXPECT_EQ(username_key("\xEF\xBC\xA1\xEF\xBD\x8C\xEF\xBD\x89\xEF\xBD\x83\xEF\xBD\x85"), "alice");  // Ａｌｉｃｅ
  EXPECT_EQ(username_key("\xC3\x84rger"), username_key("\xC3\xA4rger"));                             // Ärger, ärger
  EXPECT_EQ(username_key("Stra\xC3\x9F"
                         "e"),
            "strasse");  // full case folding: ß is ss
  EXPECT_EQ(username_key("\xCE\xA3\xCE\xB1\xCF\x82"), username_key("\xCF\x83\xCE\xB1\xCF\x83"));  // Σας, σασ
  // Turkish İ (U+0130) folds as in every other language: i + U+0307, not a plain "i".
  EXPECT_EQ(username_key("\xC4\xB0"), "i\xCC\x87");
  EXPECT_NE(username_key("\xC4\xB0"), username_key("I"));
  EXPECT_NE(username_key("alice"), username_key("alice1"));
}

TEST(Identity, EmailDisplayLowersTheDomainOnlyInFullUnicode) {
  EXPECT_EQ(email_display("John.Doe@EXAMPLE.COM"), "John.Doe@example.com");
  EXPECT_EQ(email_display("U@M\xC3\x9CLLER-x.COM"), "U@m\xC3\xBCller-x.com");
  EXPECT_EQ(email_display("a@b@C.com"), "a@b@c.com");  // the last "@" starts the domain
  EXPECT_EQ(email_display("no-at-sign"), "no-at-sign");
}

TEST(Identity, EmailKeyFoldsTheLocalPartAndPunycodesTheDomain) {
  const std::string key = email_key("u@m\xC3\xBCller-x.com");
  EXPECT_EQ(key, "u@xn--mller-x-n2a.com");
  EXPECT_EQ(email_key("U@M\xC3\x9CLLER-X.COM"), key);
  EXPECT_EQ(email_key("u@xn--mller-x-n2a.com"), key);
  EXPECT_EQ(email_key("u@XN--MLLER-X-N2A.COM"), key);
  EXPECT_EQ(email_key("\xEF\xBD\x95@\xEF\xBD\x8D\xC3\xBCller-x.com"), key);  // fullwidth u and m
  EXPECT_EQ(email_key("John.Doe@Example.COM"), "john.doe@example.com");
  EXPECT_NE(email_key("john.doe@example.com"), email_key("johndoe@example.com"));
  // Non-transitional: ß is a letter of its own in a domain, unlike "ss".
  EXPECT_NE(email_key("a@stra\xC3\x9F"
                      "e.de"),
            email_key("a@strasse.de"));
  // A stored address whose domain has no IDNA form still has a key.
  EXPECT_EQ(email_key("a@B_C.com"), "a@b_c.com");
}

TEST(Identity, IdnaRefusesDomainsWithoutAnAsciiForm) {
  EXPECT_EQ(idna_ascii("example.com"), "example.com");
  EXPECT_EQ(idna_ascii("B\xC3\xBC"
                       "cher.DE"),
            "xn--bcher-kva.de");
  EXPECT_EQ(idna_ascii(""), std::nullopt);
  EXPECT_EQ(idna_ascii("under_score.com"), std::nullopt);              // STD3
  EXPECT_EQ(idna_ascii("a..b.com"), std::nullopt);                     // empty label
  EXPECT_EQ(idna_ascii(std::string(64, 'a') + ".com"), std::nullopt);  // label over 63
  EXPECT_EQ(idna_ascii("xn--zz.com"), std::nullopt);                   // not valid punycode
  EXPECT_EQ(idna_ascii("a\xE2\x80\x8D"
                       "b.com"),
            std::nullopt);  // ZWJ outside its CONTEXTJ
}

TEST(Identity, UsernameTextIsDjangosUnicodeWordCharset) {
  for (const char* ok : {"alice", "a.b@c+d-e_f", "\xC3\xA4rger", "\xE5\xB1\xB1\xE7\x94\xB0", "\xD9\xA3x"}) {
    EXPECT_TRUE(is_username_text(ok)) << ok;
  }
  for (const char* bad : {"", "a b",
                          "a\xE2\x80\x8B"
                          "b" /* zero-width space */,
                          "e\xCC\x81" /* combining mark */, "a/b",
                          "a\xE3\x80\x80"
                          "b" /* ideographic space */,
                          "\xFF"}) {
    EXPECT_FALSE(is_username_text(bad)) << bad;
  }
}

TEST(Identity, InvalidUtf8NeverCrashes) {
  // Callers refuse these first; the functions still return something defined.
  EXPECT_EQ(username_key("a\xFF"), "a\xEF\xBF\xBD");
  EXPECT_EQ(email_key("a@\xC0\x80.com").substr(0, 2), "a@");
}

// Registration applies the identity rules: NFKC before validation, as Django's clean() does.
TEST(IdentityRegistration, FullwidthUsernameIsNormalizedBeforeValidation) {
  auth::RegistrationInput in;
  in.username = "\xEF\xBD\x81\xEF\xBD\x94\xEF\xBD\x8B\xEF\xBC\xBF\xEF\xBC\x91";
  in.email = "U@M\xC3\x9CLLER-x.COM";
  in.password = "a-long-password-42";
  auto normalized = auth::normalize_registration(in);
  EXPECT_EQ(normalized.username, "atk_1");
  EXPECT_EQ(normalized.email, "U@m\xC3\xBCller-x.com");
  EXPECT_TRUE(auth::validate_registration(normalized, auth::PasswordPolicy{}).empty());
}

TEST(IdentityRegistration, InvalidIdnaDomainIsAnInvalidEmail) {
  auth::RegistrationInput in;
  in.email = "a@xn--zz.com";
  in.password = "a-long-password-42";
  auto errors = auth::validate_registration(auth::normalize_registration(in), auth::PasswordPolicy{});
  ASSERT_TRUE(errors.contains("email"));
  EXPECT_EQ(errors["email"], std::vector<std::string>{"Enter a valid email address."});
}

TEST(IdentityRegistration, NulAndInvalidUtf8AreFieldErrors) {
  auth::RegistrationInput in;
  in.username = std::string("bob\0x", 5);
  in.email = "bob@example.com\xFF";
  in.name = std::string("\0", 1);
  in.password = std::string("pass\0word-long", 14);
  auto normalized = auth::normalize_registration(in);
  EXPECT_EQ(normalized.username, in.username);  // left as sent, for validation to refuse
  auto errors = auth::validate_registration(normalized, auth::PasswordPolicy{});
  EXPECT_EQ(errors["username"], std::vector<std::string>{"Null characters are not allowed."});
  EXPECT_EQ(errors["email"], std::vector<std::string>{"Enter valid UTF-8 text."});
  EXPECT_EQ(errors["name"], std::vector<std::string>{"Null characters are not allowed."});
  EXPECT_EQ(errors["password"], std::vector<std::string>{"Null characters are not allowed."});
}

}  // namespace
