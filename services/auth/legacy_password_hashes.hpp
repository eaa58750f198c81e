#pragma once

#include <string>
#include <string_view>

// Password hashes imported from a Django backend, checked as Django's hashers check them, so
// those users can sign in (and be re-hashed with our own PasswordHasher) without a reset.
namespace auth {

enum class LegacyCheck { kMatch, kMismatch, kUnsupported };

// Verifies `password` against a Django-format hash:
//   pbkdf2_sha256$<iterations>$<salt>$<base64 hash>, pbkdf2_sha1$...,
//   argon2$argon2id$v=19$m=...,t=...,p=...$<salt>$<hash> (also argon2i, and 1.0 without v=),
//   bcrypt_sha256$$2b$<cost>$<53 chars> and bcrypt$$2b$... (also $2a$ and $2y$).
// kUnsupported for anything else, including work factors too large to compute on a request.
LegacyCheck verify_django_hash(std::string_view password, const std::string& encoded);
// True for the formats above, whatever their work factor, without computing anything.
bool is_django_hash(const std::string& encoded);

}  // namespace auth
