#pragma once

#include "common/access/access_tokens.hpp"
#include "gateway/gateway_config.hpp"
#include "gateway/upstreams.hpp"

#include <memory>

namespace gateway {

// The gateway's access-token checks wired to the auth service: its JWKS for the keys and, while
// the revocation channel (config.tokens.revocations_redis_url) is not current, CheckRevocation,
// so a token that may be revoked never passes (AccessTokens). Here rather than in main() so the
// in-process tests run the same wiring.
std::unique_ptr<common::AccessTokens> make_access_tokens(const GatewayConfig& config, Upstreams& upstreams);

}  // namespace gateway
