#pragma once

#include <cstddef>
#include <string>
#include <vector>

// Django's default AUTH_PASSWORD_VALIDATORS as a pure function, so clients written for the
// seed backends get the same verdicts and the same messages.
namespace auth {

struct PasswordPolicy {
  std::size_t min_length = 8;
  bool check_common = true;
  bool check_numeric = true;
  bool check_similarity = true;
  double max_similarity = 0.7;  // Django refuses values below 0.1
};

struct UserAttributes {
  std::string username;
  std::string email;
  std::string name;
};

// Returns Django's messages, in Django's validator order (similarity, minimum length, common,
// numeric), empty when the password is acceptable. Lengths and similarity count code points of
// the UTF-8 text, like Python's str; lower-casing covers ASCII, Latin-1 and basic Cyrillic only.
std::vector<std::string> validate_password(const std::string& password, const UserAttributes& user,
                                           const PasswordPolicy& policy);

}  // namespace auth
