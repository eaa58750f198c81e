#pragma once

#include "common/access/revocation_set.hpp"
#include "common/core/outage.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

namespace common {

// Whether a token is revoked cannot be told now: the caller answers 503 (UNAVAILABLE) and
// never lets the token pass.
class RevocationUnknown : public Outage {
 public:
  explicit RevocationUnknown(const std::string& detail) : Outage("revocations cannot be checked", detail) {}
};

// Fail-closed revocation for a service that verifies access tokens itself (gateway, content).
// A revocation in the in-memory set is always right. "Not revoked" from the set is trusted only
// while the set is current (its listener hears the auth service's heartbeats,
// RevocationListener::current()); otherwise the auth service is asked, which reads
// PostgreSQL. Its answers are cached, "not revoked" for `answer_ttl` (so a revocation made
// meanwhile still counts within well under a second), "revoked" for a minute. When auth
// cannot answer either, revoked() throws RevocationUnknown. Thread-safe.
class RevocationCheck final : public RevocationSource {
 public:
  // Asks the auth service; throws on any failure.
  using AskAuth = std::function<bool(std::string_view jti, std::string_view family)>;
  using Clock = std::chrono::steady_clock;

  struct Options {
    std::chrono::milliseconds answer_ttl{250};
    std::chrono::milliseconds revoked_ttl{60000};
    std::size_t max_answers = 100000;  // beyond it the cache starts afresh
  };

  RevocationCheck(const RevocationSet& set, std::function<bool()> set_is_current, AskAuth ask_auth)
      : RevocationCheck(set, std::move(set_is_current), std::move(ask_auth), Options{}) {}
  RevocationCheck(const RevocationSet& set, std::function<bool()> set_is_current, AskAuth ask_auth, Options options,
                  std::function<Clock::time_point()> now = Clock::now);

  bool revoked(std::string_view jti, std::string_view family) const override;

  // Calls made to the auth service so far (tests, metrics).
  std::uint64_t asked() const { return asked_.load(); }

 private:
  struct Answer {
    bool revoked;
    Clock::time_point until;
  };

  const RevocationSet& set_;
  std::function<bool()> set_is_current_;
  AskAuth ask_auth_;
  Options options_;
  std::function<Clock::time_point()> now_;
  mutable std::mutex mutex_;
  mutable std::unordered_map<std::string, Answer> answers_;
  mutable std::atomic<std::uint64_t> asked_{0};
};

}  // namespace common
