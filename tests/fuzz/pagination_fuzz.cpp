// DRF-style ?limit=&offset= (gateway::requested_page, page_envelope, ask_for_page) and the links'
// base (link_base). Input: a query string ("limit=10&offset=20"), then optionally
// X-Forwarded-Proto and X-Forwarded-Host values on lines of their own; the query's first 8 bytes
// also give the list's total count.
#include "fuzz_support.hpp"
#include "gateway/pagination.hpp"

#include <nlohmann/json.hpp>

#include <climits>
#include <cstring>
#include <string>

namespace {

// What ask_for_page fills: the content service's List*Request.
struct ListRequest {
  std::int64_t limit = -1, offset = -1;
  void set_limit(std::int32_t value) { limit = value; }
  void set_offset(std::int32_t value) { offset = value; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest = fuzz::as_text(data, size);
  std::string query = fuzz::next_line(rest);
  std::string proto = fuzz::next_line(rest);
  std::string host = fuzz::next_line(rest);
  httplib::Request request;
  httplib::detail::parse_query_text(query, request.params);

  // Links start at the configured base or a trusted proxy's plain scheme://host[:port].
  const std::string fallback = "http://api.example.com";
  std::string base = gateway::link_base(proto, host, fallback);
  if (base != fallback) {
    FUZZ_CHECK(base.starts_with("http://") || base.starts_with("https://"));
    std::string authority = base.substr(base.find("://") + 3);
    FUZZ_CHECK(!authority.empty() && authority.find_first_of("/?#@ \t\r\n\\") == std::string::npos);
    FUZZ_CHECK(authority.find('\0') == std::string::npos);
  }

  auto page = gateway::requested_page(request);
  if (!page) return 0;
  FUZZ_CHECK(page->limit >= 1 && page->limit <= gateway::kMaxPageSize);
  FUZZ_CHECK(page->offset >= 0);

  ListRequest list;
  gateway::ask_for_page(list, *page);
  FUZZ_CHECK(list.limit == page->limit);
  FUZZ_CHECK(list.offset >= 0 && list.offset <= INT32_MAX);

  std::int64_t count = 0;
  std::memcpy(&count, query.data(), std::min(query.size(), sizeof count));
  if (count < 0) count = count == INT64_MIN ? 0 : -count;
  // No overflow (UBSan would stop here), whatever the offset: ?limit=1&offset=9223372036854775807.
  auto envelope = nlohmann::json::parse(gateway::page_envelope(base, "/api/posts/", *page, count, "[]"));
  FUZZ_CHECK(envelope.at("count") == count);
  FUZZ_CHECK(envelope.at("results") == nlohmann::json::array());
  // Links to this list, never with a negative offset.
  for (const char* which : {"next", "previous"}) {
    const auto& link = envelope.at(which);
    if (link.is_null()) continue;
    std::string url = link.get<std::string>();
    FUZZ_CHECK(url.starts_with(base + "/api/posts/?limit="));
    // No negative offset: a '-' can only come from the host.
    FUZZ_CHECK(url.find('-', base.size()) == std::string::npos);
  }
  // There is a next page exactly when offset + limit < count (computed without overflow).
  FUZZ_CHECK(envelope.at("next").is_null() == (page->offset >= count || count - page->offset <= page->limit));
  FUZZ_CHECK(envelope.at("previous").is_null() == (page->offset == 0));
  return 0;
}
