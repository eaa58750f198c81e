// The three real binaries on real PostgreSQL and a Redis of their own, driven over HTTP through
// the gateway: what every end-to-end suite starts once for all its tests.
#pragma once

#include "content/v1/content.grpc.pb.h"
#include "support/test_support.hpp"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <regex>
#include <sstream>
#include <string>

namespace e2e {

using nlohmann::json;
using Env = std::map<std::string, std::string>;

struct Reply {
  int status = 0;
  json body;
  httplib::Headers headers;
};

class Stack {
 public:
  // `auth_env` and `gateway_env` add to (or override) those binaries' settings; `redis_args`
  // to redis-server's (persistence, for instance).
  explicit Stack(const Env& auth_env = {}, Env gateway_env = {}, std::vector<std::string> redis_args = {})
      : redis_(std::move(redis_args)),
        auth_db_("e2e_auth"),
        content_db_("e2e_content"),
        key_file_(test_support::write_signing_key(dir_.path())),
        auth_port_(test_support::free_port()),
        content_port_(test_support::free_port()),
        gateway_port_(test_support::free_port()),
        gateway_env_(std::move(gateway_env)) {
    auth_env_ = merged({{"AUTH_LISTEN_ADDR", address(auth_port_)},
                        {"AUTH_DATABASE_URL", auth_db_.url()},
                        {"AUTH_REDIS_URL", redis_.url()},
                        {"JWT_PRIVATE_KEY_FILE", key_file_},
                        {"ARGON2_MEMORY_KIB", "19456"},
                        {"LOGIN_LIMIT_PER_ACCOUNT_MAX", "5"},
                        {"AUTH_CONTENT_ADDR", address(content_port_)},
                        {"AUTH_CONTENT_TIMEOUT_MS", "2000"},
                        {"ACCOUNT_DELETION_DELAY_MS", "1500"}});
    for (const auto& [name, value] : auth_env) auth_env_[name] = value;
    auth_env_["METRICS_ADDR"] = metrics_address("auth");
    start_auth();
    content_ = start_content(content_port_, "content");
    gateway_ = start_gateway(gateway_port_, "gateway");
  }

  // A free port for the /metrics of the process called `name`, remembered for metrics_port().
  std::string metrics_address(const std::string& name) {
    metrics_ports_[name] = test_support::free_port();
    return address(metrics_ports_[name]);
  }
  int metrics_port(const std::string& name) const { return metrics_ports_.at(name); }

  static std::string address(int port) { return "127.0.0.1:" + std::to_string(port); }
  static std::string bin(const std::string& name) { return std::string(TEST_BIN_DIR) + "/" + name; }

  // Settings every binary shares: where the keys, the revocation channel and auth are.
  Env merged(Env extra) const {
    Env shared = {{"REVOCATIONS_REDIS_URL", redis_.url()},
                  {"AUTH_SERVICE_TARGET", address(auth_port_)},
                  {"SHUTDOWN_GRACE_MS", "5000"},
                  {"SHUTDOWN_DRAIN_MS", "300"}};
    extra.insert(shared.begin(), shared.end());
    return extra;
  }

  void start_auth() { auth_ = start_auth_replica(auth_port_, "auth", auth_env_.at("METRICS_ADDR")); }

  // Another auth process on the same database and Redis.
  std::unique_ptr<test_support::Process> start_auth_replica(int port, const std::string& name,
                                                            const std::string& metrics) {
    Env env = auth_env_;
    env["AUTH_LISTEN_ADDR"] = address(port);
    env["METRICS_ADDR"] = metrics;
    return std::make_unique<test_support::Process>(bin("auth-service"), env, dir_.path() + "/" + name + ".log");
  }

  std::unique_ptr<test_support::Process> start_content(int port, const std::string& name, const Env& extra = {}) {
    Env env = merged({{"CONTENT_LISTEN_ADDR", address(port)},
                      {"CONTENT_DATABASE_URL", content_db_.url()},
                      {"METRICS_ADDR", metrics_address(name)}});
    for (const auto& [key, value] : extra) env[key] = value;
    return std::make_unique<test_support::Process>(bin("content-service"), env, dir_.path() + "/" + name + ".log");
  }

  std::unique_ptr<test_support::Process> start_gateway(int port, const std::string& name, const Env& extra = {}) {
    Env env = merged({{"GATEWAY_HOST", "127.0.0.1"},
                      {"GATEWAY_PORT", std::to_string(port)},
                      {"GATEWAY_MAX_BODY_BYTES", "4096"},
                      {"CONTENT_SERVICE_TARGET", address(content_port_)},
                      {"METRICS_ADDR", metrics_address(name)}});
    for (const auto& [key, value] : gateway_env_) env[key] = value;
    for (const auto& [key, value] : extra) env[key] = value;
    return std::make_unique<test_support::Process>(bin("gateway"), env, dir_.path() + "/" + name + ".log");
  }

  // Runs an admin command of the auth binary to its end; returns its exit code.
  int auth_command(const std::vector<std::string>& args, const Env& extra = {}, std::string* output = nullptr) {
    Env env = auth_env_;
    for (const auto& [name, value] : extra) env[name] = value;
    std::string log = dir_.path() + "/auth-command.log";
    std::remove(log.c_str());
    test_support::Process command(bin("auth-service"), env, log, args);
    test_support::wait_until(std::chrono::seconds(30), [&] { return !command.running(); });
    if (output) *output = command.log();
    return command.terminate();
  }

  bool ready(int port = 0) {
    return test_support::wait_until(std::chrono::seconds(30),
                                    [&] {
                                      if (!auth_->running() || !content_->running() || !gateway_->running())
                                        return true;  // fail fast
                                      auto result = client(port).Get("/readyz");
                                      return result && result->status == 200;
                                    }) &&
           auth_->running() && content_->running() && gateway_->running();
  }

  httplib::Client client(int port = 0) const {
    httplib::Client c("127.0.0.1", port == 0 ? gateway_port_ : port);
    c.set_connection_timeout(std::chrono::seconds(5));
    c.set_read_timeout(std::chrono::seconds(10));
    return c;
  }

  Reply send(const std::string& method, const std::string& path, const json& body = nullptr,
             const std::string& token = {}, httplib::Headers headers = {},
             const std::string& content_type = "application/json", int port = 0) const {
    auto c = client(port);
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    std::string payload = body.is_null() ? "" : body.dump();
    httplib::Result result(nullptr, httplib::Error::Unknown);
    if (method == "GET")
      result = c.Get(path, headers);
    else if (method == "POST")
      result = c.Post(path, headers, payload, content_type);
    else if (method == "PUT")
      result = c.Put(path, headers, payload, content_type);
    else if (method == "PATCH")
      result = c.Patch(path, headers, payload, content_type);
    else if (method == "DELETE")
      result = body.is_null() ? c.Delete(path, headers) : c.Delete(path, headers, payload, content_type);
    Reply reply;
    if (!result) {
      ADD_FAILURE() << method << " " << path << " failed: " << httplib::to_string(result.error());
      return reply;
    }
    reply.status = result->status;
    reply.headers = result->headers;
    reply.body = result->body.empty() ? json() : json::parse(result->body, nullptr, false);
    return reply;
  }

  // The first match of `pattern`'s group in the last mail the auth service logged for
  // `recipient` with `subject` (its console mail backend), waiting up to 5 s for the outbox to
  // send it; "" if none came.
  std::string mailed(const std::string& recipient, const std::string& subject = "",
                     const std::string& pattern = "token=([0-9a-f]{64})") const {
    std::string found;
    test_support::wait_until(std::chrono::seconds(5), [&] {
      std::istringstream lines(auth_->log());
      std::smatch match;
      for (std::string line; std::getline(lines, line);) {
        if (line.find("\"to\":\"" + recipient + "\"") == std::string::npos) continue;
        if (!subject.empty() && line.find("\"subject\":\"" + subject + "\"") == std::string::npos) continue;
        if (std::regex_search(line, match, std::regex(pattern))) found = match[1];
      }
      return !found.empty();
    });
    return found;
  }
  std::string mailed_token(const std::string& recipient, const std::string& subject = "") const {
    return mailed(recipient, subject);
  }

  // A ListPosts call straight to the content service, as an internal gRPC client makes it.
  grpc::StatusCode content_direct(const std::string& access) const {
    auto stub = content::v1::ContentService::NewStub(
        grpc::CreateChannel(address(content_port_), grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    context.AddMetadata("authorization", "Bearer " + access);
    content::v1::ListPostsResponse reply;
    return stub->ListPosts(&context, content::v1::ListPostsRequest(), &reply).error_code();
  }

  // Whether the gateway (at `port`) and the content service refuse `access` within a second.
  bool refused_everywhere_within_a_second(const std::string& access, int port = 0) const {
    return test_support::wait_until(std::chrono::seconds(1), [&] {
      return send("GET", "/api/posts/", nullptr, access, {}, "application/json", port).status == 401 &&
             content_direct(access) == grpc::StatusCode::UNAUTHENTICATED;
    });
  }

  std::string logs() const {
    return "--- auth\n" + auth_->log() + "--- content\n" + content_->log() + "--- gateway\n" + gateway_->log();
  }

  test_support::TempDir dir_;
  test_support::RedisServer redis_;
  test_support::TestDatabase auth_db_;
  test_support::TestDatabase content_db_;
  std::string key_file_;
  int auth_port_, content_port_, gateway_port_;
  Env gateway_env_;
  Env auth_env_;
  std::map<std::string, int> metrics_ports_;
  std::unique_ptr<test_support::Process> auth_, content_, gateway_;
};

}  // namespace e2e
