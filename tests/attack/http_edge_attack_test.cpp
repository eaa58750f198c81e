// The gateway's front door, tried as an attacker would (issue 11): request smuggling, unbounded
// chunked bodies, dropped pipelined requests, starvation by idle and slow connections, missing
// security headers, links built from the client's Host, pagination overflow, NUL and invalid
// UTF-8 in fields, and the JWT forgeries that must stay refused. Three real binaries on real
// PostgreSQL and Redis, driven over raw TCP where httplib::Client would not send the bytes.
#include "attack/raw_http.hpp"
#include "e2e/stack.hpp"
#include "unit/common/jwt/jwt_test_support.hpp"

#include "common/core/base64url.hpp"
#include "common/jwt/jwt.hpp"

#include <memory>

namespace {

using attack::RawConnection;
using attack::RawResponse;
using e2e::json;
using e2e::Stack;
using namespace std::chrono_literals;

const std::string kPublicBase = "https://api.example.test";

class HttpEdgeAttack : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Few workers, so a handful of held connections would starve them if connections held
    // workers; a short header deadline, so the slow-head test is quick.
    stack_ = new Stack(
        {},
        {{"GATEWAY_THREADS", "8"}, {"GATEWAY_HEADER_TIMEOUT_MS", "1000"}, {"GATEWAY_PUBLIC_BASE_URL", kPublicBase}});
    ASSERT_TRUE(stack_->ready()) << stack_->logs();
    auto registered = stack_->send("POST", "/api/register/", {{"email", "edge@example.com"}, {"password", kPassword}});
    ASSERT_EQ(registered.status, 201) << registered.body.dump();
    auto login = stack_->send("POST", "/api/token/", {{"email", "edge@example.com"}, {"password", kPassword}});
    ASSERT_EQ(login.status, 200) << login.body.dump();
    access_ = login.body["access"];
    refresh_ = login.body["refresh"];
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }

  static int port() { return stack_->gateway_port_; }
  static std::size_t post_count() {
    auto list = stack_->send("GET", "/api/posts/", nullptr, access_);
    EXPECT_EQ(list.status, 200);
    return list.body.size();
  }
  static std::string auth_header() { return "Authorization: Bearer " + access_ + "\r\n"; }

  static constexpr const char* kPassword = "edge-attack-password-1";
  static Stack* stack_;
  static std::string access_;
  static std::string refresh_;
};

std::string header(const e2e::Reply& reply, const std::string& name) {
  auto it = reply.headers.find(name);
  return it == reply.headers.end() ? std::string() : it->second;
}

Stack* HttpEdgeAttack::stack_ = nullptr;
std::string HttpEdgeAttack::access_;
std::string HttpEdgeAttack::refresh_;

// A request whose body is a second request: if the gateway frames it as a proxy might not, the
// hidden GET runs as a request of its own (and answers 401).
TEST_F(HttpEdgeAttack, ConflictingOrInvalidFramingIsRefusedAndTheConnectionClosed) {
  const std::string hidden = "GET /api/posts/ HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string length = std::to_string(hidden.size());
  const std::string start = "POST /api/token/verify/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
  const std::vector<std::string> attacks = {
      start + "Content-Length: 0\r\nContent-Length: " + length + "\r\n\r\n" + hidden,
      start + "Content-Length: " + length + "\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + hidden,
      start + "Transfer-Encoding: chunked\r\nContent-Length: " + length + "\r\n\r\n0\r\n\r\n" + hidden,
      start + "Content-Length: abc\r\n\r\n" + hidden,
      start + "Content-Length: 0x10\r\n\r\n" + hidden,
      start + "Content-Length: -0\r\n\r\n" + hidden,
      start + "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n" + hidden,
  };
  for (const auto& attack : attacks) {
    RawConnection connection(port());
    ASSERT_TRUE(connection.send(attack));
    auto responses = connection.read_responses(2, 3s);
    ASSERT_EQ(responses.size(), 1u) << attack;
    EXPECT_EQ(responses[0].status, 400) << attack;
    EXPECT_EQ(responses[0].header("connection"), "close");
    EXPECT_TRUE(json::parse(responses[0].body, nullptr, false).contains("detail")) << responses[0].body;
    EXPECT_TRUE(connection.closed_within(3s)) << attack;
  }
}

TEST_F(HttpEdgeAttack, AChunkedBodyOverTheLimitIs413AndNothingIsStored) {
  std::size_t before = post_count();
  // The stack's limit is 4096 bytes; this body is 8 KiB, sent in 1 KiB chunks.
  std::string body = json{{"title", "chunked"}, {"content", std::string(8192, 'a')}}.dump();
  std::string request = "POST /api/posts/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + auth_header() +
                        "Transfer-Encoding: chunked\r\n\r\n";
  for (std::size_t at = 0; at < body.size(); at += 1024) {
    std::string chunk = body.substr(at, 1024);
    char size[16];
    std::snprintf(size, sizeof size, "%zx", chunk.size());
    request += std::string(size) + "\r\n" + chunk + "\r\n";
  }
  request += "0\r\n\r\n";
  RawConnection connection(port());
  connection.send(request);  // the server may close before it has read everything
  auto responses = connection.read_responses(1, 5s);
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].status, 413);
  EXPECT_EQ(post_count(), before);

  // Within the limit, a chunked body works like any other.
  std::string small = json{{"title", "chunked but small"}, {"content", "ok"}}.dump();
  RawConnection fine(port());
  char size[16];
  std::snprintf(size, sizeof size, "%zx", small.size());
  fine.send("POST /api/posts/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + auth_header() +
            "Transfer-Encoding: chunked\r\n\r\n" + size + "\r\n" + small + "\r\n0\r\n\r\n");
  auto created = fine.read_responses(1, 5s);
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(created[0].status, 201) << created[0].body;
  EXPECT_EQ(post_count(), before + 1);
}

TEST_F(HttpEdgeAttack, PipelinedRequestsAreAllAnsweredInOrder) {
  RawConnection connection(port());
  ASSERT_TRUE(
      connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                      "GET /api/posts/ HTTP/1.1\r\nHost: x\r\n\r\n"
                      "GET /api/no-such-route/ HTTP/1.1\r\nHost: x\r\n\r\n"
                      "GET /api/posts/ HTTP/1.1\r\nHost: x\r\n" +
                      auth_header() + "\r\n"));
  auto responses = connection.read_responses(4, 5s);
  ASSERT_EQ(responses.size(), 4u);
  EXPECT_EQ(responses[0].status, 200);
  EXPECT_EQ(responses[1].status, 401);
  EXPECT_EQ(responses[2].status, 404);
  EXPECT_EQ(responses[3].status, 200);
  // And the connection stays usable.
  ASSERT_TRUE(connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto again = connection.read_responses(1, 5s);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].status, 200);
}

// 8 workers, 400 idle connections and 100 slowloris heads: real requests must still be answered
// (the client gives up after 3 s; with a thread per connection they waited for the idle ones).
TEST_F(HttpEdgeAttack, IdleAndSlowConnectionsDoNotStarveRealRequests) {
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 400; ++i) held.push_back(std::make_unique<RawConnection>(port()));
  for (int i = 0; i < 100; ++i) {
    held.push_back(std::make_unique<RawConnection>(port()));
    held.back()->send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ");
  }
  auto client = stack_->client();
  client.set_read_timeout(3s);
  client.set_keep_alive(true);
  for (int i = 0; i < 10; ++i) {
    auto health = client.Get("/healthz");
    ASSERT_TRUE(health) << httplib::to_string(health.error());
    EXPECT_EQ(health->status, 200);
    auto posts = client.Get("/api/posts/", {{"Authorization", "Bearer " + access_}});
    ASSERT_TRUE(posts) << httplib::to_string(posts.error());
    EXPECT_EQ(posts->status, 200);
  }
}

// A head that trickles in a byte at a time never completes: it is cut at the header deadline
// (1 s here) instead of holding its connection for as long as the client likes.
TEST_F(HttpEdgeAttack, AHeadThatNeverEndsIsCutAtTheHeaderDeadline) {
  RawConnection slow(port());
  ASSERT_TRUE(slow.send("GET /healthz HTTP/1.1\r\nHost: x\r\n"));
  auto start = std::chrono::steady_clock::now();
  bool closed = false;
  while (!closed && std::chrono::steady_clock::now() - start < 6s) {
    if (!slow.send("X")) break;  // the server may already be gone
    closed = slow.closed_within(200ms);
  }
  EXPECT_TRUE(closed || slow.closed_within(1s));
}

TEST_F(HttpEdgeAttack, TokenAnswersAreNotStoredAndNoAnswerIsSniffed) {
  auto expect_no_store = [](const e2e::Reply& reply, const std::string& what) {
    EXPECT_LT(reply.status, 300) << what << " " << reply.body.dump();
    EXPECT_NE(header(reply, "Cache-Control"), std::string()) << what;
    EXPECT_NE(header(reply, "Cache-Control").find("no-store"), std::string::npos) << what;
    EXPECT_EQ(header(reply, "Pragma"), "no-cache") << what;
    EXPECT_EQ(header(reply, "X-Content-Type-Options"), "nosniff") << what;
  };
  json credentials = {{"email", "edge@example.com"}, {"password", kPassword}};
  expect_no_store(stack_->send("POST", "/api/register/", {{"email", "edge2@example.com"}, {"password", kPassword}}),
                  "register");
  expect_no_store(stack_->send("POST", "/api/token/", credentials), "token");
  auto login = stack_->send("POST", "/api/login/", credentials);
  expect_no_store(login, "login");
  expect_no_store(stack_->send("POST", "/api/token/refresh/", {{"refresh", login.body["token"]["refresh"]}}),
                  "refresh");
  expect_no_store(stack_->send("POST", "/api/auth/token/", credentials), "seed 001 token");
  expect_no_store(stack_->send("POST", "/auth/login", credentials), "seed 004 login");

  auto missing = stack_->send("GET", "/api/no-such-route/");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(header(missing, "X-Content-Type-Options"), "nosniff");
  RawConnection raw(port());
  raw.send("GET / HTTP/1.1\r\n\r\n");  // no Host: refused by the framing layer
  auto refused = raw.read_responses(1, 3s);
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].status, 400);
  EXPECT_EQ(refused[0].header("x-content-type-options"), "nosniff");
}

TEST_F(HttpEdgeAttack, PaginationLinksNeverComeFromTheClientsHost) {
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(
        stack_->send("POST", "/api/posts/", {{"title", "page " + std::to_string(i)}, {"content", "x"}}, access_).status,
        201);
  }
  RawConnection connection(port());
  connection.send(
      "GET /api/posts/?limit=1 HTTP/1.1\r\nHost: evil.example\r\nX-Forwarded-Host: evil.example\r\n"
      "X-Forwarded-Proto: https\r\n" +
      auth_header() + "\r\n");
  auto responses = connection.read_responses(1, 5s);
  ASSERT_EQ(responses.size(), 1u);
  auto page = json::parse(responses[0].body);
  ASSERT_TRUE(page["next"].is_string()) << responses[0].body;
  EXPECT_EQ(page["next"], kPublicBase + "/api/posts/?limit=1&offset=1");
  EXPECT_EQ(responses[0].body.find("evil.example"), std::string::npos);
}

TEST_F(HttpEdgeAttack, AnOffsetAtTheLargestIntegerHasNoNextPage) {
  auto page = stack_->send("GET", "/api/posts/?limit=10&offset=9223372036854775807", nullptr, access_);
  ASSERT_EQ(page.status, 200) << page.body.dump();
  EXPECT_TRUE(page.body["next"].is_null()) << page.body.dump();
  EXPECT_TRUE(page.body["results"].empty());
}

TEST_F(HttpEdgeAttack, NulAndInvalidUtf8InFieldsAre400AndChangeNothing) {
  std::size_t before = post_count();
  auto nul_inside = stack_->send("POST", "/api/posts/", {{"title", std::string("x\0hidden", 8)}}, access_);
  EXPECT_EQ(nul_inside.status, 400);
  EXPECT_EQ(nul_inside.body, json({{"title", {"Null characters are not allowed."}}}));
  auto nul_only = stack_->send("POST", "/api/posts/", {{"title", std::string("\0", 1)}}, access_);
  EXPECT_EQ(nul_only.status, 400);
  EXPECT_EQ(
      stack_->send("POST", "/api/tasks/", {{"title", "t"}, {"description", std::string("a\0b", 3)}}, access_).status,
      400);

  auto form = [&](const std::string& path, const std::string& body, const std::string& token = {}) {
    auto client = stack_->client();
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    auto result = client.Post(path, headers, body, "application/x-www-form-urlencoded");
    EXPECT_TRUE(result);
    return result ? std::make_pair(result->status, json::parse(result->body, nullptr, false))
                  : std::make_pair(0, json());
  };
  auto post = form("/api/posts/", "title=%FF&content=x", access_);
  EXPECT_EQ(post.first, 400);
  EXPECT_TRUE(post.second.contains("title")) << post.second.dump();
  EXPECT_EQ(form("/api/posts/", "title=ok%00hidden", access_).first, 400);
  EXPECT_EQ(form("/api/tasks/", "title=%C0%AF", access_).first, 400);  // overlong '/'
  EXPECT_EQ(form("/api/token/", "username=%FF&password=x").first, 400);
  EXPECT_EQ(form("/api/token/verify/", "token=%ED%A0%80").first, 400);  // a surrogate
  EXPECT_EQ(form("/api/posts/", "%FF=1&title=t", access_).first, 400);
  EXPECT_EQ(post_count(), before);
}

// Forgeries already refused: kept here as a regression net for the edge.
TEST_F(HttpEdgeAttack, ForgedTokensAreRefused) {
  auto real_key = common::jwt::load_ec_key_pem(common::jwt::read_file(stack_->key_file_));
  std::string real_kid = common::jwt::key_thumbprint(real_key.get());
  auto attacker = unit_jwt::generate_ec_key();
  std::string attacker_kid = common::jwt::key_thumbprint(attacker.get());

  auto parts = [](const std::string& token) {
    auto first = token.find('.');
    auto second = token.find('.', first + 1);
    return std::make_tuple(token.substr(0, first), token.substr(first + 1, second - first - 1),
                           token.substr(second + 1));
  };
  auto [header_b64, payload_b64, signature_b64] = parts(access_);
  json claims = json::parse(common::base64url_decode(payload_b64).value());
  json es256 = {{"alg", "ES256"}, {"typ", "JWT"}, {"kid", real_kid}};
  auto with = [&](json changes) {
    json changed = claims;
    for (auto& [name, value] : changes.items()) changed[name] = value;
    return changed;
  };
  auto hs256_token = [&](const json& header, const std::string& secret) {
    std::string input = unit_jwt::signing_input(header, claims);
    return input + "." + common::base64url_encode(unit_jwt::hs256(secret, input));
  };
  std::string public_pem = unit_jwt::public_pem(real_key.get());

  std::map<std::string, std::string> forgeries = {
      {"alg none", unit_jwt::signing_input({{"alg", "none"}, {"typ", "JWT"}}, claims) + "."},
      {"alg None", unit_jwt::signing_input({{"alg", "None"}, {"kid", real_kid}}, claims) + "."},
      {"HS256 keyed with the public PEM", hs256_token({{"alg", "HS256"}, {"kid", real_kid}}, public_pem)},
      {"HS256 keyed with the public JWK",
       hs256_token({{"alg", "HS256"}, {"kid", real_kid}}, common::jwt::public_jwk(real_key.get()).dump())},
      {"psychic signature (r = s = 0)",
       unit_jwt::signing_input(es256, claims) + "." + common::base64url_encode(std::string(64, '\0'))},
      {"signed by another key under the real kid", unit_jwt::es256_token(attacker.get(), es256, claims)},
      {"embedded jwk",
       unit_jwt::es256_token(
           attacker.get(), {{"alg", "ES256"}, {"kid", attacker_kid}, {"jwk", common::jwt::public_jwk(attacker.get())}},
           claims)},
      {"jku",
       unit_jwt::es256_token(attacker.get(),
                             {{"alg", "ES256"}, {"kid", attacker_kid}, {"jku", "http://127.0.0.1:1/jwks"}}, claims)},
      {"x5u",
       unit_jwt::es256_token(attacker.get(),
                             {{"alg", "ES256"}, {"kid", attacker_kid}, {"x5u", "http://127.0.0.1:1/cert"}}, claims)},
      {"kid path traversal", hs256_token({{"alg", "HS256"}, {"kid", "../../../../../dev/null"}}, "")},
      {"kid injection", unit_jwt::es256_token(attacker.get(), {{"alg", "ES256"}, {"kid", "' OR '1'='1"}}, claims)},
      {"claims changed, signature kept",
       header_b64 + "." +
           common::base64url_encode(with({{"user_id", claims["user_id"].get<std::int64_t>() + 1}}).dump()) + "." +
           signature_b64},
      {"refresh token as an access token", refresh_},
      {"signed refresh type", unit_jwt::es256_token(real_key.get(), es256, with({{"token_type", "refresh"}}))},
      {"wrong audience", unit_jwt::es256_token(real_key.get(), es256, with({{"aud", "other"}}))},
      {"wrong issuer", unit_jwt::es256_token(real_key.get(), es256, with({{"iss", "other"}}))},
      {"expired", unit_jwt::es256_token(real_key.get(), es256, with({{"exp", 1000000000}, {"iat", 999999000}}))},
      {"ES256 signature in DER", unit_jwt::signing_input(es256, claims) + "." +
                                     common::base64url_encode(std::string("\x30\x06\x02\x01\x01\x02\x01\x01", 8))},
  };
  for (const auto& [what, token] : forgeries) {
    auto reply = stack_->send("GET", "/api/posts/", nullptr, token);
    EXPECT_EQ(reply.status, 401) << what;
    EXPECT_EQ(reply.body.value("code", ""), "token_not_valid") << what << " " << reply.body.dump();
  }
  // The harness can make a token the gateway accepts: the refusals above are about the forgery.
  auto genuine = stack_->send("GET", "/api/posts/", nullptr, unit_jwt::es256_token(real_key.get(), es256, claims));
  EXPECT_EQ(genuine.status, 200) << genuine.body.dump();
}

}  // namespace
