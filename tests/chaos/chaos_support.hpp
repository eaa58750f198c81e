// What the chaos test drives: a PostgreSQL of its own, clients on keep-alive connections, and
// the outcomes and users it records.
#pragma once

#include "e2e/stack.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace chaos {

using Clock = std::chrono::steady_clock;
using e2e::json;

// A PostgreSQL of the test's own (scripts/lib/infra.sh), which the test crashes and restarts.
// Commits are synchronous: an acknowledged write must survive the crash.
class OwnPostgres final {
 public:
  OwnPostgres() : port_(test_support::free_port()) {
    chmod(dir_.path().c_str(), 0755);  // the postgres user must reach its data directory
    start();
  }
  ~OwnPostgres() { run("pg_stop " + data()); }

  void start() {
    if (run("pg_start " + data() + " " + std::to_string(port_) + " " + dir_.path() + "/postgres.log") != 0) {
      throw std::runtime_error("PostgreSQL did not start:\n" +
                               test_support::read_text_file(dir_.path() + "/script.log"));
    }
  }
  void crash() { run("pg_crash " + data()); }
  std::string admin_url() const { return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/postgres"; }

 private:
  std::string data() const { return dir_.path() + "/pg"; }
  int run(const std::string& command) {
    test_support::Process script(
        "/bin/bash", {{"PG_EXTRA_OPTS", "-c fsync=off -c full_page_writes=off -c max_connections=300"}},
        dir_.path() + "/script.log",
        {"-c", "source " + std::string(TEST_SOURCE_DIR) + "/scripts/lib/infra.sh && " + command});
    return script.wait_exit(std::chrono::seconds(90));
  }

  test_support::TempDir dir_;
  int port_;
};

struct Outcome {
  std::string op;
  Clock::time_point start, end;
  int status = 0;  // 0: no HTTP answer
};

inline bool ok(int status) { return status == 200 || status == 201 || status == 204; }

struct User {
  std::string name;
  std::string access;
  std::string refresh;
  long long post_id = 0;
  long long task_id = 0;
  std::vector<long long> created_posts;  // the API said 201
};

// Requests on keep-alive connections, each outcome recorded with its time.
class Client final {
 public:
  explicit Client(int port) : http_("127.0.0.1", port) {
    http_.set_keep_alive(true);
    http_.set_read_timeout(std::chrono::seconds(15));
  }

  httplib::Result send(const std::string& method, const std::string& path, const std::string& token,
                       const json& body = nullptr) {
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    if (method == "GET") return http_.Get(path, headers);
    if (method == "PATCH") return http_.Patch(path, headers, body.dump(), "application/json");
    return http_.Post(path, headers, body.dump(), "application/json");
  }

 private:
  httplib::Client http_;
};

}  // namespace chaos
