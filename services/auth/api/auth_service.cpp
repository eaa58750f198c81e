#include "auth/api/auth_service.hpp"

#include "auth/accounts/account_links.hpp"
#include "auth/accounts/identity.hpp"
#include "auth/accounts/registration_rules.hpp"
#include "auth/api/bearer_caller.hpp"
#include "auth/api/rpc_support.hpp"
#include "auth/passwords/legacy_password_hashes.hpp"
#include "common/core/log.hpp"
#include "common/core/text.hpp"
#include "common/service/run_rpc.hpp"

// The account RPCs (Register, Login, GetMe, VerifyEmail) and what every handler shares.
namespace auth {

using namespace rpc;
using grpc::StatusCode;

std::optional<UserRecord> AuthServiceImpl::authenticated_caller(const grpc::ServerContext& context,
                                                                grpc::Status& status, common::jwt::Claims* claims) {
  return bearer_caller(context, p_.tokens, p_.users, p_.revocations, status, claims);
}

bool AuthServiceImpl::password_matches(const UserRecord& user, const std::string& password) {
  const std::string& stored = user.password_hash;
  if (stored.starts_with("$argon2")) return p_.hasher.verify(password, stored);
  if (is_django_hash(stored)) {
    // An imported Django user: check the old hash once, then store our own.
    if (verify_django_hash(password, stored) != LegacyCheck::kMatch) return false;
    p_.users.replace_password_hash(user.id, stored, p_.hasher.hash(password));
    common::log::info("imported password hash upgraded to argon2id", {{"user_id", user.id}});
    return true;
  }
  // Unusable ("!…") or unknown: refuse, in the time a real check takes.
  p_.hasher.verify_dummy(password);
  return false;
}

grpc::Status AuthServiceImpl::log_in(const grpc::ServerContext& context, const UserRecord& user, v1::User* user_out,
                                     v1::TokenPair* tokens_out) {
  IssuedPair pair = p_.tokens.issue(user);
  p_.families.start(user.id, pair, session_client(context));
  fill_user(user, user_out);
  fill_tokens(pair, tokens_out);
  return grpc::Status::OK;
}

grpc::Status AuthServiceImpl::storage_rpc(grpc::ServerContext* context, const char* method,
                                          const std::function<grpc::Status()>& body) {
  if (p_.max_storage_calls == 0) return common::run_rpc(context, method, body);
  if (storage_calls_.fetch_add(1) >= p_.max_storage_calls) {
    --storage_calls_;
    common::log::warn("too many calls waiting for the database, refused", {{"rpc", method}});
    return grpc::Status(StatusCode::RESOURCE_EXHAUSTED, "too many calls waiting for the database");
  }
  struct Leave {
    std::atomic<std::size_t>& calls;
    ~Leave() { --calls; }
  } leave{storage_calls_};
  return common::run_rpc(context, method, body);
}

grpc::Status AuthServiceImpl::Register(grpc::ServerContext* context, const v1::RegisterRequest* request,
                                       v1::RegisterResponse* response) {
  return storage_rpc(context, "auth.Register", [&] {
    auto input = normalize_registration({
        optional_field(request->has_username(), request->username()),
        optional_field(request->has_email(), request->email()),
        optional_field(request->has_name(), request->name()),
        optional_field(request->has_password(), request->password()),
        optional_field(request->has_password2(), request->password2()),
    });
    auto limit = throttled({p_.throttles.register_per_client.hit(client_address(*context))});
    if (!limit.ok()) return limit;
    bool admin_only = p_.policy.registration == RegistrationPolicy::kAdminOnly;
    if (admin_only) {
      grpc::Status status;
      auto caller = authenticated_caller(*context, status);
      if (!caller) return status;
      if (!caller->is_staff) return common::status_with_reason(StatusCode::PERMISSION_DENIED, kNotAllowed, "not_staff");
    }
    auto errors = validate_registration(input, p_.policy.passwords, p_.policy.require_verified_email);
    if (!errors.empty()) return common::invalid_argument(errors);

    NewUser new_user;
    if (input.username && !input.username->empty()) new_user.username = input.username;
    if (input.email && !input.email->empty()) new_user.email = input.email;
    new_user.name = input.name.value_or("");
    new_user.password_hash = p_.hasher.hash(*input.password);
    // Open registration logs the new user in, unless they must verify their email first or the
    // client takes no tokens; an admin registering someone gets no tokens for them.
    bool log_in_now = !admin_only && !p_.policy.require_verified_email && !request->without_session();
    std::optional<IssuedPair> pair;
    UserRecord user;
    try {
      user = p_.users.create(new_user, [&](pqxx::work& tx, const UserRecord& created) {
        if (!created.email.empty()) p_.verifications.issue(tx, created);
        if (log_in_now) {
          pair = p_.tokens.issue(created);
          RefreshFamilyStore::start(tx, created.id, *pair, session_client(*context));
        }
      });
    } catch (const DuplicateUser& duplicate) {
      if (duplicate.field == DuplicateUser::Field::kEmail) {
        return common::invalid_argument({{"email", {kEmailTaken}}});
      }
      return common::invalid_argument({{"username", {kUsernameTaken}}});
    }
    if (!user.email.empty() && p_.outbox) p_.outbox->wake();
    fill_user(user, response->mutable_user());
    if (pair) fill_tokens(*pair, response->mutable_tokens());
    return grpc::Status::OK;
  });
}

grpc::Status AuthServiceImpl::Login(grpc::ServerContext* context, const v1::LoginRequest* request,
                                    v1::LoginResponse* response) {
  return storage_rpc(context, "auth.Login", [&] {
    auto errors = text_errors(
        {{"username", &request->username()}, {"email", &request->email()}, {"password", &request->password()}});
    if (!errors.empty()) return common::invalid_argument(errors);
    std::string username = common::trim(request->username());
    std::string email = common::trim(request->email());
    if (username.empty() && email.empty()) {
      errors["non_field_errors"].push_back("A username or an email address is required.");
    }
    require_text(errors, "password", request->has_password(), request->password());
    if (!errors.empty()) return common::invalid_argument(errors);

    // Any spelling finds the one account (auth/identity.hpp). The per-account limit is keyed
    // by that account, so its username and its email share one budget; an identifier that
    // names no account gets a budget of its canonical key, counted the same way (before the
    // password check, one lookup and one hash either way), so the limit reveals nothing about
    // which accounts exist. What it does reveal, once an attacker has used up an account's
    // budget, is that a username and an email belong together: the price of one budget.
    auto user = !username.empty() ? p_.users.find_by_username(username) : p_.users.find_by_email(email);
    std::string account = user                ? "id:" + std::to_string(user->id)
                          : !username.empty() ? "u:" + identity::username_key(username)
                                              : "e:" + identity::email_key(email);
    auto limit = throttled(
        {p_.throttles.login_per_client.hit(client_address(*context)), p_.throttles.login_per_account.hit(account)});
    if (!limit.ok()) return limit;

    if (!user) {
      p_.hasher.verify_dummy(request->password());
      return no_active_account();
    }
    if (!password_matches(*user, request->password()) || !user->is_active) return no_active_account();
    p_.throttles.login_per_account.reset(account);
    // Only after the password: the answer may reveal what the password already proved.
    if (p_.policy.require_verified_email && !user->email_verified) {
      return common::status_with_reason(StatusCode::PERMISSION_DENIED, "Email address is not verified.",
                                        "email_not_verified");
    }
    p_.users.record_login(user->id);
    return log_in(*context, *user, response->mutable_user(), response->mutable_tokens());
  });
}

grpc::Status AuthServiceImpl::GetMe(grpc::ServerContext* context, const v1::GetMeRequest*,
                                    v1::GetMeResponse* response) {
  return storage_rpc(context, "auth.GetMe", [&] {
    grpc::Status status;
    auto caller = authenticated_caller(*context, status);
    if (!caller) return status;
    fill_user(*caller, response->mutable_user());
    return grpc::Status::OK;
  });
}

grpc::Status AuthServiceImpl::VerifyEmail(grpc::ServerContext* context, const v1::VerifyEmailRequest* request,
                                          v1::VerifyEmailResponse* response) {
  return storage_rpc(context, "auth.VerifyEmail", [&] {
    auto errors = text_errors({{"token", &request->token()}, {"uid", &request->uid()}});
    if (!errors.empty()) return common::invalid_argument(errors);
    std::string token = common::trim(request->token());
    if (token.empty()) return common::invalid_argument({{"token", {"This field is required."}}});
    std::optional<std::int64_t> expected_user;
    if (!request->uid().empty()) {
      expected_user = user_id_of_uid(request->uid());
      if (!expected_user) return common::invalid_argument({{"uid", {kInvalidUid}}});
    }
    std::optional<std::int64_t> user_id;
    try {
      user_id = p_.verifications.consume(token, expected_user);
    } catch (const DuplicateUser&) {
      return common::invalid_argument({{"email", {kEmailTaken}}});
    }
    auto user = user_id ? p_.users.find_by_id(*user_id) : std::nullopt;
    if (!user) return common::invalid_argument({{"token", {"Invalid or expired verification token."}}});
    fill_user(*user, response->mutable_user());
    return grpc::Status::OK;
  });
}

}  // namespace auth
