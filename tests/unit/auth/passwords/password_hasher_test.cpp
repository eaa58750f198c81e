#include "auth/passwords/password_hasher.hpp"

#include <argon2.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

// Small parameters keep the suite fast; libargon2 needs memory >= 8 * parallelism KiB.
const auth::Argon2Params kFastParams{1024, 1, 1};

TEST(PasswordHasher, HashIsAnArgon2idPhcStringWithTheConfiguredParameters) {
  auth::PasswordHasher hasher(kFastParams);
  std::string encoded = hasher.hash("correct horse battery staple");
  const std::string prefix = "$argon2id$v=19$m=1024,t=1,p=1$";
  ASSERT_EQ(encoded.rfind(prefix, 0), 0u) << encoded;
  // Then "<salt>$<hash>", both unpadded standard base64: 16-byte salt, 32-byte hash.
  std::string rest = encoded.substr(prefix.size());
  auto dollar = rest.find('$');
  ASSERT_NE(dollar, std::string::npos);
  EXPECT_EQ(rest.substr(0, dollar).size(), 22u);
  EXPECT_EQ(rest.substr(dollar + 1).size(), 43u);
  EXPECT_EQ(encoded.find('\0'), std::string::npos);
}

TEST(PasswordHasher, VerifiesTheRightPasswordOnly) {
  auth::PasswordHasher hasher(kFastParams);
  std::string encoded = hasher.hash("s3cret-pässword");
  EXPECT_TRUE(hasher.verify("s3cret-pässword", encoded));
  EXPECT_FALSE(hasher.verify("s3cret-password", encoded));
  EXPECT_FALSE(hasher.verify("s3cret-pässword ", encoded));
  EXPECT_FALSE(hasher.verify("", encoded));
}

TEST(PasswordHasher, SamePasswordHashesDifferentlyBecauseOfTheSalt) {
  auth::PasswordHasher hasher(kFastParams);
  std::string first = hasher.hash("password123");
  std::string second = hasher.hash("password123");
  EXPECT_NE(first, second);
  EXPECT_TRUE(hasher.verify("password123", first));
  EXPECT_TRUE(hasher.verify("password123", second));
}

TEST(PasswordHasher, VerifiesHashesMadeWithOtherParameters) {
  // Stored hashes carry their own parameters, so raising the cost keeps old hashes valid.
  auth::PasswordHasher old_hasher({2048, 2, 1});
  auth::PasswordHasher new_hasher(kFastParams);
  std::string encoded = old_hasher.hash("tr0ub4dor");
  EXPECT_TRUE(new_hasher.verify("tr0ub4dor", encoded));
  EXPECT_FALSE(new_hasher.verify("tr0ub4dor&3", encoded));
}

TEST(PasswordHasher, RefusesAValidHashOfAnotherArgon2Variant) {
  const std::string password = "password123";
  const unsigned char salt[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  std::vector<char> argon2i(argon2_encodedlen(1, 1024, 1, sizeof salt, 32, Argon2_i));
  ASSERT_EQ(argon2i_hash_encoded(1, 1024, 1, password.data(), password.size(), salt, sizeof salt, 32, argon2i.data(),
                                 argon2i.size()),
            ARGON2_OK);
  std::string encoded(argon2i.data());
  ASSERT_EQ(encoded.rfind("$argon2i$", 0), 0u);

  auth::PasswordHasher hasher(kFastParams);
  EXPECT_FALSE(hasher.verify(password, encoded));
}

TEST(PasswordHasher, RefusesStringsThatAreNotArgon2id) {
  auth::PasswordHasher hasher(kFastParams);
  EXPECT_FALSE(hasher.verify("password", "password"));
  EXPECT_FALSE(hasher.verify("password", ""));
  EXPECT_FALSE(hasher.verify("password", "$2b$12$C6UzMDM.H6dfI/f/IKcEeO5R6bA6fZq5Q9R1YxZy7u2/5PZ3bJ4i."));
  EXPECT_FALSE(hasher.verify("password", "pbkdf2_sha256$600000$salt$hash="));
}

TEST(PasswordHasher, RefusesMalformedArgon2idStrings) {
  auth::PasswordHasher hasher(kFastParams);
  std::string good = hasher.hash("password");
  ASSERT_TRUE(hasher.verify("password", good));

  EXPECT_FALSE(hasher.verify("password", "$argon2id$"));
  EXPECT_FALSE(hasher.verify("password", "$argon2id$v=19$m=1024,t=1,p=1$garbage"));
  EXPECT_FALSE(hasher.verify("password", "$argon2id$v=19$m=1024,t=1,p=1$!!!!$!!!!"));
  EXPECT_FALSE(hasher.verify("password", good.substr(0, good.size() - 5)));  // truncated hash
  std::string wrong_params = good;
  wrong_params.replace(wrong_params.find("t=1"), 3, "t=2");  // parameters are part of the hash
  EXPECT_FALSE(hasher.verify("password", wrong_params));
}

}  // namespace
