#include "auth/api/auth_service.hpp"

#include "auth/accounts/identity.hpp"
#include "auth/passwords/legacy_password_hashes.hpp"
#include "auth/accounts/registration_rules.hpp"
#include "common/service/run_rpc.hpp"
#include "common/core/log.hpp"
#include "common/core/proto_time.hpp"
#include "common/core/text.hpp"

namespace auth {
namespace {

using common::to_timestamp;
using grpc::StatusCode;

// simplejwt's and DRF's wording, which seed clients may display.
const char* const kNoActiveAccount = "No active account found with the given credentials";
const char* const kTokenNotValid = "Token is invalid or expired";
const char* const kTokenRevoked = "Token is blacklisted";
const char* const kNotAuthenticated = "Authentication credentials were not provided.";
const char* const kNotAllowed = "You do not have permission to perform this action.";

grpc::Status token_not_valid(const char* message = kTokenNotValid) {
  return common::status_with_reason(StatusCode::UNAUTHENTICATED, message, "token_not_valid");
}

grpc::Status no_active_account() {
  return common::status_with_reason(StatusCode::UNAUTHENTICATED, kNoActiveAccount, "no_active_account");
}

void fill_user(const UserRecord& record, v1::User* user) {
  user->set_id(record.id);
  user->set_username(record.username);
  user->set_email(record.email);
  user->set_name(record.name);
  user->set_email_verified(record.email_verified);
  user->set_is_staff(record.is_staff);
  *user->mutable_date_joined() = to_timestamp(record.date_joined);
}

void fill_tokens(const IssuedPair& pair, v1::TokenPair* tokens) {
  tokens->set_access(pair.access.token);
  tokens->set_refresh(pair.refresh.token);
  *tokens->mutable_access_expires_at() = to_timestamp(pair.access.expires_at);
  *tokens->mutable_refresh_expires_at() = to_timestamp(pair.refresh.expires_at);
}

std::string client_address(const grpc::ServerContext& context) {
  std::string forwarded = common::metadata_value(context, "x-client-ip");
  if (!forwarded.empty()) return forwarded;
  // "ipv4:10.0.0.1:53412" → "ipv4:10.0.0.1": the port changes per connection, the client does not.
  std::string peer = context.peer();
  return peer.substr(0, peer.rfind(':'));
}

// The first refusal among `decisions`, as a 429-to-be; OK when every limit allows.
grpc::Status throttled(std::initializer_list<RateDecision> decisions) {
  for (const auto& decision : decisions) {
    if (!decision.allowed) {
      return common::resource_exhausted("Request was throttled.", decision.retry_after);
    }
  }
  return grpc::Status::OK;
}

// NUL and invalid UTF-8 in any of `fields` (name, value), as field errors in DRF's words:
// checked before anything else, so such text never reaches PostgreSQL, Redis or a rule.
common::FieldErrors text_errors(std::initializer_list<std::pair<const char*, const std::string*>> fields) {
  common::FieldErrors errors;
  for (const auto& [name, value] : fields) {
    if (auto problem = common::text_field_problem(*value)) errors[name].push_back(*problem);
  }
  return errors;
}

template <class Field>
std::optional<std::string> optional_field(bool present, const Field& value) {
  return present ? std::optional<std::string>(value) : std::nullopt;
}

}  // namespace

std::optional<UserRecord> AuthServiceImpl::authenticated_caller(const grpc::ServerContext& context,
                                                                grpc::Status& status) {
  auto token = common::jwt::parse_bearer(common::metadata_value(context, "authorization"));
  if (!token) {
    status = common::status_with_reason(StatusCode::UNAUTHENTICATED, kNotAuthenticated, "not_authenticated");
    return std::nullopt;
  }
  try {
    auto claims = p_.tokens.verify(*token, "access");
    auto user = p_.users.find_by_id(claims.user_id);
    if (user && user->is_active && !p_.revocations.is_revoked(claims.jti, claims.family)) return user;
  } catch (const common::jwt::TokenError&) {
  }
  status = token_not_valid("Given token not valid for any token type");
  return std::nullopt;
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

grpc::Status AuthServiceImpl::log_in(const UserRecord& user, v1::User* user_out, v1::TokenPair* tokens_out) {
  IssuedPair pair = p_.tokens.issue(user);
  p_.families.start(user.id, pair);
  fill_user(user, user_out);
  fill_tokens(pair, tokens_out);
  return grpc::Status::OK;
}

template <class Body>
grpc::Status AuthServiceImpl::storage_rpc(grpc::ServerContext* context, const char* method, Body&& body) {
  if (p_.max_storage_calls == 0) return common::run_rpc(context, method, std::forward<Body>(body));
  if (storage_calls_.fetch_add(1) >= p_.max_storage_calls) {
    --storage_calls_;
    common::log::warn("too many calls waiting for the database, refused", {{"rpc", method}});
    return grpc::Status(StatusCode::RESOURCE_EXHAUSTED, "too many calls waiting for the database");
  }
  struct Leave {
    std::atomic<std::size_t>& calls;
    ~Leave() { --calls; }
  } leave{storage_calls_};
  return common::run_rpc(context, method, std::forward<Body>(body));
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
    // Open registration logs the new user in, unless they must verify their email first; an
    // admin registering someone gets no tokens for them.
    bool log_in_now = !admin_only && !p_.policy.require_verified_email;
    std::optional<IssuedPair> pair;
    UserRecord user;
    try {
      user = p_.users.create(new_user, [&](pqxx::work& tx, const UserRecord& created) {
        if (!created.email.empty()) p_.verifications.issue(tx, created);
        if (log_in_now) {
          pair = p_.tokens.issue(created);
          RefreshFamilyStore::start(tx, created.id, *pair);
        }
      });
    } catch (const DuplicateUser& duplicate) {
      if (duplicate.field == DuplicateUser::Field::kEmail) {
        return common::invalid_argument({{"email", {"user with this email already exists."}}});
      }
      return common::invalid_argument({{"username", {"A user with that username already exists."}}});
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
    auto errors = text_errors({{"username", &request->username()},
                               {"email", &request->email()},
                               {"password", &request->password()}});
    if (!errors.empty()) return common::invalid_argument(errors);
    std::string username = common::trim(request->username());
    std::string email = common::trim(request->email());
    if (username.empty() && email.empty()) {
      errors["non_field_errors"].push_back("A username or an email address is required.");
    }
    if (!request->has_password()) {
      errors["password"].push_back("This field is required.");
    } else if (request->password().empty()) {
      errors["password"].push_back("This field may not be blank.");
    }
    if (!errors.empty()) return common::invalid_argument(errors);

    // Any spelling finds the one account (auth/identity.hpp). The per-account limit is keyed
    // by that account, so its username and its email share one budget; an identifier that
    // names no account gets a budget of its canonical key, counted the same way (before the
    // password check, one lookup and one hash either way), so the limit reveals nothing about
    // which accounts exist. What it does reveal, once an attacker has used up an account's
    // budget, is that a username and an email belong together: the price of one budget.
    auto user = !username.empty() ? p_.users.find_by_username(username) : p_.users.find_by_email(email);
    std::string account = user ? "id:" + std::to_string(user->id)
                               : !username.empty() ? "u:" + identity::username_key(username)
                                                   : "e:" + identity::email_key(email);
    auto limit = throttled({p_.throttles.login_per_client.hit(client_address(*context)),
                            p_.throttles.login_per_account.hit(account)});
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
    return log_in(*user, response->mutable_user(), response->mutable_tokens());
  });
}

grpc::Status AuthServiceImpl::Refresh(grpc::ServerContext* context, const v1::RefreshRequest* request,
                                      v1::RefreshResponse* response) {
  return storage_rpc(context, "auth.Refresh", [&] {
    auto errors = text_errors({{"refresh", &request->refresh()}});
    if (!errors.empty()) return common::invalid_argument(errors);
    if (request->refresh().empty()) return common::invalid_argument({{"refresh", {"This field is required."}}});
    common::jwt::Claims claims;
    try {
      claims = p_.tokens.verify(request->refresh(), "refresh");
    } catch (const common::jwt::TokenError&) {
      return token_not_valid();
    }
    auto user = p_.users.find_by_id(claims.user_id);
    if (!user || !user->is_active) return token_not_valid();
    auto rotation = p_.families.rotate(claims, request->refresh(), [&](const std::string& family) {
      return p_.tokens.issue(*user, family);
    });
    switch (rotation.outcome) {
      case RotationOutcome::kRotated:
      case RotationOutcome::kReplayed:
        fill_tokens(rotation.pair, response->mutable_tokens());
        return grpc::Status::OK;
      case RotationOutcome::kReuseDetected:
        common::log::warn("refresh token reused after rotation, family revoked",
                          {{"user_id", claims.user_id}, {"family", rotation.revoked->family}});
        p_.revocations.publish_families({*rotation.revoked});
        return token_not_valid(kTokenRevoked);
      case RotationOutcome::kFamilyRevoked:
        break;
    }
    return token_not_valid(kTokenRevoked);
  });
}

grpc::Status AuthServiceImpl::Verify(grpc::ServerContext* context, const v1::VerifyRequest* request,
                                     v1::VerifyResponse* response) {
  return storage_rpc(context, "auth.Verify", [&] {
    auto errors = text_errors({{"token", &request->token()}});
    if (!errors.empty()) return common::invalid_argument(errors);
    if (request->token().empty()) return common::invalid_argument({{"token", {"This field is required."}}});
    common::jwt::Claims claims;
    try {
      claims = p_.tokens.verify(request->token(), "");
    } catch (const common::jwt::TokenError&) {
      return token_not_valid();
    }
    bool revoked = claims.token_type == "refresh" ? !p_.families.is_usable(claims)
                                                  : p_.revocations.is_revoked(claims.jti, claims.family);
    if (revoked) return token_not_valid(kTokenRevoked);
    response->set_token_type(claims.token_type);
    response->set_user_id(claims.user_id);
    *response->mutable_expires_at() = to_timestamp(claims.expires_at);
    return grpc::Status::OK;
  });
}

grpc::Status AuthServiceImpl::Logout(grpc::ServerContext* context, const v1::LogoutRequest* request,
                                     v1::LogoutResponse*) {
  return storage_rpc(context, "auth.Logout", [&] {
    auto errors = text_errors({{"refresh", &request->refresh()}, {"access", &request->access()}});
    if (!errors.empty()) return common::invalid_argument(errors);
    if (request->refresh().empty()) return common::invalid_argument({{"refresh", {"This field is required."}}});
    common::jwt::Claims refresh;
    try {
      refresh = p_.tokens.verify(request->refresh(), "refresh");
    } catch (const common::jwt::TokenError&) {
      return token_not_valid();
    }
    // A legacy (simplejwt) token can name a user that was never imported: nothing to end.
    if (!p_.users.find_by_id(refresh.user_id)) return token_not_valid();
    // The whole family: the session ends in every tab, access tokens included.
    auto revoked = p_.families.revoke(refresh, RevocationReason::kLogout);
    if (!revoked) return token_not_valid(kTokenRevoked);
    p_.revocations.publish_families({*revoked});
    if (!request->access().empty()) {
      try {
        auto access = p_.tokens.verify(request->access(), "access");
        // Only the same user's access token: a logout must not end someone else's session.
        // Its family's revocation covers it already, unless it has none (legacy) or another.
        if (access.user_id == refresh.user_id && (access.family.empty() || access.family != refresh.family)) {
          p_.revocations.revoke_token({access.jti, access.user_id, "access", access.expires_at});
        }
      } catch (const common::jwt::TokenError&) {
        // An expired or foreign access token needs no revocation.
      }
    }
    return grpc::Status::OK;
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
    auto errors = text_errors({{"token", &request->token()}});
    if (!errors.empty()) return common::invalid_argument(errors);
    std::string token = common::trim(request->token());
    if (token.empty()) return common::invalid_argument({{"token", {"This field is required."}}});
    auto user_id = p_.verifications.consume(token);
    auto user = user_id ? p_.users.find_by_id(*user_id) : std::nullopt;
    if (!user) return common::invalid_argument({{"token", {"Invalid or expired verification token."}}});
    fill_user(*user, response->mutable_user());
    return grpc::Status::OK;
  });
}

grpc::Status AuthServiceImpl::GetJwks(grpc::ServerContext* context, const v1::GetJwksRequest*,
                                      v1::GetJwksResponse* response) {
  return common::run_rpc(context, "auth.GetJwks", [&] {
    for (const auto& jwk : p_.tokens.jwks()) {
      auto* key = response->add_keys();
      key->set_kty(jwk.at("kty"));
      key->set_crv(jwk.at("crv"));
      key->set_x(jwk.at("x"));
      key->set_y(jwk.at("y"));
      key->set_kid(jwk.at("kid"));
      key->set_alg(jwk.at("alg"));
      key->set_use(jwk.at("use"));
    }
    return grpc::Status::OK;
  });
}

grpc::Status AuthServiceImpl::CheckRevocation(grpc::ServerContext* context, const v1::CheckRevocationRequest* request,
                                              v1::CheckRevocationResponse* response) {
  return storage_rpc(context, "auth.CheckRevocation", [&] {
    // Ids this service issues are 32 hex digits; anything much longer is not one of ours.
    constexpr std::size_t kMaxIdBytes = 128;
    auto errors = text_errors({{"token_id", &request->token_id()}, {"family", &request->family()}});
    if (request->token_id().empty()) errors["token_id"].push_back("This field is required.");
    if (request->token_id().size() > kMaxIdBytes) errors["token_id"].push_back("Ensure this field has no more than 128 characters.");
    if (request->family().size() > kMaxIdBytes) errors["family"].push_back("Ensure this field has no more than 128 characters.");
    if (!errors.empty()) return common::invalid_argument(errors);
    response->set_revoked(p_.revocations.is_revoked(request->token_id(), request->family()));
    return grpc::Status::OK;
  });
}

}  // namespace auth
