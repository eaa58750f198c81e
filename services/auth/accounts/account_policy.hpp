#pragma once

#include "auth/passwords/password_rules.hpp"

namespace auth {

enum class RegistrationPolicy { kOpen, kAdminOnly };

// Who may register and log in, and which passwords are accepted.
struct AccountPolicy {
  RegistrationPolicy registration = RegistrationPolicy::kOpen;
  bool require_verified_email = false;  // login refused until the email is verified
  PasswordPolicy passwords;
};

}  // namespace auth
