// The real gateway (HttpServer and its epoll listener) on a free loopback port, in-process, in
// front of fake Auth and Content gRPC services, driven by a real HTTP client. No PostgreSQL,
// no Redis: routing, authentication, browser rules and error shapes in milliseconds.
#pragma once

#include "tests/gateway/fake_services.hpp"
#include "tests/gateway/test_tokens.hpp"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <string>

namespace gateway_test {

using nlohmann::json;
// Gateway settings by environment variable name, read by GatewayConfig::from_env as the binary
// reads its environment.
using Settings = std::map<std::string, std::string>;

struct Reply {
  int status = 0;
  json body;         // the parsed JSON answer; null when empty or not JSON
  std::string text;  // the raw body
  httplib::Headers headers;

  std::string header(const std::string& name) const;
  bool has_header(const std::string& name) const { return headers.find(name) != headers.end(); }
};

class GatewayTest : public ::testing::Test {
 protected:
  GatewayTest();
  ~GatewayTest() override;

  void SetUp() override;
  void TearDown() override;
  // Settings on top of the fixture's (free port, the fakes' addresses, 4 KiB body limit, no
  // revocation channel); a fixture for cookie mode or a public base URL overrides this.
  virtual void configure(Settings& settings) { (void)settings; }

  // A request as a browser or SPA sends it; a body (with POST, PUT, PATCH, and DELETE when not
  // null) is sent as JSON unless `content_type` says otherwise (then `body` must be a string,
  // sent as is).
  Reply send(const std::string& method, const std::string& path, const json& body = nullptr,
             const std::string& token = {}, httplib::Headers headers = {},
             const std::string& content_type = "application/json");
  httplib::Client client() const;
  // http://127.0.0.1:<port>, where the gateway listens.
  std::string listen_url() const;

  TestTokens tokens_;
  FakeAuthService auth_;
  FakeContentService content_;

 private:
  class RunningGateway;
  std::unique_ptr<RunningGateway> gateway_;
};

// The Set-Cookie value of the answer that sets cookie `name` ("" when none).
std::string set_cookie(const Reply& reply, const std::string& name);

}  // namespace gateway_test
