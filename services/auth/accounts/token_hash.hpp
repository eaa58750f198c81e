#pragma once

#include <pqxx/pqxx>

#include <string>

namespace auth {

// The SHA-256 of a mailed token (verification, password reset): all the database keeps, so
// reading it reveals no usable token.
pqxx::binarystring token_hash(const std::string& token);

}  // namespace auth
