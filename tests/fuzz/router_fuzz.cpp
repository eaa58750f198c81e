// gateway::Router::match on the gateway's real route table (add_all_routes), against an
// independent matcher written from the documented pattern rules: "{session_id}" is 1..64 hex
// digits after an optional "legacy-", any other "{name}" 1..18 digits; the trailing slash is
// optional. Input: "<METHOD> <path>".
#include "common/access/access_tokens.hpp"
#include "fuzz_support.hpp"
#include "gateway/router.hpp"
#include "gateway/routes.hpp"
#include "gateway/upstreams.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

// The table as the server builds it; nothing is called (channels connect lazily).
struct Fixture {
  gateway::Upstreams upstreams{"127.0.0.1:1", "127.0.0.1:1", std::chrono::milliseconds(100)};
  common::AccessTokens tokens{common::VerifierConfig{}, [] { return std::vector<common::jwt::KeyHandle>{}; },
                              [](std::string_view, std::string_view) -> bool { throw std::runtime_error("no auth"); }};
  gateway::Router router;
  Fixture() { gateway::add_all_routes(router, upstreams, tokens); }
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// How many characters of `rest` the placeholder `name` takes; 0 when it cannot start there.
std::size_t placeholder_length(std::string_view name, std::string_view rest) {
  if (name == "session_id") {
    std::size_t prefix = rest.starts_with("legacy-") ? 7 : 0;
    std::size_t hex = 0;
    while (prefix + hex < rest.size() && is_hex(rest[prefix + hex])) ++hex;
    return hex == 0 || hex > 64 ? 0 : prefix + hex;
  }
  std::size_t digits = 0;
  while (digits < rest.size() && is_digit(rest[digits])) ++digits;
  return digits > 18 ? 0 : digits;
}

bool is_session_id(std::string_view param) {
  if (param.starts_with("legacy-")) param.remove_prefix(7);
  return !param.empty() && param.size() <= 64 && std::all_of(param.begin(), param.end(), is_hex);
}

bool pattern_matches(const std::string& pattern, const std::string& path, std::vector<std::string>& params) {
  std::string literal = pattern;
  if (literal.size() > 1 && literal.back() == '/') literal.pop_back();
  std::size_t at = 0;
  for (std::size_t i = 0; i < literal.size(); ++i) {
    if (literal[i] == '{') {
      auto close = literal.find('}', i);
      std::size_t length =
          placeholder_length(std::string_view(literal).substr(i + 1, close - i - 1), std::string_view(path).substr(at));
      if (length == 0) return false;
      params.push_back(path.substr(at, length));
      at += length;
      i = close;
    } else {
      if (at >= path.size() || path[at] != literal[i]) return false;
      ++at;
    }
  }
  return at == path.size() || (at + 1 == path.size() && path[at] == '/');
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture fixture;
  std::string_view input = fuzz::as_text(data, size);
  auto space = input.find(' ');
  std::string method(input.substr(0, space));
  std::string path(space == std::string_view::npos ? std::string_view() : input.substr(space + 1));

  gateway::Router::Match match = fixture.router.match(method, path);

  const gateway::Route* expected = nullptr;
  std::vector<std::string> expected_params;
  std::vector<std::string> allowed;
  const std::string wanted = method == "HEAD" ? "GET" : method;
  for (const auto& route : fixture.router.routes()) {
    std::vector<std::string> params;
    if (!pattern_matches(route.pattern, path, params)) continue;
    if (std::find(allowed.begin(), allowed.end(), route.method) == allowed.end()) allowed.push_back(route.method);
    if (route.method == wanted && expected == nullptr) {
      expected = &route;
      expected_params = params;
    }
  }
  FUZZ_CHECK(match.route == expected);
  FUZZ_CHECK(match.params == expected_params);
  FUZZ_CHECK(match.allowed == allowed);
  for (const auto& param : match.params) {
    bool number = !param.empty() && param.size() <= 18 && std::all_of(param.begin(), param.end(), is_digit);
    FUZZ_CHECK(number || is_session_id(param));
  }
  return 0;
}
