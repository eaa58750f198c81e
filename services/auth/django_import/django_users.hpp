#pragma once

#include <chrono>
#include <cstdint>
#include <istream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

// Readers of the users of a Django backend (its auth_user table) for a one-off import: from a
// CSV export (psql's \copy auth_user TO 'users.csv' CSV HEADER) or from the database itself.
namespace auth {

struct DjangoUser {
  std::int64_t id = 0;
  std::string username;  // "" when the export has no username column (or an empty value)
  std::string email;     // likewise
  std::string first_name, last_name;
  // Django's encoded hash: pbkdf2_sha256$..., argon2$argon2id$..., bcrypt_sha256$..., or "!..."
  // for an unusable password. See is_importable_hash().
  std::string password;
  bool is_active = true;
  bool is_staff = false;
  bool is_superuser = false;
  std::optional<std::chrono::system_clock::time_point> date_joined, last_login;
};

// Input that cannot be read as Django users; the message names the line (CSV) and column.
class ImportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// RFC 4180 CSV with a header row naming auth_user's columns (in any order; others are ignored).
// id, password and username or email are required; the rest default as in DjangoUser.
// Booleans: t/f, true/false (any case), 1/0. Timestamps as PostgreSQL prints them
// ("2024-01-02 03:04:05.123456+00", "+05:30") or ISO 8601 ("2024-01-02T03:04:05Z"); one without
// an offset (a timestamp without time zone, Django's USE_TZ = False) is read as UTC; empty is
// null. Rows are not checked against each other (duplicates, users lacking both names).
std::vector<DjangoUser> read_django_users_csv(std::istream& in);

// The same columns, straight from PostgreSQL. `table` may be schema-qualified ("legacy.auth_user")
// and is otherwise found on the search path; columns it lacks take the defaults, as in the CSV.
std::vector<DjangoUser> read_django_users_pg(const std::string& database_url, const std::string& table = "auth_user");

// Whether a user's stored hash can sign them in here: Django's formats that verify_django_hash
// checks, and our own argon2id PHC strings. False for unusable ("!...") and unknown hashes; such
// users have to reset their password.
bool is_importable_hash(std::string_view encoded);

}  // namespace auth
