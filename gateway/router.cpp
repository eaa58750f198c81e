#include "gateway/router.hpp"

#include <algorithm>
#include <stdexcept>
#include <string_view>

namespace gateway {
namespace {

// What a placeholder's segment may hold, by the placeholder's name. Anything else in that
// segment matches no route: a 404 without a call upstream.
std::string placeholder_regex(std::string_view name) {
  // A session (refresh family) id as auth makes them: hex, or "legacy-" and hex for a session
  // begun by an imported simplejwt token (its jti).
  if (name == "session_id") return "((?:legacy-)?[0-9a-fA-F]{1,64})";
  return "([0-9]{1,18})";  // fits int64; anything else is a 404 like Django's <int:pk>
}

}  // namespace

std::regex compile_route_pattern(const std::string& pattern) {
  std::string regex = "^";
  std::string literal = pattern;
  if (literal.size() > 1 && literal.back() == '/') literal.pop_back();
  for (std::size_t i = 0; i < literal.size(); ++i) {
    char c = literal[i];
    if (c == '{') {
      auto close = literal.find('}', i);
      if (close == std::string::npos) throw std::invalid_argument("unclosed { in route " + pattern);
      regex += placeholder_regex(std::string_view(literal).substr(i + 1, close - i - 1));
      i = close;
    } else if (std::string_view(".+*?^$()[]{}|\\").find(c) != std::string_view::npos) {
      regex += '\\';
      regex += c;
    } else {
      regex += c;
    }
  }
  regex += "/?$";
  return std::regex(regex);
}

void Router::add(const std::string& method, const std::string& pattern, Access access, Handler handler) {
  routes_.push_back({method, pattern, access, std::move(handler), compile_route_pattern(pattern)});
}

Router::Match Router::match(const std::string& method, const std::string& path) const {
  Match result;
  const std::string& wanted = method == "HEAD" ? std::string("GET") : method;
  for (const auto& route : routes_) {
    std::smatch groups;
    if (!std::regex_match(path, groups, route.regex)) continue;
    if (std::find(result.allowed.begin(), result.allowed.end(), route.method) == result.allowed.end()) {
      result.allowed.push_back(route.method);
    }
    if (route.method == wanted && result.route == nullptr) {
      result.route = &route;
      for (std::size_t i = 1; i < groups.size(); ++i) result.params.push_back(groups[i].str());
    }
  }
  return result;
}

}  // namespace gateway
