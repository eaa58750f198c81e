#include "auth/api/auth_service.hpp"
#include "auth/api/rpc_support.hpp"
#include "common/core/log.hpp"

// The password RPCs: ChangePassword.
namespace auth {

using namespace rpc;

grpc::Status AuthServiceImpl::ChangePassword(grpc::ServerContext* context, const v1::ChangePasswordRequest* request,
                                             v1::ChangePasswordResponse* response) {
  return storage_rpc(context, "auth.ChangePassword", [&] {
    grpc::Status status;
    common::jwt::Claims claims;
    auto caller = authenticated_caller(*context, status, &claims);
    if (!caller) return status;
    auto errors = text_errors({{"current_password", &request->current_password()},
                               {"new_password", &request->new_password()},
                               {"re_new_password", &request->re_new_password()}});
    if (!errors.empty()) return common::invalid_argument(errors);
    require_text(errors, "current_password", request->has_current_password(), request->current_password());
    require_text(errors, "new_password", request->has_new_password(), request->new_password());
    if (!errors.empty()) return common::invalid_argument(errors);

    // A wrong current password is a guess at the account's password: it counts towards the
    // account's login limit, so this route is no way around it.
    std::string account = "id:" + std::to_string(caller->id);
    auto limit = throttled({p_.throttles.login_per_account.hit(account)});
    if (!limit.ok()) return limit;
    if (!password_matches(*caller, request->current_password())) {
      return common::invalid_argument({{"current_password", {"Invalid password."}}});
    }
    p_.throttles.login_per_account.reset(account);
    if (request->has_re_new_password() && request->re_new_password() != request->new_password()) {
      return common::invalid_argument({{"non_field_errors", {"The two password fields didn't match."}}});
    }
    auto verdicts = validate_password(request->new_password(), {caller->username, caller->email, caller->name},
                                      p_.policy.passwords);
    if (!verdicts.empty()) return common::invalid_argument({{"new_password", verdicts}});

    // The new hash and the end of every other session commit together: a password that
    // changed because it leaked must not leave the thief's session alive.
    std::vector<FamilyRevocation> ended;
    p_.users.set_password_hash(caller->id, p_.hasher.hash(request->new_password()), [&](pqxx::work& tx) {
      ended = RefreshFamilyStore::revoke_others(tx, caller->id, claims.family, RevocationReason::kPasswordChange);
    });
    p_.revocations.publish_families(ended);
    common::log::info("password changed", {{"user_id", caller->id}, {"sessions_ended", ended.size()}});
    response->set_sessions_ended(static_cast<std::int32_t>(ended.size()));
    return grpc::Status::OK;
  });
}

}  // namespace auth
