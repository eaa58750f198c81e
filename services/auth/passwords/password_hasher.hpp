#pragma once

#include <cstdint>
#include <memory>
#include <semaphore>
#include <string>
#include <string_view>

namespace auth {

struct Argon2Params {
  std::uint32_t memory_kib = 19456;  // OWASP's minimum for argon2id: 19 MiB, t=2, p=1
  std::uint32_t iterations = 2;
  std::uint32_t parallelism = 1;
  // Hashes computed at once; more wait their turn. Bounds memory (memory_kib each) and keeps
  // a burst of logins from starving every other call of CPU. 0: one per core.
  std::uint32_t max_concurrent = 0;
};

// argon2id, stored as a PHC string ($argon2id$v=19$m=...,t=...,p=...$salt$hash).
class PasswordHasher final {
 public:
  explicit PasswordHasher(Argon2Params params);

  std::string hash(std::string_view password) const;
  // False for a wrong password and for a hash this hasher cannot read.
  bool verify(std::string_view password, const std::string& encoded) const;
  // Spends the time of one verification, so an unknown account answers as slowly as a wrong
  // password and timing does not reveal which accounts exist.
  void verify_dummy(std::string_view password) const;

 private:
  // Holds a hashing slot for its lifetime.
  class Slot;

  Argon2Params params_;
  std::unique_ptr<std::counting_semaphore<>> slots_;
  std::string dummy_hash_;
};

}  // namespace auth
