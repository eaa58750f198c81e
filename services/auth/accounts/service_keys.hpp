#pragma once

#include "common/pg/pg_pool.hpp"

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace auth {

struct ServiceKeyInfo {
  std::string name;
  std::chrono::system_clock::time_point created_at;
  std::optional<std::chrono::system_clock::time_point> revoked_at;
};

// A name given to a key is already taken (revoked keys keep theirs).
class DuplicateServiceKey : public std::runtime_error {
 public:
  DuplicateServiceKey() : std::runtime_error("service key name taken") {}
};

// Credentials of internal services for the admin API ("authorization: ServiceKey <key>"),
// table service_keys (migration 009). A key is "<name>.<64 random hex digits>": the name finds
// its row, and only the SHA-256 of the whole key is stored, compared in constant time.
class ServiceKeys final {
 public:
  explicit ServiceKeys(common::PgPool& pool) : pool_(pool) {}

  static void prepare(pqxx::connection& connection);

  // 1..64 of a-z, 0-9, '-' and '_', starting with a letter or digit.
  static bool valid_name(const std::string& name);

  // A new key named `name` (valid_name) in `tx`; the key itself is returned, never stored.
  // Throws DuplicateServiceKey (`tx` is then aborted).
  static std::string create(pqxx::work& tx, const std::string& name);
  // False when no live key has that name.
  static bool revoke(pqxx::work& tx, const std::string& name);

  std::vector<ServiceKeyInfo> list();
  // The name of the live key `key` is, or nullopt.
  std::optional<std::string> authenticate(const std::string& key);

 private:
  common::PgPool& pool_;
};

}  // namespace auth
