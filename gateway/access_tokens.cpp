#include "gateway/access_tokens.hpp"

#include "common/access/auth_client.hpp"

#include <algorithm>

namespace gateway {

std::unique_ptr<common::AccessTokens> make_access_tokens(const GatewayConfig& config, Upstreams& upstreams) {
  // On the request path while the revocation channel is not current: a short deadline.
  auto check_timeout = std::min<std::chrono::milliseconds>(config.upstream_timeout, std::chrono::seconds(1));
  return std::make_unique<common::AccessTokens>(
      config.tokens,
      [&upstreams, timeout = config.upstream_timeout] { return common::fetch_jwks(upstreams.auth(), timeout); },
      [&upstreams, check_timeout](std::string_view jti, std::string_view family) {
        return common::check_revocation(upstreams.auth(), jti, family, check_timeout);
      });
}

}  // namespace gateway
