#include "common/token_verifier.hpp"

#include "common/log.hpp"

namespace common {
namespace {

using SteadyClock = std::chrono::steady_clock;

}  // namespace

TokenVerifier::TokenVerifier(Options options, const RevocationSet* revocations)
    : options_(std::move(options)), revocations_(revocations) {
  keys_.store(std::make_shared<const jwt::KeySet>(options_.static_keys));
}

bool TokenVerifier::refresh_keys() const {
  if (!options_.fetch_keys) return true;
  std::lock_guard lock(fetch_mutex_);
  return fetch_locked();
}

bool TokenVerifier::fetch_locked() const {
  last_fetch_ = SteadyClock::now().time_since_epoch().count();
  try {
    auto set = std::make_shared<jwt::KeySet>(options_.static_keys);
    for (auto& key : options_.fetch_keys()) set->add(std::move(key));
    keys_.store(std::move(set));
    return true;
  } catch (const std::exception& e) {
    log::warn("could not fetch the signing keys, keeping the old ones", {{"error", e.what()}});
    return false;
  }
}

bool TokenVerifier::refetch_if_due(bool unknown_kid) const {
  if (!options_.fetch_keys) return false;
  SteadyClock::duration gap = unknown_kid ? SteadyClock::duration(options_.min_refetch_gap)
                                          : SteadyClock::duration(options_.refetch_interval);
  auto due = [&] {
    auto last = SteadyClock::time_point(SteadyClock::duration(last_fetch_.load()));
    return SteadyClock::now() - last >= gap;
  };
  if (!due()) return false;
  // One fetch at a time; other threads go on with the keys they have.
  std::unique_lock lock(fetch_mutex_, std::try_to_lock);
  if (!lock.owns_lock() || !due()) return false;
  return fetch_locked();
}

jwt::Claims TokenVerifier::verify(std::string_view token) const {
  refetch_if_due(false);
  jwt::Claims claims;
  try {
    claims = keys_.load()->verify(token, options_.rules);
  } catch (const jwt::UnknownKey&) {
    // A key rotated in since the last fetch: fetch once (rate-limited) and try again.
    if (!refetch_if_due(true)) throw;
    claims = keys_.load()->verify(token, options_.rules);
  }
  if (revocations_ && revocations_->is_revoked(claims.jti, claims.family)) {
    throw jwt::TokenError("token revoked");
  }
  return claims;
}

std::size_t TokenVerifier::key_count() const { return keys_.load()->kids().size(); }

}  // namespace common
