#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace common {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads settings from environment variables and remembers each one it was asked for,
// so `--help` lists exactly the settings a binary uses, with their defaults.
class Env final {
 public:
  using Lookup = std::function<std::optional<std::string>(const std::string&)>;

  Env(std::string program, std::string summary, Lookup lookup = {});

  std::string text(const std::string& name, const std::string& fallback, const std::string& help);
  std::int64_t integer(const std::string& name, std::int64_t fallback, const std::string& help, std::int64_t min = 0,
                       std::int64_t max = INT64_MAX);
  bool boolean(const std::string& name, bool fallback, const std::string& help);
  // One of `allowed`; anything else is reported by check().
  std::string choice(const std::string& name, const std::string& fallback, const std::vector<std::string>& allowed,
                     const std::string& help);
  // Comma-separated list; empty items are dropped.
  std::vector<std::string> list(const std::string& name, const std::string& fallback, const std::string& help);

  // True when argv holds --help or -h; then the caller prints help and exits.
  static bool help_requested(int argc, char** argv);
  void print_help(std::ostream& out) const;
  // Records that `name` holds an invalid value (checked by the caller); check() reports it.
  void reject(const std::string& name, const std::string& why) { errors_.push_back(name + ": " + why); }
  // Throws ConfigError naming every invalid value read so far.
  void check() const;

 private:
  struct Setting {
    std::string name;
    std::string fallback;
    std::string help;
  };
  std::optional<std::string> raw(const std::string& name, const std::string& fallback, const std::string& help);

  std::string program_;
  std::string summary_;
  Lookup lookup_;
  std::vector<Setting> settings_;
  std::vector<std::string> errors_;
};

}  // namespace common
