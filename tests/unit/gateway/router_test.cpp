#include "gateway/router.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using gateway::Access;
using gateway::Router;
using Methods = std::vector<std::string>;

void noop(gateway::RequestContext&) {}

// The shape of the gateway's real table: collection, item, and a few fixed paths.
Router posts_router() {
  Router router;
  router.add("GET", "/api/posts/", Access::kAuthenticated, noop);
  router.add("POST", "/api/posts/", Access::kAuthenticated, noop);
  router.add("GET", "/api/posts/{id}/", Access::kAuthenticated, noop);
  router.add("PUT", "/api/posts/{id}/", Access::kAuthenticated, noop);
  router.add("PATCH", "/api/posts/{id}/", Access::kAuthenticated, noop);
  router.add("DELETE", "/api/posts/{id}/", Access::kAuthenticated, noop);
  router.add("POST", "/api/token/", Access::kPublic, noop);
  router.add("POST", "/api/token/refresh/", Access::kPublic, noop);
  router.add("GET", "/.well-known/jwks.json", Access::kPublic, noop);
  return router;
}

TEST(Router, MatchesExactPathWithOrWithoutTrailingSlash) {
  Router router = posts_router();
  for (const char* path : {"/api/posts", "/api/posts/"}) {
    auto match = router.match("GET", path);
    ASSERT_NE(match.route, nullptr) << path;
    EXPECT_EQ(match.route->pattern, "/api/posts/") << path;
    EXPECT_EQ(match.route->method, "GET");
    EXPECT_EQ(match.route->access, Access::kAuthenticated);
    EXPECT_TRUE(match.params.empty());
  }
}

TEST(Router, DoesNotMatchPrefixesExtensionsOrDoubledSlashes) {
  Router router = posts_router();
  for (const char* path : {"/api/post", "/api/postsx", "/api/posts//", "/api/posts/extra/", "/api", "api/posts/",
                           "/API/posts/", "/api/token/refresh/x"}) {
    auto match = router.match("GET", path);
    EXPECT_EQ(match.route, nullptr) << path;
    EXPECT_TRUE(match.allowed.empty()) << path;
  }
}

TEST(Router, DistinguishesNestedFixedPaths) {
  Router router = posts_router();
  auto token = router.match("POST", "/api/token");
  auto refresh = router.match("POST", "/api/token/refresh");
  ASSERT_NE(token.route, nullptr);
  ASSERT_NE(refresh.route, nullptr);
  EXPECT_EQ(token.route->pattern, "/api/token/");
  EXPECT_EQ(refresh.route->pattern, "/api/token/refresh/");
}

TEST(Router, IdPlaceholderCapturesDigits) {
  Router router = posts_router();
  for (const char* path : {"/api/posts/123/", "/api/posts/123"}) {
    auto match = router.match("GET", path);
    ASSERT_NE(match.route, nullptr) << path;
    EXPECT_EQ(match.route->pattern, "/api/posts/{id}/");
    EXPECT_EQ(match.params, Methods{"123"});
  }
  auto longest = router.match("DELETE", "/api/posts/999999999999999999/");  // 18 digits
  ASSERT_NE(longest.route, nullptr);
  EXPECT_EQ(longest.params, Methods{"999999999999999999"});
}

TEST(Router, IdPlaceholderRefusesNonDigitsAndOverlongNumbers) {
  Router router = posts_router();
  for (const char* path :
       {"/api/posts/abc/", "/api/posts/12a/", "/api/posts/-1/", "/api/posts/+1/", "/api/posts/1.5/", "/api/posts/%31/",
        "/api/posts/ 1/", "/api/posts/1234567890123456789/"}) {  // 19 digits could overflow int64
    auto match = router.match("GET", path);
    EXPECT_EQ(match.route, nullptr) << path;
    EXPECT_TRUE(match.allowed.empty()) << path;
  }
}

TEST(Router, SessionIdPlaceholderTakesHexOrLegacyHexOnly) {
  Router router;
  router.add("DELETE", "/api/sessions/{session_id}/", Access::kAuthenticated, noop);
  router.add("POST", "/api/sessions/revoke-others/", Access::kAuthenticated, noop);
  const std::string longest(64, 'f');
  for (const std::string& id : std::vector<std::string>{"0a", "ABCdef09", longest, "legacy-0a", "legacy-" + longest}) {
    auto match = router.match("DELETE", "/api/sessions/" + id + "/");
    ASSERT_NE(match.route, nullptr) << id;
    EXPECT_EQ(match.params, Methods{id});
  }
  for (const std::string& id : std::vector<std::string>{"", "g", "legacy-", "legacy-g", "Legacy-0a", "0a-legacy",
                                                        "legacy-legacy-0a", longest + "0", "0a.0", "0a%2F"}) {
    EXPECT_EQ(router.match("DELETE", "/api/sessions/" + id + "/").route, nullptr) << id;
  }
  auto others = router.match("DELETE", "/api/sessions/revoke-others/");
  EXPECT_EQ(others.route, nullptr);
  EXPECT_EQ(others.allowed, Methods{"POST"});
}

TEST(Router, MethodMismatchListsAllowedMethodsWithoutARoute) {
  Router router = posts_router();
  auto collection = router.match("DELETE", "/api/posts/");
  EXPECT_EQ(collection.route, nullptr);
  EXPECT_EQ(collection.allowed, (Methods{"GET", "POST"}));

  auto item = router.match("POST", "/api/posts/5/");
  EXPECT_EQ(item.route, nullptr);
  EXPECT_EQ(item.allowed, (Methods{"GET", "PUT", "PATCH", "DELETE"}));
}

TEST(Router, MatchingRouteAlsoReportsAllowedMethods) {
  Router router = posts_router();
  auto match = router.match("PATCH", "/api/posts/5");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->method, "PATCH");
  EXPECT_EQ(match.allowed, (Methods{"GET", "PUT", "PATCH", "DELETE"}));
}

TEST(Router, UnknownPathHasNoRouteAndNoAllowedMethods) {
  Router router = posts_router();
  auto match = router.match("GET", "/api/unknown/");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_TRUE(match.allowed.empty());
  EXPECT_TRUE(match.params.empty());
}

TEST(Router, HeadMatchesGetRoutes) {
  Router router = posts_router();
  auto match = router.match("HEAD", "/api/posts/7/");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->method, "GET");
  EXPECT_EQ(match.params, Methods{"7"});
  // HEAD on a path with no GET is a 405, not a match.
  auto token = router.match("HEAD", "/api/token/");
  EXPECT_EQ(token.route, nullptr);
  EXPECT_EQ(token.allowed, Methods{"POST"});
}

TEST(Router, MethodsAreCaseSensitive) {
  Router router = posts_router();
  auto match = router.match("get", "/api/posts/");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_EQ(match.allowed, (Methods{"GET", "POST"}));
}

TEST(Router, RegexMetacharactersInPatternsAreLiteral) {
  Router router = posts_router();
  EXPECT_NE(router.match("GET", "/.well-known/jwks.json").route, nullptr);
  EXPECT_NE(router.match("GET", "/.well-known/jwks.json/").route, nullptr);
  for (const char* path : {"/Xwell-known/jwksXjson", "/.well-known/jwks-json", "/awell-known/jwks.json"}) {
    EXPECT_EQ(router.match("GET", path).route, nullptr) << path;
  }
}

TEST(Router, EveryCharacterOfAPatternOutsidePlaceholdersIsLiteral) {
  gateway::RoutePattern pattern("/a.b+c*d?e^f$g(h)i[j]k|l\\m/");
  std::vector<std::string> params;
  EXPECT_TRUE(pattern.match("/a.b+c*d?e^f$g(h)i[j]k|l\\m", params));
  EXPECT_TRUE(pattern.match("/a.b+c*d?e^f$g(h)i[j]k|l\\m/", params));
  EXPECT_FALSE(pattern.match("/aXb+c*d?e^f$g(h)i[j]k|l\\m", params));
  EXPECT_FALSE(pattern.match("/a.bbc*d?e^f$g(h)i[j]k|l\\m", params));
  EXPECT_FALSE(pattern.match("/a.b+c*d?e^f$g(h)i[j]k|l\\m//", params));
}

TEST(Router, APlaceholderInsideASegmentTakesOnlyItsCharacters) {
  gateway::RoutePattern pattern("/v{id}x/{session_id}.json");
  std::vector<std::string> params;
  ASSERT_TRUE(pattern.match("/v42x/legacy-beef.json", params));
  EXPECT_EQ(params, (std::vector<std::string>{"42", "legacy-beef"}));
  EXPECT_FALSE(pattern.match("/vx/beef.json", params));
  EXPECT_FALSE(pattern.match("/v42x/legacy-.json", params));
  EXPECT_FALSE(pattern.match("/v42x/legacybeef.json", params));
  EXPECT_FALSE(pattern.match("/v-1x/beef.json", params));
}

TEST(Router, FirstRegisteredRouteWinsForTheSameMethodAndPath) {
  Router router;
  router.add("GET", "/api/login/", Access::kPublic, noop);
  router.add("GET", "/api/login", Access::kAuthenticated, noop);
  auto match = router.match("GET", "/api/login/");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->access, Access::kPublic);
  EXPECT_EQ(match.allowed, Methods{"GET"});  // no duplicates
}

TEST(Router, RootPatternMatchesOnlyTheRoot) {
  Router router;
  router.add("GET", "/", Access::kPublic, noop);
  EXPECT_NE(router.match("GET", "/").route, nullptr);
  EXPECT_EQ(router.match("GET", "/x").route, nullptr);
}

}  // namespace
