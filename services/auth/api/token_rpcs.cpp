#include "auth/api/auth_service.hpp"

#include "auth/api/rpc_support.hpp"
#include "common/access/auth_client.hpp"
#include "common/core/log.hpp"
#include "common/core/proto_time.hpp"
#include "common/service/run_rpc.hpp"

// The token RPCs: Refresh, Verify, Logout, GetJwks and CheckRevocation.
namespace auth {

using namespace rpc;
using common::to_timestamp;
using grpc::StatusCode;

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
    auto rotation = p_.families.rotate(claims, request->refresh(), session_client(*context),
                                       [&](const std::string& family) { return p_.tokens.issue(*user, family); });
    switch (rotation.outcome) {
      case RotationOutcome::kRotated:
      case RotationOutcome::kReplayed: fill_tokens(rotation.pair, response->mutable_tokens()); return grpc::Status::OK;
      case RotationOutcome::kReuseDetected:
        common::log::warn("refresh token reused after rotation, family revoked",
                          {{"user_id", claims.user_id}, {"family", rotation.revoked->family}});
        p_.revocations.publish_families({*rotation.revoked});
        return token_not_valid(kTokenRevoked);
      case RotationOutcome::kFamilyRevoked: break;
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

grpc::Status AuthServiceImpl::GetJwks(grpc::ServerContext* context, const v1::GetJwksRequest*,
                                      v1::GetJwksResponse* response) {
  return common::run_rpc(context, "auth.GetJwks", [&] {
    for (const auto& jwk : p_.tokens.jwks()) *response->add_keys() = common::jwk_message(jwk);
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
    if (request->token_id().size() > kMaxIdBytes)
      errors["token_id"].push_back("Ensure this field has no more than 128 characters.");
    if (request->family().size() > kMaxIdBytes)
      errors["family"].push_back("Ensure this field has no more than 128 characters.");
    if (!errors.empty()) return common::invalid_argument(errors);
    response->set_revoked(p_.revocations.is_revoked(request->token_id(), request->family()));
    return grpc::Status::OK;
  });
}

}  // namespace auth
