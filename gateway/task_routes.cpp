#include "gateway/task_routes.hpp"

#include "gateway/handler_support.hpp"
#include "gateway/json_shapes.hpp"
#include "gateway/pagination.hpp"

namespace gateway {
namespace {

std::int64_t id_param(const RequestContext& ctx) { return std::stoll(ctx.params.at(0)); }

// Reads title, description and status into a create or update request; false when a 400 was
// written.
template <class Request>
bool read_task_fields(RequestContext& ctx, Request& request) {
  FieldReader in{ctx.body, {}};
  if (auto v = in.get("title")) request.set_title(*v);
  if (auto v = in.get("description")) request.set_description(*v);
  if (auto v = in.get("status")) request.set_status(*v);
  if (in.errors.empty()) return true;
  send_field_errors(ctx.response, in.errors);
  return false;
}

void list_tasks(RequestContext& ctx, Upstreams& upstreams) {
  content::v1::ListTasksRequest request;
  auto page = requested_page(ctx.http);
  if (page) ask_for_page(request, *page);
  content::v1::ListTasksResponse reply;
  if (!forward(ctx, upstreams, [&](grpc::ClientContext* c) { return upstreams.content().ListTasks(c, request, &reply); })) {
    return;
  }
  nlohmann::json tasks = nlohmann::json::array();
  for (const auto& task : reply.tasks()) tasks.push_back(task_json(task));
  send_json(ctx.response, 200, page ? page_envelope(ctx.base_url(), ctx.http.path, *page, reply.total_count(), std::move(tasks)) : tasks);
}

void create_task(RequestContext& ctx, Upstreams& upstreams) {
  content::v1::CreateTaskRequest request;
  if (!read_task_fields(ctx, request)) return;
  content::v1::CreateTaskResponse reply;
  if (!forward(ctx, upstreams, [&](grpc::ClientContext* c) { return upstreams.content().CreateTask(c, request, &reply); })) {
    return;
  }
  send_json(ctx.response, 201, task_json(reply.task()));
}

void get_task(RequestContext& ctx, Upstreams& upstreams) {
  content::v1::GetTaskRequest request;
  request.set_id(id_param(ctx));
  content::v1::GetTaskResponse reply;
  if (!forward(ctx, upstreams, [&](grpc::ClientContext* c) { return upstreams.content().GetTask(c, request, &reply); })) {
    return;
  }
  send_json(ctx.response, 200, task_json(reply.task()));
}

void update_task(RequestContext& ctx, Upstreams& upstreams, bool partial) {
  content::v1::UpdateTaskRequest request;
  request.set_id(id_param(ctx));
  request.set_partial(partial);
  if (!read_task_fields(ctx, request)) return;
  content::v1::UpdateTaskResponse reply;
  if (!forward(ctx, upstreams, [&](grpc::ClientContext* c) { return upstreams.content().UpdateTask(c, request, &reply); })) {
    return;
  }
  send_json(ctx.response, 200, task_json(reply.task()));
}

void delete_task(RequestContext& ctx, Upstreams& upstreams) {
  content::v1::DeleteTaskRequest request;
  request.set_id(id_param(ctx));
  content::v1::DeleteTaskResponse reply;
  if (!forward(ctx, upstreams, [&](grpc::ClientContext* c) { return upstreams.content().DeleteTask(c, request, &reply); })) {
    return;
  }
  ctx.response.status = 204;
}

}  // namespace

void add_task_routes(Router& router, Upstreams& upstreams) {
  auto& u = upstreams;
  auto route = [&router](const char* method, const char* pattern, Handler handler) {
    router.add(method, pattern, Access::kAuthenticated, std::move(handler));
  };
  route("GET", "/api/tasks/", [&u](RequestContext& ctx) { list_tasks(ctx, u); });
  route("POST", "/api/tasks/", [&u](RequestContext& ctx) { create_task(ctx, u); });
  route("GET", "/api/tasks/{id}/", [&u](RequestContext& ctx) { get_task(ctx, u); });
  route("PUT", "/api/tasks/{id}/", [&u](RequestContext& ctx) { update_task(ctx, u, false); });
  route("PATCH", "/api/tasks/{id}/", [&u](RequestContext& ctx) { update_task(ctx, u, true); });
  route("DELETE", "/api/tasks/{id}/", [&u](RequestContext& ctx) { delete_task(ctx, u); });

  // Seed 003's routes. Its update route changes "a task's status": a body with only the status
  // is fine, so it is partial.
  route("GET", "/tasks/", [&u](RequestContext& ctx) { list_tasks(ctx, u); });
  route("POST", "/tasks/create/", [&u](RequestContext& ctx) { create_task(ctx, u); });
  route("GET", "/tasks/{id}/", [&u](RequestContext& ctx) { get_task(ctx, u); });
  route("PUT", "/tasks/{id}/update/", [&u](RequestContext& ctx) { update_task(ctx, u, true); });
  route("DELETE", "/tasks/{id}/delete/", [&u](RequestContext& ctx) { delete_task(ctx, u); });
}

}  // namespace gateway
