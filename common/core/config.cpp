#include "common/core/config.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <iomanip>
#include <sstream>

namespace common {

Env::Env(std::string program, std::string summary, Lookup lookup)
    : program_(std::move(program)), summary_(std::move(summary)), lookup_(std::move(lookup)) {
  if (!lookup_) {
    lookup_ = [](const std::string& name) -> std::optional<std::string> {
      const char* value = std::getenv(name.c_str());
      if (value == nullptr) return std::nullopt;
      return std::string(value);
    };
  }
}

std::optional<std::string> Env::raw(const std::string& name, const std::string& fallback, const std::string& help) {
  settings_.push_back({name, fallback, help});
  auto value = lookup_(name);
  if (value && !value->empty()) return value;
  return std::nullopt;
}

std::string Env::text(const std::string& name, const std::string& fallback, const std::string& help) {
  return raw(name, fallback, help).value_or(fallback);
}

std::int64_t Env::integer(const std::string& name, std::int64_t fallback, const std::string& help, std::int64_t min,
                          std::int64_t max) {
  auto value = raw(name, std::to_string(fallback), help);
  if (!value) return fallback;
  std::int64_t parsed = 0;
  const char* end = value->data() + value->size();
  auto [ptr, ec] = std::from_chars(value->data(), end, parsed);
  if (ec != std::errc() || ptr != end) {
    errors_.push_back(name + "=" + *value + " is not an integer");
    return fallback;
  }
  if (parsed < min || parsed > max) {
    errors_.push_back(name + "=" + *value + " is outside [" + std::to_string(min) + ", " + std::to_string(max) + "]");
    return fallback;
  }
  return parsed;
}

bool Env::boolean(const std::string& name, bool fallback, const std::string& help) {
  auto value = raw(name, fallback ? "true" : "false", help);
  if (!value) return fallback;
  std::string lower = *value;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  if (lower == "1" || lower == "true" || lower == "yes" || lower == "on") return true;
  if (lower == "0" || lower == "false" || lower == "no" || lower == "off") return false;
  errors_.push_back(name + "=" + *value + " is not a boolean (true/false)");
  return fallback;
}

std::string Env::choice(const std::string& name, const std::string& fallback, const std::vector<std::string>& allowed,
                        const std::string& help) {
  std::string joined;
  for (const auto& option : allowed) joined += (joined.empty() ? "" : "|") + option;
  std::string value = text(name, fallback, help + " (" + joined + ")");
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return value;
  errors_.push_back(name + "=" + value + " is not one of " + joined);
  return fallback;
}

std::vector<std::string> Env::list(const std::string& name, const std::string& fallback, const std::string& help) {
  std::string value = text(name, fallback, help);
  std::vector<std::string> items;
  std::stringstream stream(value);
  std::string item;
  while (std::getline(stream, item, ',')) {
    auto first = item.find_first_not_of(" \t");
    auto last = item.find_last_not_of(" \t");
    if (first != std::string::npos) items.push_back(item.substr(first, last - first + 1));
  }
  return items;
}

bool Env::help_requested(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) return true;
  }
  return false;
}

void Env::print_help(std::ostream& out) const {
  out << program_ << ": " << summary_ << "\n\nConfiguration (environment variables):\n";
  std::size_t width = 0;
  for (const auto& s : settings_) width = std::max(width, s.name.size());
  for (const auto& s : settings_) {
    out << "  " << std::left << std::setw(static_cast<int>(width)) << s.name << "  " << s.help
        << " (default: " << (s.fallback.empty() ? "\"\"" : s.fallback) << ")\n";
  }
}

void Env::check() const {
  if (errors_.empty()) return;
  std::string message = "invalid configuration:";
  for (const auto& e : errors_) message += "\n  " + e;
  throw ConfigError(message);
}

}  // namespace common
