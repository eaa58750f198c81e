#include "content/task_rules.hpp"

#include "common/core/text.hpp"
#include "content/field_rules.hpp"

#include <algorithm>
#include <string_view>

namespace content {

TaskInput normalize_task(TaskInput input) {
  if (input.title) input.title = common::trim(*input.title);
  if (input.description) input.description = common::trim(*input.description);
  return input;
}

common::FieldErrors validate_task(const TaskInput& in, bool partial) {
  common::FieldErrors errors;
  if (check_text(in.title, "title", errors)) {
    require_text(in.title, "title", partial, errors);
    limit_length(in.title, "title", kMaxTaskTitleLength, errors);
  }
  check_text(in.description, "description", errors);
  if (check_text(in.status, "status", errors) && in.status &&
      std::none_of(kTaskStatuses.begin(), kTaskStatuses.end(),
                   [&](const char* s) { return *in.status == std::string_view(s); })) {
    errors["status"].push_back("\"" + *in.status + "\" is not a valid choice.");
  }
  return errors;
}

}  // namespace content
