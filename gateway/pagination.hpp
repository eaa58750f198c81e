#pragma once

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>

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

// The envelope, with absolute next/previous links built from the request's Host and path.
nlohmann::json page_envelope(const httplib::Request& request, const PageRequest& page, std::int64_t count,
                             nlohmann::json results);

}  // namespace gateway
