// Several replicas of every binary on loopback, as Kubernetes runs them: two auth, two content
// and two gateways balancing over both (round_robin over an ipv4: address list). Replicas are
// killed and stopped under load; the tests count what clients saw.
#include "stack.hpp"

#include <atomic>
#include <csignal>
#include <mutex>
#include <thread>

namespace e2e {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

const char* const kPassword = "correct-horse-battery-9";

struct Outcome {
  std::string op;
  bool idempotent = false;
  Clock::time_point start;
  Clock::time_point end;
  int status = 0;  // 0: no HTTP answer
  int gateway = 0;
};

bool succeeded(const Outcome& o) { return o.status == 200 || o.status == 201; }

struct User {
  std::string access;
  std::string refresh;
  long long post_id = 0;
  std::vector<long long> created;  // posts the API said it created
};

class Replicas : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Logins and refreshes at load rate from one address must not hit the rate limits.
    stack_ = new Stack(Env{{"LOGIN_LIMIT_PER_CLIENT_MAX", "1000000"},
                           {"LOGIN_LIMIT_PER_ACCOUNT_MAX", "1000000"},
                           {"REGISTER_LIMIT_PER_CLIENT_MAX", "1000000"}});
    ASSERT_TRUE(stack_->ready()) << stack_->logs();
    auth_port2_ = test_support::free_port();
    content_port2_ = test_support::free_port();
    auth2_ = stack_->start_auth_replica(auth_port2_, "auth2", stack_->metrics_address("auth2"));
    content2_ = stack_->start_content(content_port2_, "content2", {{"AUTH_SERVICE_TARGET", auth_targets()}});
    for (int i = 0; i < 2; ++i) {
      gateway_ports_[i] = test_support::free_port();
      gateways_[i] = stack_->start_gateway(gateway_ports_[i], "gateway-" + std::to_string(i), gateway_env());
    }
    for (int port : gateway_ports_) ASSERT_TRUE(stack_->ready(port)) << stack_->logs();
  }

  static void TearDownTestSuite() {
    for (auto& g : gateways_) g.reset();
    auth2_.reset();
    content2_.reset();
    delete stack_;
    stack_ = nullptr;
  }

  static std::string list(int a, int b) { return "ipv4:" + Stack::address(a) + "," + Stack::address(b); }
  static std::string auth_targets() { return list(stack_->auth_port_, auth_port2_); }
  static std::string content_targets() { return list(stack_->content_port_, content_port2_); }
  static Env gateway_env() {
    return {{"AUTH_SERVICE_TARGET", auth_targets()}, {"CONTENT_SERVICE_TARGET", content_targets()}};
  }

  static User new_user(const std::string& name) {
    auto registered =
        stack_->send("POST", "/api/register/", {{"email", name + "@example.com"}, {"password", kPassword}}, {}, {},
                     "application/json", gateway_ports_[0]);
    EXPECT_EQ(registered.status, 201) << registered.body.dump();
    User user{registered.body.value("access", ""), registered.body.value("refresh", ""), 0, {}};
    auto post = stack_->send("POST", "/api/posts/", {{"title", "first"}, {"content", "x"}}, user.access, {},
                             "application/json", gateway_ports_[0]);
    EXPECT_EQ(post.status, 201);
    user.post_id = post.body.value("id", 0LL);
    return user;
  }

  // One client thread per user, each with a keep-alive connection to both gateways, running a
  // mix of reads, writes, refreshes and profile reads until stopped.
  class Load final {
   public:
    explicit Load(std::vector<User>& users, const std::array<int, 2>& ports) {
      for (auto& user : users) {
        threads_.emplace_back([this, &user, ports] { drive(user, ports); });
      }
    }
    ~Load() { finish(); }

    std::vector<Outcome> finish() {
      stop_ = true;
      for (auto& t : threads_) {
        if (t.joinable()) t.join();
      }
      return outcomes_;
    }

   private:
    void drive(User& user, const std::array<int, 2>& ports) {
      std::array<httplib::Client, 2> clients{httplib::Client("127.0.0.1", ports[0]),
                                             httplib::Client("127.0.0.1", ports[1])};
      for (auto& c : clients) {
        c.set_keep_alive(true);
        c.set_read_timeout(std::chrono::seconds(10));
      }
      std::vector<Outcome> mine;
      for (int k = 0; !stop_; ++k) {
        Outcome o;
        o.gateway = k % 2;
        auto& client = clients[o.gateway];
        httplib::Headers bearer{{"Authorization", "Bearer " + user.access}};
        o.start = Clock::now();
        httplib::Result result(nullptr, httplib::Error::Unknown);
        switch (k % 5) {
          case 0:
            o.op = "create post";
            result = client.Post("/api/posts/", bearer,
                                 json{{"title", "t" + std::to_string(k)}, {"content", "c"}}.dump(), "application/json");
            break;
          case 1:
            o.op = "get post";
            o.idempotent = true;
            result = client.Get("/api/posts/" + std::to_string(user.post_id) + "/", bearer);
            break;
          case 2:
            o.op = "list posts";
            o.idempotent = true;
            result = client.Get("/api/posts/?limit=5", bearer);
            break;
          case 3:
            o.op = "get me";
            o.idempotent = true;
            result = client.Get("/api/me/", bearer);
            break;
          default:
            o.op = "refresh";
            result = client.Post("/api/token/refresh/", json{{"refresh", user.refresh}}.dump(), "application/json");
            break;
        }
        o.end = Clock::now();
        o.status = result ? result->status : 0;
        if (succeeded(o) && (o.op == "create post" || o.op == "refresh")) {
          auto body = json::parse(result->body);
          if (o.op == "create post") user.created.push_back(body.at("id").get<long long>());
          if (o.op == "refresh") {
            user.access = body.at("access");
            user.refresh = body.at("refresh");
          }
        }
        mine.push_back(o);
      }
      std::lock_guard lock(mutex_);
      outcomes_.insert(outcomes_.end(), mine.begin(), mine.end());
    }

    std::atomic<bool> stop_{false};
    std::mutex mutex_;
    std::vector<Outcome> outcomes_;
    std::vector<std::thread> threads_;
  };

  static std::string describe(const Outcome& o, Clock::time_point origin) {
    auto ms = [&](Clock::time_point t) { return std::chrono::duration_cast<milliseconds>(t - origin).count(); };
    return o.op + " via gateway " + std::to_string(o.gateway) + " [" + std::to_string(ms(o.start)) + ", " +
           std::to_string(ms(o.end)) + "] ms -> " + std::to_string(o.status);
  }

  // Every post a client was told it created is still there.
  static void expect_created_posts_kept(const std::vector<User>& users) {
    for (const auto& user : users) {
      for (long long id : user.created) {
        auto got = stack_->send("GET", "/api/posts/" + std::to_string(id) + "/", nullptr, user.access, {},
                                "application/json", gateway_ports_[1]);
        EXPECT_EQ(got.status, 200) << "post " << id << " was lost";
      }
    }
  }

  // The gateway's log lines about failed upstream calls: what a failure looked like inside.
  static std::string upstream_errors(const std::string& log) {
    std::istringstream lines(log);
    std::string out;
    for (std::string line; std::getline(lines, line);) {
      if (line.find("upstream") != std::string::npos) out += line + "\n";
    }
    return out;
  }

  // The exit code of `<binary> healthcheck`, the containers' health check.
  static int healthcheck(const std::string& binary, const Env& env) {
    test_support::Process probe(Stack::bin(binary), env, "/dev/null", {"healthcheck"});
    return probe.wait_exit(std::chrono::seconds(5));
  }

  static std::string metrics(int port) {
    httplib::Client client("127.0.0.1", port);
    auto result = client.Get("/metrics");
    return result && result->status == 200 ? result->body : "";
  }

  static double sample(const std::string& exposition, const std::string& series) {
    std::istringstream lines(exposition);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
    }
    return -1;
  }

  static inline Stack* stack_ = nullptr;
  static inline int auth_port2_ = 0;
  static inline int content_port2_ = 0;
  static inline std::unique_ptr<test_support::Process> auth2_;
  static inline std::unique_ptr<test_support::Process> content2_;
  static inline std::array<int, 2> gateway_ports_{};
  static inline std::array<std::unique_ptr<test_support::Process>, 2> gateways_;
};

TEST_F(Replicas, KillingOneContentAndOneAuthFailsOnlyWritesInFlightOnThem) {
  std::vector<User> users;
  for (int i = 0; i < 8; ++i) users.push_back(new_user("kill" + std::to_string(i)));

  auto origin = Clock::now();
  Load load(users, gateway_ports_);
  std::this_thread::sleep_for(milliseconds(1500));  // load runs before the first kill
  auto content_killed = Clock::now();
  stack_->content_->kill_now();
  std::this_thread::sleep_for(milliseconds(1500));
  auto auth_killed = Clock::now();
  stack_->auth_->kill_now();
  std::this_thread::sleep_for(milliseconds(1500));
  auto outcomes = load.finish();

  // A write can only be lost with the process it was in flight on: it overlapped a kill, or
  // started in the moment before the gateways saw the connection die.
  auto overlaps_kill = [&](const Outcome& o) {
    for (auto killed : {content_killed, auth_killed}) {
      if (o.start <= killed + milliseconds(500) && o.end >= killed) return true;
    }
    return false;
  };
  std::size_t ok = 0, failed_writes = 0;
  for (const auto& o : outcomes) {
    if (succeeded(o)) {
      ++ok;
      continue;
    }
    EXPECT_FALSE(o.idempotent) << "a retried read failed: " << describe(o, origin);
    EXPECT_TRUE(o.status == 503 || o.status == 502) << describe(o, origin);
    EXPECT_TRUE(overlaps_kill(o)) << "failed away from a kill: " << describe(o, origin);
    ++failed_writes;
  }
  EXPECT_GT(ok, 300u) << "too little load to show anything";
  EXPECT_LE(failed_writes, 2 * users.size()) << "more failures than requests in flight";
  std::cout << "[ replicas ] " << outcomes.size() << " requests, " << ok << " ok, " << failed_writes
            << " writes failed in flight on a killed process\n";

  expect_created_posts_kept(users);
  for (int port : gateway_ports_) {
    EXPECT_EQ(stack_->client(port).Get("/readyz")->status, 200) << "the surviving replicas serve";
  }
}

TEST_F(Replicas, ATokenRevokedThroughOneGatewayIsRefusedByTheOtherWithinOneSecond) {
  User user = new_user("revoke");
  auto before = stack_->send("GET", "/api/me/", nullptr, user.access, {}, "application/json", gateway_ports_[1]);
  ASSERT_EQ(before.status, 200);
  auto logout = stack_->send("POST", "/api/logout/", {{"refresh", user.refresh}}, user.access, {}, "application/json",
                             gateway_ports_[0]);
  ASSERT_EQ(logout.status, 200) << logout.body.dump();
  auto logged_out = Clock::now();
  bool refused = test_support::wait_until(std::chrono::seconds(1), [&] {
    return stack_->client(gateway_ports_[1]).Get("/api/posts/", {{"Authorization", "Bearer " + user.access}})->status ==
           401;
  });
  EXPECT_TRUE(refused) << "gateway 1 still accepts the token 1 s after the logout at gateway 0";
  std::cout << "[ replicas ] refused by the other gateway after "
            << std::chrono::duration_cast<milliseconds>(Clock::now() - logged_out).count() << " ms\n";
}

TEST_F(Replicas, MetricsCountRequestsCallsAndPoolsOnTheirOwnPort) {
  User user = new_user("metrics");
  auto got = stack_->send("GET", "/api/posts/" + std::to_string(user.post_id) + "/", nullptr, user.access, {},
                          "application/json", gateway_ports_[0]);
  ASSERT_EQ(got.status, 200);

  std::string gateway = metrics(stack_->metrics_port("gateway-0"));
  EXPECT_GE(sample(gateway, R"(http_requests_total{route="/api/posts/{id}/",method="GET",status="200"})"), 1);
  EXPECT_GE(sample(gateway, R"(http_request_duration_seconds_count{route="/api/posts/{id}/",method="GET"})"), 1);
  EXPECT_GE(
      sample(
          gateway,
          R"(grpc_client_handled_total{grpc_service="content.v1.ContentService",grpc_method="GetPost",grpc_code="OK"})"),
      1);
  EXPECT_GE(sample(gateway, "process_resident_memory_bytes"), 1e6);
  EXPECT_EQ(sample(gateway, "http_server_threads"), 64);

  std::string content = metrics(stack_->metrics_port("content2"));
  EXPECT_GE(
      sample(
          content,
          R"(grpc_server_handled_total{grpc_service="content.v1.ContentService",grpc_method="GetPost",grpc_code="OK"})"),
      1);
  EXPECT_EQ(sample(content, "db_pool_size"), 8);
  EXPECT_GE(sample(content, "db_pool_connections_open"), 1);

  std::string auth = metrics(stack_->metrics_port("auth2"));
  EXPECT_GE(
      sample(auth,
             R"(grpc_server_handled_total{grpc_service="auth.v1.AuthService",grpc_method="Register",grpc_code="OK"})"),
      1);
  // Not routed through the API port.
  EXPECT_EQ(stack_->send("GET", "/metrics", nullptr, {}, {}, "application/json", gateway_ports_[0]).status, 404);
}

// A replica stopped with SIGTERM (a rollout, a scale-down) loses nothing: its in-flight calls
// finish, new ones go to the other replica, and it exits 0.
TEST_F(Replicas, SigtermedServiceReplicasFinishTheirCallsAndExitZero) {
  // Bring the killed replicas back, on the ports the gateways already balance over.
  stack_->content_ =
      stack_->start_content(stack_->content_port_, "content-back", {{"AUTH_SERVICE_TARGET", auth_targets()}});
  stack_->start_auth();
  ASSERT_TRUE(test_support::wait_until(std::chrono::seconds(20), [] {
    return healthcheck("auth-service", {{"AUTH_LISTEN_ADDR", Stack::address(stack_->auth_port_)}}) == 0;
  })) << stack_->auth_->log();
  ASSERT_TRUE(test_support::wait_until(std::chrono::seconds(20), [] {
    return healthcheck("content-service", {{"CONTENT_LISTEN_ADDR", Stack::address(stack_->content_port_)}}) == 0;
  })) << stack_->content_->log();

  std::vector<User> users;
  for (int i = 0; i < 8; ++i) users.push_back(new_user("term" + std::to_string(i)));
  // The replicas answering their own health checks is not enough: each gateway must have
  // reconnected to them (its channels back off after the kill), or draining content2 or auth2
  // would leave that gateway with no healthy replica of that service at all.
  const std::string get_post_ok =
      R"(grpc_server_handled_total{grpc_service="content.v1.ContentService",grpc_method="GetPost",grpc_code="OK"})";
  const std::string get_me_ok =
      R"(grpc_server_handled_total{grpc_service="auth.v1.AuthService",grpc_method="GetMe",grpc_code="OK"})";
  auto reaches = [&](int gateway_port, const std::string& path, const std::string& replica, const std::string& series) {
    double before = sample(metrics(stack_->metrics_port(replica)), series);
    for (int i = 0; i < 8; ++i) {
      stack_->send("GET", path, nullptr, users[0].access, {}, "application/json", gateway_port);
    }
    return sample(metrics(stack_->metrics_port(replica)), series) > before;
  };
  const std::string post_path = "/api/posts/" + std::to_string(users[0].post_id) + "/";
  for (int port : gateway_ports_) {
    ASSERT_TRUE(test_support::wait_until(std::chrono::seconds(20),
                                         [&] { return reaches(port, post_path, "content-back", get_post_ok); }))
        << "gateway on " << port << " never reached the restarted content replica";
    ASSERT_TRUE(test_support::wait_until(std::chrono::seconds(20),
                                         [&] { return reaches(port, "/api/me/", "auth", get_me_ok); }))
        << "gateway on " << port << " never reached the restarted auth replica";
  }
  auto origin = Clock::now();
  Load load(users, gateway_ports_);
  std::this_thread::sleep_for(milliseconds(1500));
  content2_->signal(SIGTERM);
  std::this_thread::sleep_for(milliseconds(1000));
  auth2_->signal(SIGTERM);
  std::this_thread::sleep_for(milliseconds(1500));
  auto outcomes = load.finish();

  std::size_t failed = 0;
  for (const auto& o : outcomes) {
    EXPECT_TRUE(succeeded(o)) << describe(o, origin);
    failed += succeeded(o) ? 0 : 1;
  }
  if (failed > 0) {
    for (const auto& g : gateways_) std::cout << upstream_errors(g->log());
  }
  EXPECT_EQ(content2_->wait_exit(std::chrono::seconds(10)), 0) << content2_->log();
  EXPECT_EQ(auth2_->wait_exit(std::chrono::seconds(10)), 0) << auth2_->log();
  std::cout << "[ replicas ] " << outcomes.size() << " requests across two SIGTERMs, " << failed << " failed\n";
  expect_created_posts_kept(users);
}

// The gateway on SIGTERM first says "not ready" while still serving (SHUTDOWN_DRAIN_MS), so a
// load balancer stops sending; then it stops accepting, answers what it holds and exits 0.
TEST_F(Replicas, SigtermedGatewayDrainsAnswersAcceptedRequestsAndExitsZero) {
  int port = test_support::free_port();
  auto gateway = stack_->start_gateway(port, "gateway-drain", [] {
    Env env = gateway_env();
    env["SHUTDOWN_DRAIN_MS"] = "1500";
    return env;
  }());
  ASSERT_TRUE(stack_->ready(port)) << gateway->log();
  Env probe_env{{"GATEWAY_PORT", std::to_string(port)}};
  EXPECT_EQ(healthcheck("gateway", probe_env), 0);
  std::vector<User> users;
  for (int i = 0; i < 4; ++i) users.push_back(new_user("drain" + std::to_string(i)));

  auto origin = Clock::now();
  Load load(users, {port, port});
  std::this_thread::sleep_for(milliseconds(700));
  auto signalled = Clock::now();
  gateway->signal(SIGTERM);
  bool said_not_ready = test_support::wait_until(milliseconds(1000), [&] {
    auto result = stack_->client(port).Get("/readyz");
    return result && result->status == 503;
  });
  int exit_code = gateway->wait_exit(std::chrono::seconds(15));
  auto outcomes = load.finish();

  EXPECT_TRUE(said_not_ready);
  EXPECT_EQ(exit_code, 0) << gateway->log();
  EXPECT_EQ(healthcheck("gateway", probe_env), 1) << "nothing listens any more";
  std::size_t answered_after_signal = 0;
  for (const auto& o : outcomes) {
    // Everything sent during the drain is served; only what comes after it may find the port
    // closed, and then without an answer at all, never a wrong one.
    if (o.start < signalled + milliseconds(1300)) {
      EXPECT_TRUE(succeeded(o)) << describe(o, origin);
      if (o.start > signalled) ++answered_after_signal;
    } else {
      EXPECT_TRUE(succeeded(o) || o.status == 0) << describe(o, origin);
    }
  }
  EXPECT_GT(answered_after_signal, 20u) << "the drain served nothing";
  expect_created_posts_kept(users);
}

}  // namespace
}  // namespace e2e
