#include "content/content_service.hpp"

#include "common/service/run_rpc.hpp"
#include "common/core/proto_time.hpp"
#include "common/core/text.hpp"
#include "content/post_rules.hpp"
#include "content/task_rules.hpp"

namespace content {
namespace {

using common::to_timestamp;

void fill_post(const PostRecord& record, v1::Post* post) {
  post->set_id(record.id);
  post->set_user_id(record.user_id);
  post->set_title(record.title);
  post->set_content(record.content);
  *post->mutable_created_at() = to_timestamp(record.created_at);
  *post->mutable_updated_at() = to_timestamp(record.updated_at);
}

template <class Request>
std::optional<std::string> optional_text(bool present, const Request& value) {
  return present ? std::optional<std::string>(value) : std::nullopt;
}

template <class Request>
PostInput post_input(const Request& request) {
  return normalize_post({optional_text(request.has_title(), request.title()),
                         optional_text(request.has_content(), request.content())});
}

void fill_task(const TaskRecord& record, v1::Task* task) {
  task->set_id(record.id);
  task->set_user_id(record.user_id);
  task->set_title(record.title);
  task->set_description(record.description);
  task->set_status(record.status);
  *task->mutable_created_at() = to_timestamp(record.created_at);
  *task->mutable_updated_at() = to_timestamp(record.updated_at);
}

template <class Request>
TaskInput task_input(const Request& request) {
  return normalize_task({optional_text(request.has_title(), request.title()),
                         optional_text(request.has_description(), request.description()),
                         optional_text(request.has_status(), request.status())});
}

// limit/offset of a list request; empty when both are acceptable.
template <class Request>
common::FieldErrors paging_errors(const Request& request) {
  common::FieldErrors errors;
  if (request.has_limit() && request.limit() < 0) errors["limit"].push_back("Must not be negative.");
  if (request.offset() < 0) errors["offset"].push_back("Must not be negative.");
  return errors;
}

template <class Request>
std::optional<std::int64_t> limit_of(const Request& request) {
  return request.has_limit() ? std::optional<std::int64_t>(request.limit()) : std::nullopt;
}

}  // namespace

template <class Body>
grpc::Status ContentServiceImpl::authenticated(grpc::CallbackServerContext* context, const char* method, Body& body) {
  return common::run_rpc(context, method, [&] {
    grpc::Status status;
    auto caller = authenticator_.authenticate(*context, status);
    if (!caller) return status;
    return body(*caller);
  });
}

template <class Body>
grpc::ServerUnaryReactor* ContentServiceImpl::with_database(grpc::CallbackServerContext* context, const char* method,
                                                            Body body) {
  auto* reactor = context->DefaultReactor();
  bool accepted = database_work_.try_submit([this, context, method, reactor, body]() mutable {
    // Waited in the queue past the caller's patience: nobody is listening any more.
    if (context->IsCancelled() || context->deadline() < std::chrono::system_clock::now()) {
      reactor->Finish(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "deadline passed while queued"));
      return;
    }
    reactor->Finish(authenticated(context, method, body));
  });
  if (!accepted) {
    reactor->Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "too many calls waiting for the database"));
  }
  return reactor;
}

grpc::ServerUnaryReactor* ContentServiceImpl::CreatePost(grpc::CallbackServerContext* context,
                                            const v1::CreatePostRequest* request,
                                            v1::CreatePostResponse* response) {
  return with_database(context, "content.CreatePost", [=, this](const Caller& caller) {
    auto input = post_input(*request);
    auto errors = validate_post(input, false);
    if (!errors.empty()) return common::invalid_argument(errors);
    fill_post(posts_.create(caller.user_id, *input.title, *input.content), response->mutable_post());
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* ContentServiceImpl::GetPost(grpc::CallbackServerContext* context, const v1::GetPostRequest* request,
                                         v1::GetPostResponse* response) {
  return with_database(context, "content.GetPost", [=, this](const Caller& caller) {
    auto post = posts_.get(caller.user_id, request->id());
    if (!post) return common::not_found();
    fill_post(*post, response->mutable_post());
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* ContentServiceImpl::ListPosts(grpc::CallbackServerContext* context, const v1::ListPostsRequest* request,
                                           v1::ListPostsResponse* response) {
  return with_database(context, "content.ListPosts", [=, this](const Caller& caller) {
    auto errors = paging_errors(*request);
    if (!errors.empty()) return common::invalid_argument(errors);
    auto page = posts_.list(caller.user_id, limit_of(*request), request->offset());
    for (const auto& post : page.posts) fill_post(post, response->add_posts());
    response->set_total_count(page.total_count);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* ContentServiceImpl::UpdatePost(grpc::CallbackServerContext* context,
                                            const v1::UpdatePostRequest* request,
                                            v1::UpdatePostResponse* response) {
  return with_database(context, "content.UpdatePost", [=, this](const Caller& caller) {
    auto input = post_input(*request);
    auto errors = validate_post(input, request->partial());
    if (!errors.empty()) {
      // DRF looks the object up before validating: a missing object is 404, not 400.
      if (!posts_.get(caller.user_id, request->id())) return common::not_found();
      return common::invalid_argument(errors);
    }
    auto post = posts_.update(caller.user_id, request->id(), input.title, input.content);
    if (!post) return common::not_found();
    fill_post(*post, response->mutable_post());
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* ContentServiceImpl::DeletePost(grpc::CallbackServerContext* context,
                                            const v1::DeletePostRequest* request,
                                            v1::DeletePostResponse*) {
  return with_database(context, "content.DeletePost", [=, this](const Caller& caller) {
    if (!posts_.remove(caller.user_id, request->id())) return common::not_found();
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* ContentServiceImpl::CreateTask(grpc::CallbackServerContext* context,
                                            const v1::CreateTaskRequest* request,
                                            v1::CreateTaskResponse* response) {
  return with_database(context, "content.CreateTask", [=, this](const Caller& caller) {
    auto input = task_input(*request);
    auto errors = validate_task(input, false);
    if (!errors.empty()) return common::invalid_argument(errors);
    fill_task(tasks_.create(caller.user_id, input), response->mutable_task());
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* ContentServiceImpl::GetTask(grpc::CallbackServerContext* context, const v1::GetTaskRequest* request,
                                         v1::GetTaskResponse* response) {
  return with_database(context, "content.GetTask", [=, this](const Caller& caller) {
    auto task = tasks_.get(caller.user_id, request->id());
    if (!task) return common::not_found();
    fill_task(*task, response->mutable_task());
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* ContentServiceImpl::ListTasks(grpc::CallbackServerContext* context, const v1::ListTasksRequest* request,
                                           v1::ListTasksResponse* response) {
  return with_database(context, "content.ListTasks", [=, this](const Caller& caller) {
    auto errors = paging_errors(*request);
    if (!errors.empty()) return common::invalid_argument(errors);
    auto page = tasks_.list(caller.user_id, limit_of(*request), request->offset());
    for (const auto& task : page.tasks) fill_task(task, response->add_tasks());
    response->set_total_count(page.total_count);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* ContentServiceImpl::UpdateTask(grpc::CallbackServerContext* context,
                                            const v1::UpdateTaskRequest* request,
                                            v1::UpdateTaskResponse* response) {
  return with_database(context, "content.UpdateTask", [=, this](const Caller& caller) {
    auto input = task_input(*request);
    auto errors = validate_task(input, request->partial());
    if (!errors.empty()) {
      // DRF looks the object up before validating: a missing object is 404, not 400.
      if (!tasks_.get(caller.user_id, request->id())) return common::not_found();
      return common::invalid_argument(errors);
    }
    auto task = tasks_.update(caller.user_id, request->id(), input);
    if (!task) return common::not_found();
    fill_task(*task, response->mutable_task());
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* ContentServiceImpl::DeleteTask(grpc::CallbackServerContext* context,
                                            const v1::DeleteTaskRequest* request,
                                            v1::DeleteTaskResponse*) {
  return with_database(context, "content.DeleteTask", [=, this](const Caller& caller) {
    if (!tasks_.remove(caller.user_id, request->id())) return common::not_found();
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* ContentServiceImpl::GetDashboard(grpc::CallbackServerContext* context,
                                              const v1::GetDashboardRequest* request,
                                              v1::GetDashboardResponse* response) {
  // No storage: answered on this thread, whatever the database does.
  auto body = [=](const Caller& caller) {
    // Seed 002's exact sentences, addressed by username (an email-only account: its email).
    const std::string& name = caller.username.empty() ? caller.email : caller.username;
    if (auto problem = common::text_field_problem(request->text())) {
      return common::invalid_argument({{"text", {*problem}}});
    }
    if (!request->has_text()) {
      response->set_response("Hey " + name + ", You are seeing a GET response");
    } else {
      response->set_response("Hey " + name + ", your text is " + request->text());
    }
    return grpc::Status::OK;
  };
  auto* reactor = context->DefaultReactor();
  reactor->Finish(authenticated(context, "content.GetDashboard", body));
  return reactor;
}

}  // namespace content
