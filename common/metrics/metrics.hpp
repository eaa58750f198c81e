#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

// Prometheus metrics: counters and histograms with labels, callback gauges, and the text
// exposition format. Recording is lock-free once a label combination exists.
namespace common::metrics {

using Labels = std::vector<std::string>;

class Counter final {
 public:
  void add(std::uint64_t amount = 1) { value_.fetch_add(amount, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Histogram final {
 public:
  // `bounds`: ascending upper bounds; the +Inf bucket is implied.
  explicit Histogram(std::vector<double> bounds);
  void observe(double value);

  struct Snapshot {
    std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf
    double sum = 0;
  };
  Snapshot snapshot() const;
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // not cumulative; last is +Inf
  std::atomic<double> sum_{0};
};

// Seconds, from 0.5 ms to 10 s: request and call latencies.
const std::vector<double>& latency_buckets();

// All series of one metric name, one per combination of label values.
template <class Metric>
class Family final {
 public:
  using Make = std::function<std::unique_ptr<Metric>()>;
  Family(std::string name, std::string help, Labels label_names, Make make)
      : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)), make_(std::move(make)) {}

  // The series for these label values (in the order of the label names), made on first use.
  Metric& with(const Labels& values) {
    {
      std::shared_lock lock(mutex_);
      if (auto it = series_.find(values); it != series_.end()) return *it->second;
    }
    std::unique_lock lock(mutex_);
    auto& slot = series_[values];
    if (!slot) slot = make_();
    return *slot;
  }

  template <class Visit>
  void for_each(Visit&& visit) const {
    std::shared_lock lock(mutex_);
    for (const auto& [values, metric] : series_) visit(values, *metric);
  }

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const Labels& label_names() const { return label_names_; }

 private:
  std::string name_;
  std::string help_;
  Labels label_names_;
  Make make_;
  mutable std::shared_mutex mutex_;
  std::map<Labels, std::unique_ptr<Metric>> series_;
};

class Registry;

// Keeps a callback metric registered; unregisters it when destroyed, so a callback never
// outlives what it reads.
class Registration final {
 public:
  Registration() = default;
  Registration(Registry* registry, std::uint64_t id) : registry_(registry), id_(id) {}
  Registration(Registration&& other) noexcept;
  Registration& operator=(Registration&& other) noexcept;
  ~Registration();

 private:
  Registry* registry_ = nullptr;
  std::uint64_t id_ = 0;
};

class Registry final {
 public:
  // Same name again returns the family made first (label names must match).
  Family<Counter>& counter(const std::string& name, const std::string& help, Labels label_names);
  Family<Histogram>& histogram(const std::string& name, const std::string& help, Labels label_names,
                               const std::vector<double>& bounds = latency_buckets());

  // A value read when scraped. `type` is "gauge" or "counter".
  [[nodiscard]] Registration callback(const std::string& name, const std::string& help, const std::string& type,
                                      std::function<double()> read);

  // Every metric in the Prometheus text exposition format (version 0.0.4).
  std::string expose() const;

 private:
  friend class Registration;
  struct Callback {
    std::string name;
    std::string help;
    std::string type;
    std::function<double()> read;
  };
  void remove_callback(std::uint64_t id);

  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Family<Counter>>> counters_;
  std::map<std::string, std::unique_ptr<Family<Histogram>>> histograms_;
  std::map<std::uint64_t, Callback> callbacks_;
  std::uint64_t next_callback_id_ = 1;
};

// The registry the process exposes on its metrics port.
Registry& registry();

// process_cpu_seconds_total, process_resident_memory_bytes, process_open_fds and
// process_start_time_seconds, read from /proc/self when scraped.
[[nodiscard]] std::vector<Registration> add_process_metrics(Registry& registry);

}  // namespace common::metrics
