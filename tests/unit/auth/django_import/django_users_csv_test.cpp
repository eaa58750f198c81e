#include "auth/django_import/django_users.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace {

using namespace std::chrono;
using auth::DjangoUser;
using auth::ImportError;

constexpr const char* kHeader =
    "id,password,last_login,is_superuser,username,first_name,last_name,email,is_staff,is_active,date_joined\n";

std::vector<DjangoUser> read(const std::string& csv) {
  std::istringstream in(csv);
  return auth::read_django_users_csv(in);
}

// The ImportError's message, or "" when reading succeeds.
std::string error_of(const std::string& csv) {
  try {
    read(csv);
  } catch (const ImportError& e) {
    return e.what();
  }
  return "";
}

// "<id>,p,u<id>,<value>": a user with one extra column.
std::string row(int id, const std::string& value) {
  return std::to_string(id) + ",p,u" + std::to_string(id) + "," + value + "\n";
}

system_clock::time_point utc(int y, unsigned mo, unsigned d, int h, int mi, int s, int us = 0) {
  return sys_days(year{y} / mo / d) + hours(h) + minutes(mi) + seconds(s) + microseconds(us);
}

TEST(DjangoUsersCsv, ReadsWhatPsqlCopyWrites) {
  auto users = read(std::string(kHeader) +
                    "1,pbkdf2_sha256$260000$salt$hash=,2024-05-06 07:08:09.123456+00,t,alice,Alice,Liddell,"
                    "alice@example.com,t,t,2020-01-02 03:04:05.5+00\n"
                    "2,!unusable,,f,bob,,,\"\",f,f,2021-02-03 04:05:06+00\n");
  ASSERT_EQ(users.size(), 2u);
  const auto& alice = users[0];
  EXPECT_EQ(alice.id, 1);
  EXPECT_EQ(alice.password, "pbkdf2_sha256$260000$salt$hash=");
  EXPECT_EQ(alice.username, "alice");
  EXPECT_EQ(alice.email, "alice@example.com");
  EXPECT_EQ(alice.first_name, "Alice");
  EXPECT_EQ(alice.last_name, "Liddell");
  EXPECT_TRUE(alice.is_active);
  EXPECT_TRUE(alice.is_staff);
  EXPECT_TRUE(alice.is_superuser);
  EXPECT_EQ(alice.last_login, utc(2024, 5, 6, 7, 8, 9, 123456));
  EXPECT_EQ(alice.date_joined, utc(2020, 1, 2, 3, 4, 5, 500000));
  const auto& bob = users[1];
  EXPECT_EQ(bob.id, 2);
  EXPECT_EQ(bob.password, "!unusable");
  EXPECT_EQ(bob.email, "");
  EXPECT_FALSE(bob.is_active);
  EXPECT_FALSE(bob.is_staff);
  EXPECT_FALSE(bob.is_superuser);
  EXPECT_EQ(bob.last_login, std::nullopt);
  EXPECT_EQ(bob.date_joined, utc(2021, 2, 3, 4, 5, 6));
}

TEST(DjangoUsersCsv, QuotedFieldsKeepCommasQuotesAndLineBreaks) {
  auto users = read(
      "id,password,username,first_name,last_name\r\n"
      "7,\"x$y,z\",\"o'brien\",\"Mary \"\"Mae\"\"\",\"two\r\nlines\"\r\n"
      "8,p,\"\",\"\",\"LF\nonly\"\r\n");
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0].password, "x$y,z");
  EXPECT_EQ(users[0].username, "o'brien");
  EXPECT_EQ(users[0].first_name, "Mary \"Mae\"");
  EXPECT_EQ(users[0].last_name, "two\r\nlines");
  EXPECT_EQ(users[1].username, "");
  EXPECT_EQ(users[1].last_name, "LF\nonly");
}

TEST(DjangoUsersCsv, ColumnsInAnyOrderUnknownOnesIgnoredOptionalOnesDefaulted) {
  auto users = read(
      "\xEF\xBB\xBF"
      "Email,favourite_colour,PASSWORD,id\n"
      "carol@example.com,\"blue, mostly\",h,3\n");
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0].id, 3);
  EXPECT_EQ(users[0].email, "carol@example.com");
  EXPECT_EQ(users[0].username, "");
  EXPECT_EQ(users[0].password, "h");
  EXPECT_TRUE(users[0].is_active);
  EXPECT_FALSE(users[0].is_staff);
  EXPECT_FALSE(users[0].is_superuser);
  EXPECT_EQ(users[0].date_joined, std::nullopt);
  EXPECT_EQ(users[0].last_login, std::nullopt);
}

TEST(DjangoUsersCsv, HeaderOnlyBlankLinesAndNoFinalNewline) {
  EXPECT_TRUE(read("id,password,username\n").empty());
  EXPECT_TRUE(read("id,password,username").empty());
  auto users = read("id,password,username\n\n1,p,a\n\r\n2,p,b");
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[1].username, "b");
}

TEST(DjangoUsersCsv, BooleansInEverySpelling) {
  std::string csv = "id,password,username,is_active\n";
  const char* truthy[] = {"t", "true", "1", "True", "TRUE", "T"};
  const char* falsy[] = {"f", "false", "0", "False", "FALSE", "F"};
  int id = 0;
  for (const char* value : truthy) csv += row(++id, value);
  for (const char* value : falsy) csv += row(++id, value);
  auto users = read(csv);
  ASSERT_EQ(users.size(), 12u);
  for (int i = 0; i < 6; ++i) EXPECT_TRUE(users[static_cast<std::size_t>(i)].is_active) << truthy[i];
  for (int i = 0; i < 6; ++i) EXPECT_FALSE(users[static_cast<std::size_t>(i + 6)].is_active) << falsy[i];
}

TEST(DjangoUsersCsv, TimestampsWithOffsetsAndIsoSpellings) {
  struct Case {
    const char* text;
    system_clock::time_point expected;
  };
  const Case cases[] = {
      {"2024-01-02 03:04:05+00", utc(2024, 1, 2, 3, 4, 5)},
      {"2024-01-02 03:04:05.123456+00", utc(2024, 1, 2, 3, 4, 5, 123456)},
      {"2024-01-02 03:04:05.1+00", utc(2024, 1, 2, 3, 4, 5, 100000)},
      {"2024-01-02 08:34:05+05:30", utc(2024, 1, 2, 3, 4, 5)},
      {"2024-01-01 23:04:05-04", utc(2024, 1, 2, 3, 4, 5)},
      {"2024-01-02 03:04:05-00:30", utc(2024, 1, 2, 3, 34, 5)},
      {"1890-01-01 00:00:00+00:53:28", utc(1889, 12, 31, 23, 6, 32)},  // a pre-1900 local mean time
      {"2024-01-02T03:04:05Z", utc(2024, 1, 2, 3, 4, 5)},
      {"2024-01-02T03:04:05.000001Z", utc(2024, 1, 2, 3, 4, 5, 1)},
      {"2024-01-02T05:04:05+0200", utc(2024, 1, 2, 3, 4, 5)},
      {"2024-01-02 03:04:05", utc(2024, 1, 2, 3, 4, 5)},  // timestamp without time zone: UTC
      {"2024-02-29 12:00:00+00", utc(2024, 2, 29, 12, 0, 0)},
  };
  std::string csv = "id,password,username,date_joined\n";
  int id = 0;
  for (const auto& c : cases) csv += row(++id, c.text);
  auto users = read(csv);
  ASSERT_EQ(users.size(), std::size(cases));
  for (std::size_t i = 0; i < users.size(); ++i) EXPECT_EQ(users[i].date_joined, cases[i].expected) << cases[i].text;
}

TEST(DjangoUsersCsv, BadTimestampsNameLineAndColumn) {
  for (const char* bad : {"2024-13-01 00:00:00+00", "2023-02-29 00:00:00+00", "2024-01-02 24:00:00+00", "2024-01-02",
                          "yesterday", "2024-01-02 03:04:05+", "2024-01-02 03:04:05+5", "2024-01-02 03:04:05.+00",
                          "2024-01-02 03:04:05 +00", "infinity", "0001-01-01 00:00:00+00"}) {
    std::string message = error_of(std::string("id,password,username,last_login\n1,p,a,\n2,p,b,") + bad + "\n");
    EXPECT_NE(message.find("line 3"), std::string::npos) << bad << ": " << message;
    EXPECT_NE(message.find("last_login"), std::string::npos) << bad << ": " << message;
  }
}

TEST(DjangoUsersCsv, ErrorsNameTheLine) {
  EXPECT_EQ(error_of(""), "line 1: no header row");
  EXPECT_NE(error_of("password,username\n").find("no \"id\" column"), std::string::npos);
  EXPECT_NE(error_of("id,username\n").find("no \"password\" column"), std::string::npos);
  EXPECT_NE(error_of("id,password,first_name\n").find("neither a \"username\" nor an \"email\""), std::string::npos);
  EXPECT_NE(error_of("id,password,email,email\n").find("line 1: column \"email\" appears twice"), std::string::npos);
  EXPECT_NE(error_of("id,password,username\n1,p,a\n2,p\n").find("line 3: 2 fields where the header has 3"),
            std::string::npos);
  EXPECT_NE(error_of("id,password,username\n1,p,a\nx,p,b\n").find("line 3, column \"id\": not an integer"),
            std::string::npos);
  EXPECT_NE(error_of("id,password,username,is_staff\n1,p,a,yes\n").find("line 2, column \"is_staff\": not a boolean"),
            std::string::npos);
  EXPECT_NE(error_of("id,password,username,is_staff\n1,p,a,\n").find("line 2, column \"is_staff\""), std::string::npos);
  // A record spanning lines: later errors count the lines inside its quotes.
  EXPECT_NE(error_of("id,password,username\n1,p,\"a\nb\nc\"\nz,p,d\n").find("line 5,"), std::string::npos);
  EXPECT_NE(error_of("id,password,username\n1,p,\"never closed\n2,p,b\n").find("line 2: quoted field never closed"),
            std::string::npos);
  EXPECT_NE(error_of("id,password,username\n1,p,\"a\"b\n").find("line 2: text after a closing quote"),
            std::string::npos);
  EXPECT_NE(error_of("id,password,username\n1,p,a\"b\n").find("line 2: quote inside an unquoted field"),
            std::string::npos);
}

TEST(DjangoUsersCsv, ErrorMessagesDoNotEchoPasswords) {
  std::string message = error_of("id,password,username\nnot-a-number,pbkdf2_sha256$1$secret-salt$h,a\n");
  EXPECT_NE(message.find("line 2"), std::string::npos);
  EXPECT_EQ(message.find("secret-salt"), std::string::npos);
}

TEST(DjangoUsersCsv, ImportableHashes) {
  EXPECT_TRUE(auth::is_importable_hash(
      "pbkdf2_sha256$260000$yDP6juix4hl9VaMCPYMuUJ$YB0lA8l7v0ZKwLmnfkHHdPICU5bM9pKqbEA6NvFXMFM="));
  EXPECT_TRUE(auth::is_importable_hash("pbkdf2_sha1$1000$abcdefgh$K0iP+D1SosxfVz1ATtpkBR4I/QU="));
  EXPECT_TRUE(auth::is_importable_hash(
      "argon2$argon2id$v=19$m=102400,t=2,p=8$UWdUNTRtaDNodkMybGVxSVp5c2pmRg$bMn5sNVDlFmTCqvH6PMydw"));
  EXPECT_TRUE(auth::is_importable_hash("bcrypt_sha256$$2b$12$dI93gt.MNClX6F08h8biWeW/5qYmOHbFvhfUIHFwWTfOH4sT8h7QO"));
  EXPECT_TRUE(auth::is_importable_hash("bcrypt$$2b$04$u61VrnVv9XGQGtGDPGqK6OPL.dFdN1neoqc3Se3//81k7b8zTNh76"));
  EXPECT_TRUE(auth::is_importable_hash("$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$q5Zk2yF1m0o3+8/Abc"));

  EXPECT_FALSE(auth::is_importable_hash(""));
  EXPECT_FALSE(auth::is_importable_hash("!"));
  EXPECT_FALSE(auth::is_importable_hash("!Xq3Zr9pL0sW2vY7tB4nM6kJ8hG1fD5cA0eR2uI9o"));
  EXPECT_FALSE(auth::is_importable_hash("!pbkdf2_sha256$260000$salt$hash="));
  EXPECT_FALSE(auth::is_importable_hash("md5$salt$0123456789abcdef0123456789abcdef"));
  EXPECT_FALSE(auth::is_importable_hash("sha1$salt$0123456789abcdef0123456789abcdef01234567"));
  EXPECT_FALSE(auth::is_importable_hash("unsalted_md5$$0123456789abcdef0123456789abcdef"));
  EXPECT_FALSE(auth::is_importable_hash("scrypt$16384$salt$8$1$aGFzaA=="));
  EXPECT_FALSE(auth::is_importable_hash("plaintext-password"));
  EXPECT_FALSE(auth::is_importable_hash("$argon2i$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"));
  EXPECT_FALSE(auth::is_importable_hash("$argon2id$v=19$m=19456,t=2$c2FsdA$aGFzaA"));
  EXPECT_FALSE(auth::is_importable_hash("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$"));
  EXPECT_FALSE(auth::is_importable_hash("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA$extra"));
}

}  // namespace
