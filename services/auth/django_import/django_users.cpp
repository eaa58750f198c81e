#include "auth/django_import/django_users.hpp"

#include "auth/django_import/django_columns.hpp"
#include "auth/passwords/legacy_password_hashes.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace auth {
namespace django_columns {

void require_columns(const ColumnPositions& positions, const std::string& where) {
  for (Column required : {kId, kPassword}) {
    if (!positions[required]) throw ImportError(where + ": no \"" + kColumnNames[required] + "\" column");
  }
  if (!positions[kUsername] && !positions[kEmail]) {
    throw ImportError(where + ": neither a \"username\" nor an \"email\" column");
  }
}

std::optional<Clock::time_point> checked_time_point(std::chrono::microseconds since_epoch) {
  using std::chrono::duration_cast;
  using std::chrono::microseconds;
  if (since_epoch > duration_cast<microseconds>(Clock::duration::max()) ||
      since_epoch < duration_cast<microseconds>(Clock::duration::min())) {
    return std::nullopt;
  }
  return Clock::time_point(duration_cast<Clock::duration>(since_epoch));
}

std::string shown(std::string_view value) {
  constexpr std::size_t kMax = 40;
  return "\"" + std::string(value.substr(0, kMax)) + (value.size() > kMax ? "...\"" : "\"");
}

}  // namespace django_columns

namespace {

// Our own PasswordHasher's format: $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>.
bool is_argon2id_phc(std::string_view encoded) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    auto dollar = encoded.find('$', start);
    parts.push_back(encoded.substr(start, dollar == std::string_view::npos ? dollar : dollar - start));
    if (dollar == std::string_view::npos) break;
    start = dollar + 1;
  }
  auto is_base64 = [](std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/';
    });
  };
  auto is_number = [](std::string_view text) {
    return !text.empty() && text.size() <= 10 &&
           std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  };
  if (parts.size() != 6 || !parts[0].empty() || parts[1] != "argon2id" || !parts[2].starts_with("v=") ||
      !is_number(parts[2].substr(2)) || !is_base64(parts[4]) || !is_base64(parts[5])) {
    return false;
  }
  std::string_view params = parts[3];
  for (std::string_view key : {"m=", "t=", "p="}) {
    if (!params.starts_with(key)) return false;
    params.remove_prefix(2);
    auto comma = params.find(',');
    if (!is_number(params.substr(0, comma))) return false;
    params = comma == std::string_view::npos ? std::string_view() : params.substr(comma + 1);
    if (key != "p=" && comma == std::string_view::npos) return false;
  }
  return params.empty();
}

}  // namespace

bool is_importable_hash(std::string_view encoded) {
  if (encoded.empty() || encoded.starts_with('!')) return false;
  return is_django_hash(std::string(encoded)) || is_argon2id_phc(encoded);
}

}  // namespace auth
