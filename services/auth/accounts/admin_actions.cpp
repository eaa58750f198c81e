#include "auth/accounts/admin_actions.hpp"

#include "auth/accounts/service_keys.hpp"
#include "common/pg/transactions.hpp"

namespace auth {
namespace {

// Runs `change(tx)`, which fills `entry.detail`, and writes `entry` in the same transaction when
// it returns a value (an empty optional rolls back); logs the entry once it has committed.
template <class Change>
auto audited(common::PgPool& pool, AuditEntry& entry, Change&& change) {
  std::int64_t audit_id = 0;
  auto result = common::write_if_found(pool, [&](pqxx::work& tx) {
    auto changed = change(tx);
    if (changed) audit_id = AuditLog::record(tx, entry);
    return changed;
  });
  if (result) AuditLog::log_committed(entry, audit_id);
  return result;
}

}  // namespace

std::optional<ActiveChange> AdminActions::set_active(const Actor& actor, std::int64_t user_id, bool active) {
  AuditEntry entry{actor, active ? "user.activate" : "user.deactivate", user_id};
  auto change = audited(pool_, entry, [&](pqxx::work& tx) -> std::optional<ActiveChange> {
    auto user = UserStore::lock_by_id(tx, user_id);
    if (!user) return std::nullopt;
    ActiveChange done;
    done.changed = user->is_active != active;
    if (done.changed) UserStore::set_active(tx, user_id, active);
    // Even when the user already was inactive: no session may outlive a deactivation.
    if (!active) done.ended = RefreshFamilyStore::revoke_all(tx, user_id, RevocationReason::kDeactivated);
    done.user = *UserDirectory::get(tx, user_id);
    entry.detail = {{"changed", done.changed}, {"sessions_ended", done.ended.size()}};
    return done;
  });
  if (change) revocations_.publish_families(change->ended);
  return change;
}

std::optional<DirectoryEntry> AdminActions::set_staff(const Actor& actor, std::int64_t user_id, bool staff) {
  AuditEntry entry{actor, staff ? "user.grant_staff" : "user.revoke_staff", user_id};
  return audited(pool_, entry, [&](pqxx::work& tx) -> std::optional<DirectoryEntry> {
    auto user = UserStore::lock_by_id(tx, user_id);
    if (!user) return std::nullopt;
    bool changed = user->is_staff != staff;
    if (changed) UserStore::set_staff(tx, user_id, staff);
    entry.detail = {{"changed", changed}};
    return UserDirectory::get(tx, user_id);
  });
}

std::optional<std::size_t> AdminActions::end_sessions(const Actor& actor, std::int64_t user_id) {
  AuditEntry entry{actor, "user.end_sessions", user_id};
  std::vector<FamilyRevocation> ended;
  auto count = audited(pool_, entry, [&](pqxx::work& tx) -> std::optional<std::size_t> {
    if (!UserStore::lock_by_id(tx, user_id)) return std::nullopt;
    ended = RefreshFamilyStore::revoke_all(tx, user_id, RevocationReason::kAdmin);
    entry.detail = {{"sessions_ended", ended.size()}};
    return ended.size();
  });
  if (count) revocations_.publish_families(ended);
  return count;
}

bool AdminActions::send_password_reset(const Actor& actor, std::int64_t user_id, const SendPasswordReset& send) {
  AuditEntry entry{actor, "user.send_password_reset", user_id};
  auto sent = audited(pool_, entry, [&](pqxx::work& tx) -> std::optional<bool> {
    auto user = UserStore::lock_by_id(tx, user_id);
    if (!user) return std::nullopt;
    send(tx, *user);
    return true;
  });
  return sent.has_value();
}

std::string AdminActions::create_service_key(const Actor& actor, const std::string& name) {
  AuditEntry entry{actor, "service_key.create", 0, {{"name", name}}};
  return *audited(pool_, entry,
                  [&](pqxx::work& tx) -> std::optional<std::string> { return ServiceKeys::create(tx, name); });
}

bool AdminActions::revoke_service_key(const Actor& actor, const std::string& name) {
  AuditEntry entry{actor, "service_key.revoke", 0, {{"name", name}}};
  auto revoked = audited(pool_, entry, [&](pqxx::work& tx) -> std::optional<bool> {
    if (!ServiceKeys::revoke(tx, name)) return std::nullopt;
    return true;
  });
  return revoked.has_value();
}

}  // namespace auth
