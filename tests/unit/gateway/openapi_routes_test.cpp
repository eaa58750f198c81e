// docs/openapi.yaml against the gateway's route table: a route missing from either side, or
// documented with the wrong authentication, fails here.
#include "common/access/access_tokens.hpp"
#include "gateway/embedded_docs.hpp"
#include "gateway/routes.hpp"
#include "gateway/upstreams.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace {

using nlohmann::json;

// "GET /api/posts/{id}/" -> whether the route needs a bearer token.
using Operations = std::map<std::string, bool>;

const std::set<std::string> kHttpMethods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::toupper(c); });
  return text;
}

// The table exactly as the server builds it. Nothing is called: gRPC channels connect lazily
// and the key fetch finds nothing, which the verifier tolerates.
Operations route_table() {
  gateway::Upstreams upstreams("127.0.0.1:1", "127.0.0.1:1", std::chrono::milliseconds(100));
  common::AccessTokens tokens(
      common::VerifierConfig{}, [] { return std::vector<common::jwt::KeyHandle>{}; },
      [](std::string_view, std::string_view) -> bool { throw std::runtime_error("no auth service here"); });
  gateway::Router router;
  gateway::add_all_routes(router, upstreams, tokens);
  Operations table;
  for (const auto& route : router.routes()) {
    table[route.method + " " + route.pattern] = route.access == gateway::Access::kAuthenticated;
  }
  return table;
}

// An operation needs a bearer token unless one of its security alternatives is empty.
bool requires_bearer(const json& security) {
  if (security.empty()) return false;
  return std::none_of(security.begin(), security.end(), [](const json& alternative) { return alternative.empty(); });
}

Operations documented_operations() {
  auto document = json::parse(gateway::openapi_json());
  json global_security = document.value("security", json::array());
  Operations documented;
  for (const auto& [path, item] : document.at("paths").items()) {
    for (const auto& [method, operation] : item.items()) {
      if (!kHttpMethods.contains(method)) continue;  // parameters, summary, ...
      documented[upper(method) + " " + path] = requires_bearer(operation.value("security", global_security));
    }
  }
  return documented;
}

std::string listed(const std::set<std::string>& operations) {
  std::string text;
  for (const auto& operation : operations) text += "\n  " + operation;
  return text;
}

TEST(OpenApiRoutes, TheDocumentListsExactlyTheRoutesOfTheTable) {
  auto table = route_table();
  auto documented = documented_operations();
  std::set<std::string> undocumented, unrouted;
  for (const auto& [operation, bearer] : table) {
    if (!documented.contains(operation)) undocumented.insert(operation);
  }
  for (const auto& [operation, bearer] : documented) {
    if (!table.contains(operation)) unrouted.insert(operation);
  }
  EXPECT_TRUE(undocumented.empty()) << "routes missing from docs/openapi.yaml:" << listed(undocumented);
  EXPECT_TRUE(unrouted.empty()) << "documented operations the gateway has no route for:" << listed(unrouted);
  EXPECT_GT(table.size(), 40u);  // the whole table, not an empty router
}

TEST(OpenApiRoutes, BearerSecurityIsDocumentedExactlyOnAuthenticatedRoutes) {
  auto documented = documented_operations();
  std::set<std::string> wrong;
  for (const auto& [operation, bearer] : route_table()) {
    auto entry = documented.find(operation);
    if (entry != documented.end() && entry->second != bearer) {
      wrong.insert(operation +
                   (bearer ? " (needs a token, documented as public)" : " (public, documented as needing a token)"));
    }
  }
  EXPECT_TRUE(wrong.empty()) << "security differs:" << listed(wrong);
}

TEST(OpenApiRoutes, TheYamlAndTheJsonAreTheSameDocument) {
  auto document = json::parse(gateway::openapi_json());
  EXPECT_NE(gateway::openapi_yaml().find("openapi: " + document.at("openapi").get<std::string>()), std::string::npos);
  EXPECT_NE(gateway::openapi_yaml().find("title: " + document.at("info").at("title").get<std::string>()),
            std::string::npos);
}

TEST(OpenApiRoutes, TheDocsPageLoadsNothingFromElsewhere) {
  const std::string& page = gateway::docs_page_html();
  EXPECT_NE(page.find("fetch(\"/api/openapi.json\")"), std::string::npos);
  EXPECT_EQ(page.find("://"), std::string::npos) << "absolute URL in the page";
  EXPECT_EQ(page.find(" src="), std::string::npos) << "external script or image";
  EXPECT_EQ(page.find("<link"), std::string::npos) << "external stylesheet";
}

}  // namespace
