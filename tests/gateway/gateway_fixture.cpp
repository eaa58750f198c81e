#include "tests/gateway/gateway_fixture.hpp"

#include "common/access/auth_client.hpp"
#include "common/core/log.hpp"
#include "gateway/gateway_config.hpp"
#include "gateway/http_server.hpp"
#include "gateway/upstreams.hpp"

#include <chrono>
#include <cstdlib>
#include <thread>

namespace gateway_test {

class GatewayTest::RunningGateway final {
 public:
  RunningGateway(FakeAuthService& auth, FakeContentService& content, Settings settings)
      : auth_server_(auth, "auth.v1.AuthService"),
        content_server_(content, "content.v1.ContentService"),
        config_(config_from(settings)),
        upstreams_(config_.auth_target, config_.content_target, config_.upstream_timeout),
        tokens_(common::access_tokens_from_auth(config_.tokens, upstreams_.auth(), config_.upstream_timeout)),
        server_(config_, upstreams_, *tokens_),
        port_(server_.bind()),
        serving_([this] { server_.serve(); }) {}

  ~RunningGateway() {
    server_.stop();
    serving_.join();
  }

  int port() const { return port_; }

 private:
  gateway::GatewayConfig config_from(Settings& settings) {
    settings.emplace("GATEWAY_HOST", "127.0.0.1");
    settings.emplace("GATEWAY_PORT", "0");
    settings.emplace("GATEWAY_THREADS", "4");
    settings.emplace("GATEWAY_MAX_BODY_BYTES", "4096");
    settings.emplace("AUTH_SERVICE_TARGET", auth_server_.target());
    settings.emplace("CONTENT_SERVICE_TARGET", content_server_.target());
    settings.emplace("GATEWAY_UPSTREAM_TIMEOUT_MS", "5000");
    common::Env env("gateway", "in-process test", [&settings](const std::string& name) -> std::optional<std::string> {
      auto found = settings.find(name);
      if (found == settings.end()) return std::nullopt;
      return found->second;
    });
    auto config = gateway::GatewayConfig::from_env(env);
    env.check();
    // Without a revocation channel the verifier trusts its own (empty) revocation set: the
    // wiring AccessTokens offers for "no Redis". A test that sets REVOCATIONS_REDIS_URL (to a
    // closed port) gets the production path instead: the channel is down, so every token is
    // checked with the fake auth service, and refused when it cannot answer.
    if (!settings.contains("REVOCATIONS_REDIS_URL")) config.tokens.revocations_redis_url.clear();
    return config;
  }

  FakeServer auth_server_;
  FakeServer content_server_;
  gateway::GatewayConfig config_;
  gateway::Upstreams upstreams_;
  std::unique_ptr<common::AccessTokens> tokens_;
  gateway::HttpServer server_;
  int port_;
  std::thread serving_;
};

namespace {

void quiet_logs_once() {
  static const bool initialized = [] {
    const char* level = std::getenv("LOG_LEVEL");
    common::log::init("gateway_tests", level ? level : "off");
    return true;
  }();
  (void)initialized;
}

}  // namespace

GatewayTest::GatewayTest() {
  quiet_logs_once();
  auth_.get_jwks.reply_with(tokens_.jwks());
}

GatewayTest::~GatewayTest() = default;

void GatewayTest::SetUp() {
  Settings settings;
  configure(settings);
  gateway_ = std::make_unique<RunningGateway>(auth_, content_, std::move(settings));
  // Serving once /healthz answers; bind() already listens, so this is quick.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (true) {
    auto result = client().Get("/healthz");
    if (result && result->status == 200) return;
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the gateway did not answer /healthz";
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void GatewayTest::TearDown() { gateway_.reset(); }

httplib::Client GatewayTest::client() const {
  httplib::Client client("127.0.0.1", gateway_->port());
  client.set_connection_timeout(std::chrono::seconds(2));
  client.set_read_timeout(std::chrono::seconds(10));
  return client;
}

std::string GatewayTest::listen_url() const { return "http://127.0.0.1:" + std::to_string(gateway_->port()); }

Reply GatewayTest::send(const std::string& method, const std::string& path, const json& body, const std::string& token,
                        httplib::Headers headers, const std::string& content_type) {
  httplib::Request request;
  request.method = method;
  request.path = path;
  if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
  request.headers = std::move(headers);
  if (method == "POST" || method == "PUT" || method == "PATCH" || (method == "DELETE" && !body.is_null())) {
    request.body = body.is_string() && content_type != "application/json" ? body.get<std::string>()
                   : body.is_null()                                       ? std::string()
                                                                          : body.dump();
    request.set_header("Content-Type", content_type);
  }
  auto result = client().send(request);
  Reply reply;
  if (!result) {
    ADD_FAILURE() << method << " " << path << " failed: " << httplib::to_string(result.error());
    return reply;
  }
  reply.status = result->status;
  reply.headers = result->headers;
  reply.text = result->body;
  reply.body = json::parse(result->body, nullptr, false);
  if (reply.body.is_discarded()) reply.body = nullptr;
  return reply;
}

std::string Reply::header(const std::string& name) const {
  auto found = headers.find(name);
  return found == headers.end() ? std::string() : found->second;
}

std::string set_cookie(const Reply& reply, const std::string& name) {
  auto range = reply.headers.equal_range("Set-Cookie");
  for (auto it = range.first; it != range.second; ++it) {
    if (it->second.starts_with(name + "=")) return it->second;
  }
  return {};
}

}  // namespace gateway_test
