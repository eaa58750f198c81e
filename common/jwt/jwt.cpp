#include "common/jwt/jwt.hpp"

#include "common/core/base64url.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace common::jwt {
namespace {

using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;
using SigPtr = std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)>;

// JWS carries r||s; OpenSSL speaks DER.
std::string der_to_raw(const unsigned char* der, std::size_t length) {
  SigPtr sig(d2i_ECDSA_SIG(nullptr, &der, static_cast<long>(length)), ECDSA_SIG_free);
  if (!sig) throw KeyError("signing produced an unreadable signature");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  std::string out(2 * kCoordinateBytes, '\0');
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  BN_bn2binpad(r, bytes, kCoordinateBytes);
  BN_bn2binpad(s, bytes + kCoordinateBytes, kCoordinateBytes);
  return out;
}

std::optional<std::string> raw_to_der(std::string_view raw) {
  if (raw.size() != 2 * kCoordinateBytes) return std::nullopt;
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  BIGNUM* r = BN_bin2bn(bytes, kCoordinateBytes, nullptr);
  BIGNUM* s = BN_bin2bn(bytes + kCoordinateBytes, kCoordinateBytes, nullptr);
  SigPtr sig(ECDSA_SIG_new(), ECDSA_SIG_free);
  if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return std::nullopt;
  }
  unsigned char* der = nullptr;
  int length = i2d_ECDSA_SIG(sig.get(), &der);
  if (length <= 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return out;
}

nlohmann::json decode_json_segment(std::string_view segment, const char* what) {
  auto bytes = base64url_decode(segment);
  if (!bytes) throw TokenError(std::string(what) + " is not base64url");
  auto parsed = nlohmann::json::parse(*bytes, nullptr, false);
  if (!parsed.is_object()) throw TokenError(std::string(what) + " is not a JSON object");
  return parsed;
}

Clock::time_point numeric_date(const nlohmann::json& payload, const char* name) {
  const auto& value = payload.at(name);
  // Bounded to year 9999 so the conversion to the clock's ticks cannot overflow.
  constexpr std::int64_t kLatest = 253402300799;
  if (!value.is_number() || value.get<double>() < 0 || value.get<double>() > kLatest) {
    throw TokenError(std::string(name) + " is not a valid date");
  }
  return Clock::time_point(std::chrono::seconds(value.get<std::int64_t>()));
}

std::string string_claim(const nlohmann::json& payload, const char* name, bool required) {
  auto it = payload.find(name);
  if (it == payload.end() || it->is_null()) {
    if (required) throw TokenError(std::string("missing ") + name);
    return {};
  }
  if (!it->is_string()) throw TokenError(std::string(name) + " is not a string");
  return it->get<std::string>();
}

bool audience_matches(const nlohmann::json& aud, const std::string& expected) {
  if (aud.is_string()) return aud.get<std::string>() == expected;
  if (aud.is_array()) {
    for (const auto& item : aud) {
      if (item.is_string() && item.get<std::string>() == expected) return true;
    }
  }
  return false;
}

}  // namespace

SigningKey::SigningKey(KeyHandle private_key) : key_(std::move(private_key)) {
  require_p256(key_.get());
  BIGNUM* secret = nullptr;
  if (EVP_PKEY_get_bn_param(key_.get(), OSSL_PKEY_PARAM_PRIV_KEY, &secret) != 1) {
    throw KeyError("the signing key must be a private key");
  }
  BN_clear_free(secret);
  kid_ = key_thumbprint(key_.get());
}

SigningKey SigningKey::from_pem_file(const std::string& path) { return SigningKey(load_ec_key_pem(read_file(path))); }

std::string SigningKey::sign(const nlohmann::json& claims) const {
  nlohmann::json header = {{"alg", "ES256"}, {"typ", "JWT"}, {"kid", kid_}};
  std::string signing_input = base64url_encode(header.dump()) + "." + base64url_encode(claims.dump());
  MdCtxPtr ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  std::size_t length = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length, reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1) {
    throw KeyError("ES256 signing failed");
  }
  std::string der(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &length,
                     reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) != 1) {
    throw KeyError("ES256 signing failed");
  }
  return signing_input + "." + base64url_encode(der_to_raw(reinterpret_cast<unsigned char*>(der.data()), length));
}

KeySet KeySet::from_pem_files(const std::vector<std::string>& paths) {
  KeySet set;
  for (const auto& path : paths) set.add(load_ec_key_pem(read_file(path)));
  return set;
}

void KeySet::add(KeyHandle key) {
  std::string kid = key_thumbprint(key.get());
  keys_.emplace(std::move(kid), std::move(key));
}

std::vector<KeyHandle> KeySet::keys() const {
  std::vector<KeyHandle> out;
  for (const auto& [kid, key] : keys_) out.push_back(key);
  return out;
}

std::vector<std::string> KeySet::kids() const {
  std::vector<std::string> out;
  for (const auto& [kid, key] : keys_) out.push_back(kid);
  return out;
}

Claims KeySet::verify(std::string_view token, const VerifyRules& rules, Clock::time_point now) const {
  auto first_dot = token.find('.');
  auto second_dot = first_dot == std::string_view::npos ? first_dot : token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos || token.find('.', second_dot + 1) != std::string_view::npos) {
    throw TokenError("malformed token");
  }
  auto header = decode_json_segment(token.substr(0, first_dot), "header");
  std::string_view signing_input = token.substr(0, second_dot);
  auto signature = base64url_decode(token.substr(second_dot + 1));
  // The algorithm is pinned per key: "none", HS256 signed with a public key as the secret,
  // ES384 and the like never get past here.
  const auto& alg = header.value("alg", nlohmann::json());
  bool legacy = false;
  if (alg == "HS256" && !legacy_hs256_secret_.empty()) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_length = 0;
    HMAC(EVP_sha256(), legacy_hs256_secret_.data(), static_cast<int>(legacy_hs256_secret_.size()),
         reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), mac, &mac_length);
    if (!signature || signature->size() != mac_length || CRYPTO_memcmp(signature->data(), mac, mac_length) != 0) {
      throw TokenError("bad signature");
    }
    legacy = true;
  } else if (alg == "ES256") {
    auto kid_it = header.find("kid");
    if (kid_it == header.end() || !kid_it->is_string()) throw TokenError("missing kid");
    auto key = keys_.find(kid_it->get<std::string>());
    if (key == keys_.end()) throw UnknownKey("unknown kid");
    auto der = signature ? raw_to_der(*signature) : std::nullopt;
    if (!der) throw TokenError("malformed signature");
    MdCtxPtr ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key->second.get()) != 1 ||
        EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(der->data()), der->size(),
                         reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) != 1) {
      throw TokenError("bad signature");
    }
  } else {
    throw TokenError("algorithm not allowed");
  }

  Claims claims;
  claims.payload = decode_json_segment(token.substr(first_dot + 1, second_dot - first_dot - 1), "payload");
  const auto& payload = claims.payload;
  if (!payload.contains("exp")) throw TokenError("missing exp");
  claims.expires_at = numeric_date(payload, "exp");
  // RFC 7519: exp is the instant on or after which the token is refused.
  if (now >= claims.expires_at + rules.leeway) throw TokenError("token expired");
  if (payload.contains("nbf") && now + rules.leeway < numeric_date(payload, "nbf")) {
    throw TokenError("token not yet valid");
  }
  if (payload.contains("iat")) claims.issued_at = numeric_date(payload, "iat");
  claims.legacy = legacy;
  if (!legacy) {
    if (string_claim(payload, "iss", true) != rules.issuer) throw TokenError("wrong issuer");
    if (!payload.contains("aud") || !audience_matches(payload["aud"], rules.audience)) {
      throw TokenError("wrong audience");
    }
  }
  claims.token_type = string_claim(payload, "token_type", true);
  if (!rules.token_type.empty() && claims.token_type != rules.token_type) {
    throw TokenError("wrong token type");
  }
  claims.jti = string_claim(payload, "jti", true);
  auto user_id = payload.find("user_id");
  if (user_id == payload.end() || !user_id->is_number_integer() ||
      (user_id->is_number_unsigned() && user_id->get<std::uint64_t>() > INT64_MAX)) {
    throw TokenError("missing user_id");
  }
  claims.user_id = user_id->get<std::int64_t>();
  claims.username = string_claim(payload, "username", false);
  claims.email = string_claim(payload, "email", false);
  claims.family = string_claim(payload, "fam", false);
  return claims;
}

std::optional<std::string> parse_bearer(std::string_view header) {
  constexpr std::string_view kScheme = "Bearer ";
  if (header.size() <= kScheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != std::tolower(static_cast<unsigned char>(kScheme[i]))) {
      return std::nullopt;
    }
  }
  auto token = header.substr(kScheme.size());
  auto first = token.find_first_not_of(' ');
  if (first == std::string_view::npos) return std::nullopt;
  token = token.substr(first);
  if (token.find(' ') != std::string_view::npos) return std::nullopt;
  return std::string(token);
}

}  // namespace common::jwt
