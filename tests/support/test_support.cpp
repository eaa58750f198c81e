#include "support/test_support.hpp"

#include "common/redis/redis_client.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <pqxx/pqxx>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace test_support {

std::string required_env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    throw std::runtime_error(std::string(name) +
                             " is not set: run the tests through ./scripts/test.sh, which starts "
                             "PostgreSQL and Redis for them");
  }
  return value;
}

namespace {

std::string unique_suffix() {
  static std::atomic<int> counter{0};
  std::random_device device;
  return std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" + std::to_string(device() % 100000);
}

std::string with_database(const std::string& url, const std::string& database) {
  auto slash = url.rfind('/');
  return url.substr(0, slash + 1) + database;
}

}  // namespace

TestDatabase::TestDatabase(const std::string& prefix)
    : admin_url_(required_env("TEST_PG_ADMIN_URL")), name_(prefix + "_" + unique_suffix()) {
  pqxx::connection admin(admin_url_);
  pqxx::nontransaction tx(admin);
  tx.exec("CREATE DATABASE " + tx.quote_name(name_));
  url_ = with_database(admin_url_, name_);
}

TestDatabase::~TestDatabase() {
  try {
    pqxx::connection admin(admin_url_);
    pqxx::nontransaction tx(admin);
    tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name_) + " WITH (FORCE)");
  } catch (const std::exception&) {
    // The server goes away with the test run anyway.
  }
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "test.XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string write_signing_key(const std::string& dir, const std::string& name) {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (key == nullptr) throw std::runtime_error("EC key generation failed");
  std::string path = dir + "/" + name;
  FILE* file = std::fopen(path.c_str(), "w");
  bool ok = file != nullptr && PEM_write_PrivateKey(file, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
  if (file) std::fclose(file);
  EVP_PKEY_free(key);
  if (!ok) throw std::runtime_error("cannot write " + path);
  return path;
}

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    close(fd);
    throw std::runtime_error("no free port");
  }
  close(fd);
  return ntohs(address.sin_port);
}

bool wait_until(std::chrono::milliseconds timeout, const std::function<bool()>& ready) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (ready()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

Process::Process(const std::string& program, const std::map<std::string, std::string>& env, const std::string& log_path,
                 const std::vector<std::string>& args)
    : log_path_(log_path) {
  std::vector<std::string> variables;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry = *e;
    if (env.count(entry.substr(0, entry.find('='))) == 0) variables.push_back(entry);
  }
  for (const auto& [name, value] : env) variables.push_back(name + "=" + value);
  std::vector<char*> envp;
  for (auto& v : variables) envp.push_back(v.data());
  envp.push_back(nullptr);
  std::vector<std::string> words = {program};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);

  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      close(fd);
    }
    // The test process may block these for its own use; the child needs them delivered.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execve(words[0].c_str(), argv.data(), envp.data());
    _exit(127);
  }
}

Process::~Process() {
  if (!reaped_) terminate(std::chrono::seconds(5));
}

bool Process::running() {
  if (reaped_) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    reaped_ = true;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return false;
  }
  return true;
}

int Process::terminate(std::chrono::milliseconds timeout) {
  if (!running()) return exit_code_;
  kill(pid_, SIGTERM);
  if (!wait_until(timeout, [this] { return !running(); })) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    reaped_ = true;
    exit_code_ = -1;
  }
  return exit_code_;
}

void Process::kill_now() {
  if (!running()) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  reaped_ = true;
  exit_code_ = -1;
}

void Process::signal(int signal_number) {
  if (running()) kill(pid_, signal_number);
}

int Process::wait_exit(std::chrono::milliseconds timeout) {
  wait_until(timeout, [this] { return !running(); });
  return reaped_ ? exit_code_ : -1;
}

std::string Process::log() const { return read_text_file(log_path_); }

std::string read_text_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

RedisServer::RedisServer(std::vector<std::string> extra_args) : port_(free_port()) {
  args_ = {"--port", std::to_string(port_), "--bind", "127.0.0.1", "--save",
           "",       "--appendonly",        "no",     "--dir",     dir_.path()};
  args_.insert(args_.end(), extra_args.begin(), extra_args.end());
  start();
}

void RedisServer::start() {
  process_ = std::make_unique<Process>("/usr/bin/redis-server", std::map<std::string, std::string>{},
                                       dir_.path() + "/redis.log", args_);
  common::RedisOptions options;
  options.port = port_;
  for (std::size_t i = 0; i + 1 < args_.size(); ++i) {
    if (args_[i] == "--requirepass") options.password = args_[i + 1];
  }
  bool up = wait_until(std::chrono::seconds(5), [&] {
    common::RedisClient probe(options);  // a fresh client: a used one backs off after failures
    return probe.ping();
  });
  if (!up) throw std::runtime_error("redis-server did not start:\n" + process_->log());
}

void RedisServer::stop() {
  process_->terminate(std::chrono::seconds(5));
  process_.reset();
}

void RedisServer::kill_now() {
  process_->kill_now();
  process_.reset();
}

void RedisServer::wipe() {
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    if (entry.path().filename() != "redis.log") std::filesystem::remove_all(entry.path());
  }
}

}  // namespace test_support

namespace {
// In-process services log every call; tests only want to see warnings and errors.
const bool kQuietLogs = [] {
  spdlog::set_level(spdlog::level::warn);
  return true;
}();
}  // namespace
