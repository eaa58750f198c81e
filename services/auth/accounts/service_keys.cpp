#include "auth/accounts/service_keys.hpp"

#include "auth/accounts/token_hash.hpp"
#include "common/core/epoch.hpp"
#include "common/core/text.hpp"
#include "common/pg/statement.hpp"
#include "common/pg/transactions.hpp"

#include <openssl/crypto.h>

namespace auth {
namespace {

constexpr std::size_t kSecretHexDigits = 64;  // 256 random bits
constexpr std::size_t kMaxNameLength = 64;

const common::Statement kInsert{"service_key_insert", "INSERT INTO service_keys (name, key_hash) VALUES ($1, $2)"};
const common::Statement kRevoke{"service_key_revoke",
                                "UPDATE service_keys SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL"};
const common::Statement kLiveHash{"service_key_live_hash",
                                  "SELECT key_hash FROM service_keys WHERE name = $1 AND revoked_at IS NULL"};
const common::Statement kList{"service_key_list",
                              "SELECT name, EXTRACT(EPOCH FROM created_at)::float8 AS created_at, "
                              "EXTRACT(EPOCH FROM revoked_at)::float8 AS revoked_at FROM service_keys ORDER BY name"};

bool is_hex_digit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

}  // namespace

void ServiceKeys::prepare(pqxx::connection& c) {
  for (const auto* statement : {&kInsert, &kRevoke, &kLiveHash, &kList}) statement->prepare(c);
}

bool ServiceKeys::valid_name(const std::string& name) {
  if (name.empty() || name.size() > kMaxNameLength || name[0] == '-' || name[0] == '_') return false;
  for (char c : name) {
    bool allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!allowed) return false;
  }
  return true;
}

std::string ServiceKeys::create(pqxx::work& tx, const std::string& name) {
  if (!valid_name(name)) throw std::invalid_argument("invalid service key name");
  std::string key = name + "." + common::random_hex(kSecretHexDigits / 2);
  try {
    common::exec(tx, kInsert, name, token_hash(key));
  } catch (const pqxx::unique_violation&) {
    throw DuplicateServiceKey();
  }
  return key;
}

bool ServiceKeys::revoke(pqxx::work& tx, const std::string& name) {
  return common::exec(tx, kRevoke, name).affected_rows() == 1;
}

std::vector<ServiceKeyInfo> ServiceKeys::list() {
  return common::read(pool_, [&](pqxx::nontransaction& tx) {
    std::vector<ServiceKeyInfo> keys;
    for (const auto& row : common::exec(tx, kList)) {
      ServiceKeyInfo info{row["name"].as<std::string>(), common::from_epoch_float(row["created_at"].as<double>()),
                          std::nullopt};
      if (!row["revoked_at"].is_null()) info.revoked_at = common::from_epoch_float(row["revoked_at"].as<double>());
      keys.push_back(std::move(info));
    }
    return keys;
  });
}

std::optional<std::string> ServiceKeys::authenticate(const std::string& key) {
  // The shape first: anything else never reaches PostgreSQL.
  auto dot = key.rfind('.');
  if (dot == std::string::npos || key.size() - dot - 1 != kSecretHexDigits) return std::nullopt;
  std::string name = key.substr(0, dot);
  if (!valid_name(name)) return std::nullopt;
  for (std::size_t i = dot + 1; i < key.size(); ++i) {
    if (!is_hex_digit(key[i])) return std::nullopt;
  }
  auto stored = common::read(pool_, [&](pqxx::nontransaction& tx) -> std::optional<std::string> {
    auto rows = common::exec(tx, kLiveHash, name);
    if (rows.empty()) return std::nullopt;
    pqxx::binarystring hash(rows[0]["key_hash"]);
    return hash.str();
  });
  auto presented = token_hash(key);
  if (!stored || stored->size() != presented.size()) return std::nullopt;
  // Constant time: how long the comparison takes says nothing about how much of the key matched.
  if (CRYPTO_memcmp(presented.data(), stored->data(), presented.size()) != 0) return std::nullopt;
  return name;
}

}  // namespace auth
