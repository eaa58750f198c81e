#include "gateway/client_address.hpp"

#include "common/core/config.hpp"

#include <gtest/gtest.h>

namespace {

using gateway::AddressRange;
using gateway::ClientAddress;

TEST(AddressRange, MatchesIpv4AndIpv6Prefixes) {
  auto ten = AddressRange::parse("10.0.0.0/8");
  EXPECT_TRUE(ten.contains("10.1.2.3"));
  EXPECT_FALSE(ten.contains("11.0.0.1"));
  EXPECT_FALSE(ten.contains("not an address"));
  EXPECT_TRUE(AddressRange::parse("192.168.1.7").contains("192.168.1.7"));
  EXPECT_FALSE(AddressRange::parse("192.168.1.7").contains("192.168.1.8"));
  auto v6 = AddressRange::parse("2001:db8::/32");
  EXPECT_TRUE(v6.contains("2001:db8:1::5"));
  EXPECT_FALSE(v6.contains("2001:db9::1"));
  EXPECT_TRUE(AddressRange::parse("172.16.0.0/12").contains("172.31.255.255"));
  EXPECT_FALSE(AddressRange::parse("172.16.0.0/12").contains("172.32.0.0"));
  EXPECT_TRUE(AddressRange::parse("0.0.0.0/0").contains("8.8.8.8"));
}

TEST(AddressRange, RefusesWhatIsNotARange) {
  EXPECT_THROW(AddressRange::parse("10.0.0.0/33"), common::ConfigError);
  EXPECT_THROW(AddressRange::parse("10.0.0/8"), common::ConfigError);
  EXPECT_THROW(AddressRange::parse("example.com"), common::ConfigError);
  EXPECT_THROW(AddressRange::parse("10.0.0.0/"), common::ConfigError);
}

TEST(ClientAddress, WithoutTrustedProxiesThePeerIsTheClientWhateverTheHeaderSays) {
  ClientAddress clients({});
  EXPECT_EQ(clients.of("203.0.113.9", "198.51.100.1"), "203.0.113.9");
}

TEST(ClientAddress, BehindTrustedProxiesTheRightmostUntrustedHopIsTheClient) {
  ClientAddress clients({"10.0.0.0/8"});
  // The Ingress (10.0.0.5) appended the address it saw; the client forged the first entry.
  EXPECT_EQ(clients.of("10.0.0.5", "1.2.3.4, 203.0.113.9"), "203.0.113.9");
  // Two proxies of ours in a row.
  EXPECT_EQ(clients.of("10.0.0.5", "203.0.113.9, 10.0.0.7"), "203.0.113.9");
  // A peer outside the trusted ranges cannot speak for anyone else.
  EXPECT_EQ(clients.of("198.51.100.1", "203.0.113.9"), "198.51.100.1");
  // No header, or garbage in it: the last address we can vouch for.
  EXPECT_EQ(clients.of("10.0.0.5", ""), "10.0.0.5");
  EXPECT_EQ(clients.of("10.0.0.5", "garbage, 203.0.113.9"), "203.0.113.9");
  EXPECT_EQ(clients.of("10.0.0.5", "203.0.113.9, garbage"), "10.0.0.5");
}

}  // namespace
