#include "auth/accounts/account_links.hpp"
#include "auth/accounts/identity.hpp"
#include "auth/accounts/registration_rules.hpp"
#include "auth/api/auth_service.hpp"
#include "auth/api/rpc_support.hpp"
#include "common/core/log.hpp"
#include "common/core/text.hpp"

// The password RPCs: ChangePassword, RequestPasswordReset, ConfirmPasswordReset.
namespace auth {

using namespace rpc;

namespace {

constexpr const char* kResetTokenNotValid = "Invalid or expired password reset token.";

// Thrown to roll back a reset whose token another call used meanwhile.
struct ResetTokenSpent {};

// The new password's checks, before anything is written: DRF's required/blank, the retype,
// then the password rules against the account's own attributes.
common::FieldErrors new_password_errors(const UserRecord& user, bool present, const std::string& new_password,
                                        bool retyped, const std::string& re_new_password,
                                        const PasswordPolicy& policy) {
  common::FieldErrors errors;
  require_text(errors, "new_password", present, new_password);
  if (!errors.empty()) return errors;
  if (retyped && re_new_password != new_password) {
    return {{"non_field_errors", {"The two password fields didn't match."}}};
  }
  auto verdicts = validate_password(new_password, {user.username, user.email, user.name}, policy);
  if (!verdicts.empty()) errors["new_password"] = std::move(verdicts);
  return errors;
}

}  // namespace

grpc::Status AuthServiceImpl::prove_password(const UserRecord& caller, const char* field, bool present,
                                             const std::string& password) {
  common::FieldErrors errors;
  require_text(errors, field, present, password);
  if (!errors.empty()) return common::invalid_argument(errors);
  std::string account = "id:" + std::to_string(caller.id);
  auto limit = throttled({p_.throttles.login_per_account.hit(account)});
  if (!limit.ok()) return limit;
  if (!password_matches(caller, password)) return common::invalid_argument({{field, {"Invalid password."}}});
  p_.throttles.login_per_account.reset(account);
  return grpc::Status::OK;
}

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
    require_text(errors, "new_password", request->has_new_password(), request->new_password());
    require_text(errors, "current_password", request->has_current_password(), request->current_password());
    if (!errors.empty()) return common::invalid_argument(errors);

    // A wrong current password is a guess at the account's password: it counts towards the
    // account's login limit, so this route is no way around it.
    auto proof = prove_password(*caller, "current_password", true, request->current_password());
    if (!proof.ok()) return proof;
    errors = new_password_errors(*caller, true, request->new_password(), request->has_re_new_password(),
                                 request->re_new_password(), p_.policy.passwords);
    if (!errors.empty()) return common::invalid_argument(errors);

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

grpc::Status AuthServiceImpl::request_account_mail(const grpc::ServerContext& context, AccountMailKind kind,
                                                   bool present, const std::string& email_field) {
  auto errors = text_errors({{"email", &email_field}});
  if (!errors.empty()) return common::invalid_argument(errors);
  std::string email = common::trim(email_field);
  require_text(errors, "email", present, email);
  if (errors.empty() && !is_valid_email(identity::email_display(email))) {
    errors["email"].push_back("Enter a valid email address.");
  }
  if (!errors.empty()) return common::invalid_argument(errors);
  // Keyed by the address asked about, whether or not an account has it: the limit reveals
  // nothing, and nobody can flood one mailbox.
  auto limit = throttled({p_.throttles.account_mail_per_client.hit(client_address(context)),
                          p_.throttles.account_mail_per_email.hit(identity::email_key(email))});
  if (!limit.ok()) return limit;
  p_.mail_requests.record(kind, email);
  return grpc::Status::OK;
}

grpc::Status AuthServiceImpl::RequestPasswordReset(grpc::ServerContext* context,
                                                   const v1::RequestPasswordResetRequest* request,
                                                   v1::RequestPasswordResetResponse*) {
  return storage_rpc(context, "auth.RequestPasswordReset", [&] {
    return request_account_mail(*context, AccountMailKind::kPasswordReset, request->has_email(), request->email());
  });
}

grpc::Status AuthServiceImpl::ConfirmPasswordReset(grpc::ServerContext* context,
                                                   const v1::ConfirmPasswordResetRequest* request,
                                                   v1::ConfirmPasswordResetResponse* response) {
  return storage_rpc(context, "auth.ConfirmPasswordReset", [&] {
    auto errors = text_errors({{"token", &request->token()},
                               {"new_password", &request->new_password()},
                               {"re_new_password", &request->re_new_password()},
                               {"uid", &request->uid()}});
    if (!errors.empty()) return common::invalid_argument(errors);
    std::string token = common::trim(request->token());
    require_text(errors, "token", request->has_token(), token);
    if (!errors.empty()) return common::invalid_argument(errors);
    std::optional<std::int64_t> uid_user;
    if (request->has_uid()) {
      uid_user = user_id_of_uid(request->uid());
      if (!uid_user) return common::invalid_argument({{"uid", {kInvalidUid}}});
    }
    // Tokens are 256 random bits: guessing one is hopeless, so no limit is needed here.
    auto holder = p_.resets.holder(token);
    auto user = holder && (!uid_user || *uid_user == *holder) ? p_.users.find_by_id(*holder) : std::nullopt;
    if (!user || !user->is_active) return common::invalid_argument({{"token", {kResetTokenNotValid}}});
    // The password is checked before the token is used up: a weak one can be corrected.
    errors = new_password_errors(*user, request->has_new_password(), request->new_password(),
                                 request->has_re_new_password(), request->re_new_password(), p_.policy.passwords);
    if (!errors.empty()) return common::invalid_argument(errors);

    // The token, the new hash and the end of every session commit together: whoever knew the
    // old password is out everywhere.
    std::vector<FamilyRevocation> ended;
    try {
      p_.users.set_password_hash(user->id, p_.hasher.hash(request->new_password()), [&](pqxx::work& tx) {
        if (!PasswordResets::consume(tx, token, user->id)) throw ResetTokenSpent{};
        ended = RefreshFamilyStore::revoke_all(tx, user->id, RevocationReason::kPasswordReset);
      });
    } catch (const ResetTokenSpent&) {
      return common::invalid_argument({{"token", {kResetTokenNotValid}}});
    }
    p_.revocations.publish_families(ended);
    common::log::info("password reset", {{"user_id", user->id}, {"sessions_ended", ended.size()}});
    response->set_sessions_ended(static_cast<std::int32_t>(ended.size()));
    return grpc::Status::OK;
  });
}

}  // namespace auth
