#pragma once

#include "common/core/bounded_executor.hpp"
#include "content/caller.hpp"
#include "content/post_resource.hpp"
#include "content/task_resource.hpp"
#include "content/v1/content.grpc.pb.h"

namespace content {

// The callback API. Calls that touch the database take a share of `database_work` (sized with
// the connection pool, bounded queue): on the callback thread itself while the executor lends
// one (never on the last free callback thread), otherwise on its workers. So a hanging database
// cannot starve health checks or calls that need no storage (the dashboard); when too many
// calls wait, they are refused at once with RESOURCE_EXHAUSTED (the gateway's 503).
class ContentServiceImpl final : public content::v1::ContentService::CallbackService {
 public:
  ContentServiceImpl(PostStore& posts, TaskStore& tasks, const CallerAuthenticator& authenticator,
                     common::BoundedExecutor& database_work)
      : posts_(posts), tasks_(tasks), authenticator_(authenticator), database_work_(database_work) {}

  grpc::ServerUnaryReactor* CreatePost(grpc::CallbackServerContext* context, const v1::CreatePostRequest* request,
                                       v1::CreatePostResponse* response) override;
  grpc::ServerUnaryReactor* GetPost(grpc::CallbackServerContext* context, const v1::GetPostRequest* request,
                                    v1::GetPostResponse* response) override;
  grpc::ServerUnaryReactor* ListPosts(grpc::CallbackServerContext* context, const v1::ListPostsRequest* request,
                                      v1::ListPostsResponse* response) override;
  grpc::ServerUnaryReactor* UpdatePost(grpc::CallbackServerContext* context, const v1::UpdatePostRequest* request,
                                       v1::UpdatePostResponse* response) override;
  grpc::ServerUnaryReactor* DeletePost(grpc::CallbackServerContext* context, const v1::DeletePostRequest* request,
                                       v1::DeletePostResponse* response) override;

  grpc::ServerUnaryReactor* CreateTask(grpc::CallbackServerContext* context, const v1::CreateTaskRequest* request,
                                       v1::CreateTaskResponse* response) override;
  grpc::ServerUnaryReactor* GetTask(grpc::CallbackServerContext* context, const v1::GetTaskRequest* request,
                                    v1::GetTaskResponse* response) override;
  grpc::ServerUnaryReactor* ListTasks(grpc::CallbackServerContext* context, const v1::ListTasksRequest* request,
                                      v1::ListTasksResponse* response) override;
  grpc::ServerUnaryReactor* UpdateTask(grpc::CallbackServerContext* context, const v1::UpdateTaskRequest* request,
                                       v1::UpdateTaskResponse* response) override;
  grpc::ServerUnaryReactor* DeleteTask(grpc::CallbackServerContext* context, const v1::DeleteTaskRequest* request,
                                       v1::DeleteTaskResponse* response) override;

  grpc::ServerUnaryReactor* GetDashboard(grpc::CallbackServerContext* context, const v1::GetDashboardRequest* request,
                                         v1::GetDashboardResponse* response) override;

 private:
  // Authenticates the caller, then runs `body(caller)` under run_rpc, on this thread.
  template <class Body>
  grpc::Status authenticated(grpc::CallbackServerContext* context, const char* method, Body& body);
  // The same with a share of the database executor, inline or on a worker; `body` must own or
  // copy what it uses.
  template <class Body>
  grpc::ServerUnaryReactor* with_database(grpc::CallbackServerContext* context, const char* method, Body body);

  PostStore& posts_;
  TaskStore& tasks_;
  const CallerAuthenticator& authenticator_;
  common::BoundedExecutor& database_work_;
};

}  // namespace content
