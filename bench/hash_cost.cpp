// What one password hash costs with the auth service's argon2id settings (the same
// ARGON2_* variables, the same defaults). Prints JSON.
// Usage: hash_cost [COUNT]
#include "auth/app/auth_config.hpp"
#include "auth/passwords/password_hasher.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>

int main(int argc, char** argv) {
  int count = argc > 1 ? std::atoi(argv[1]) : 20;
  common::Env env("hash_cost", "argon2id cost of the auth service's settings");
  auto config = auth::AuthConfig::from_env(env);
  auth::PasswordHasher hasher(config.argon2);
  std::string encoded = hasher.hash("warm-up-password-1");
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < count; ++i) {
    if (!hasher.verify("warm-up-password-1", encoded)) return 1;
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << nlohmann::json{{"algorithm", "argon2id"},
                              {"memory_kib", config.argon2.memory_kib},
                              {"iterations", config.argon2.iterations},
                              {"parallelism", config.argon2.parallelism},
                              {"ms_per_hash", seconds * 1000.0 / count}}
                   .dump()
            << "\n";
  return 0;
}
