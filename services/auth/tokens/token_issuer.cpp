#include "auth/tokens/token_issuer.hpp"

#include "common/core/epoch.hpp"
#include "common/core/text.hpp"

namespace auth {
namespace {

using common::epoch_seconds;

}  // namespace

std::string random_token_id() { return common::random_hex(16); }

TokenIssuer::TokenIssuer(common::jwt::SigningKey key, TokenSettings settings, common::jwt::KeySet also_trusted)
    : key_(std::move(key)), own_keys_(std::move(also_trusted)), settings_(std::move(settings)) {
  own_keys_.add(key_.key());
}

std::vector<nlohmann::json> TokenIssuer::jwks() const {
  std::vector<nlohmann::json> out;
  // The signing key first: clients that take the first key get the current one.
  out.push_back(common::jwt::public_jwk(key_.key().get()));
  for (const auto& key : own_keys_.keys()) {
    if (common::jwt::key_thumbprint(key.get()) != key_.kid()) out.push_back(common::jwt::public_jwk(key.get()));
  }
  return out;
}

IssuedPair TokenIssuer::issue(const UserRecord& user, const std::string& family,
                              common::jwt::Clock::time_point now) const {
  auto claims_for = [&](const char* type, std::chrono::seconds ttl, IssuedToken& out) {
    out.jti = random_token_id();
    out.expires_at = std::chrono::time_point_cast<std::chrono::seconds>(now) + ttl;
    return nlohmann::json{{"iss", settings_.issuer},
                          {"aud", settings_.audience},
                          {"sub", std::to_string(user.id)},
                          {"user_id", user.id},
                          {"token_type", type},
                          {"jti", out.jti},
                          {"iat", epoch_seconds(now)},
                          {"exp", epoch_seconds(out.expires_at)},
                          {"username", user.username},
                          {"email", user.email}};
  };
  IssuedPair pair;
  pair.family = family.empty() ? random_token_id() : family;
  auto access = claims_for("access", settings_.access_ttl, pair.access);
  access["fam"] = pair.family;
  pair.access.token = key_.sign(access);
  auto refresh = claims_for("refresh", settings_.refresh_ttl, pair.refresh);
  refresh["fam"] = pair.family;
  pair.refresh.token = key_.sign(refresh);
  return pair;
}

std::string TokenIssuer::service_token(std::int64_t user_id, const std::string& audience, const std::string& scope,
                                       common::jwt::Clock::time_point now) const {
  return key_.sign({{"iss", settings_.issuer},
                    {"aud", audience},
                    {"sub", settings_.issuer},
                    {"user_id", user_id},
                    {"token_type", "service"},
                    {"scope", scope},
                    {"jti", random_token_id()},
                    {"iat", epoch_seconds(now)},
                    {"exp", epoch_seconds(now) + 60}});
}

common::jwt::Claims TokenIssuer::verify(const std::string& token, const std::string& token_type) const {
  return own_keys_.verify(token, {settings_.issuer, settings_.audience, settings_.leeway, token_type});
}

}  // namespace auth
