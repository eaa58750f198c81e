#include "common/access/verified_token_cache.hpp"

#include <mutex>

namespace common {

std::optional<jwt::Claims> VerifiedTokenCache::find(std::string_view token, const Keys& keys,
                                                    jwt::Clock::time_point now, std::chrono::seconds leeway) const {
  Shard& shard = shard_for(token);
  std::shared_lock lock(shard.mutex);
  auto it = shard.entries.find(std::string(token));
  if (it == shard.entries.end() || it->second.keys != keys || now > it->second.claims.expires_at + leeway) {
    return std::nullopt;
  }
  return it->second.claims;
}

void VerifiedTokenCache::put(std::string_view token, const Keys& keys, const jwt::Claims& claims) {
  Shard& shard = shard_for(token);
  std::unique_lock lock(shard.mutex);
  if (shard.entries.size() >= per_shard_) {
    auto now = jwt::Clock::now();
    std::erase_if(shard.entries, [&](const auto& item) { return item.second.claims.expires_at < now; });
    if (shard.entries.size() >= per_shard_) shard.entries.clear();
  }
  shard.entries.insert_or_assign(std::string(token), Entry{keys, claims});
}

}  // namespace common
