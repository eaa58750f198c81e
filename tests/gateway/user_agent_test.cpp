// The client's User-Agent reaches the services as gRPC metadata "x-user-agent", beside
// "x-client-ip", as display text for the sessions page: at most 256 bytes cut between
// characters, no control or bidirectional formatting characters, no invalid UTF-8; what is not
// printable ASCII travels percent-encoded (gRPC allows nothing else in a text header).
#include "tests/gateway/gateway_fixture.hpp"

namespace gateway_test {
namespace {

class UserAgentTest : public GatewayTest {
 protected:
  // The x-user-agent a login with this User-Agent header carries to auth.
  std::string forwarded(const std::string& user_agent) {
    httplib::Headers headers = {{"User-Agent", user_agent}};
    send("POST", "/api/token/", {{"username", "alice"}, {"password", "pw"}}, {}, headers);
    return auth_.login.last_metadata("x-user-agent");
  }
};

TEST_F(UserAgentTest, TheUserAgentTravelsBesideTheClientAddress) {
  const std::string firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
  EXPECT_EQ(forwarded(firefox), firefox);
  EXPECT_EQ(auth_.login.last_metadata("x-client-ip"), "127.0.0.1");

  // On authenticated calls too, and to content.
  std::string access = tokens_.access();
  send("GET", "/api/sessions/", nullptr, access, {{"User-Agent", "curl/8.5.0"}});
  EXPECT_EQ(auth_.list_sessions.last_metadata("x-user-agent"), "curl/8.5.0");
  send("GET", "/api/posts/", nullptr, access, {{"User-Agent", "curl/8.5.0"}});
  EXPECT_EQ(content_.list_posts.last_metadata("x-user-agent"), "curl/8.5.0");
}

TEST_F(UserAgentTest, NoHeaderNoMetadata) {
  auto client = this->client();
  httplib::Request request;
  request.method = "POST";
  request.path = "/api/token/";
  request.body = R"({"username": "alice", "password": "pw"})";
  request.set_header("Content-Type", "application/json");
  request.set_header("User-Agent", "");  // httplib would send its own otherwise
  ASSERT_TRUE(client.send(request));
  EXPECT_EQ(auth_.login.calls(), 1u);
  EXPECT_EQ(auth_.login.last_metadata("x-user-agent"), "");
  EXPECT_EQ(forwarded("\xC2\x85\xE2\x80\xAE"), "") << "nothing displayable was left";
  EXPECT_EQ(auth_.login.calls(), 2u);
}

TEST_F(UserAgentTest, ControlAndBidirectionalFormattingCharactersAreRemoved) {
  // A tab (the one control HTTP lets into a header), NEL (U+0085, a C1 control), a
  // right-to-left override (U+202E), an isolate (U+2066) and a line separator (U+2028).
  EXPECT_EQ(forwarded("Evil\tBrowser\xC2\x85/1.0 \xE2\x80\xAEgpj.exe\xE2\x81\xA6x\xE2\x80\xA8y"),
            "EvilBrowser/1.0 gpj.exexy");
}

TEST_F(UserAgentTest, InvalidUtf8IsDroppedAndOtherTextPercentEncoded) {
  // A lone 0xFF, a lead byte without its continuation, an overlong '/', a surrogate.
  EXPECT_EQ(forwarded("Bad\xFF\xC3(x\xC0\xAF\xED\xA0\x80!"), "Bad(x!");
  // Valid UTF-8 is kept, encoded for the wire; '%' itself too, so decoding is unambiguous.
  EXPECT_EQ(forwarded("Caf\xC3\xA9 100% \xE2\x9C\x93"), "Caf%C3%A9 100%25 %E2%9C%93");
}

TEST_F(UserAgentTest, CutToAtMost256BytesBetweenCharacters) {
  EXPECT_EQ(forwarded(std::string(300, 'a')), std::string(256, 'a'));
  // 255 bytes and a two-byte character: the character does not fit whole, so it goes.
  EXPECT_EQ(forwarded(std::string(255, 'b') + "\xC3\xA9" + "more"), std::string(255, 'b'));
  // Exactly 256 bytes with it.
  EXPECT_EQ(forwarded(std::string(254, 'c') + "\xC3\xA9"), std::string(254, 'c') + "%C3%A9");
  // Removed characters do not count.
  EXPECT_EQ(forwarded(std::string(10, '\t') + std::string(256, 'd')), std::string(256, 'd'));
}

}  // namespace
}  // namespace gateway_test
