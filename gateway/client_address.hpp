#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace gateway {

// An address range such as "10.0.0.0/8", "2001:db8::/32" or a single address.
class AddressRange final {
 public:
  // Throws common::ConfigError on anything else.
  static AddressRange parse(const std::string& text);
  bool contains(const std::string& address) const;

 private:
  std::array<std::uint8_t, 16> bytes_{};  // IPv4 as an IPv4-mapped IPv6 address
  int prefix_bits_ = 0;
};

// Whose address a request is, for per-client rate limits. Behind trusted proxies (an Ingress
// controller, a load balancer) the TCP peer is the proxy: then the client is the rightmost
// X-Forwarded-For entry no trusted proxy added. Entries to the left of it can be forged by
// the client and are never believed.
class ClientAddress final {
 public:
  explicit ClientAddress(const std::vector<std::string>& trusted_proxies);

  std::string of(const std::string& peer, const std::string& forwarded_for) const;
  // Whether `address` is one of the trusted proxies, whose X-Forwarded-* headers are believed.
  bool trusted(const std::string& address) const;

 private:
  std::vector<AddressRange> trusted_;
};

}  // namespace gateway
