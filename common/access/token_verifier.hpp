#pragma once

#include "common/access/revocation_set.hpp"
#include "common/access/verified_token_cache.hpp"
#include "common/jwt/jwt.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

namespace common {

// Verifies access tokens where they are used (gateway, content): signature against keys that
// follow the auth service's JWKS (refetched on an unknown kid, so a new signing key works at
// once), the RFC 8725 rules, and revocation (RevocationCheck: the in-memory set fed by the
// revocation channel, or the auth service while that set is not current).
// Verified tokens are cached until they expire (the revocation set is checked every time).
// Thread-safe.
class TokenVerifier final {
 public:
  // Returns the auth service's current public keys; throws on failure.
  using FetchKeys = std::function<std::vector<jwt::KeyHandle>()>;

  struct Options {
    jwt::KeySet static_keys;  // from files, and the HS256 migration secret; always trusted
    FetchKeys fetch_keys;     // empty: static keys only
    jwt::VerifyRules rules;
    std::chrono::seconds refetch_interval{300};       // refresh even without an unknown kid
    std::chrono::milliseconds min_refetch_gap{1000};  // bounds refetches forced by bad kids
  };

  TokenVerifier(Options options, const RevocationSource* revocations);

  // Throws jwt::TokenError (reason in what()) when the token must be refused, and whatever the
  // revocation source throws (RevocationUnknown: it cannot tell now; answer 503).
  jwt::Claims verify(std::string_view token) const;

  // Fetches the keys now; false (and the old keys kept) when the fetch failed.
  bool refresh_keys() const;
  std::size_t key_count() const;

 private:
  bool due(std::chrono::nanoseconds gap) const;
  void refresh_if_stale() const;
  // True when the keys changed since `tried` (fetched now or by another thread meanwhile).
  bool refetch_for_unknown_kid(const std::shared_ptr<const jwt::KeySet>& tried) const;
  bool fetch_locked() const;

  Options options_;
  const RevocationSource* revocations_;
  mutable std::atomic<std::shared_ptr<const jwt::KeySet>> keys_;
  mutable std::mutex fetch_mutex_;
  mutable std::atomic<std::chrono::steady_clock::rep> last_fetch_{0};
  mutable bool ever_fetched_ = false;  // guarded by fetch_mutex_
  mutable VerifiedTokenCache verified_;
};

}  // namespace common
