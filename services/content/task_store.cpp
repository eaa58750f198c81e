#include "content/task_store.hpp"

#include "content/row_time.hpp"

namespace content {
namespace {

constexpr const char* kColumns =
    "id, user_id, title, description, status, EXTRACT(EPOCH FROM created_at)::float8, "
    "EXTRACT(EPOCH FROM updated_at)::float8";

TaskRecord to_task(const pqxx::row& row) {
  TaskRecord task;
  task.id = row[0].as<std::int64_t>();
  task.user_id = row[1].as<std::int64_t>();
  task.title = row[2].as<std::string>();
  task.description = row[3].as<std::string>();
  task.status = row[4].as<std::string>();
  task.created_at = from_epoch(row[5].as<double>());
  task.updated_at = from_epoch(row[6].as<double>());
  return task;
}

}  // namespace

void TaskStore::prepare(pqxx::connection& c) {
  std::string columns = kColumns;
  c.prepare("tasks_insert",
            "INSERT INTO tasks (user_id, title, description, status) "
            "VALUES ($1, $2, COALESCE($3, ''), COALESCE($4, 'pending')) RETURNING " + columns);
  c.prepare("tasks_get", "SELECT " + columns + " FROM tasks WHERE user_id = $1 AND id = $2");
  c.prepare("tasks_list",
            "SELECT " + columns + " FROM tasks WHERE user_id = $1 ORDER BY id LIMIT $2 OFFSET $3");
  c.prepare("tasks_count", "SELECT count(*) FROM tasks WHERE user_id = $1");
  c.prepare("tasks_update",
            "UPDATE tasks SET title = COALESCE($3, title), description = COALESCE($4, description), "
            "status = COALESCE($5, status), updated_at = now() WHERE user_id = $1 AND id = $2 RETURNING " +
                columns);
  c.prepare("tasks_delete", "DELETE FROM tasks WHERE user_id = $1 AND id = $2");
}

TaskRecord TaskStore::create(std::int64_t user_id, const TaskInput& input) {
  return pool_.with_connection([&](pqxx::connection& c) {
    pqxx::work tx(c);
    auto row = tx.exec_prepared1("tasks_insert", user_id, input.title.value_or(""), input.description, input.status);
    tx.commit();
    return to_task(row);
  });
}

std::optional<TaskRecord> TaskStore::get(std::int64_t user_id, std::int64_t id) {
  return pool_.with_connection([&](pqxx::connection& c) -> std::optional<TaskRecord> {
    pqxx::nontransaction tx(c);  // one statement: no BEGIN/COMMIT round trips
    auto result = tx.exec_prepared("tasks_get", user_id, id);
    if (result.empty()) return std::nullopt;
    return to_task(result[0]);
  });
}

TaskPage TaskStore::list(std::int64_t user_id, std::optional<std::int64_t> limit, std::int64_t offset) {
  return pool_.with_connection([&](pqxx::connection& c) {
    // One snapshot for the page and its count, so they agree.
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(c);
    TaskPage page;
    for (const auto& row : tx.exec_prepared("tasks_list", user_id, limit, offset)) page.tasks.push_back(to_task(row));
    page.total_count = (!limit && offset == 0)
                           ? static_cast<std::int64_t>(page.tasks.size())
                           : tx.exec_prepared1("tasks_count", user_id)[0].as<std::int64_t>();
    tx.commit();
    return page;
  });
}

std::optional<TaskRecord> TaskStore::update(std::int64_t user_id, std::int64_t id, const TaskInput& input) {
  return pool_.with_connection([&](pqxx::connection& c) -> std::optional<TaskRecord> {
    pqxx::work tx(c);
    auto result = tx.exec_prepared("tasks_update", user_id, id, input.title, input.description, input.status);
    tx.commit();
    if (result.empty()) return std::nullopt;
    return to_task(result[0]);
  });
}

bool TaskStore::remove(std::int64_t user_id, std::int64_t id) {
  return pool_.with_connection([&](pqxx::connection& c) {
    pqxx::work tx(c);
    auto result = tx.exec_prepared("tasks_delete", user_id, id);
    tx.commit();
    return result.affected_rows() == 1;
  });
}

}  // namespace content
