#pragma once

#include "common/revocation_channel.hpp"
#include "common/revocation_set.hpp"
#include "common/token_rules_config.hpp"
#include "common/token_verifier.hpp"

#include <memory>

namespace common {

// Everything a service that accepts access tokens needs, built from its VerifierConfig: the
// revocation set and the listener feeding it, and the verifier using both.
class AccessTokens final {
 public:
  // `fetch_keys` reads the auth service's JWKS; used when config.keys_from_auth. Throws
  // ConfigError when no key source is configured at all.
  AccessTokens(const VerifierConfig& config, TokenVerifier::FetchKeys fetch_keys);

  const TokenVerifier& verifier() const { return *verifier_; }
  // True once the revocation set was loaded (or when there is no channel).
  bool revocations_loaded() const { return !listener_ || listener_->reloads() > 0; }

 private:
  RevocationSet revoked_;
  std::unique_ptr<RevocationListener> listener_;
  std::unique_ptr<TokenVerifier> verifier_;
};

}  // namespace common
