#include "auth/passwords/password_hasher.hpp"

#include <argon2.h>
#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>
#include <thread>
#include <vector>

namespace auth {
namespace {

constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;

}  // namespace

class PasswordHasher::Slot final {
 public:
  explicit Slot(std::counting_semaphore<>& slots) : slots_(slots) { slots_.acquire(); }
  ~Slot() { slots_.release(); }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;

 private:
  std::counting_semaphore<>& slots_;
};

PasswordHasher::PasswordHasher(Argon2Params params)
    : params_(params),
      slots_(std::make_unique<std::counting_semaphore<>>(
          params.max_concurrent > 0 ? params.max_concurrent : std::max(1u, std::thread::hardware_concurrency()))) {
  dummy_hash_ = hash("dummy password for timing equalisation");
}

std::string PasswordHasher::hash(std::string_view password) const {
  Slot slot(*slots_);
  unsigned char salt[kSaltBytes];
  if (RAND_bytes(salt, sizeof salt) != 1) throw std::runtime_error("no randomness for salt");
  std::size_t length =
      argon2_encodedlen(params_.iterations, params_.memory_kib, params_.parallelism, kSaltBytes, kHashBytes, Argon2_id);
  std::vector<char> encoded(length);
  int rc = argon2id_hash_encoded(params_.iterations, params_.memory_kib, params_.parallelism, password.data(),
                                 password.size(), salt, sizeof salt, kHashBytes, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) throw std::runtime_error(std::string("argon2: ") + argon2_error_message(rc));
  return std::string(encoded.data());
}

bool PasswordHasher::verify(std::string_view password, const std::string& encoded) const {
  if (encoded.rfind("$argon2id$", 0) != 0) return false;
  Slot slot(*slots_);
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

void PasswordHasher::verify_dummy(std::string_view password) const { (void)verify(password, dummy_hash_); }

}  // namespace auth
