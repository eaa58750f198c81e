#pragma once

#include "auth/deletion/account_deletions.hpp"
#include "auth/tokens/token_issuer.hpp"
#include "content/v1/content.grpc.pb.h"

#include <chrono>

namespace auth {

// The audience and scope of the service tokens content's AccountDataService accepts.
inline constexpr const char* kContentServiceAudience = "content-service";
inline constexpr const char* kDeleteUserContentScope = "delete_user_content";

// Removes a deleted account's content through content's AccountDataService, authenticated by a
// service token for that one user (TokenIssuer::service_token), within `timeout`. Throws on
// any failure. `stub` must outlive the function.
AccountDeletions::RemoveContent content_remover(content::v1::AccountDataService::StubInterface& stub,
                                                const TokenIssuer& tokens, std::chrono::milliseconds timeout);

}  // namespace auth
