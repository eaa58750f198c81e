// The Django password-hash parsers and verifiers (auth::verify_django_hash, is_django_hash).
// Input: the password, '\n', the stored hash. Work factors are capped far below the service's
// limits so that every input computes in milliseconds; hashes above the cap take the same
// kUnsupported path that the service's limits do.
#include "auth/passwords/legacy_password_hashes.hpp"
#include "fuzz_support.hpp"

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest = fuzz::as_text(data, size);
  std::string password = fuzz::next_line(rest);
  std::string encoded(rest);

  auth::DjangoHashLimits cheap;
  cheap.pbkdf2_iterations = 2000;
  cheap.argon2_memory_kib = 256;
  cheap.argon2_passes = 8;
  cheap.argon2_memory_passes = 1024;
  cheap.argon2_lanes = 2;
  cheap.bcrypt_cost = 5;
  auth::LegacyCheck check = auth::verify_django_hash(password, encoded, cheap);
  bool recognised = auth::is_django_hash(encoded);
  // Whatever is not one of the formats is never computed, let alone matched.
  if (!recognised) FUZZ_CHECK(check == auth::LegacyCheck::kUnsupported);
  // Not even an empty hash or password matches what it should not: "$" alone, or a hash
  // without its digest, never parses.
  if (check == auth::LegacyCheck::kMatch) FUZZ_CHECK(recognised && encoded.size() > 20);
  return 0;
}
