// Seed 002's dashboard: the greeting comes from the content service, the text is required.
#include "tests/gateway/gateway_fixture.hpp"

namespace gateway_test {
namespace {

using DashboardRoutesTest = GatewayTest;

TEST_F(DashboardRoutesTest, SeedTwoDashboardGreetsTheUserByName) {
  std::string access = tokens_.access();
  content::v1::GetDashboardResponse greeting;
  greeting.set_response("Hey dash, You are seeing a GET response");
  content_.get_dashboard.reply_with(greeting);
  auto got = send("GET", "/api/dashboard/", nullptr, access);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body, json({{"response", "Hey dash, You are seeing a GET response"}}));
  EXPECT_FALSE(content_.get_dashboard.last_request().has_text());
  EXPECT_EQ(content_.get_dashboard.last_metadata("authorization"), "Bearer " + access);

  greeting.set_response("Hey dash, your text is This is my Text");
  content_.get_dashboard.reply_with(greeting);
  auto posted = send("POST", "/api/dashboard/", {{"text", "This is my Text"}}, access);
  ASSERT_EQ(posted.status, 200);
  EXPECT_EQ(posted.body, json({{"response", "Hey dash, your text is This is my Text"}}));
  EXPECT_EQ(content_.get_dashboard.last_request().text(), "This is my Text");

  auto missing = send("POST", "/api/dashboard/", json::object(), access);
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.body, json({{"text", {"This field is required."}}}));
  EXPECT_EQ(send("POST", "/api/dashboard/", {{"text", nullptr}}, access).body,
            json({{"text", {"This field may not be null."}}}));
  EXPECT_EQ(send("GET", "/api/dashboard/").status, 401);
  EXPECT_EQ(content_.get_dashboard.calls(), 2u);
}

}  // namespace
}  // namespace gateway_test
