#include "auth/auth_service.hpp"

#include "auth/registration_rules.hpp"
#include "common/grpc_server.hpp"
#include "common/proto_time.hpp"
#include "common/text.hpp"

namespace auth {
namespace {

using common::to_timestamp;
using grpc::StatusCode;

// simplejwt's wording, which seed clients may display.
const char* const kNoActiveAccount = "No active account found with the given credentials";
const char* const kTokenNotValid = "Token is invalid or expired";
const char* const kTokenRevoked = "Token is blacklisted";

grpc::Status token_not_valid(const char* message = kTokenNotValid) {
  return common::status_with_reason(StatusCode::UNAUTHENTICATED, message, "token_not_valid");
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

template <class Field>
std::optional<std::string> optional_field(bool present, const Field& value) {
  return present ? std::optional<std::string>(value) : std::nullopt;
}

}  // namespace

grpc::Status AuthServiceImpl::Register(grpc::ServerContext* context, const v1::RegisterRequest* request,
                                       v1::RegisterResponse* response) {
  return common::run_rpc(context, "auth.Register", [&] {
    auto input = normalize_registration({
        optional_field(request->has_username(), request->username()),
        optional_field(request->has_email(), request->email()),
        optional_field(request->has_name(), request->name()),
        optional_field(request->has_password(), request->password()),
        optional_field(request->has_password2(), request->password2()),
    });
    auto limit = throttled({throttles_.register_per_client.hit(client_address(*context))});
    if (!limit.ok()) return limit;
    auto errors = validate_registration(input);
    if (!errors.empty()) return common::invalid_argument(errors);

    NewUser new_user;
    if (input.username && !input.username->empty()) new_user.username = input.username;
    if (input.email && !input.email->empty()) new_user.email = input.email;
    new_user.name = input.name.value_or("");
    new_user.password_hash = hasher_.hash(*input.password);
    UserRecord user;
    try {
      user = users_.create(new_user);
    } catch (const DuplicateUser& duplicate) {
      if (duplicate.field == DuplicateUser::Field::kEmail) {
        return common::invalid_argument({{"email", {"user with this email already exists."}}});
      }
      return common::invalid_argument({{"username", {"A user with that username already exists."}}});
    }
    fill_user(user, response->mutable_user());
    fill_tokens(tokens_.issue(user), response->mutable_tokens());
    return grpc::Status::OK;
  });
}

grpc::Status AuthServiceImpl::Login(grpc::ServerContext* context, const v1::LoginRequest* request,
                                    v1::LoginResponse* response) {
  return common::run_rpc(context, "auth.Login", [&] {
    std::string username = common::trim(request->username());
    std::string email = common::trim(request->email());
    common::FieldErrors errors;
    if (username.empty() && email.empty()) {
      errors["non_field_errors"].push_back("A username or an email address is required.");
    }
    if (!request->has_password()) {
      errors["password"].push_back("This field is required.");
    } else if (request->password().empty()) {
      errors["password"].push_back("This field may not be blank.");
    }
    if (!errors.empty()) return common::invalid_argument(errors);

    // Counted before the password check and alike for unknown accounts, so the limit reveals
    // nothing about which accounts exist.
    std::string account = !username.empty() ? "u:" + username : "e:" + email;
    auto limit = throttled({throttles_.login_per_client.hit(client_address(*context)),
                            throttles_.login_per_account.hit(account)});
    if (!limit.ok()) return limit;

    auto user = !username.empty() ? users_.find_by_username(username) : users_.find_by_email(email);
    if (!user) {
      hasher_.verify_dummy(request->password());
      return common::status_with_reason(StatusCode::UNAUTHENTICATED, kNoActiveAccount, "no_active_account");
    }
    bool password_ok = hasher_.verify(request->password(), user->password_hash);
    if (!password_ok || !user->is_active) {
      return common::status_with_reason(StatusCode::UNAUTHENTICATED, kNoActiveAccount, "no_active_account");
    }
    throttles_.login_per_account.reset(account);
    users_.record_login(user->id);
    fill_user(*user, response->mutable_user());
    fill_tokens(tokens_.issue(*user), response->mutable_tokens());
    return grpc::Status::OK;
  });
}

grpc::Status AuthServiceImpl::Refresh(grpc::ServerContext* context, const v1::RefreshRequest* request,
                                      v1::RefreshResponse* response) {
  return common::run_rpc(context, "auth.Refresh", [&] {
    if (request->refresh().empty()) return common::invalid_argument({{"refresh", {"This field is required."}}});
    common::jwt::Claims claims;
    try {
      claims = tokens_.verify(request->refresh(), "refresh");
    } catch (const common::jwt::TokenError&) {
      return token_not_valid();
    }
    auto user = users_.find_by_id(claims.user_id);
    if (!user || !user->is_active) return token_not_valid();
    // Rotation: the first refresh of a token revokes it; a second one finds it revoked.
    if (!revocations_.revoke({claims.jti, claims.user_id, "refresh", claims.expires_at})) {
      return token_not_valid(kTokenRevoked);
    }
    fill_tokens(tokens_.issue(*user, claims.family), response->mutable_tokens());
    return grpc::Status::OK;
  });
}

grpc::Status AuthServiceImpl::Verify(grpc::ServerContext* context, const v1::VerifyRequest* request,
                                     v1::VerifyResponse* response) {
  return common::run_rpc(context, "auth.Verify", [&] {
    if (request->token().empty()) return common::invalid_argument({{"token", {"This field is required."}}});
    common::jwt::Claims claims;
    try {
      claims = tokens_.verify(request->token(), "");
    } catch (const common::jwt::TokenError&) {
      return token_not_valid();
    }
    if (revocations_.is_revoked(claims.jti)) return token_not_valid(kTokenRevoked);
    response->set_token_type(claims.token_type);
    response->set_user_id(claims.user_id);
    *response->mutable_expires_at() = to_timestamp(claims.expires_at);
    return grpc::Status::OK;
  });
}

grpc::Status AuthServiceImpl::Logout(grpc::ServerContext* context, const v1::LogoutRequest* request,
                                     v1::LogoutResponse*) {
  return common::run_rpc(context, "auth.Logout", [&] {
    if (request->refresh().empty()) return common::invalid_argument({{"refresh", {"This field is required."}}});
    common::jwt::Claims refresh;
    try {
      refresh = tokens_.verify(request->refresh(), "refresh");
    } catch (const common::jwt::TokenError&) {
      return token_not_valid();
    }
    if (!revocations_.revoke({refresh.jti, refresh.user_id, "refresh", refresh.expires_at})) {
      return token_not_valid(kTokenRevoked);
    }
    if (!request->access().empty()) {
      try {
        auto access = tokens_.verify(request->access(), "access");
        // Only the same user's access token: a logout must not end someone else's session.
        if (access.user_id == refresh.user_id) {
          revocations_.revoke({access.jti, access.user_id, "access", access.expires_at});
        }
      } catch (const common::jwt::TokenError&) {
        // An expired or foreign access token needs no revocation.
      }
    }
    return grpc::Status::OK;
  });
}

}  // namespace auth
