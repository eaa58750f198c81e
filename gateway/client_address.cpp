#include "gateway/client_address.hpp"

#include "common/core/config.hpp"
#include "common/core/text.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>
#include <optional>

namespace gateway {
namespace {

std::optional<std::array<std::uint8_t, 16>> to_bytes(const std::string& address) {
  std::array<std::uint8_t, 16> out{};
  in_addr v4{};
  if (inet_pton(AF_INET, address.c_str(), &v4) == 1) {
    out[10] = out[11] = 0xff;
    std::memcpy(out.data() + 12, &v4, 4);
    return out;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, address.c_str(), &v6) == 1) {
    std::memcpy(out.data(), &v6, 16);
    return out;
  }
  return std::nullopt;
}

}  // namespace

AddressRange AddressRange::parse(const std::string& text) {
  auto slash = text.find('/');
  std::string address = text.substr(0, slash);
  auto bytes = to_bytes(address);
  if (!bytes) throw common::ConfigError("not an IP address range: " + text);
  bool v4 = address.find(':') == std::string::npos;
  int bits = v4 ? 32 : 128;
  if (slash != std::string::npos) {
    const char* first = text.data() + slash + 1;
    const char* last = text.data() + text.size();
    auto [end, error] = std::from_chars(first, last, bits);
    if (error != std::errc() || end != last || first == last || bits < 0 || bits > (v4 ? 32 : 128)) {
      throw common::ConfigError("bad prefix length in " + text);
    }
  }
  AddressRange range;
  range.bytes_ = *bytes;
  range.prefix_bits_ = v4 ? bits + 96 : bits;
  return range;
}

bool AddressRange::contains(const std::string& address) const {
  auto bytes = to_bytes(address);
  if (!bytes) return false;
  int bits = prefix_bits_;
  for (std::size_t i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    std::uint8_t mask = bits >= 8 ? 0xff : static_cast<std::uint8_t>(0xff << (8 - bits));
    if (((*bytes)[i] & mask) != (bytes_[i] & mask)) return false;
  }
  return true;
}

ClientAddress::ClientAddress(const std::vector<std::string>& trusted_proxies) {
  for (const auto& text : trusted_proxies) trusted_.push_back(AddressRange::parse(text));
}

bool ClientAddress::trusted(const std::string& address) const {
  for (const auto& range : trusted_) {
    if (range.contains(address)) return true;
  }
  return false;
}

std::string ClientAddress::of(const std::string& peer, const std::string& forwarded_for) const {
  if (trusted_.empty() || !trusted(peer)) return peer;
  std::string client = peer;
  std::size_t end = forwarded_for.size();
  while (end > 0) {
    auto comma = forwarded_for.rfind(',', end - 1);
    std::size_t begin = comma == std::string::npos ? 0 : comma + 1;
    std::string hop = common::trim(std::string_view(forwarded_for).substr(begin, end - begin));
    if (!to_bytes(hop)) break;  // garbage: stop at the last address we could vouch for
    client = hop;
    if (!trusted(hop)) break;
    if (comma == std::string::npos) break;
    end = comma;
  }
  return client;
}

}  // namespace gateway
