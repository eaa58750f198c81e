#include "common/metrics/metrics.hpp"

#include <unistd.h>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace common::metrics {
namespace {

std::string number(double value) {
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::string escape_label_value(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

// {a="x",b="y"} plus an optional extra pair (the histogram's le); empty when there are none.
std::string label_text(const Labels& names, const Labels& values, const std::string& extra = {}) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) {
    out += (out.empty() ? "" : ",") + names[i] + "=\"" + escape_label_value(values[i]) + "\"";
  }
  if (!extra.empty()) out += (out.empty() ? "" : ",") + extra;
  return out.empty() ? out : "{" + out + "}";
}

std::string header(const std::string& name, const std::string& help, const std::string& type) {
  return "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

// Fields of /proc/self/stat after the command name, which may itself hold spaces.
std::vector<std::string> own_stat_fields() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  std::getline(in, line);
  auto close = line.rfind(')');
  std::vector<std::string> fields;
  if (close == std::string::npos) return fields;
  std::istringstream rest(line.substr(close + 2));
  for (std::string field; rest >> field;) fields.push_back(field);
  return fields;  // fields[0] is the state (field 3 of proc(5))
}

double stat_field(std::size_t proc5_index) {
  auto fields = own_stat_fields();
  std::size_t at = proc5_index - 3;
  return at < fields.size() ? std::stod(fields[at]) : 0;
}

double boot_time_seconds() {
  std::ifstream in("/proc/stat");
  for (std::string key; in >> key;) {
    if (key == "btime") {
      double value = 0;
      in >> value;
      return value;
    }
    in.ignore(1 << 20, '\n');
  }
  return 0;
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double value) {
  std::size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot out;
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    out.cumulative.push_back(running);
  }
  out.sum = sum_.load(std::memory_order_relaxed);
  return out;
}

const std::vector<double>& latency_buckets() {
  static const std::vector<double> bounds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                          0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return bounds;
}

Registration::Registration(Registration&& other) noexcept
    : registry_(std::exchange(other.registry_, nullptr)), id_(other.id_) {}

Registration& Registration::operator=(Registration&& other) noexcept {
  if (this != &other) {
    if (registry_) registry_->remove_callback(id_);
    registry_ = std::exchange(other.registry_, nullptr);
    id_ = other.id_;
  }
  return *this;
}

Registration::~Registration() {
  if (registry_) registry_->remove_callback(id_);
}

Family<Counter>& Registry::counter(const std::string& name, const std::string& help, Labels label_names) {
  std::lock_guard lock(mutex_);
  auto& slot = counters_[name];
  if (!slot) {
    slot = std::make_unique<Family<Counter>>(name, help, std::move(label_names),
                                             [] { return std::make_unique<Counter>(); });
  } else if (slot->label_names() != label_names) {
    throw std::logic_error("metric " + name + " registered with other labels");
  }
  return *slot;
}

Family<Histogram>& Registry::histogram(const std::string& name, const std::string& help, Labels label_names,
                                       const std::vector<double>& bounds) {
  std::lock_guard lock(mutex_);
  auto& slot = histograms_[name];
  if (!slot) {
    slot = std::make_unique<Family<Histogram>>(name, help, std::move(label_names),
                                               [bounds] { return std::make_unique<Histogram>(bounds); });
  } else if (slot->label_names() != label_names) {
    throw std::logic_error("metric " + name + " registered with other labels");
  }
  return *slot;
}

Registration Registry::callback(const std::string& name, const std::string& help, const std::string& type,
                                std::function<double()> read) {
  std::lock_guard lock(mutex_);
  std::uint64_t id = next_callback_id_++;
  callbacks_[id] = Callback{name, help, type, std::move(read)};
  return Registration(this, id);
}

void Registry::remove_callback(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  callbacks_.erase(id);
}

std::string Registry::expose() const {
  std::map<std::string, std::string> blocks;  // by name, so the output is stable
  std::lock_guard lock(mutex_);
  // Not a structured binding: clang 14 (the sanitized build) cannot capture one in a lambda.
  for (const auto& entry : counters_) {
    const std::string& name = entry.first;
    const auto& family = entry.second;
    std::string text = header(name, family->help(), "counter");
    family->for_each([&](const Labels& values, const Counter& counter) {
      text += name + label_text(family->label_names(), values) + " " + std::to_string(counter.value()) + "\n";
    });
    blocks[name] = std::move(text);
  }
  for (const auto& entry : histograms_) {
    const std::string& name = entry.first;
    const auto& family = entry.second;
    std::string text = header(name, family->help(), "histogram");
    family->for_each([&](const Labels& values, const Histogram& histogram) {
      auto snap = histogram.snapshot();
      const auto& bounds = histogram.bounds();
      for (std::size_t i = 0; i < snap.cumulative.size(); ++i) {
        std::string le = "le=\"" + (i < bounds.size() ? number(bounds[i]) : std::string("+Inf")) + "\"";
        text += name + "_bucket" + label_text(family->label_names(), values, le) + " " +
                std::to_string(snap.cumulative[i]) + "\n";
      }
      std::string labels = label_text(family->label_names(), values);
      text += name + "_sum" + labels + " " + number(snap.sum) + "\n";
      text += name + "_count" + labels + " " + std::to_string(snap.cumulative.back()) + "\n";
    });
    blocks[name] = std::move(text);
  }
  for (const auto& [id, callback] : callbacks_) {
    blocks[callback.name] =
        header(callback.name, callback.help, callback.type) + callback.name + " " + number(callback.read()) + "\n";
  }
  std::string out;
  for (const auto& [name, text] : blocks) out += text;
  return out;
}

Registry& registry() {
  static Registry instance;
  return instance;
}

std::vector<Registration> add_process_metrics(Registry& registry) {
  static const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  static const double page_bytes = static_cast<double>(sysconf(_SC_PAGESIZE));
  std::vector<Registration> out;
  out.push_back(registry.callback("process_cpu_seconds_total", "user and system CPU time spent", "counter",
                                  [] { return (stat_field(14) + stat_field(15)) / ticks; }));
  out.push_back(registry.callback("process_resident_memory_bytes", "resident memory size", "gauge",
                                  [] { return stat_field(24) * page_bytes; }));
  out.push_back(registry.callback("process_open_fds", "open file descriptors", "gauge", [] {
    std::error_code ignored;
    auto it = std::filesystem::directory_iterator("/proc/self/fd", ignored);
    return static_cast<double>(std::distance(it, std::filesystem::directory_iterator()));
  }));
  double started = boot_time_seconds() + stat_field(22) / ticks;
  out.push_back(registry.callback("process_start_time_seconds", "start time since the Unix epoch", "gauge",
                                  [started] { return started; }));
  return out;
}

}  // namespace common::metrics
