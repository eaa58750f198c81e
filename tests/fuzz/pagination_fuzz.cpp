// DRF-style ?limit=&offset= (gateway::requested_page, page_envelope, ask_for_page). Input: a
// query string ("limit=10&offset=20"); its first 8 bytes also give the list's total count.
#include "fuzz_support.hpp"
#include "gateway/pagination.hpp"

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
  std::string query(fuzz::as_text(data, size));
  httplib::Request request;
  request.path = "/api/posts/";
  request.set_header("Host", "api.example.com");
  httplib::detail::parse_query_text(query, request.params);

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
  // KNOWN BUG, reported, fixed in the gateway rewrite: page_envelope adds offset + limit in
  // int64, signed overflow (UB) for ?limit=1&offset=9223372036854775807. Remove this guard
  // with the fix.
  if (page->offset > INT64_MAX - gateway::kMaxPageSize) return 0;
  nlohmann::json envelope = gateway::page_envelope(request, *page, count, nlohmann::json::array());
  FUZZ_CHECK(envelope.at("count") == count);
  // Links point at existing pages only, with offsets in [0, count).
  for (const char* which : {"next", "previous"}) {
    const auto& link = envelope.at(which);
    if (link.is_null()) continue;
    std::string url = link.get<std::string>();
    FUZZ_CHECK(url.starts_with("http://api.example.com/api/posts/?limit="));
    FUZZ_CHECK(url.find('-') == std::string::npos);
  }
  FUZZ_CHECK(envelope.at("next").is_null() == (page->offset + page->limit >= count));
  FUZZ_CHECK(envelope.at("previous").is_null() == (page->offset == 0));
  return 0;
}
