#include "services/common/call_origin.h"

#include "gtest/gtest.h"

namespace tonghop {
namespace {

TEST(CallOriginTest, TheClientAddressIsThePeersWithoutItsPort) {
  EXPECT_EQ(ClientAddress("ipv4:10.0.0.5:4711"), "10.0.0.5");
  EXPECT_EQ(ClientAddress("ipv6:[2001:db8::1]:4711"), "2001:db8::1");
  EXPECT_EQ(ClientAddress("ipv6:%5B::1%5D:4711"), "::1");
  EXPECT_EQ(ClientAddress("unix:/run/tonghop.sock"), "unix");
  // Inside the process there is no client address of the peer's own.
  EXPECT_EQ(ClientAddress("unknown"), "");
  EXPECT_EQ(ClientAddress(""), "");
  EXPECT_EQ(ClientAddress("inproc:1"), "");
}

TEST(CallOriginTest, OnlyAnUnknownOrInprocPeerIsInProcess) {
  EXPECT_TRUE(IsInProcessPeer("unknown"));
  EXPECT_TRUE(IsInProcessPeer(""));
  EXPECT_TRUE(IsInProcessPeer("inproc:7"));
  EXPECT_FALSE(IsInProcessPeer("ipv4:127.0.0.1:4711"));
  EXPECT_FALSE(IsInProcessPeer("unix:/run/tonghop.sock"));
}

}  // namespace
}  // namespace tonghop
