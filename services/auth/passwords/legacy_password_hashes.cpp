#include "auth/passwords/legacy_password_hashes.hpp"

#include <argon2.h>
#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace auth {
namespace {

// A decimal without sign or spaces; nullopt when it is not one or does not fit.
std::optional<std::uint64_t> parse_number(std::string_view text) {
  std::uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Splits off the text before the next '$' (or all of it).
std::string_view next_field(std::string_view& rest) {
  auto dollar = rest.find('$');
  std::string_view field = rest.substr(0, dollar);
  rest = dollar == std::string_view::npos ? std::string_view() : rest.substr(dollar + 1);
  return field;
}

// Lengths are public (they follow from the format); contents are compared in constant time.
bool constant_time_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

struct Pbkdf2Hash {
  std::string_view algorithm;
  const EVP_MD* digest;
  std::uint64_t iterations;
  std::string_view salt;
};

std::optional<Pbkdf2Hash> parse_pbkdf2(std::string_view encoded) {
  std::string_view rest = encoded;
  std::string_view algorithm = next_field(rest);
  const EVP_MD* digest = algorithm == "pbkdf2_sha256" ? EVP_sha256()
                         : algorithm == "pbkdf2_sha1" ? EVP_sha1()
                                                      : nullptr;
  auto iterations = parse_number(next_field(rest));
  std::string_view salt = next_field(rest);
  // The hash is the rest, as Django splits with maxsplit=3.
  if (digest == nullptr || !iterations || *iterations == 0 || salt.empty() || rest.empty()) {
    return std::nullopt;
  }
  return Pbkdf2Hash{algorithm, digest, *iterations, salt};
}

LegacyCheck verify_pbkdf2(std::string_view password, const std::string& encoded, const Pbkdf2Hash& parsed,
                          const DjangoHashLimits& limits) {
  if (parsed.iterations > limits.pbkdf2_iterations || password.size() > INT_MAX) return LegacyCheck::kUnsupported;
  auto key_length = static_cast<std::size_t>(EVP_MD_size(parsed.digest));
  std::vector<unsigned char> key(key_length);
  const auto* salt = reinterpret_cast<const unsigned char*>(parsed.salt.data());
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt, static_cast<int>(parsed.salt.size()),
                        static_cast<int>(parsed.iterations), parsed.digest, static_cast<int>(key.size()),
                        key.data()) != 1) {
    return LegacyCheck::kUnsupported;
  }
  std::vector<unsigned char> base64(4 * ((key.size() + 2) / 3) + 1);
  int base64_length = EVP_EncodeBlock(base64.data(), key.data(), static_cast<int>(key.size()));
  // Django re-encodes and compares whole strings, so a non-canonical iteration count
  // ("0100") does not match either.
  std::string expected =
      std::string(parsed.algorithm) + "$" + std::to_string(parsed.iterations) + "$" + std::string(parsed.salt) + "$" +
      std::string(reinterpret_cast<const char*>(base64.data()), static_cast<std::size_t>(base64_length));
  return constant_time_equal(expected, encoded) ? LegacyCheck::kMatch : LegacyCheck::kMismatch;
}

struct Argon2Hash {
  argon2_type type;
  std::string_view phc;  // "$argon2id$v=19$m=...": what argon2-cffi, and so libargon2, reads
  std::uint64_t memory_kib;
  std::uint64_t passes;
  std::uint64_t lanes;
};

std::optional<Argon2Hash> parse_argon2(std::string_view encoded) {
  constexpr std::string_view kPrefix = "argon2$";
  if (!encoded.starts_with(kPrefix)) return std::nullopt;
  std::string_view phc = encoded.substr(kPrefix.size() - 1);
  std::string_view rest = encoded.substr(kPrefix.size());
  std::string_view variant = next_field(rest);
  std::optional<argon2_type> type;
  if (variant == "argon2id") type = Argon2_id;
  if (variant == "argon2i") type = Argon2_i;
  std::string_view field = next_field(rest);
  // Hashes from argon2 1.0 (Django 1.10's era) have no "v=" field.
  if (field.starts_with("v=")) {
    if (!parse_number(field.substr(2))) return std::nullopt;
    field = next_field(rest);
  }
  std::optional<std::uint64_t> memory, passes, lanes;
  if (field.starts_with("m=")) {
    auto t = field.find(",t=");
    auto p = field.find(",p=");
    if (t != std::string_view::npos && p != std::string_view::npos && t < p) {
      memory = parse_number(field.substr(2, t - 2));
      passes = parse_number(field.substr(t + 3, p - t - 3));
      lanes = parse_number(field.substr(p + 3));
    }
  }
  std::string_view salt = next_field(rest);
  std::string_view hash = next_field(rest);
  if (!type || !memory || !passes || !lanes || salt.empty() || hash.empty() || !rest.empty() ||
      encoded.ends_with('$')) {
    return std::nullopt;
  }
  return Argon2Hash{*type, phc, *memory, *passes, *lanes};
}

LegacyCheck verify_argon2(std::string_view password, const Argon2Hash& parsed, const DjangoHashLimits& limits) {
  // Time grows with memory times passes: each bounded alone (1 GiB, 100 passes) still let one
  // hash cost minutes and a GiB per login attempt.
  if (parsed.memory_kib > limits.argon2_memory_kib || parsed.lanes > limits.argon2_lanes ||
      parsed.passes > limits.argon2_passes ||
      parsed.passes > limits.argon2_memory_passes / std::max<std::uint64_t>(parsed.memory_kib, 1)) {
    return LegacyCheck::kUnsupported;
  }
  // libargon2 wants a C string; its comparison of the hashes is constant-time.
  std::string phc(parsed.phc);
  int rc = argon2_verify(phc.c_str(), password.data(), password.size(), parsed.type);
  if (rc == ARGON2_OK) return LegacyCheck::kMatch;
  if (rc == ARGON2_MEMORY_ALLOCATION_ERROR || rc == ARGON2_THREAD_FAIL) return LegacyCheck::kUnsupported;
  // argon2-cffi turns every other refusal (a hash libargon2 cannot decode too) into a failed
  // verification, so Django answers false.
  return LegacyCheck::kMismatch;
}

struct BcryptHash {
  bool sha256_first;         // bcrypt_sha256: bcrypt of the password's SHA-256 hex digest, no 72-byte cut
  std::string_view setting;  // "$2b$12$" + 22 salt + 31 hash characters
  std::uint64_t cost;
};

bool is_bcrypt_base64(char c) {
  return c == '.' || c == '/' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

std::optional<BcryptHash> parse_bcrypt(std::string_view encoded) {
  bool sha256_first = encoded.starts_with("bcrypt_sha256$");
  if (!sha256_first && !encoded.starts_with("bcrypt$")) return std::nullopt;
  std::string_view setting = encoded.substr(encoded.find('$') + 1);
  constexpr std::size_t kLength = 60;  // "$2b$" + 2 cost digits + "$" + 53
  bool known_variant = setting.starts_with("$2a$") || setting.starts_with("$2b$") || setting.starts_with("$2y$");
  if (setting.size() != kLength || !known_variant || setting[6] != '$' ||
      !std::all_of(setting.begin() + 7, setting.end(), is_bcrypt_base64)) {
    return std::nullopt;
  }
  auto cost = parse_number(setting.substr(4, 2));
  if (!cost) return std::nullopt;
  return BcryptHash{sha256_first, setting, *cost};
}

std::string sha256_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr) != 1) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0x0F]);
  }
  return hex;
}

LegacyCheck verify_bcrypt(std::string_view password, const BcryptHash& parsed, const DjangoHashLimits& limits) {
  if (parsed.cost > limits.bcrypt_cost) return LegacyCheck::kUnsupported;
  std::string phrase = parsed.sha256_first ? sha256_hex(password) : std::string(password);
  if (parsed.sha256_first && phrase.empty()) return LegacyCheck::kUnsupported;  // no digest
  // crypt() would stop at a NUL and match a prefix; Python's bcrypt refuses such a password.
  if (phrase.find('\0') != std::string::npos) return LegacyCheck::kMismatch;
  std::string setting(parsed.setting);
  auto data = std::make_unique<crypt_data>();  // zeroed, as libxcrypt asks of a first use
  const char* output = crypt_rn(phrase.c_str(), setting.c_str(), data.get(), sizeof(crypt_data));
  if (output == nullptr) return LegacyCheck::kUnsupported;
  return constant_time_equal(output, parsed.setting) ? LegacyCheck::kMatch : LegacyCheck::kMismatch;
}

}  // namespace

LegacyCheck verify_django_hash(std::string_view password, const std::string& encoded, const DjangoHashLimits& limits) {
  if (auto pbkdf2 = parse_pbkdf2(encoded)) return verify_pbkdf2(password, encoded, *pbkdf2, limits);
  if (auto argon2 = parse_argon2(encoded)) return verify_argon2(password, *argon2, limits);
  if (auto bcrypt = parse_bcrypt(encoded)) return verify_bcrypt(password, *bcrypt, limits);
  return LegacyCheck::kUnsupported;
}

bool is_django_hash(const std::string& encoded) {
  return parse_pbkdf2(encoded) || parse_argon2(encoded) || parse_bcrypt(encoded);
}

}  // namespace auth
