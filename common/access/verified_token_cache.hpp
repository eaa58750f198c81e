#pragma once

#include "common/jwt/jwt.hpp"

#include <array>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace common {

// Tokens whose signature and claims were verified, by the whole token, until they expire: a
// busy client costs a hash lookup per request instead of an ECDSA verification (DESIGN.md).
// An entry counts only with the key set that verified it, so a key dropped from the JWKS
// takes its tokens' entries with it. Revocation is not cached: callers check it every time.
// Thread-safe; bounded (a full shard drops its expired entries, or all of them).
class VerifiedTokenCache final {
 public:
  using Keys = std::shared_ptr<const jwt::KeySet>;

  explicit VerifiedTokenCache(std::size_t capacity = 16384) : per_shard_(capacity / kShards + 1) {}

  // The claims of `token` when it was verified with `keys` and has not expired at `now`
  // (with `leeway`).
  std::optional<jwt::Claims> find(std::string_view token, const Keys& keys, jwt::Clock::time_point now,
                                  std::chrono::seconds leeway) const;
  void put(std::string_view token, const Keys& keys, const jwt::Claims& claims);

 private:
  static constexpr std::size_t kShards = 16;
  struct Entry {
    Keys keys;
    jwt::Claims claims;
  };
  struct Shard {
    mutable std::shared_mutex mutex;
    std::unordered_map<std::string, Entry> entries;
  };
  Shard& shard_for(std::string_view token) const { return shards_[std::hash<std::string_view>{}(token) % kShards]; }

  std::size_t per_shard_;
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace common
