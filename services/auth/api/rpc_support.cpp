#include "auth/api/rpc_support.hpp"

#include "common/core/proto_time.hpp"
#include "common/core/text.hpp"

namespace auth::rpc {

using common::to_timestamp;
using grpc::StatusCode;

grpc::Status token_not_valid(const char* message) {
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
  user->set_pending_email(record.pending_email);
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

namespace {

// gRPC metadata carries printable ASCII only: the gateway percent-encodes the rest of a
// User-Agent (gateway/user_agent.hpp). A "%" not followed by two hex digits stays as it is.
std::string percent_decoded(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

SessionClient session_client(const grpc::ServerContext& context) {
  return {common::display_text(percent_decoded(common::metadata_value(context, "x-user-agent")), 256),
          common::display_text(client_address(context), 64)};
}

grpc::Status throttled(std::initializer_list<RateDecision> decisions) {
  for (const auto& decision : decisions) {
    if (!decision.allowed) {
      return common::resource_exhausted("Request was throttled.", decision.retry_after);
    }
  }
  return grpc::Status::OK;
}

common::FieldErrors text_errors(std::initializer_list<std::pair<const char*, const std::string*>> fields) {
  common::FieldErrors errors;
  for (const auto& [name, value] : fields) {
    if (auto problem = common::text_field_problem(*value)) errors[name].push_back(*problem);
  }
  return errors;
}

void require_text(common::FieldErrors& errors, const char* field, bool present, const std::string& value) {
  if (!present) {
    errors[field].push_back("This field is required.");
  } else if (value.empty()) {
    errors[field].push_back("This field may not be blank.");
  }
}

}  // namespace auth::rpc
