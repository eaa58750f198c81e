#include "auth/passwords/legacy_password_hashes.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace {

using auth::LegacyCheck;

struct DjangoHash {
  const char* label;
  std::string password;
  std::string encoded;
};

// Made offline by Django 3.2.25's own hashers (Debian 12's python3-django, python3-argon2 21.1,
// python3-bcrypt 3.2.2): make_password() with the default work factors, and the hashers' encode()
// with small ones to keep the suite fast. Each was checked with Django's check_password().
const std::vector<DjangoHash> kDjangoHashes = {
    {"pbkdf2_sha256, Django 3.2 default", "secret",
     "pbkdf2_sha256$260000$yDP6juix4hl9VaMCPYMuUJ$YB0lA8l7v0ZKwLmnfkHHdPICU5bM9pKqbEA6NvFXMFM="},
    {"pbkdf2_sha256", "correct horse battery staple",
     "pbkdf2_sha256$1000$c2FsdHNhbHQ1234$ScY73C7vmTF9l0nmTIPKA1cAoLa+YLaI4xQ+hVFptIE="},
    {"pbkdf2_sha256, non-ASCII password", "pässwörd🔒",
     "pbkdf2_sha256$1200$NaCl$R/XfXBB7mBy/hBSLAdtSaJFbvX8vv2OVU/OXaE8EgN8="},
    {"pbkdf2_sha256, empty password", "", "pbkdf2_sha256$1000$seasalt$XHfRVmyEZRTCcSbqGP00JKv0fRwYHK0ogjPZdSJxCXk="},
    {"pbkdf2_sha1, Django 3.2 default", "secret",
     "pbkdf2_sha1$260000$tA4qC9wszyhFqz3Tl31GVb$HN+Fv+4MYcY/fGYgr16buzY/V0Y="},
    {"pbkdf2_sha1", "hunter2", "pbkdf2_sha1$1000$abcdefgh$K0iP+D1SosxfVz1ATtpkBR4I/QU="},
    {"argon2id, Django default", "secret",
     "argon2$argon2id$v=19$m=102400,t=2,p=8$UWdUNTRtaDNodkMybGVxSVp5c2pmRg$bMn5sNVDlFmTCqvH6PMydw"},
    {"argon2id, non-ASCII password", "pässwörd🔒",
     "argon2$argon2id$v=19$m=1024,t=1,p=1$dlBESDdFRmdVWFF3aDVkMDU1dW5POQ$W9mmFtdBkSK1Bp0pAWHbpg"},
    {"argon2id, two lanes", "secret",
     "argon2$argon2id$v=19$m=256,t=3,p=2$bmlVc2lBb3NiRU41YkJUaUxGVWVFdw$hCx8dI/Lojwy95buOJxc/g"},
    {"argon2i (Django before 3.2)", "secret",
     "argon2$argon2i$v=19$m=512,t=2,p=2$c2FsdHNhbHRzYWx0$wzTKvDvH6VLXhHA3hai7hg"},
    // Django's own test of a hash from argon2 1.0, which had no "v=" field.
    {"argon2i 1.0", "secret",
     "argon2$argon2i$m=8,t=1,p=1$c29tZXNhbHQ$"
     "gwQOXSNhxiOxPOA0+PY10P9QFO4NAYysnqRt1GSQLE55m+2GYDt9FEjPMHhP2Cuf0nOEXXMocVrsJAtNSsKyfg"},
    {"bcrypt_sha256, Django default", "secret",
     "bcrypt_sha256$$2b$12$dI93gt.MNClX6F08h8biWeW/5qYmOHbFvhfUIHFwWTfOH4sT8h7QO"},
    {"bcrypt_sha256, non-ASCII password", "pässwörd🔒",
     "bcrypt_sha256$$2b$04$Qp9IPGttkPlTPO6xn2W2Gu1Zg1OvXtT5fCKtAQVeCN9sftJ73K8nW"},
    {"bcrypt_sha256, 84-byte password", std::string(80, 'L') + "tail",
     "bcrypt_sha256$$2b$05$ihKeucNP.Y6KwZpWRZ2ige33x/ZAOQQVThDq8hz9gvx7Ber4dmxQm"},
    {"bcrypt", "secret", "bcrypt$$2b$04$u61VrnVv9XGQGtGDPGqK6OPL.dFdN1neoqc3Se3//81k7b8zTNh76"},
    {"bcrypt, 84-byte password", std::string(80, 'L') + "tail",
     "bcrypt$$2b$04$P1DPS0hvL1dtzAho4PPVKe9AflZO4Vaw8MAVi1oYI1vhYe3KGPqBe"},
    {"bcrypt $2a$", "secret", "bcrypt$$2a$04$EmMp2PUZ6TUo11FMKOxo5.NKu2l1fvEutrv8Vvd7sO5kQv70V111e"},
    // The "bcrypt" vector above relabelled $2y$ (PHP's name for $2b$): Django accepts it too.
    {"bcrypt $2y$", "secret", "bcrypt$$2y$04$u61VrnVv9XGQGtGDPGqK6OPL.dFdN1neoqc3Se3//81k7b8zTNh76"},
};

TEST(LegacyPasswordHashes, VerifiesHashesMadeByDjango) {
  for (const auto& h : kDjangoHashes) {
    SCOPED_TRACE(h.label);
    EXPECT_TRUE(auth::is_django_hash(h.encoded));
    EXPECT_EQ(auth::verify_django_hash(h.password, h.encoded), LegacyCheck::kMatch);
  }
}

TEST(LegacyPasswordHashes, RejectsWrongPasswords) {
  for (const auto& h : kDjangoHashes) {
    SCOPED_TRACE(h.label);
    EXPECT_EQ(auth::verify_django_hash("x" + h.password, h.encoded), LegacyCheck::kMismatch);
    // Past 72 bytes, plain bcrypt does not see the change (next test).
    if (h.password.size() < 72) {
      EXPECT_EQ(auth::verify_django_hash(h.password + "x", h.encoded), LegacyCheck::kMismatch);
    }
  }
  EXPECT_EQ(auth::verify_django_hash("Secret", kDjangoHashes[0].encoded), LegacyCheck::kMismatch);
}

TEST(LegacyPasswordHashes, PlainBcryptIgnoresBytesPast72AndBcryptSha256DoesNot) {
  // What Django answers too: its check_password() is true for the first and false for the second.
  const std::string other_tail = std::string(72, 'L') + "other";
  const std::string bcrypt = "bcrypt$$2b$04$P1DPS0hvL1dtzAho4PPVKe9AflZO4Vaw8MAVi1oYI1vhYe3KGPqBe";
  const std::string sha256 = "bcrypt_sha256$$2b$05$ihKeucNP.Y6KwZpWRZ2ige33x/ZAOQQVThDq8hz9gvx7Ber4dmxQm";
  EXPECT_EQ(auth::verify_django_hash(other_tail, bcrypt), LegacyCheck::kMatch);
  EXPECT_EQ(auth::verify_django_hash(other_tail, sha256), LegacyCheck::kMismatch);
}

TEST(LegacyPasswordHashes, PasswordWithNulNeverMatchesPlainBcrypt) {
  // crypt() would stop at the NUL and accept "secret"; Python's bcrypt refuses the password.
  EXPECT_EQ(auth::verify_django_hash(std::string("secret\0tail", 11),
                                     "bcrypt$$2b$04$u61VrnVv9XGQGtGDPGqK6OPL.dFdN1neoqc3Se3//81k7b8zTNh76"),
            LegacyCheck::kMismatch);
}

TEST(LegacyPasswordHashes, TamperedHashesDoNotMatch) {
  // A changed hash character, salt, iteration count or algorithm name.
  EXPECT_EQ(auth::verify_django_hash("hunter2", "pbkdf2_sha1$1000$abcdefgh$K0iP+D1SosxfVz1ATtpkBR4I/QV="),
            LegacyCheck::kMismatch);
  EXPECT_EQ(auth::verify_django_hash("hunter2", "pbkdf2_sha1$1000$abcdefgi$K0iP+D1SosxfVz1ATtpkBR4I/QU="),
            LegacyCheck::kMismatch);
  EXPECT_EQ(auth::verify_django_hash("hunter2", "pbkdf2_sha1$1001$abcdefgh$K0iP+D1SosxfVz1ATtpkBR4I/QU="),
            LegacyCheck::kMismatch);
  EXPECT_EQ(auth::verify_django_hash("hunter2", "pbkdf2_sha256$1000$abcdefgh$K0iP+D1SosxfVz1ATtpkBR4I/QU="),
            LegacyCheck::kMismatch);
  // Django re-encodes the count, so a zero-padded one is not the same hash.
  EXPECT_EQ(auth::verify_django_hash("hunter2", "pbkdf2_sha1$01000$abcdefgh$K0iP+D1SosxfVz1ATtpkBR4I/QU="),
            LegacyCheck::kMismatch);
  EXPECT_EQ(auth::verify_django_hash("secret", "bcrypt$$2b$04$u61VrnVv9XGQGtGDPGqK6OPL.dFdN1neoqc3Se3//81k7b8zTNh77"),
            LegacyCheck::kMismatch);
  EXPECT_EQ(
      auth::verify_django_hash("secret", "argon2$argon2i$v=19$m=512,t=2,p=2$c2FsdHNhbHRzYWx0$xzTKvDvH6VLXhHA3hai7hg"),
      LegacyCheck::kMismatch);
  // Non-zero padding bits in the last base64 character: libargon2 cannot decode it, and Django's
  // check_password() answers false.
  EXPECT_EQ(
      auth::verify_django_hash("secret", "argon2$argon2i$v=19$m=512,t=2,p=2$c2FsdHNhbHRzYWx0$wzTKvDvH6VLXhHA3hai7hh"),
      LegacyCheck::kMismatch);
}

TEST(LegacyPasswordHashes, OtherFormatsAreUnsupported) {
  const std::vector<std::string> others = {
      "",
      "!unusablepasswordxxxxxxxxxxxxxxxxxxxxxxxx",              // Django's set_unusable_password()
      "$argon2id$v=19$m=1024,t=1,p=1$c29tZXNhbHQ$aGFzaGhhc2g",  // our own PasswordHasher's format
      "sha1$salt$0123456789abcdef0123456789abcdef01234567",
      "md5$salt$0123456789abcdef0123456789abcdef",
      "unsalted_md5$0123456789abcdef0123456789abcdef",
      "crypt$$ab1234567890",
      "pbkdf2_sha512$1000$salt$aGFzaA==",
      "pbkdf2_sha256$1000$salt",
      "pbkdf2_sha256$$salt$aGFzaA==",
      "pbkdf2_sha256$0$salt$aGFzaA==",
      "pbkdf2_sha256$-5$salt$aGFzaA==",
      "pbkdf2_sha256$1000$$aGFzaA==",
      "argon2$argon2d$v=19$m=512,t=2,p=2$c2FsdHNhbHRzYWx0$wzTKvDvH6VLXhHA3hai7hg",
      "argon2$argon2id$v=19$m=512,p=2$c2FsdHNhbHRzYWx0$wzTKvDvH6VLXhHA3hai7hg",
      "argon2$argon2id$v=19$m=512,t=2,p=2$c2FsdHNhbHRzYWx0",
      "argon2$argon2id$v=19$m=512,t=2,p=2$c2FsdHNhbHRzYWx0$wzTKvDvH6VLXhHA3hai7hg$",
      "bcrypt_sha256$2b$12$dI93gt.MNClX6F08h8biWeW/5qYmOHbFvhfUIHFwWTfOH4sT8h7QO",
      "bcrypt_sha256$$2b$12$dI93gt.MNClX6F08h8biWeW/5qYmOHbFvhfUIHFwWTfOH4sT8h7Q",
      "bcrypt$$2x$04$u61VrnVv9XGQGtGDPGqK6OPL.dFdN1neoqc3Se3//81k7b8zTNh76",
      "bcrypt$$2b$04$u61VrnVv9XGQGtGDPGqK6OPL.dFdN1neoqc3Se3//81k7b8zTNh7!",
  };
  for (const auto& encoded : others) {
    SCOPED_TRACE(encoded);
    EXPECT_FALSE(auth::is_django_hash(encoded));
    EXPECT_EQ(auth::verify_django_hash("secret", encoded), LegacyCheck::kUnsupported);
  }
}

TEST(LegacyPasswordHashes, RefusesWorkFactorsThatWouldStallARequest) {
  // Well-formed, so recognised, but not computed: each answer comes back at once.
  const std::vector<std::string> expensive = {
      "pbkdf2_sha256$10000001$salt$aGFzaA==",
      "pbkdf2_sha256$2147483648$salt$aGFzaA==",
      "argon2$argon2id$v=19$m=4194304,t=2,p=8$c2FsdHNhbHRzYWx0$wzTKvDvH6VLXhHA3hai7hg",
      "argon2$argon2id$v=19$m=1024,t=1000,p=1$c2FsdHNhbHRzYWx0$wzTKvDvH6VLXhHA3hai7hg",
      "argon2$argon2id$v=19$m=1024,t=1,p=1000$c2FsdHNhbHRzYWx0$wzTKvDvH6VLXhHA3hai7hg",
      "bcrypt$$2b$31$u61VrnVv9XGQGtGDPGqK6OPL.dFdN1neoqc3Se3//81k7b8zTNh76",
      // Within the old separate bounds (1 GiB, 100 passes, 64 lanes): about two minutes, a GiB
      // and 64 threads per login attempt. Now memory times passes is bounded too.
      "argon2$argon2id$v=19$m=1048576,t=100,p=64$c2FsdHNhbHRzYWx0$wzTKvDvH6VLXhHA3hai7hg",
      "argon2$argon2id$v=19$m=524288,t=1,p=1$c2FsdHNhbHRzYWx0$wzTKvDvH6VLXhHA3hai7hg",
      "argon2$argon2id$v=19$m=262144,t=9,p=1$c2FsdHNhbHRzYWx0$wzTKvDvH6VLXhHA3hai7hg",
      "argon2$argon2id$v=19$m=1024,t=1,p=17$c2FsdHNhbHRzYWx0$wzTKvDvH6VLXhHA3hai7hg",
  };
  auto start = std::chrono::steady_clock::now();
  for (const auto& encoded : expensive) {
    SCOPED_TRACE(encoded);
    EXPECT_TRUE(auth::is_django_hash(encoded));
    EXPECT_EQ(auth::verify_django_hash("secret", encoded), LegacyCheck::kUnsupported);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

TEST(LegacyPasswordHashes, WorkLimitsAreInclusiveAndTheCallers) {
  const std::string pbkdf2 = "pbkdf2_sha1$1000$abcdefgh$K0iP+D1SosxfVz1ATtpkBR4I/QU=";
  const std::string argon2 = "argon2$argon2id$v=19$m=256,t=3,p=2$bmlVc2lBb3NiRU41YkJUaUxGVWVFdw$hCx8dI/Lojwy95buOJxc/g";
  const std::string bcrypt = "bcrypt$$2b$04$u61VrnVv9XGQGtGDPGqK6OPL.dFdN1neoqc3Se3//81k7b8zTNh76";
  auth::DjangoHashLimits limits;
  limits.pbkdf2_iterations = 1000;
  limits.argon2_memory_kib = 256;
  limits.argon2_passes = 3;
  limits.argon2_memory_passes = 256 * 3;
  limits.argon2_lanes = 2;
  limits.bcrypt_cost = 4;
  EXPECT_EQ(auth::verify_django_hash("hunter2", pbkdf2, limits), LegacyCheck::kMatch);
  EXPECT_EQ(auth::verify_django_hash("secret", argon2, limits), LegacyCheck::kMatch);
  EXPECT_EQ(auth::verify_django_hash("secret", bcrypt, limits), LegacyCheck::kMatch);

  auto below = [&](auto change) {
    auth::DjangoHashLimits tighter = limits;
    change(tighter);
    return tighter;
  };
  EXPECT_EQ(auth::verify_django_hash("hunter2", pbkdf2, below([](auto& l) { l.pbkdf2_iterations = 999; })),
            LegacyCheck::kUnsupported);
  EXPECT_EQ(auth::verify_django_hash("secret", argon2, below([](auto& l) { l.argon2_memory_kib = 255; })),
            LegacyCheck::kUnsupported);
  EXPECT_EQ(auth::verify_django_hash("secret", argon2, below([](auto& l) { l.argon2_passes = 2; })),
            LegacyCheck::kUnsupported);
  EXPECT_EQ(auth::verify_django_hash("secret", argon2, below([](auto& l) { l.argon2_memory_passes = 767; })),
            LegacyCheck::kUnsupported);
  EXPECT_EQ(auth::verify_django_hash("secret", argon2, below([](auto& l) { l.argon2_lanes = 1; })),
            LegacyCheck::kUnsupported);
  EXPECT_EQ(auth::verify_django_hash("secret", bcrypt, below([](auto& l) { l.bcrypt_cost = 3; })),
            LegacyCheck::kUnsupported);
}

}  // namespace
