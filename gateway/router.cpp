#include "gateway/router.hpp"

#include <algorithm>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace gateway {
namespace {

constexpr std::string_view kLegacyPrefix = "legacy-";

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// How many characters from `at` satisfy `accept`.
template <class Accept>
std::size_t run_length(std::string_view text, std::size_t at, Accept accept) {
  std::size_t end = at;
  while (end < text.size() && accept(text[end])) ++end;
  return end - at;
}

}  // namespace

RoutePattern::RoutePattern(const std::string& pattern) {
  std::string literal = pattern;
  if (literal.size() > 1 && literal.back() == '/') literal.pop_back();
  std::string text;
  for (std::size_t i = 0; i < literal.size(); ++i) {
    if (literal[i] != '{') {
      text += literal[i];
      continue;
    }
    auto close = literal.find('}', i);
    if (close == std::string::npos) throw std::invalid_argument("unclosed { in route " + pattern);
    if (!text.empty()) tokens_.push_back({Kind::kLiteral, std::exchange(text, {})});
    // What a placeholder's segment may hold, by the placeholder's name; anything else in that
    // segment matches no route: a 404 without a call upstream.
    auto name = std::string_view(literal).substr(i + 1, close - i - 1);
    tokens_.push_back({name == "session_id" ? Kind::kSessionId : Kind::kNumber, {}});
    i = close;
  }
  if (!text.empty()) tokens_.push_back({Kind::kLiteral, std::move(text)});
}

bool RoutePattern::match(std::string_view path, std::vector<std::string>& params) const {
  std::vector<std::string> found;
  std::size_t at = 0;
  for (const auto& token : tokens_) {
    switch (token.kind) {
      case Kind::kLiteral:
        if (path.substr(at, token.text.size()) != token.text) return false;
        at += token.text.size();
        break;
      case Kind::kNumber: {
        // Fits int64; anything else is a 404 like Django's <int:pk>.
        std::size_t digits = run_length(path, at, is_digit);
        if (digits < 1 || digits > 18) return false;
        found.emplace_back(path.substr(at, digits));
        at += digits;
        break;
      }
      case Kind::kSessionId: {
        // A session (refresh family) id as auth makes them: hex, or "legacy-" and hex for a
        // session begun by an imported simplejwt token (its jti).
        std::size_t start = at;
        if (path.substr(at, kLegacyPrefix.size()) == kLegacyPrefix) at += kLegacyPrefix.size();
        std::size_t digits = run_length(path, at, is_hex);
        if (digits < 1 || digits > 64) return false;
        at += digits;
        found.emplace_back(path.substr(start, at - start));
        break;
      }
    }
  }
  // The trailing slash is optional.
  auto rest = path.substr(at);
  if (!rest.empty() && rest != "/") return false;
  params = std::move(found);
  return true;
}

void Router::add(const std::string& method, const std::string& pattern, Access access, Handler handler) {
  routes_.push_back({method, pattern, access, std::move(handler), RoutePattern(pattern)});
}

Router::Match Router::match(const std::string& method, const std::string& path) const {
  Match result;
  const std::string& wanted = method == "HEAD" ? std::string("GET") : method;
  std::vector<std::string> params;
  for (const auto& route : routes_) {
    if (!route.compiled.match(path, params)) continue;
    if (std::find(result.allowed.begin(), result.allowed.end(), route.method) == result.allowed.end()) {
      result.allowed.push_back(route.method);
    }
    if (route.method == wanted && result.route == nullptr) {
      result.route = &route;
      result.params = params;
    }
  }
  return result;
}

}  // namespace gateway
