#pragma once

#include <cstdint>
#include <string>
#include <string_view>

// Password hashes imported from a Django backend, checked as Django's hashers check them, so
// those users can sign in (and be re-hashed with our own PasswordHasher) without a reset.
namespace auth {

enum class LegacyCheck { kMatch, kMismatch, kUnsupported };

// The most work one check may cost: a stored hash asking for more is kUnsupported, so that an
// imported hash cannot stall (or, with argon2's memory, exhaust) the service on every login
// attempt at its account. The defaults allow a few times Django's own defaults (PBKDF2 1.2M
// iterations, argon2 m=102400 t=2 p=8, bcrypt 12), at most about 4 s of one core here.
struct DjangoHashLimits {
  std::uint64_t pbkdf2_iterations = 10'000'000;
  std::uint64_t argon2_memory_kib = 256 * 1024;
  std::uint64_t argon2_passes = 100;
  std::uint64_t argon2_memory_passes = 2 * 1024 * 1024;  // memory (KiB) times passes
  std::uint64_t argon2_lanes = 16;                       // libargon2 runs one thread per lane
  std::uint64_t bcrypt_cost = 16;
};

// Verifies `password` against a Django-format hash:
//   pbkdf2_sha256$<iterations>$<salt>$<base64 hash>, pbkdf2_sha1$...,
//   argon2$argon2id$v=19$m=...,t=...,p=...$<salt>$<hash> (also argon2i, and 1.0 without v=),
//   bcrypt_sha256$$2b$<cost>$<53 chars> and bcrypt$$2b$... (also $2a$ and $2y$).
// kUnsupported for anything else, including work factors too large to compute on a request.
LegacyCheck verify_django_hash(std::string_view password, const std::string& encoded,
                               const DjangoHashLimits& limits = {});
// True for the formats above, whatever their work factor, without computing anything.
bool is_django_hash(const std::string& encoded);

}  // namespace auth
