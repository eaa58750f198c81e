// /healthz and /readyz: alive, and ready when both services have a SERVING replica and the
// revocation set can be trusted.
#include "tests/gateway/gateway_fixture.hpp"

namespace gateway_test {
namespace {

using ProbeRoutesTest = GatewayTest;

TEST_F(ProbeRoutesTest, ProbesAnswer) {
  auto alive = send("GET", "/healthz");
  EXPECT_EQ(alive.status, 200);
  EXPECT_EQ(alive.body, json({{"status", "ok"}}));
  auto ready = send("GET", "/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, json({{"status", "ready"}, {"auth", true}, {"content", true}, {"revocations", "current"}}));
}

class ProbesWithoutRevocationChannelTest : public GatewayTest {
 protected:
  void configure(Settings& settings) override { settings["REVOCATIONS_REDIS_URL"] = "redis://127.0.0.1:1/0"; }
};

TEST_F(ProbesWithoutRevocationChannelTest, NotReadyBeforeTheRevocationSetWasLoadedOnce) {
  auto ready = send("GET", "/readyz");
  EXPECT_EQ(ready.status, 503);
  EXPECT_EQ(ready.body,
            json({{"status", "not ready"}, {"auth", true}, {"content", true}, {"revocations", "not loaded"}}));
  EXPECT_EQ(send("GET", "/healthz").status, 200);
}

}  // namespace
}  // namespace gateway_test
