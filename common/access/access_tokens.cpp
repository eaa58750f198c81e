#include "common/access/access_tokens.hpp"

namespace common {

AccessTokens::AccessTokens(const VerifierConfig& config, TokenVerifier::FetchKeys fetch_keys,
                           RevocationCheck::AskAuth ask_auth) {
  TokenVerifier::Options options{config.static_keys(), {}, config.rules, config.jwks_refresh};
  if (config.keys_from_auth) options.fetch_keys = std::move(fetch_keys);
  if (!options.fetch_keys && options.static_keys.empty()) {
    throw ConfigError("no key verifies tokens: set JWT_PUBLIC_KEY_FILES or JWKS_FROM_AUTH=true");
  }
  const RevocationSource* revocations = &revoked_;
  if (!config.revocations_redis_url.empty()) {
    listener_ = std::make_unique<RevocationListener>(RedisOptions::from_url(config.revocations_redis_url), revoked_);
    listener_->start();
    check_ = std::make_unique<RevocationCheck>(
        revoked_, [this] { return listener_->current(); }, std::move(ask_auth));
    revocations = check_.get();
  }
  verifier_ = std::make_unique<TokenVerifier>(std::move(options), revocations);
  verifier_->refresh_keys();  // a failure is retried on the first token with an unknown kid
}

}  // namespace common
