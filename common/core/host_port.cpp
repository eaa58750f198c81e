#include "common/core/host_port.hpp"

#include "common/core/config.hpp"

#include <charconv>

namespace common {

HostPort parse_host_port(const std::string& address) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos) throw ConfigError("address without a port: " + address);
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  int port = -1;
  const char* first = address.data() + colon + 1;
  const char* last = address.data() + address.size();
  auto [end, error] = std::from_chars(first, last, port);
  if (error != std::errc() || end != last || first == last || port < 0 || port > 65535) {
    throw ConfigError("bad port in address: " + address);
  }
  return {host, port};
}

std::string local_address_for(const HostPort& listen) {
  if (listen.host == "0.0.0.0") return "127.0.0.1:" + std::to_string(listen.port);
  if (listen.host == "::") return "[::1]:" + std::to_string(listen.port);
  if (listen.host.find(':') != std::string::npos) return "[" + listen.host + "]:" + std::to_string(listen.port);
  return listen.host + ":" + std::to_string(listen.port);
}

}  // namespace common
