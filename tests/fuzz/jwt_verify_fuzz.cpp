// Bearer headers and token verification (common::jwt::parse_bearer, KeySet::verify, and the
// TokenVerifier with its verified-token cache). Input: a token, or an Authorization header.
//
// The property: nothing but a token we signed verifies. The seeds (make_jwt_seeds.py) include
// the signed ones (jwt_originals.inc); libFuzzer mutates their bytes, and an accepted mutation
// of the header or payload would be a forgery (see is_original).
#include "common/access/token_verifier.hpp"
#include "common/core/base64url.hpp"
#include "common/jwt/jwt.hpp"
#include "fuzz_support.hpp"

#include <memory>
#include <string>
#include <vector>

namespace {

using namespace common;

constexpr const char* kOriginals[] = {
#include "jwt_originals.inc"
};

constexpr const char* kHs256Secret = "fuzz-legacy-hs256-secret";  // as in make_jwt_seeds.py
const auto kNow = jwt::Clock::time_point(std::chrono::seconds(1750000000));

struct Fixture {
  jwt::KeySet keys;
  jwt::VerifyRules rules{"auth-service", "api", std::chrono::seconds(30), ""};
  std::unique_ptr<TokenVerifier> verifier;

  Fixture() {
    keys.add(jwt::load_ec_key_pem(jwt::read_file(FUZZ_ES256_KEY_FILE)));
    keys.accept_legacy_hs256(kHs256Secret);
    TokenVerifier::Options options;
    options.static_keys = keys;
    options.rules = rules;
    verifier = std::make_unique<TokenVerifier>(std::move(options), nullptr);
    // Otherwise the property below would hold vacuously.
    for (const char* original : kOriginals) (void)keys.verify(original, rules, kNow);
  }
};

std::string_view signing_input(std::string_view token) { return token.substr(0, token.rfind('.')); }

// Whether `token` is one of ours: the header and payload exactly as we signed them, and a
// signature segment in canonical base64url. The signature itself may differ from the seed's:
// another ECDSA signature of the same text by our key (an earlier make_jwt_seeds.py run, or
// the malleable twin (r, n - s)) is no forgery; anything else verifying would be.
bool is_original(const std::string& token) {
  std::string_view input = signing_input(token);
  std::string_view segment = std::string_view(token).substr(token.rfind('.') + 1);
  auto signature = base64url_decode(segment);
  if (!signature || base64url_encode(*signature) != segment) return false;
  for (std::string_view original : kOriginals) {
    if (input == signing_input(original)) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture fixture;
  std::string_view input = fuzz::as_text(data, size);

  auto bearer = jwt::parse_bearer(input);
  if (bearer) {
    // "Bearer " in any case, spaces, then one token without spaces that ends the header.
    FUZZ_CHECK(!bearer->empty() && bearer->find(' ') == std::string::npos);
    FUZZ_CHECK(input.size() > 7 && input.ends_with(*bearer));
    FUZZ_CHECK(input.substr(7, input.size() - 7 - bearer->size()).find_first_not_of(' ') == std::string_view::npos);
  }
  std::string token = bearer ? *bearer : std::string(input);

  bool accepted = false;
  try {
    jwt::Claims claims = fixture.keys.verify(token, fixture.rules, kNow);
    accepted = true;
    FUZZ_CHECK(is_original(token));
    FUZZ_CHECK(claims.expires_at + fixture.rules.leeway > kNow);
    FUZZ_CHECK(claims.payload.is_object());
  } catch (const jwt::TokenError&) {
  }
  // Any other exception escapes: libFuzzer reports it.

  // The same answer through TokenVerifier and its cache of verified tokens (its clock is the
  // real one; the signed seeds expire in 2100, so no original changes its answer in between).
  bool verified = false;
  try {
    (void)fixture.verifier->verify(token);
    verified = true;
  } catch (const jwt::TokenError&) {
  }
  FUZZ_CHECK(verified == accepted);
  return 0;
}
