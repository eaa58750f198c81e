#include "content/field_rules.hpp"

#include "common/core/text.hpp"

namespace content {

bool check_text(const std::optional<std::string>& value, const char* field, common::FieldErrors& errors) {
  if (!value) return true;
  auto problem = common::text_field_problem(*value);
  if (problem) errors[field].push_back(*problem);
  return !problem;
}

void require_text(const std::optional<std::string>& value, const char* field, bool partial,
                  common::FieldErrors& errors) {
  if (!value) {
    if (!partial) errors[field].push_back("This field is required.");
  } else if (value->empty()) {
    errors[field].push_back("This field may not be blank.");
  }
}

void limit_length(const std::optional<std::string>& value, const char* field, std::size_t max,
                  common::FieldErrors& errors) {
  if (value && common::utf8_length(*value) > max) {
    errors[field].push_back("Ensure this field has no more than " + std::to_string(max) + " characters.");
  }
}

}  // namespace content
