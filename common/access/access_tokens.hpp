#pragma once

#include "common/access/revocation_channel.hpp"
#include "common/access/revocation_check.hpp"
#include "common/access/revocation_set.hpp"
#include "common/access/token_verifier.hpp"
#include "common/jwt/token_rules_config.hpp"

#include <memory>

namespace common {

// Everything a service that accepts access tokens needs, built from its VerifierConfig: the
// revocation set, the listener feeding it, the fail-closed check over both (asking the auth
// service while the set is not current), and the verifier using them.
class AccessTokens final {
 public:
  // `fetch_keys` reads the auth service's JWKS; used when config.keys_from_auth. `ask_auth`
  // asks it whether a token is revoked (CheckRevocation). Throws ConfigError when no key
  // source is configured at all.
  AccessTokens(const VerifierConfig& config, TokenVerifier::FetchKeys fetch_keys, RevocationCheck::AskAuth ask_auth);

  const TokenVerifier& verifier() const { return *verifier_; }
  // True once the revocation set was loaded (or when there is no channel).
  bool revocations_loaded() const { return !listener_ || listener_->reloads() > 0; }
  // True while the set alone answers (heartbeats arrive), or when there is no channel.
  bool revocations_current() const { return !listener_ || listener_->current(); }
  // Calls made to the auth service because the set was not current.
  std::uint64_t revocation_checks_asked() const { return check_ ? check_->asked() : 0; }

 private:
  RevocationSet revoked_;
  std::unique_ptr<RevocationListener> listener_;
  std::unique_ptr<RevocationCheck> check_;
  std::unique_ptr<TokenVerifier> verifier_;
};

}  // namespace common
