#include "auth/accounts/token_hash.hpp"

#include <openssl/evp.h>

namespace auth {

pqxx::binarystring token_hash(const std::string& token) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(token.data(), token.size(), digest, &length, EVP_sha256(), nullptr);
  return pqxx::binarystring(digest, length);
}

}  // namespace auth
