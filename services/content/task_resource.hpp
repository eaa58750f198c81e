#pragma once

#include "content/owned_store.hpp"
#include "content/task_rules.hpp"
#include "content/v1/content.pb.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <tuple>

namespace content {

struct TaskRecord {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string title;
  std::string description;
  std::string status;
  std::chrono::system_clock::time_point created_at;
  std::chrono::system_clock::time_point updated_at;
};

// To-do tasks: their table (for OwnedStore) and their gRPC messages (for the owned-resource
// RPCs). An absent description or status at create takes the default ("", "pending").
struct TaskResource {
  using Record = TaskRecord;
  using Input = TaskInput;
  using Message = v1::Task;

  static const OwnedStatements& statements();
  static Record from_row(const pqxx::row& row);
  static auto fields(const Input& input) { return std::tie(input.title, input.description, input.status); }

  template <class Request>
  static Input input_of(const Request& request) {
    return normalize_task({request.has_title() ? std::optional(request.title()) : std::nullopt,
                           request.has_description() ? std::optional(request.description()) : std::nullopt,
                           request.has_status() ? std::optional(request.status()) : std::nullopt});
  }
  static common::FieldErrors validate(const Input& input, bool partial) { return validate_task(input, partial); }
  static void fill(const Record& record, Message* message);
  template <class Response>
  static Message* item_of(Response& response) {
    return response.mutable_task();
  }
  template <class Response>
  static Message* add_item(Response& response) {
    return response.add_tasks();
  }
};

using TaskStore = OwnedStore<TaskResource>;

}  // namespace content
