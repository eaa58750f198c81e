#include "gateway/router.hpp"

#include <algorithm>
#include <stdexcept>

namespace gateway {

std::regex compile_route_pattern(const std::string& pattern) {
  std::string regex = "^";
  std::string literal = pattern;
  if (literal.size() > 1 && literal.back() == '/') literal.pop_back();
  for (std::size_t i = 0; i < literal.size(); ++i) {
    char c = literal[i];
    if (c == '{') {
      auto close = literal.find('}', i);
      if (close == std::string::npos) throw std::invalid_argument("unclosed { in route " + pattern);
      regex += "([0-9]{1,18})";  // fits int64; anything else is a 404 like Django's <int:pk>
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
