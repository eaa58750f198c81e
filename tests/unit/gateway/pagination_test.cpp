#include "gateway/pagination.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

httplib::Request request(const std::map<std::string, std::string>& params) {
  httplib::Request r;
  r.path = "/api/posts/";
  r.headers.emplace("Host", "api.example:8080");
  for (const auto& [name, value] : params) r.params.emplace(name, value);
  return r;
}

TEST(Pagination, APageIsAskedForOnlyWithAPositiveIntegerLimit) {
  EXPECT_FALSE(gateway::requested_page(request({})));
  EXPECT_FALSE(gateway::requested_page(request({{"offset", "5"}})));
  EXPECT_FALSE(gateway::requested_page(request({{"limit", "0"}})));
  EXPECT_FALSE(gateway::requested_page(request({{"limit", "ten"}})));
  EXPECT_FALSE(gateway::requested_page(request({{"limit", "-1"}})));
  auto page = gateway::requested_page(request({{"limit", "10"}, {"offset", "junk"}}));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->limit, 10);
  EXPECT_EQ(page->offset, 0);
  EXPECT_EQ(gateway::requested_page(request({{"limit", "999999"}}))->limit, gateway::kMaxPageSize);
}

const std::string kBase = "http://api.example:8080";

nlohmann::json envelope(const std::string& base, const std::string& path, const gateway::PageRequest& page,
                        std::int64_t count, const std::string& results) {
  return nlohmann::json::parse(gateway::page_envelope(base, path, page, count, results));
}
const std::string kPath = "/api/posts/";

TEST(Pagination, EnvelopeLinksLikeDrfsLimitOffsetPagination) {
  auto middle = envelope(kBase, kPath, {2, 2}, 5, "[1,2]");
  EXPECT_EQ(middle["count"], 5);
  EXPECT_EQ(middle["next"], "http://api.example:8080/api/posts/?limit=2&offset=4");
  EXPECT_EQ(middle["previous"], "http://api.example:8080/api/posts/?limit=2");
  EXPECT_EQ(middle["results"], nlohmann::json::array({1, 2}));
  auto first = envelope(kBase, kPath, {2, 0}, 5, "[]");
  EXPECT_TRUE(first["previous"].is_null());
  auto last = envelope(kBase, kPath, {2, 4}, 5, "[]");
  EXPECT_TRUE(last["next"].is_null());
  EXPECT_EQ(last["previous"], "http://api.example:8080/api/posts/?limit=2&offset=2");
}

// offset + limit overflowed: `next` pointed back at the first page, and a client following it looped.
TEST(Pagination, AnOffsetNearTheLargestIntegerHasNoNextPage) {
  auto page = gateway::requested_page(request({{"limit", "10"}, {"offset", "9223372036854775807"}}));
  ASSERT_TRUE(page);
  auto beyond = envelope(kBase, kPath, *page, 5, "[]");
  EXPECT_TRUE(beyond["next"].is_null());
  EXPECT_EQ(beyond["previous"], "http://api.example:8080/api/posts/?limit=10&offset=9223372036854775797");
  auto at_end = envelope(kBase, kPath, {10, 0}, INT64_MAX, "[]");
  EXPECT_EQ(at_end["next"], "http://api.example:8080/api/posts/?limit=10&offset=10");
}

// Only a trusted proxy's headers get here, and even then only plain values become links.
TEST(Pagination, LinkBaseTakesPlainForwardedValuesOnly) {
  const std::string fallback = "http://127.0.0.1:8080";
  EXPECT_EQ(gateway::link_base("https", "api.example.com", fallback), "https://api.example.com");
  EXPECT_EQ(gateway::link_base("https, http", "api.example.com:8443, proxy", fallback), "https://api.example.com:8443");
  EXPECT_EQ(gateway::link_base("javascript", "api.example.com", fallback), fallback);
  EXPECT_EQ(gateway::link_base("https", "evil.example/path?", fallback), fallback);
  EXPECT_EQ(gateway::link_base("https", "a@evil.example", fallback), fallback);
  EXPECT_EQ(gateway::link_base("https", "", fallback), fallback);
  EXPECT_EQ(gateway::link_base("", "api.example.com", fallback), fallback);
}

}  // namespace
