#pragma once

#include <httplib.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

// DRF's LimitOffsetPagination: lists are plain arrays unless the client asks for a page with
// ?limit=N (and optionally &offset=M); then {"count", "next", "previous", "results"}.
namespace gateway {

struct PageRequest {
  std::int64_t limit = 0;
  std::int64_t offset = 0;
};

constexpr std::int64_t kMaxPageSize = 1000;

// nullopt when no valid positive limit was asked for (DRF then answers the plain list). An
// invalid offset counts as 0; a limit above kMaxPageSize is cut to it.
std::optional<PageRequest> requested_page(const httplib::Request& request);

// Asks a List*Request of the content service for `page` (offsets beyond int32 cannot exist).
template <class ListRequest>
void ask_for_page(ListRequest& request, const PageRequest& page) {
  request.set_limit(static_cast<std::int32_t>(page.limit));
  request.set_offset(static_cast<std::int32_t>(std::min<std::int64_t>(page.offset, INT32_MAX)));
}

// Where links start, from a trusted proxy's X-Forwarded-Proto and X-Forwarded-Host (first entry
// of each): "proto://host" when both are plain (http or https; host[:port]), else `fallback`.
std::string link_base(const std::string& forwarded_proto, const std::string& forwarded_host,
                      const std::string& fallback);

// The envelope, with absolute next/previous links: `base_url` (the API as clients reach it,
// never the client's own Host header) + `path`. A page past the end has no next page, whatever
// the offset: the arithmetic cannot overflow into a link back to the start. `results` is the
// page's objects already written as a JSON array; the envelope comes back as JSON text.
std::string page_envelope(const std::string& base_url, const std::string& path, const PageRequest& page,
                          std::int64_t count, const std::string& results);

}  // namespace gateway
