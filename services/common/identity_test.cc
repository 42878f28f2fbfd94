#include "services/common/identity.h"

#include "gtest/gtest.h"

namespace tonghop {
namespace {

TEST(IdentityTest, LocalPeers) {
  EXPECT_TRUE(DevHeaderIdentity::IsLocalPeer("ipv4:127.0.0.1:5000"));
  EXPECT_TRUE(DevHeaderIdentity::IsLocalPeer("ipv6:[::1]:5000"));
  EXPECT_TRUE(DevHeaderIdentity::IsLocalPeer("unix:/tmp/s"));
  EXPECT_TRUE(DevHeaderIdentity::IsLocalPeer("unknown")) << "gRPC's in-process transport";
  EXPECT_FALSE(DevHeaderIdentity::IsLocalPeer("ipv4:10.0.0.7:5000"));
  EXPECT_FALSE(DevHeaderIdentity::IsLocalPeer("ipv6:[2001:db8::1]:5000"));
}

TEST(IdentityTest, HeaderValues) {
  EXPECT_EQ(DevHeaderIdentity::FromHeaderValue("dong-nai")->agency, "agencies/dong-nai");
  EXPECT_EQ(DevHeaderIdentity::FromHeaderValue("agencies/dong-nai")->agency, "agencies/dong-nai");
  EXPECT_EQ(DevHeaderIdentity::FromHeaderValue("").status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(DevHeaderIdentity::FromHeaderValue("Đồng Nai").status().code(),
            absl::StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace tonghop
