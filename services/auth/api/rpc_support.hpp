#pragma once

#include "auth/accounts/user_store.hpp"
#include "auth/throttle/rate_limiter.hpp"
#include "auth/tokens/refresh_family_store.hpp"
#include "auth/tokens/token_issuer.hpp"
#include "auth/v1/auth.pb.h"
#include "common/grpc/grpc_errors.hpp"

#include <grpcpp/grpcpp.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <utility>

// What the auth service's RPC handlers share: DRF's and simplejwt's wording, statuses and
// the mapping of records to messages.
namespace auth::rpc {

// simplejwt's and DRF's wording, which seed clients may display.
inline constexpr const char* kNoActiveAccount = "No active account found with the given credentials";
inline constexpr const char* kTokenNotValid = "Token is invalid or expired";
inline constexpr const char* kTokenRevoked = "Token is blacklisted";
inline constexpr const char* kNotAuthenticated = "Authentication credentials were not provided.";
inline constexpr const char* kNotAllowed = "You do not have permission to perform this action.";
inline constexpr const char* kEmailTaken = "user with this email already exists.";
inline constexpr const char* kUsernameTaken = "A user with that username already exists.";
// djoser's wording for a uid that names no account.
inline constexpr const char* kInvalidUid = "Invalid user id or user doesn't exist.";

grpc::Status token_not_valid(const char* message = kTokenNotValid);
grpc::Status no_active_account();

void fill_user(const UserRecord& record, v1::User* user);
void fill_tokens(const IssuedPair& pair, v1::TokenPair* tokens);

// The client's address: the gateway's x-client-ip, else the gRPC peer without its port.
std::string client_address(const grpc::ServerContext& context);

// The client of a login or refresh, for the sessions page: the gateway's x-user-agent and the
// client address, as display text (any caller may send any bytes).
SessionClient session_client(const grpc::ServerContext& context);

// The first refusal among `decisions`, as a 429-to-be; OK when every limit allows.
grpc::Status throttled(std::initializer_list<RateDecision> decisions);

// NUL and invalid UTF-8 in any of `fields` (name, value), as field errors in DRF's words:
// checked before anything else, so such text never reaches PostgreSQL, Redis or a rule.
common::FieldErrors text_errors(std::initializer_list<std::pair<const char*, const std::string*>> fields);

// DRF's "This field is required." / "This field may not be blank." for a text field.
void require_text(common::FieldErrors& errors, const char* field, bool present, const std::string& value);

template <class Field>
std::optional<std::string> optional_field(bool present, const Field& value) {
  return present ? std::optional<std::string>(value) : std::nullopt;
}

}  // namespace auth::rpc
