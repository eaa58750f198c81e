#include "gateway/pagination.hpp"

#include "common/core/text.hpp"
#include "gateway/json_shapes.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>

namespace gateway {
namespace {

std::optional<std::int64_t> non_negative(const std::string& text) {
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

std::string link(const std::string& base_url, const std::string& path, std::int64_t limit, std::int64_t offset) {
  std::string url = base_url + path + "?limit=" + std::to_string(limit);
  // DRF leaves offset out of the link to the first page.
  if (offset > 0) url += "&offset=" + std::to_string(offset);
  return url;
}

std::string first_list_item(const std::string& value) { return common::trim(value.substr(0, value.find(','))); }

// host, host:port or [v6]:port and nothing else: it ends up in links that clients follow.
bool is_host_and_port(const std::string& text) {
  return !text.empty() && text.size() <= 255 && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
  });
}

}  // namespace

std::string link_base(const std::string& forwarded_proto, const std::string& forwarded_host,
                      const std::string& fallback) {
  std::string proto = first_list_item(forwarded_proto);
  std::string host = first_list_item(forwarded_host);
  if ((proto == "http" || proto == "https") && is_host_and_port(host)) return proto + "://" + host;
  return fallback;
}

std::optional<PageRequest> requested_page(const httplib::Request& request) {
  if (!request.has_param("limit")) return std::nullopt;
  auto limit = non_negative(request.get_param_value("limit"));
  if (!limit || *limit == 0) return std::nullopt;
  auto offset = request.has_param("offset") ? non_negative(request.get_param_value("offset")) : std::nullopt;
  return PageRequest{std::min(*limit, kMaxPageSize), offset.value_or(0)};
}

std::string page_envelope(const std::string& base_url, const std::string& path, const PageRequest& page,
                          std::int64_t count, const std::string& results) {
  nlohmann::json next = nullptr;
  nlohmann::json previous = nullptr;
  // offset < count - limit, not offset + limit < count: count and limit are small, offset any.
  if (page.offset < count - page.limit) next = link(base_url, path, page.limit, page.offset + page.limit);
  if (page.offset > 0) {
    previous = link(base_url, path, page.limit, std::max<std::int64_t>(0, page.offset - page.limit));
  }
  // "results" sorts last, as nlohmann writes an object's keys: the array goes before the end.
  std::string text = json_text({{"count", count}, {"next", next}, {"previous", previous}});
  text.pop_back();
  return text + ",\"results\":" + results + "}";
}

}  // namespace gateway
