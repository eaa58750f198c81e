#include "content/content_service.hpp"

#include "common/core/text.hpp"
#include "common/service/run_rpc.hpp"
#include "content/owned_rpcs.hpp"

namespace content {

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
  if (auto share = database_work_.try_inline()) {
    reactor->Finish(authenticated(context, method, body));
    return reactor;
  }
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
  return with_database(context, "content.CreatePost", owned_rpcs::create(posts_, request, response));
}

grpc::ServerUnaryReactor* ContentServiceImpl::GetPost(grpc::CallbackServerContext* context,
                                                      const v1::GetPostRequest* request,
                                                      v1::GetPostResponse* response) {
  return with_database(context, "content.GetPost", owned_rpcs::get(posts_, request, response));
}

grpc::ServerUnaryReactor* ContentServiceImpl::ListPosts(grpc::CallbackServerContext* context,
                                                        const v1::ListPostsRequest* request,
                                                        v1::ListPostsResponse* response) {
  return with_database(context, "content.ListPosts", owned_rpcs::list(posts_, request, response));
}

grpc::ServerUnaryReactor* ContentServiceImpl::UpdatePost(grpc::CallbackServerContext* context,
                                                         const v1::UpdatePostRequest* request,
                                                         v1::UpdatePostResponse* response) {
  return with_database(context, "content.UpdatePost", owned_rpcs::update(posts_, request, response));
}

grpc::ServerUnaryReactor* ContentServiceImpl::DeletePost(grpc::CallbackServerContext* context,
                                                         const v1::DeletePostRequest* request,
                                                         v1::DeletePostResponse*) {
  return with_database(context, "content.DeletePost", owned_rpcs::remove(posts_, request));
}

grpc::ServerUnaryReactor* ContentServiceImpl::CreateTask(grpc::CallbackServerContext* context,
                                                         const v1::CreateTaskRequest* request,
                                                         v1::CreateTaskResponse* response) {
  return with_database(context, "content.CreateTask", owned_rpcs::create(tasks_, request, response));
}

grpc::ServerUnaryReactor* ContentServiceImpl::GetTask(grpc::CallbackServerContext* context,
                                                      const v1::GetTaskRequest* request,
                                                      v1::GetTaskResponse* response) {
  return with_database(context, "content.GetTask", owned_rpcs::get(tasks_, request, response));
}

grpc::ServerUnaryReactor* ContentServiceImpl::ListTasks(grpc::CallbackServerContext* context,
                                                        const v1::ListTasksRequest* request,
                                                        v1::ListTasksResponse* response) {
  return with_database(context, "content.ListTasks", owned_rpcs::list(tasks_, request, response));
}

grpc::ServerUnaryReactor* ContentServiceImpl::UpdateTask(grpc::CallbackServerContext* context,
                                                         const v1::UpdateTaskRequest* request,
                                                         v1::UpdateTaskResponse* response) {
  return with_database(context, "content.UpdateTask", owned_rpcs::update(tasks_, request, response));
}

grpc::ServerUnaryReactor* ContentServiceImpl::DeleteTask(grpc::CallbackServerContext* context,
                                                         const v1::DeleteTaskRequest* request,
                                                         v1::DeleteTaskResponse*) {
  return with_database(context, "content.DeleteTask", owned_rpcs::remove(tasks_, request));
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
