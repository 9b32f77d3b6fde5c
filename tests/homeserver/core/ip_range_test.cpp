// The outbound address policy: Synapse's refused ranges, IPv4 and IPv6, IPv4-mapped IPv6
// addresses judged as IPv4, and whitelisted CIDRs.
#include "homeserver/core/ip_range.h"

#include "homeserver/core/ids.h"

#include <gtest/gtest.h>

namespace hs::core {
namespace {

TEST(AddressPolicy, RefusesPrivateLoopbackAndLinkLocal) {
  const AddressPolicy p;
  for (const char* ip : {"127.0.0.1", "127.255.255.254", "10.1.2.3", "172.16.0.1", "172.31.255.255",
                         "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "::1", "::",
                         "fe80::1", "fc00::1", "fd12:3456::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "2001:db8::1"}) {
    EXPECT_FALSE(p.allowed(ip)) << ip;
  }
  for (const char* ip : {"8.8.8.8", "172.32.0.1", "172.15.255.255", "192.169.0.1", "2a00:1450::1",
                         "::ffff:8.8.8.8"}) {
    EXPECT_TRUE(p.allowed(ip)) << ip;
  }
  EXPECT_FALSE(p.allowed("not an address"));
}

TEST(AddressPolicy, WhitelistWins) {
  const AddressPolicy p({"127.0.0.0/8", "fd00::/8"});
  EXPECT_TRUE(p.allowed("127.0.0.1"));
  EXPECT_TRUE(p.allowed("::ffff:127.0.0.2"));
  EXPECT_TRUE(p.allowed("fd12::1"));
  EXPECT_FALSE(p.allowed("10.0.0.1"));
  EXPECT_FALSE(p.allowed("::1"));
  EXPECT_THROW(AddressPolicy({"not/a/range"}), std::invalid_argument);
}

TEST(IpRange, ParsesPrefixesAndBareAddresses) {
  EXPECT_TRUE(IpRange::parse("10.0.0.0/8").has_value());
  EXPECT_TRUE(IpRange::parse("::/0").has_value());
  EXPECT_TRUE(IpRange::parse("192.0.2.7").has_value());
  EXPECT_FALSE(IpRange::parse("10.0.0.0/33").has_value());
  EXPECT_FALSE(IpRange::parse("10.0.0.0/").has_value());
  EXPECT_FALSE(IpRange::parse("10.0.0.0/8x").has_value());
  EXPECT_FALSE(IpRange::parse("example.org/8").has_value());
  const auto single = IpRange::parse("192.0.2.7");
  EXPECT_TRUE(single->contains(*IpAddress::parse("192.0.2.7")));
  EXPECT_FALSE(single->contains(*IpAddress::parse("192.0.2.8")));
  const auto odd = IpRange::parse("172.16.0.0/12");
  EXPECT_TRUE(odd->contains(*IpAddress::parse("172.31.1.1")));
  EXPECT_FALSE(odd->contains(*IpAddress::parse("172.32.1.1")));
}

TEST(ServerName, SplitsHostAndPort) {
  const auto a = splitServerName("example.org:8448");
  EXPECT_EQ(a->host, "example.org");
  EXPECT_EQ(a->port, 8448);
  EXPECT_FALSE(a->ip_literal);
  const auto b = splitServerName("[::1]:80");
  EXPECT_EQ(b->host, "::1");
  EXPECT_TRUE(b->ipv6);
  EXPECT_TRUE(b->ip_literal);
  EXPECT_EQ(b->hostForUrl(), "[::1]");
  const auto c = splitServerName("1.2.3.4");
  EXPECT_TRUE(c->ip_literal);
  EXPECT_EQ(c->port, 0);
  EXPECT_FALSE(splitServerName("[nonsense]:80").has_value());
  EXPECT_FALSE(splitServerName("a b").has_value());
}

}  // namespace
}  // namespace hs::core
