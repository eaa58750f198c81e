#include "auth/accounts/identity.hpp"

#include <unicode/bytestream.h>
#include <unicode/idna.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <memory>
#include <stdexcept>

namespace auth::identity {
namespace {

icu::UnicodeString from_utf8(std::string_view text) {
  // fromUTF8 replaces ill-formed sequences with U+FFFD.
  return icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
}

std::string to_utf8(const icu::UnicodeString& text) {
  std::string out;
  text.toUTF8String(out);
  return out;
}

void check(UErrorCode status, const char* what) {
  if (U_FAILURE(status)) throw std::runtime_error(std::string("ICU ") + what + ": " + u_errorName(status));
}

std::string normalized(std::string_view text, const icu::Normalizer2* (*instance)(UErrorCode&)) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* normalizer = instance(status);
  check(status, "normalizer");
  icu::UnicodeString result = normalizer->normalize(from_utf8(text), status);
  check(status, "normalize");
  return to_utf8(result);
}

std::string nfkc(std::string_view text) { return normalized(text, icu::Normalizer2::getNFKCInstance); }

std::string nfkc_casefold(std::string_view text) { return normalized(text, icu::Normalizer2::getNFKCCasefoldInstance); }

// UTS #46 with the options of today's browsers (WHATWG URL): non-transitional, so "ß" stays a
// letter of its own instead of becoming "ss"; bidi and CONTEXTJ checks; STD3 rules (letters,
// digits and hyphens only, as Django's domain validator wants).
const icu::IDNA& uts46() {
  static const std::unique_ptr<icu::IDNA> idna = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::IDNA> made(icu::IDNA::createUTS46Instance(
        UIDNA_NONTRANSITIONAL_TO_ASCII | UIDNA_CHECK_BIDI | UIDNA_CHECK_CONTEXTJ | UIDNA_USE_STD3_RULES, status));
    check(status, "UTS #46");
    return made;
  }();
  return *idna;
}

}  // namespace

std::string username_display(std::string_view username) { return nfkc(username); }

std::string email_display(std::string_view email) {
  auto at = email.rfind('@');
  if (at == std::string_view::npos) return std::string(email);
  // The root locale: Python's str.lower() knows no locale either.
  icu::UnicodeString domain = from_utf8(email.substr(at + 1));
  domain.toLower(icu::Locale::getRoot());
  return std::string(email.substr(0, at + 1)) + to_utf8(domain);
}

std::string username_key(std::string_view username) { return nfkc_casefold(username); }

std::string email_key(std::string_view email) {
  auto at = email.rfind('@');
  if (at == std::string_view::npos) return nfkc_casefold(email);
  std::string_view domain = email.substr(at + 1);
  auto ascii = idna_ascii(domain);
  return nfkc_casefold(email.substr(0, at)) + "@" + (ascii ? *ascii : nfkc_casefold(domain));
}

std::optional<std::string> idna_ascii(std::string_view domain) {
  if (domain.empty()) return std::nullopt;
  std::string out;
  icu::StringByteSink<std::string> sink(&out);
  icu::IDNAInfo info;
  UErrorCode status = U_ZERO_ERROR;
  uts46().nameToASCII_UTF8(icu::StringPiece(domain.data(), static_cast<int32_t>(domain.size())), sink, info, status);
  if (U_FAILURE(status) || info.hasErrors() || out.empty()) return std::nullopt;
  return out;
}

bool is_username_text(std::string_view username) {
  if (username.empty()) return false;
  icu::UnicodeString text = from_utf8(username);
  for (int32_t i = 0; i < text.length(); i = text.moveIndex32(i, 1)) {
    UChar32 c = text.char32At(i);
    bool allowed = u_isalpha(c) || u_getIntPropertyValue(c, UCHAR_NUMERIC_TYPE) != U_NT_NONE || c == '_' || c == '.' ||
                   c == '@' || c == '+' || c == '-';
    // U+FFFD stands for an ill-formed sequence here, never for a letter.
    if (!allowed || c == 0xFFFD) return false;
  }
  return true;
}

}  // namespace auth::identity
