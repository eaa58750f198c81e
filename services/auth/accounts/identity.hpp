#pragma once

#include <optional>
#include <string>
#include <string_view>

// One canonical identity per account (issue 11), as pure functions over ICU.
//
// Two forms of each identifier:
// - the display form: what is stored in users.username/users.email and shown. Django's rules:
//   a username in NFKC (AbstractBaseUser.normalize_username), an email with its local part as
//   given and its domain lower-cased in full Unicode (BaseUserManager.normalize_email, Python's
//   str.lower()).
// - the lookup key: what uniqueness (unique indexes on users.username_key/email_key), lookups
//   and the per-account login limit compare. Case-insensitive in full Unicode: a username's key
//   is NFKC_Casefold ("ＡＴＫ＿１", "atk_1" and "ATK_1" are one; "Straße" is "strasse"); an
//   email's key is the NFKC_Casefold of its local part, "@", and its domain in IDNA (UTS #46,
//   non-transitional, STD3 rules) ASCII form, so "müller.com", "MÜLLER.com" and
//   "xn--mller-kva.com" are one domain. Case folding is locale-independent: the Turkish dotted
//   and dotless I fold as in every other language ("İ" to "i̇"), which is what Python does too.
//
// Every function expects valid UTF-8 (callers check common::text_field_problem first); invalid
// sequences become U+FFFD rather than undefined behaviour.
namespace auth::identity {

// Django's normalize_username: NFKC.
std::string username_display(std::string_view username);
// Django's normalize_email: the domain (after the last "@") lower-cased in full Unicode;
// without an "@" the text is returned unchanged.
std::string email_display(std::string_view email);

std::string username_key(std::string_view username);
// Total, so a stored address always has a key: when the domain has no IDNA form (only possible
// for rows stored before these rules), the key falls back to the domain's NFKC_Casefold.
std::string email_key(std::string_view email);

// The domain's IDNA ASCII form (UTS #46 ToASCII), or nullopt when it has none: empty or
// over-long labels, disallowed code points, bidi or CONTEXTJ violations, STD3 characters.
std::optional<std::string> idna_ascii(std::string_view domain);

// Django's UnicodeUsernameValidator, ^[\w.@+-]+\Z with Python's Unicode \w: letters (general
// category L), numbers (any numeric type), "_", ".", "@", "+" and "-"; nothing else (no marks,
// spaces, format or control characters).
bool is_username_text(std::string_view username);

}  // namespace auth::identity
