#include "auth/passwords/password_rules.hpp"

#include <algorithm>
#include <iterator>
#include <optional>
#include <span>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace auth {

// Defined in the .cpp that data/EmbedCommonPasswords.cmake generates: Django's list as
// newline-separated pieces (compilers cap the length of one string literal).
std::span<const char* const> embedded_common_passwords();

namespace {

// Bytes that are not valid UTF-8 become one code point each, out of the way of real text
// (Python's "surrogateescape"), so they still count and compare.
constexpr char32_t kEscapedByte = 0xDC00;

std::u32string decode_utf8(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    auto lead = static_cast<unsigned char>(text[i]);
    std::size_t extra = lead < 0x80             ? 0
                        : (lead & 0xE0) == 0xC0 ? 1
                        : (lead & 0xF0) == 0xE0 ? 2
                        : (lead & 0xF8) == 0xF0 ? 3
                                                : 4;  // a stray continuation byte or 0xF8..0xFF
    bool valid = extra < 4 && i + extra < text.size();
    char32_t cp = lead & (0x7F >> extra);
    for (std::size_t k = 1; valid && k <= extra; ++k) {
      auto cont = static_cast<unsigned char>(text[i + k]);
      valid = (cont & 0xC0) == 0x80;
      cp = (cp << 6) | (cont & 0x3F);
    }
    if (valid) {
      out.push_back(cp);
      i += extra + 1;
    } else {
      out.push_back(kEscapedByte + lead);
      ++i;
    }
  }
  return out;
}

std::string encode_utf8(std::u32string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t cp : text) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp >= kEscapedByte + 0x80 && cp <= kEscapedByte + 0xFF) {
      out.push_back(static_cast<char>(cp - kEscapedByte));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  return out;
}

// Python's str.lower() where it is a plain offset: ASCII, Latin-1, basic Cyrillic.
char32_t to_lower(char32_t cp) {
  if ((cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) || (cp >= 0x410 && cp <= 0x42F)) {
    return cp + 0x20;
  }
  if (cp >= 0x400 && cp <= 0x40F) return cp + 0x50;
  return cp;
}

std::u32string lower(std::u32string text) {
  std::transform(text.begin(), text.end(), text.begin(), to_lower);
  return text;
}

// Python's str.isspace(), which str.strip() uses.
bool is_space(char32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

using Range = std::pair<char32_t, char32_t>;

bool in_ranges(char32_t cp, std::span<const Range> sorted_ranges) {
  auto it = std::upper_bound(sorted_ranges.begin(), sorted_ranges.end(), cp,
                             [](char32_t value, const Range& range) { return value < range.first; });
  return it != sorted_ranges.begin() && cp <= std::prev(it)->second;
}

// Python's str.isdigit() (Unicode 14, Python 3.11): decimal digits plus superscripts, circled
// and other "digit" characters, so "١٢٣٤٥٦٧٨" is as numeric to us as to Django.
bool is_digit(char32_t cp) {
  static constexpr Range kDigits[] = {
      {0x30, 0x39},       {0xB2, 0xB3},       {0xB9, 0xB9},       {0x660, 0x669},     {0x6F0, 0x6F9},
      {0x7C0, 0x7C9},     {0x966, 0x96F},     {0x9E6, 0x9EF},     {0xA66, 0xA6F},     {0xAE6, 0xAEF},
      {0xB66, 0xB6F},     {0xBE6, 0xBEF},     {0xC66, 0xC6F},     {0xCE6, 0xCEF},     {0xD66, 0xD6F},
      {0xDE6, 0xDEF},     {0xE50, 0xE59},     {0xED0, 0xED9},     {0xF20, 0xF29},     {0x1040, 0x1049},
      {0x1090, 0x1099},   {0x1369, 0x1371},   {0x17E0, 0x17E9},   {0x1810, 0x1819},   {0x1946, 0x194F},
      {0x19D0, 0x19DA},   {0x1A80, 0x1A89},   {0x1A90, 0x1A99},   {0x1B50, 0x1B59},   {0x1BB0, 0x1BB9},
      {0x1C40, 0x1C49},   {0x1C50, 0x1C59},   {0x2070, 0x2070},   {0x2074, 0x2079},   {0x2080, 0x2089},
      {0x2460, 0x2468},   {0x2474, 0x247C},   {0x2488, 0x2490},   {0x24EA, 0x24EA},   {0x24F5, 0x24FD},
      {0x24FF, 0x24FF},   {0x2776, 0x277E},   {0x2780, 0x2788},   {0x278A, 0x2792},   {0xA620, 0xA629},
      {0xA8D0, 0xA8D9},   {0xA900, 0xA909},   {0xA9D0, 0xA9D9},   {0xA9F0, 0xA9F9},   {0xAA50, 0xAA59},
      {0xABF0, 0xABF9},   {0xFF10, 0xFF19},   {0x104A0, 0x104A9}, {0x10A40, 0x10A43}, {0x10D30, 0x10D39},
      {0x10E60, 0x10E68}, {0x11052, 0x1105A}, {0x11066, 0x1106F}, {0x110F0, 0x110F9}, {0x11136, 0x1113F},
      {0x111D0, 0x111D9}, {0x112F0, 0x112F9}, {0x11450, 0x11459}, {0x114D0, 0x114D9}, {0x11650, 0x11659},
      {0x116C0, 0x116C9}, {0x11730, 0x11739}, {0x118E0, 0x118E9}, {0x11950, 0x11959}, {0x11C50, 0x11C59},
      {0x11D50, 0x11D59}, {0x11DA0, 0x11DA9}, {0x16A60, 0x16A69}, {0x16AC0, 0x16AC9}, {0x16B50, 0x16B59},
      {0x1D7CE, 0x1D7FF}, {0x1E140, 0x1E149}, {0x1E2F0, 0x1E2F9}, {0x1E950, 0x1E959}, {0x1F100, 0x1F10A},
      {0x1FBF0, 0x1FBF9},
  };
  return in_ranges(cp, kDigits);
}

// Python's re "\w" on str. Exact for ASCII and Latin-1; beyond, the blocks of what names and
// addresses hold between words (combining marks, punctuation, symbols, CJK and fullwidth
// punctuation, emoji) are separators and everything else is a word character.
bool is_word(char32_t cp) {
  if (cp < 0x80) {
    return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') || cp == '_';
  }
  static constexpr Range kSeparators[] = {
      {0x80, 0xA9},       {0xAB, 0xB1},       {0xB4, 0xB4},     {0xB6, 0xB8},     {0xBB, 0xBB},     {0xBF, 0xBF},
      {0xD7, 0xD7},       {0xF7, 0xF7},       {0x300, 0x36F},   {0x2000, 0x206F}, {0x20A0, 0x20FF}, {0x2190, 0x23FF},
      {0x2500, 0x2775},   {0x2794, 0x2BFF},   {0x3000, 0x3004}, {0x3008, 0x3020}, {0x3030, 0x3030}, {0xFE00, 0xFE0F},
      {0xFE30, 0xFE4F},   {0xFF01, 0xFF0F},   {0xFF1A, 0xFF20}, {0xFF3B, 0xFF40}, {0xFF5B, 0xFF65}, {0x1F000, 0x1F0FF},
      {0x1F10D, 0x1FAFF}, {0xE0000, 0xE007F},
  };
  return !in_ranges(cp, kSeparators);
}

// re.split(r"\W+", value): empty parts included, as Python yields them at the edges.
std::vector<std::u32string> split_on_non_word(const std::u32string& value) {
  std::vector<std::u32string> parts(1);
  bool in_separator = false;
  for (char32_t cp : value) {
    if (is_word(cp)) {
      parts.back().push_back(cp);
      in_separator = false;
    } else if (!in_separator) {
      parts.emplace_back();
      in_separator = true;
    }
  }
  return parts;
}

// difflib.SequenceMatcher(a, b).quick_ratio(): 2 * (characters in common, as multisets) / total.
double quick_ratio(const std::u32string& a, const std::u32string& b) {
  std::size_t total = a.size() + b.size();
  if (total == 0) return 1.0;
  std::unordered_map<char32_t, std::size_t> available;
  for (char32_t cp : b) ++available[cp];
  std::size_t matches = 0;
  for (char32_t cp : a) {
    auto it = available.find(cp);
    if (it != available.end() && it->second > 0) {
      --it->second;
      ++matches;
    }
  }
  return 2.0 * static_cast<double>(matches) / static_cast<double>(total);
}

// Django's shortcut for values far shorter than the password, which can never reach
// max_similarity anyway; kept so the arithmetic matches Django's step for step.
bool exceeds_maximum_length_ratio(std::size_t password_length, double max_similarity, std::size_t value_length) {
  double length_bound_similarity = max_similarity / 2 * static_cast<double>(password_length);
  return password_length >= 10 * value_length && static_cast<double>(value_length) < length_bound_similarity;
}

std::optional<std::string> similar_attribute(const std::u32string& password_lower, const UserAttributes& user,
                                             double max_similarity) {
  const std::pair<const std::string*, const char*> attributes[] = {
      {&user.username, "username"}, {&user.email, "email address"}, {&user.name, "name"}};
  for (const auto& [value, verbose_name] : attributes) {
    if (value->empty()) continue;
    std::u32string value_lower = lower(decode_utf8(*value));
    std::vector<std::u32string> parts = split_on_non_word(value_lower);
    parts.push_back(value_lower);
    for (const auto& part : parts) {
      if (exceeds_maximum_length_ratio(password_lower.size(), max_similarity, part.size())) continue;
      // Django raises on the first match, so only one attribute is ever named.
      if (quick_ratio(password_lower, part) >= max_similarity) return verbose_name;
    }
  }
  return std::nullopt;
}

const std::unordered_set<std::string>& common_passwords() {
  static const std::unordered_set<std::string> passwords = [] {
    std::unordered_set<std::string> set;
    set.reserve(20000);
    for (std::string_view chunk : embedded_common_passwords()) {
      while (!chunk.empty()) {
        auto end = chunk.find('\n');
        std::string_view line = chunk.substr(0, end);
        chunk = end == std::string_view::npos ? std::string_view() : chunk.substr(end + 1);
        while (!line.empty() && is_space(static_cast<unsigned char>(line.back()))) line.remove_suffix(1);
        while (!line.empty() && is_space(static_cast<unsigned char>(line.front()))) line.remove_prefix(1);
        if (!line.empty()) set.emplace(line);
      }
    }
    return set;
  }();
  return passwords;
}

bool is_common(const std::u32string& password) {
  std::u32string lowered = lower(password);
  std::u32string_view stripped = lowered;
  while (!stripped.empty() && is_space(stripped.back())) stripped.remove_suffix(1);
  while (!stripped.empty() && is_space(stripped.front())) stripped.remove_prefix(1);
  return common_passwords().contains(encode_utf8(stripped));
}

}  // namespace

std::vector<std::string> validate_password(const std::string& password, const UserAttributes& user,
                                           const PasswordPolicy& policy) {
  std::vector<std::string> errors;
  std::u32string code_points = decode_utf8(password);
  if (policy.check_similarity) {
    if (auto attribute = similar_attribute(lower(code_points), user, policy.max_similarity)) {
      errors.push_back("The password is too similar to the " + *attribute + ".");
    }
  }
  if (code_points.size() < policy.min_length) {
    // ngettext: singular for exactly one.
    const char* unit = policy.min_length == 1 ? " character." : " characters.";
    errors.push_back("This password is too short. It must contain at least " + std::to_string(policy.min_length) +
                     unit);
  }
  if (policy.check_common && is_common(code_points)) errors.push_back("This password is too common.");
  if (policy.check_numeric && !code_points.empty() && std::all_of(code_points.begin(), code_points.end(), is_digit)) {
    errors.push_back("This password is entirely numeric.");
  }
  return errors;
}

}  // namespace auth
