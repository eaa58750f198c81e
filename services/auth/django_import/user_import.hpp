#pragma once

#include "auth/django_import/django_users.hpp"

#include <pqxx/pqxx>

#include <cstddef>
#include <string>
#include <vector>

namespace auth {

struct ImportReport {
  std::size_t imported = 0;
  std::vector<std::string> skipped;    // one line per user not imported, with the reason
  std::size_t unusable_passwords = 0;  // imported, but must reset their password
};

// Imports users exported from a Django backend in one transaction, keeping their ids (so
// tokens that simplejwt issued, and foreign keys elsewhere, keep pointing at them) and their
// password hashes, which are upgraded to argon2id at each user's first login. Users whose id,
// username or email is taken are skipped, never merged. `emails_verified`: whether the old
// system's addresses count as verified here.
ImportReport import_django_users(pqxx::connection& connection, const std::vector<DjangoUser>& users,
                                 bool emails_verified, bool dry_run = false);

}  // namespace auth
