#include "auth/accounts/registration_rules.hpp"

#include "auth/accounts/identity.hpp"
#include "common/core/text.hpp"

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <utility>

namespace auth {
namespace {

constexpr std::size_t kMaxUsername = 150;
constexpr std::size_t kMaxEmail = 254;
constexpr std::size_t kMaxName = 150;

const char* const kRequired = "This field is required.";
const char* const kBlank = "This field may not be blank.";

std::string max_length_message(std::size_t limit) {
  return "Ensure this field has no more than " + std::to_string(limit) + " characters.";
}

bool is_domain_label_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || static_cast<unsigned char>(c) >= 0x80;
}

// NUL and invalid UTF-8 in DRF's words; such a field gets no other check.
bool has_text_problems(common::FieldErrors& errors,
                       std::initializer_list<std::pair<const char*, const std::optional<std::string>*>> fields) {
  for (const auto& [field, value] : fields) {
    if (!*value) continue;
    if (auto problem = common::text_field_problem(**value)) errors[field].push_back(*problem);
  }
  return !errors.empty();
}

}  // namespace

bool is_valid_username(const std::string& username) {
  // Django's UnicodeUsernameValidator: letters, digits and @ . + - _ in full Unicode.
  return identity::is_username_text(username);
}

bool is_valid_email(const std::string& email) {
  auto at = email.rfind('@');
  if (at == std::string::npos || at == 0 || at + 1 >= email.size()) return false;
  std::string local = email.substr(0, at);
  std::string domain = email.substr(at + 1);
  auto is_space_or_control = [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7F;
  };
  if (std::any_of(email.begin(), email.end(), is_space_or_control)) return false;
  if (local.find('@') != std::string::npos && local.front() != '"') return false;
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string::npos) return false;
  // Django's EmailValidator: dot-separated labels of letters, digits and hyphens, a top-level
  // label of 2+ characters, or the allow-listed "localhost".
  if (domain == "localhost") return true;
  if (domain.find('.') == std::string::npos) return false;
  // An internationalized domain must have an IDNA form (Django tries the punycode too); the
  // lookup key of the address is built from it.
  if (!identity::idna_ascii(domain)) return false;
  std::size_t start = 0;
  std::string label;
  while (start <= domain.size()) {
    auto dot = domain.find('.', start);
    label = domain.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-' ||
        !std::all_of(label.begin(), label.end(), is_domain_label_char)) {
      return false;
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return label.size() >= 2;
}

namespace {

void normalize_identifiers(std::optional<std::string>& username, std::optional<std::string>& email,
                           std::optional<std::string>& name) {
  // A field that is not valid text is left as sent: validation refuses it as it is.
  auto usable = [](const std::optional<std::string>& field) { return field && !common::text_field_problem(*field); };
  for (auto* field : {&username, &email, &name}) {
    if (usable(*field)) *field = common::trim(**field);
  }
  // Django's normalize_username (NFKC) and normalize_email (the domain in lower case), before
  // validation, as its clean() does: "ａｔｋ＿１" is validated and stored as "atk_1".
  if (usable(username)) username = identity::username_display(*username);
  if (usable(email)) email = identity::email_display(*email);
}

void check_username(common::FieldErrors& errors, const std::string& username) {
  if (common::utf8_length(username) > kMaxUsername) {
    errors["username"].push_back(max_length_message(kMaxUsername));
  } else if (!is_valid_username(username)) {
    errors["username"].push_back(
        "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ "
        "characters.");
  }
}

void check_email(common::FieldErrors& errors, const std::string& email) {
  if (common::utf8_length(email) > kMaxEmail) {
    errors["email"].push_back(max_length_message(kMaxEmail));
  } else if (!is_valid_email(email)) {
    errors["email"].push_back("Enter a valid email address.");
  }
}

void check_name(common::FieldErrors& errors, const std::string& name) {
  if (common::utf8_length(name) > kMaxName) errors["name"].push_back(max_length_message(kMaxName));
}

}  // namespace

RegistrationInput normalize_registration(RegistrationInput input) {
  normalize_identifiers(input.username, input.email, input.name);
  return input;
}

ProfileInput normalize_profile(ProfileInput input) {
  normalize_identifiers(input.username, input.email, input.name);
  return input;
}

common::FieldErrors validate_profile(const ProfileInput& in) {
  common::FieldErrors errors;
  if (has_text_problems(errors, {{"username", &in.username}, {"email", &in.email}, {"name", &in.name}})) return errors;
  for (const auto& [field, value] : {std::pair{"username", &in.username}, std::pair{"email", &in.email}}) {
    if (*value && (*value)->empty()) errors[field].push_back(kBlank);
  }
  if (in.username && !in.username->empty()) check_username(errors, *in.username);
  if (in.email && !in.email->empty()) check_email(errors, *in.email);
  if (in.name) check_name(errors, *in.name);
  return errors;
}

common::FieldErrors validate_registration(const RegistrationInput& in, const PasswordPolicy& passwords,
                                          bool email_required) {
  common::FieldErrors errors;
  if (has_text_problems(errors, {{"username", &in.username},
                                 {"email", &in.email},
                                 {"name", &in.name},
                                 {"password", &in.password},
                                 {"password2", &in.password2}})) {
    return errors;
  }
  bool has_username = in.username && !in.username->empty();
  bool has_email = in.email && !in.email->empty();
  if (!has_username && !has_email) {
    // Blank is reported on the field that was sent; neither sent is a request-level error.
    if (in.username) errors["username"].push_back(kBlank);
    if (in.email) errors["email"].push_back(kBlank);
    if (!in.username && !in.email) {
      errors["non_field_errors"].push_back("A username or an email address is required.");
    }
  }
  if (has_username) check_username(errors, *in.username);
  if (has_email) check_email(errors, *in.email);
  if (in.name) check_name(errors, *in.name);
  if (!in.password) {
    errors["password"].push_back(kRequired);
  } else if (in.password->empty()) {
    errors["password"].push_back(kBlank);
  } else if (in.password2 && *in.password2 != *in.password) {
    errors["password"].push_back("Password fields didn't match.");
  } else {
    auto verdicts = validate_password(
        *in.password, {in.username.value_or(""), in.email.value_or(""), in.name.value_or("")}, passwords);
    errors["password"] = std::move(verdicts);
    if (errors["password"].empty()) errors.erase("password");
  }
  // Accounts that must verify their email before logging in need one to verify.
  if (email_required && !has_email && !errors.contains("email")) {
    errors["email"].push_back(in.email ? kBlank : kRequired);
  }
  return errors;
}

}  // namespace auth
