#include "content/task_resource.hpp"

#include "common/core/epoch.hpp"
#include "common/core/proto_time.hpp"
#include "content/row_time.hpp"

namespace content {

const OwnedStatements& TaskResource::statements() {
  static const OwnedStatements statements = owned_statements({
      .table = "tasks",
      .columns = "id, user_id, title, description, status, " + std::string(kTimestampColumns),
      .insert = "INSERT INTO tasks (user_id, title, description, status) "
                "VALUES ($1, $2, COALESCE($3, ''), COALESCE($4, 'pending'))",
      .update_set = "title = COALESCE($3, title), description = COALESCE($4, description), "
                    "status = COALESCE($5, status)",
  });
  return statements;
}

TaskRecord TaskResource::from_row(const pqxx::row& row) {
  return {row["id"].as<std::int64_t>(),
          row["user_id"].as<std::int64_t>(),
          row["title"].as<std::string>(),
          row["description"].as<std::string>(),
          row["status"].as<std::string>(),
          common::from_epoch_micros(row["created_at"].as<std::int64_t>()),
          common::from_epoch_micros(row["updated_at"].as<std::int64_t>())};
}

void TaskResource::fill(const TaskRecord& record, v1::Task* task) {
  task->set_id(record.id);
  task->set_user_id(record.user_id);
  task->set_title(record.title);
  task->set_description(record.description);
  task->set_status(record.status);
  *task->mutable_created_at() = common::to_timestamp(record.created_at);
  *task->mutable_updated_at() = common::to_timestamp(record.updated_at);
}

}  // namespace content
