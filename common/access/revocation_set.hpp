#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace common {

// Answers whether an access token is revoked, by its id or (when not empty) its family.
class RevocationSource {
 public:
  virtual ~RevocationSource() = default;
  virtual bool revoked(std::string_view jti, std::string_view family) const = 0;
};

// The revoked access tokens ("jti:<token id>") and token families ("fam:<family id>") a
// service knows of, each until its expiry (Unix epoch seconds; after that the token is dead
// anyway). Kept in memory so checking a request costs no Redis round trip; filled by a
// RevocationListener. Thread-safe: many concurrent readers, occasional writers.
class RevocationSet final : public RevocationSource {
 public:
  using Entries = std::vector<std::pair<std::string, std::int64_t>>;

  // Members of any other kind, or with an empty id, are ignored, so a newer writer can add
  // kinds without breaking older readers. A member already present keeps the later expiry.
  void add(std::string_view member, std::int64_t expires_epoch,
           std::chrono::system_clock::time_point now = std::chrono::system_clock::now());
  // A full reload, merged under one lock: a revocation is never undone, so entries the source
  // no longer holds (a Redis that restarted empty) are kept until they expire.
  void merge(const Entries& entries, std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

  // True when the token or (if `family` is not empty) its family is revoked and that
  // revocation has not expired at `now`.
  bool is_revoked(std::string_view jti, std::string_view family,
                  std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const;

  bool revoked(std::string_view jti, std::string_view family) const override { return is_revoked(jti, family); }

  // Entries held, including expired ones not purged yet.
  std::size_t size() const;

 private:
  // Lets find() take a string_view without building a std::string per lookup.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const noexcept { return std::hash<std::string_view>{}(text); }
  };
  using Map = std::unordered_map<std::string, std::int64_t, Hash, std::equal_to<>>;

  static bool revoked_in(const Map& map, std::string_view id, std::int64_t now_epoch);
  static Map* map_for(std::string_view& member, Map& tokens, Map& families);
  void purge_locked(std::int64_t now_epoch);

  mutable std::shared_mutex mutex_;
  Map tokens_;
  Map families_;
  // Expired entries are swept when the set has doubled since the last sweep: amortised O(1)
  // per add, and memory stays within twice the live entries.
  std::size_t purge_at_size_ = kMinPurgeSize;
  static constexpr std::size_t kMinPurgeSize = 1024;
};

}  // namespace common
