#include "content/post_rules.hpp"

#include <algorithm>

namespace content {
namespace {

std::string trim(const std::string& text) {
  auto first = text.find_first_not_of(" \t\r\n\f\v");
  if (first == std::string::npos) return {};
  auto last = text.find_last_not_of(" \t\r\n\f\v");
  return text.substr(first, last - first + 1);
}

std::size_t utf8_length(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

void require_text(const std::optional<std::string>& value, const char* field, bool partial,
                  common::FieldErrors& errors) {
  if (!value) {
    if (!partial) errors[field].push_back("This field is required.");
  } else if (value->empty()) {
    errors[field].push_back("This field may not be blank.");
  }
}

}  // namespace

PostInput normalize_post(PostInput input) {
  if (input.title) input.title = trim(*input.title);
  if (input.content) input.content = trim(*input.content);
  return input;
}

common::FieldErrors validate_post(const PostInput& in, bool partial) {
  common::FieldErrors errors;
  require_text(in.title, "title", partial, errors);
  require_text(in.content, "content", partial, errors);
  if (in.title && utf8_length(*in.title) > kMaxTitleLength) {
    errors["title"].push_back("Ensure this field has no more than " + std::to_string(kMaxTitleLength) +
                              " characters.");
  }
  return errors;
}

}  // namespace content
