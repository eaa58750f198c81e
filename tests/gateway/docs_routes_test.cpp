// The API document and its page, served by the gateway itself.
#include "tests/gateway/gateway_fixture.hpp"

namespace gateway_test {
namespace {

using DocsRoutesTest = GatewayTest;

TEST_F(DocsRoutesTest, TheApiDocumentAndItsPageAreServed) {
  auto yaml = send("GET", "/api/openapi.yaml");
  EXPECT_EQ(yaml.status, 200);
  EXPECT_EQ(yaml.header("Content-Type"), "application/yaml");
  EXPECT_EQ(yaml.text.rfind("openapi: 3.1", 0), 0u);

  auto document = send("GET", "/api/openapi.json");
  EXPECT_EQ(document.status, 200);
  EXPECT_EQ(document.header("Content-Type"), "application/json");
  EXPECT_TRUE(document.body["paths"].contains("/api/docs/"));

  auto page = send("GET", "/api/docs");  // the trailing slash is optional here too
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(page.header("Content-Security-Policy"),
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'");
  EXPECT_NE(page.text.find("fetch(\"/api/openapi.json\")"), std::string::npos);
}

}  // namespace
}  // namespace gateway_test
