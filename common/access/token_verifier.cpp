#include "common/access/token_verifier.hpp"

#include "common/core/log.hpp"

namespace common {
namespace {

using SteadyClock = std::chrono::steady_clock;

}  // namespace

TokenVerifier::TokenVerifier(Options options, const RevocationSource* revocations)
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
    ever_fetched_ = true;
    return true;
  } catch (const std::exception& e) {
    log::warn("could not fetch the signing keys, keeping the old ones", {{"error", e.what()}});
    return false;
  }
}

bool TokenVerifier::due(std::chrono::nanoseconds gap) const {
  auto last = SteadyClock::time_point(SteadyClock::duration(last_fetch_.load()));
  return SteadyClock::now() - last >= gap;
}

void TokenVerifier::refresh_if_stale() const {
  if (!options_.fetch_keys || !due(options_.refetch_interval)) return;
  // Routine refresh: one thread fetches, the others go on with the keys they have.
  std::unique_lock lock(fetch_mutex_, std::try_to_lock);
  if (lock.owns_lock() && due(options_.refetch_interval)) fetch_locked();
}

bool TokenVerifier::refetch_for_unknown_kid(const std::shared_ptr<const jwt::KeySet>& tried) const {
  if (!options_.fetch_keys) return false;
  // Waits for a fetch in progress: it may bring the very key this token needs.
  std::lock_guard lock(fetch_mutex_);
  if (keys_.load() != tried) return true;
  // Until a first fetch succeeded (auth started after us) retry sooner than the usual gap.
  auto gap = ever_fetched_
                 ? std::chrono::nanoseconds(options_.min_refetch_gap)
                 : std::min<std::chrono::nanoseconds>(options_.min_refetch_gap, std::chrono::milliseconds(100));
  return due(gap) && fetch_locked();
}

jwt::Claims TokenVerifier::verify(std::string_view token) const {
  refresh_if_stale();
  auto keys = keys_.load();
  jwt::Claims claims;
  if (auto cached = verified_.find(token, keys, jwt::Clock::now(), options_.rules.leeway)) {
    claims = std::move(*cached);
  } else {
    try {
      claims = keys->verify(token, options_.rules);
    } catch (const jwt::UnknownKey&) {
      // A key rotated in since the last fetch: fetch (rate-limited) and try again.
      if (!refetch_for_unknown_kid(keys)) throw;
      keys = keys_.load();
      claims = keys->verify(token, options_.rules);
    }
    verified_.put(token, keys, claims);
  }
  if (revocations_ && revocations_->revoked(claims.jti, claims.family)) {
    throw jwt::TokenError("token revoked");
  }
  return claims;
}

std::size_t TokenVerifier::key_count() const { return keys_.load()->kids().size(); }

}  // namespace common
