#pragma once

#include <stdexcept>
#include <string>

namespace common {

// A dependency is down, overloaded or unreachable (not a bug): the RPC answers UNAVAILABLE and
// the gateway 503, so the caller may retry later or on another replica. `reason` is the short
// text for the status and the log ("database busy"); what() holds the details.
class Outage : public std::runtime_error {
 public:
  Outage(const char* reason, const std::string& detail) : std::runtime_error(detail), reason_(reason) {}
  const char* reason() const noexcept { return reason_; }

 private:
  const char* reason_;
};

}  // namespace common
