#include "content/post_rules.hpp"

#include "common/text.hpp"

namespace content {
namespace {

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
  if (input.title) input.title = common::trim(*input.title);
  if (input.content) input.content = common::trim(*input.content);
  return input;
}

common::FieldErrors validate_post(const PostInput& in, bool partial) {
  common::FieldErrors errors;
  require_text(in.title, "title", partial, errors);
  require_text(in.content, "content", partial, errors);
  if (in.title && common::utf8_length(*in.title) > kMaxTitleLength) {
    errors["title"].push_back("Ensure this field has no more than " + std::to_string(kMaxTitleLength) +
                              " characters.");
  }
  return errors;
}

}  // namespace content
