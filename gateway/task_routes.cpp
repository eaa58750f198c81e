#include "gateway/task_routes.hpp"

#include "gateway/json_shapes.hpp"
#include "gateway/owned_object_routes.hpp"

namespace gateway {
namespace {

struct Tasks {
  using Stub = content::v1::ContentService::Stub;
  static constexpr auto kList = &Stub::ListTasks;
  static constexpr auto kCreate = &Stub::CreateTask;
  static constexpr auto kGet = &Stub::GetTask;
  static constexpr auto kUpdate = &Stub::UpdateTask;
  static constexpr auto kDelete = &Stub::DeleteTask;
  static inline const std::vector<std::string> kFields = {"title", "description", "status"};

  static const auto& items(const content::v1::ListTasksResponse& reply) { return reply.tasks(); }
  static const content::v1::Task& item(const auto& reply) { return reply.task(); }
  static void append_json(std::string& out, const content::v1::Task& task) { append_task_json(out, task); }
};

}  // namespace

void add_task_routes(Router& router, Upstreams& upstreams) {
  OwnedObjectHandlers<Tasks> tasks(upstreams);
  tasks.add_canonical_routes(router, "/api/tasks/");
  const auto bearer = Access::kAuthenticated;

  // Seed 003's routes. Its update route changes "a task's status": a body with only the status
  // is fine, so it is partial.
  router.add("GET", "/tasks/", bearer, tasks.list());
  router.add("POST", "/tasks/create/", bearer, tasks.create());
  router.add("GET", "/tasks/{id}/", bearer, tasks.get());
  router.add("PUT", "/tasks/{id}/update/", bearer, tasks.update(Update::kPartial));
  router.add("DELETE", "/tasks/{id}/delete/", bearer, tasks.remove());
}

}  // namespace gateway
