#pragma once

#include "auth/passwords/password_rules.hpp"
#include "common/grpc/grpc_errors.hpp"

#include <optional>
#include <string>

// Request rules of the auth service, as pure functions (unit-tested without I/O). Messages
// are Django's and DRF's, because clients written for the seed backends show them.
namespace auth {

struct RegistrationInput {
  std::optional<std::string> username;
  std::optional<std::string> email;
  std::optional<std::string> name;
  std::optional<std::string> password;
  std::optional<std::string> password2;
};

// Trims username, email and name like DRF's CharField, puts the username in NFKC like Django's
// normalize_username and lower-cases the email's domain (full Unicode) like normalize_email
// (auth/identity.hpp). Absent fields stay nullopt; a blank one stays "" so validation can say
// "may not be blank"; one with NUL or invalid UTF-8 stays as sent, for validation to refuse.
RegistrationInput normalize_registration(RegistrationInput input);
// Field errors of DRF's shape; the password also meets Django's validators under `passwords`.
// A field with NUL or invalid UTF-8 (common::text_field_problem) is reported alone.
common::FieldErrors validate_registration(const RegistrationInput& normalized, const PasswordPolicy& passwords,
                                          bool email_required = false);

// A change of the caller's profile (UpdateMe): absent fields stay as they are.
struct ProfileInput {
  std::optional<std::string> username;
  std::optional<std::string> email;
  std::optional<std::string> name;
};

// Trims and normalizes like normalize_registration.
ProfileInput normalize_profile(ProfileInput input);
// The registration rules of each given field; a given username or email may not be blank
// (the account keeps the identifiers it has; the login field is never removed).
common::FieldErrors validate_profile(const ProfileInput& normalized);

bool is_valid_username(const std::string& username);
bool is_valid_email(const std::string& email);

}  // namespace auth
