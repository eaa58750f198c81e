#pragma once

#include <pqxx/pqxx>

#include <string>

namespace auth {

// The SHA-256 of a secret handed out once (a mailed verification or reset token, a service
// key): all the database keeps, so reading it reveals no usable secret.
pqxx::binarystring token_hash(const std::string& token);

}  // namespace auth
