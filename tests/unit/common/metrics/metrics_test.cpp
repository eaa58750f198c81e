#include "common/metrics/metrics.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace {

using common::metrics::Registry;

TEST(Metrics, CountersAreExposedPerLabelCombinationWithEscapedValues) {
  Registry registry;
  auto& requests = registry.counter("http_requests_total", "HTTP requests", {"route", "status"});
  requests.with({"/api/posts/", "200"}).add();
  requests.with({"/api/posts/", "200"}).add(2);
  requests.with({"a\"b\\c\nd", "500"}).add();
  EXPECT_EQ(registry.expose(),
            "# HELP http_requests_total HTTP requests\n"
            "# TYPE http_requests_total counter\n"
            "http_requests_total{route=\"/api/posts/\",status=\"200\"} 3\n"
            "http_requests_total{route=\"a\\\"b\\\\c\\nd\",status=\"500\"} 1\n");
}

TEST(Metrics, HistogramBucketsAreCumulativeWithSumAndCount) {
  Registry registry;
  auto& latency = registry.histogram("latency_seconds", "latency", {"route"}, {0.01, 0.1});
  auto& series = latency.with({"/x"});
  series.observe(0.005);
  series.observe(0.01);  // on a bound: counted in that bucket (le)
  series.observe(0.05);
  series.observe(3);
  EXPECT_EQ(registry.expose(),
            "# HELP latency_seconds latency\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{route=\"/x\",le=\"0.01\"} 2\n"
            "latency_seconds_bucket{route=\"/x\",le=\"0.1\"} 3\n"
            "latency_seconds_bucket{route=\"/x\",le=\"+Inf\"} 4\n"
            "latency_seconds_sum{route=\"/x\"} 3.065\n"
            "latency_seconds_count{route=\"/x\"} 4\n");
}

TEST(Metrics, CallbacksAreReadWhenScrapedAndGoneWithTheirRegistration) {
  Registry registry;
  double value = 1;
  {
    auto registration = registry.callback("pool_in_use", "in use", "gauge", [&value] { return value; });
    value = 7;
    EXPECT_EQ(registry.expose(), "# HELP pool_in_use in use\n# TYPE pool_in_use gauge\npool_in_use 7\n");
  }
  EXPECT_EQ(registry.expose(), "");
}

TEST(Metrics, ConcurrentRecordingLosesNoCounts) {
  Registry registry;
  auto& calls = registry.counter("calls_total", "calls", {"method"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&calls, t] {
      for (int i = 0; i < 10000; ++i) calls.with({"m" + std::to_string((i + t) % 3)}).add();
    });
  }
  for (auto& thread : threads) thread.join();
  std::uint64_t total = 0;
  calls.for_each([&total](const common::metrics::Labels&, const common::metrics::Counter& c) { total += c.value(); });
  EXPECT_EQ(total, 40000u);
}

TEST(Metrics, SameNameWithOtherLabelsIsRefused) {
  Registry registry;
  registry.counter("x_total", "x", {"a"});
  EXPECT_NO_THROW(registry.counter("x_total", "x", {"a"}));
  EXPECT_THROW(registry.counter("x_total", "x", {"b"}), std::logic_error);
}

TEST(Metrics, ProcessMetricsReadThisProcess) {
  Registry registry;
  auto registrations = common::metrics::add_process_metrics(registry);
  std::string text = registry.expose();
  EXPECT_NE(text.find("# TYPE process_cpu_seconds_total counter"), std::string::npos);
  auto at = text.find("\nprocess_resident_memory_bytes ");
  ASSERT_NE(at, std::string::npos);
  EXPECT_GT(std::stod(text.substr(at + 31)), 1e5);
  at = text.find("\nprocess_start_time_seconds ");
  ASSERT_NE(at, std::string::npos);
  EXPECT_GT(std::stod(text.substr(at + 28)), 1.7e9);  // a Unix time, not seconds since boot
}

}  // namespace
