#pragma once

#include "common/pg/pg_pool.hpp"
#include "content/task_rules.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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

struct TaskPage {
  std::vector<TaskRecord> tasks;
  std::int64_t total_count = 0;
};

// To-do tasks in the content database. Every statement is filtered by owner: another user's
// task is indistinguishable from a missing one.
class TaskStore final {
 public:
  explicit TaskStore(common::PgPool& pool) : pool_(pool) {}

  static void prepare(pqxx::connection& connection);

  // Absent description and status take the defaults ("", "pending").
  TaskRecord create(std::int64_t user_id, const TaskInput& input);
  std::optional<TaskRecord> get(std::int64_t user_id, std::int64_t id);
  // limit nullopt: every task.
  TaskPage list(std::int64_t user_id, std::optional<std::int64_t> limit, std::int64_t offset);
  // Absent fields keep their value. nullopt when no such task of this user.
  std::optional<TaskRecord> update(std::int64_t user_id, std::int64_t id, const TaskInput& input);
  bool remove(std::int64_t user_id, std::int64_t id);

 private:
  common::PgPool& pool_;
};

}  // namespace content
