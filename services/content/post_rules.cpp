#include "content/post_rules.hpp"

#include "common/core/text.hpp"
#include "content/field_rules.hpp"

namespace content {

PostInput normalize_post(PostInput input) {
  if (input.title) input.title = common::trim(*input.title);
  if (input.content) input.content = common::trim(*input.content);
  return input;
}

common::FieldErrors validate_post(const PostInput& in, bool partial) {
  common::FieldErrors errors;
  if (check_text(in.title, "title", errors)) {
    require_text(in.title, "title", partial, errors);
    limit_length(in.title, "title", kMaxTitleLength, errors);
  }
  if (check_text(in.content, "content", errors)) require_text(in.content, "content", partial, errors);
  return errors;
}

}  // namespace content
