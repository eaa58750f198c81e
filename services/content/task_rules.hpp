#pragma once

#include "common/grpc/grpc_errors.hpp"

#include <array>
#include <optional>
#include <string>

// Task field rules as pure functions; messages are DRF's.
namespace content {

constexpr std::size_t kMaxTaskTitleLength = 255;
constexpr std::array<const char*, 3> kTaskStatuses = {"pending", "in-progress", "completed"};

struct TaskInput {
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<std::string> status;
};

// Trims title and description like DRF's CharField; the status is a choice, matched exactly.
TaskInput normalize_task(TaskInput input);
// `partial` (PATCH, and seed 003's update route): fields may be absent. A description may be
// blank; a status must be one of kTaskStatuses.
common::FieldErrors validate_task(const TaskInput& normalized, bool partial);

}  // namespace content
