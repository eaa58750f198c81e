#include "common/access/revocation_set.hpp"

#include "common/core/epoch.hpp"

#include <algorithm>
#include <mutex>

namespace common {
namespace {

constexpr std::string_view kTokenPrefix = "jti:";
constexpr std::string_view kFamilyPrefix = "fam:";

// A revocation with expiry T holds while now < T, as a JWT with exp = T is valid before T.
bool alive(std::int64_t expires_epoch, std::int64_t now_epoch) { return now_epoch < expires_epoch; }

}  // namespace

RevocationSet::Map* RevocationSet::map_for(std::string_view& member, Map& tokens, Map& families) {
  Map* map = nullptr;
  if (member.starts_with(kTokenPrefix)) {
    map = &tokens;
  } else if (member.starts_with(kFamilyPrefix)) {
    map = &families;
  } else {
    return nullptr;
  }
  member.remove_prefix(kTokenPrefix.size());  // both prefixes have the same length
  return member.empty() ? nullptr : map;
}

void RevocationSet::add(std::string_view member, std::int64_t expires_epoch,
                        std::chrono::system_clock::time_point now) {
  const std::int64_t now_epoch = epoch_seconds(now);
  if (!alive(expires_epoch, now_epoch)) return;
  std::unique_lock lock(mutex_);
  Map* map = map_for(member, tokens_, families_);
  if (map == nullptr) return;
  auto it = map->find(member);
  if (it != map->end()) {
    it->second = std::max(it->second, expires_epoch);
    return;
  }
  map->emplace(std::string(member), expires_epoch);
  if (tokens_.size() + families_.size() >= purge_at_size_) purge_locked(now_epoch);
}

void RevocationSet::merge(const Entries& entries, std::chrono::system_clock::time_point now) {
  const std::int64_t now_epoch = epoch_seconds(now);
  std::unique_lock lock(mutex_);
  for (const auto& [member, expires_epoch] : entries) {
    if (!alive(expires_epoch, now_epoch)) continue;
    std::string_view id = member;
    Map* map = map_for(id, tokens_, families_);
    if (map == nullptr) continue;
    auto [it, inserted] = map->try_emplace(std::string(id), expires_epoch);
    if (!inserted) it->second = std::max(it->second, expires_epoch);
  }
  if (tokens_.size() + families_.size() >= purge_at_size_) purge_locked(now_epoch);
}

bool RevocationSet::revoked_in(const Map& map, std::string_view id, std::int64_t now_epoch) {
  auto it = map.find(id);
  return it != map.end() && alive(it->second, now_epoch);
}

bool RevocationSet::is_revoked(std::string_view jti, std::string_view family,
                               std::chrono::system_clock::time_point now) const {
  const std::int64_t now_epoch = epoch_seconds(now);
  std::shared_lock lock(mutex_);
  if (!jti.empty() && revoked_in(tokens_, jti, now_epoch)) return true;
  return !family.empty() && revoked_in(families_, family, now_epoch);
}

std::size_t RevocationSet::size() const {
  std::shared_lock lock(mutex_);
  return tokens_.size() + families_.size();
}

void RevocationSet::purge_locked(std::int64_t now_epoch) {
  auto expired = [now_epoch](const auto& entry) { return !alive(entry.second, now_epoch); };
  std::erase_if(tokens_, expired);
  std::erase_if(families_, expired);
  purge_at_size_ = std::max(kMinPurgeSize, 2 * (tokens_.size() + families_.size()));
}

}  // namespace common
