#pragma once

#include <string>

namespace common {

struct HostPort {
  std::string host;  // without brackets for IPv6
  int port = 0;
};

// "host:port", "[v6]:port" or ":port" (all interfaces); throws ConfigError on anything else.
HostPort parse_host_port(const std::string& address);

// Where a process on the same host reaches a server listening on `host`: a wildcard listen
// address is reached on loopback.
std::string local_address_for(const HostPort& listen);

}  // namespace common
