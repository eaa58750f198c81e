// X-Forwarded-For (gateway::ClientAddress, AddressRange). Input: trusted proxy ranges separated
// by ',' on the first line, the TCP peer on the second, the X-Forwarded-For value after it.
#include "common/core/config.hpp"
#include "common/core/text.hpp"
#include "fuzz_support.hpp"
#include "gateway/client_address.hpp"

#include <arpa/inet.h>

#include <string>
#include <vector>

namespace {

bool is_address(const std::string& text) {
  unsigned char buffer[16];
  return inet_pton(AF_INET, text.c_str(), buffer) == 1 || inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest = fuzz::as_text(data, size);
  std::string ranges = fuzz::next_line(rest);
  std::string peer = fuzz::next_line(rest);
  std::string forwarded_for(rest);

  std::vector<std::string> trusted;
  std::size_t start = 0;
  while (start <= ranges.size()) {
    auto comma = std::min(ranges.find(',', start), ranges.size());
    std::string text = ranges.substr(start, comma - start);
    try {
      auto range = gateway::AddressRange::parse(text);
      trusted.push_back(text);
      // A range holds the address it was written with.
      FUZZ_CHECK(range.contains(text.substr(0, text.find('/'))));
    } catch (const common::ConfigError&) {
      FUZZ_CHECK(!is_address(text.substr(0, text.find('/'))) || text.find('/') != std::string::npos);
    }
    start = comma + 1;
  }

  gateway::ClientAddress addresses(trusted);
  std::string client = addresses.of(peer, forwarded_for);
  gateway::ClientAddress nobody({});
  FUZZ_CHECK(nobody.of(peer, forwarded_for) == peer);
  if (client != peer) {
    // Only from behind a trusted proxy, and only an address the header really lists.
    FUZZ_CHECK(!trusted.empty() && is_address(peer));
    FUZZ_CHECK(is_address(client));
    FUZZ_CHECK(forwarded_for.find(client) != std::string::npos);
  }
  return 0;
}
