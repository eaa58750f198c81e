#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

// The harness of the integration and end-to-end tests: real PostgreSQL and Redis started by
// scripts/test.sh (TEST_PG_ADMIN_URL, TEST_REDIS_URL), a fresh database per fixture, fresh
// signing keys, free loopback ports and child processes that are always reaped.
namespace test_support {

// The value of a variable scripts/test.sh exports; throws with a hint when it is missing.
std::string required_env(const char* name);

// A database created for one fixture and dropped after it.
class TestDatabase final {
 public:
  explicit TestDatabase(const std::string& prefix);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

 private:
  std::string admin_url_;
  std::string name_;
  std::string url_;
};

class TempDir final {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Writes a new EC P-256 private key as PEM into `dir`; returns the file path.
std::string write_signing_key(const std::string& dir, const std::string& name = "signing.pem");

int free_port();

// Polls `ready` every 20 ms until it holds or `timeout` passes; returns its last answer.
bool wait_until(std::chrono::milliseconds timeout, const std::function<bool()>& ready);

// A child process with extra environment variables and arguments, its output in `log_path`.
class Process final {
 public:
  Process(const std::string& program, const std::map<std::string, std::string>& env, const std::string& log_path,
          const std::vector<std::string>& args = {});
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  bool running();
  // Sends SIGTERM and waits up to `timeout`; returns the exit code, or -1 when it had to be
  // killed or died by a signal.
  int terminate(std::chrono::milliseconds timeout = std::chrono::seconds(15));
  // SIGKILL, as a crash or an OOM kill would end it; waits until it is gone.
  void kill_now();
  // Sends `signal` and returns at once.
  void signal(int signal_number);
  // Waits up to `timeout` for it to exit; its exit code, or -1 (still running or signalled).
  int wait_exit(std::chrono::milliseconds timeout);
  std::string log() const;

 private:
  int pid_ = -1;
  int exit_code_ = -1;
  bool reaped_ = false;
  std::string log_path_;
};

std::string read_text_file(const std::string& path);

// A redis-server of the test's own on a free loopback port, without persistence unless
// `extra_args` ask for it, that a test can stop and start again on the same port (a Redis
// restart that lost everything, or replayed its append-only file).
class RedisServer final {
 public:
  explicit RedisServer(std::vector<std::string> extra_args = {});
  void start();
  void stop();
  // SIGKILL, as a crash or an OOM kill would end it.
  void kill_now();
  // Deletes what it persisted (call while stopped): the next start() begins empty.
  void wipe();
  int port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_) + "/0"; }

 private:
  TempDir dir_;
  int port_;
  std::vector<std::string> args_;
  std::unique_ptr<Process> process_;
};

}  // namespace test_support
