#include "auth/accounts/identity.hpp"
#include "auth/accounts/registration_rules.hpp"
#include "auth/api/auth_service.hpp"
#include "auth/api/rpc_support.hpp"
#include "common/core/log.hpp"

// The caller's own account: UpdateMe, ResendVerification, DeleteMe.
namespace auth {

using namespace rpc;

namespace {

bool same_address(const std::string& a, const std::string& b) {
  return !a.empty() && !b.empty() && identity::email_key(a) == identity::email_key(b);
}

}  // namespace

grpc::Status AuthServiceImpl::UpdateMe(grpc::ServerContext* context, const v1::UpdateMeRequest* request,
                                       v1::UpdateMeResponse* response) {
  return storage_rpc(context, "auth.UpdateMe", [&] {
    grpc::Status status;
    auto caller = authenticated_caller(*context, status);
    if (!caller) return status;
    auto input = normalize_profile({optional_field(request->has_username(), request->username()),
                                    optional_field(request->has_email(), request->email()),
                                    optional_field(request->has_name(), request->name())});
    auto errors = validate_profile(input);
    if (!errors.empty()) return common::invalid_argument(errors);

    ProfileChange change{input.username, input.name, std::nullopt};
    // A new address is only pending until the link mailed to it is used: whoever holds this
    // session cannot move the account to a mailbox they do not control.
    bool new_address = input.email && !same_address(*input.email, caller->email);
    if (new_address) {
      auto holder = p_.users.find_by_email(*input.email);
      if (holder && holder->id != caller->id) return common::invalid_argument({{"email", {kEmailTaken}}});
      change.pending_email = *input.email;
    } else if (input.email && !caller->pending_email.empty()) {
      change.pending_email = "";  // back to the address it has: nothing waits any more
    }
    std::optional<UserRecord> updated;
    try {
      updated = p_.users.update_profile(caller->id, change, [&](pqxx::work& tx, const UserRecord& user) {
        if (new_address) p_.verifications.issue_change(tx, user, true);
      });
    } catch (const DuplicateUser&) {
      return common::invalid_argument({{"username", {kUsernameTaken}}});
    }
    if (!updated) return token_not_valid("Given token not valid for any token type");
    if (new_address && p_.outbox) p_.outbox->wake();
    common::log::info("profile updated", {{"user_id", caller->id}, {"email_change_pending", new_address}});
    fill_user(*updated, response->mutable_user());
    return grpc::Status::OK;
  });
}

grpc::Status AuthServiceImpl::ResendVerification(grpc::ServerContext* context,
                                                 const v1::ResendVerificationRequest* request,
                                                 v1::ResendVerificationResponse*) {
  return storage_rpc(context, "auth.ResendVerification", [&] {
    return request_account_mail(*context, AccountMailKind::kVerification, request->has_email(), request->email());
  });
}

grpc::Status AuthServiceImpl::DeleteMe(grpc::ServerContext* context, const v1::DeleteMeRequest* request,
                                       v1::DeleteMeResponse* response) {
  return storage_rpc(context, "auth.DeleteMe", [&] {
    grpc::Status status;
    auto caller = authenticated_caller(*context, status);
    if (!caller) return status;
    auto errors = text_errors({{"current_password", &request->current_password()}});
    if (!errors.empty()) return common::invalid_argument(errors);
    auto proof =
        prove_password(*caller, "current_password", request->has_current_password(), request->current_password());
    if (!proof.ok()) return proof;

    // The account, its sessions and the event that removes its content commit together: the
    // content cannot outlive a deletion the user was told succeeded.
    std::vector<FamilyRevocation> ended;
    bool erased = p_.users.erase(caller->id, [&](pqxx::work& tx) {
      ended = RefreshFamilyStore::revoke_all(tx, caller->id, RevocationReason::kAccountDeleted);
      p_.deletions.record(tx, caller->id);
    });
    if (!erased) return token_not_valid("Given token not valid for any token type");
    p_.revocations.publish_families(ended);
    p_.deletions.wake();
    common::log::info("account deleted", {{"user_id", caller->id}, {"sessions_ended", ended.size()}});
    response->set_sessions_ended(static_cast<std::int32_t>(ended.size()));
    return grpc::Status::OK;
  });
}

}  // namespace auth
