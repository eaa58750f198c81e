#pragma once

#include "content/caller.hpp"
#include "content/post_store.hpp"
#include "content/task_store.hpp"
#include "content/v1/content.grpc.pb.h"

namespace content {

class ContentServiceImpl final : public content::v1::ContentService::Service {
 public:
  ContentServiceImpl(PostStore& posts, TaskStore& tasks, const CallerAuthenticator& authenticator)
      : posts_(posts), tasks_(tasks), authenticator_(authenticator) {}

  grpc::Status CreatePost(grpc::ServerContext* context, const v1::CreatePostRequest* request,
                          v1::CreatePostResponse* response) override;
  grpc::Status GetPost(grpc::ServerContext* context, const v1::GetPostRequest* request,
                       v1::GetPostResponse* response) override;
  grpc::Status ListPosts(grpc::ServerContext* context, const v1::ListPostsRequest* request,
                         v1::ListPostsResponse* response) override;
  grpc::Status UpdatePost(grpc::ServerContext* context, const v1::UpdatePostRequest* request,
                          v1::UpdatePostResponse* response) override;
  grpc::Status DeletePost(grpc::ServerContext* context, const v1::DeletePostRequest* request,
                          v1::DeletePostResponse* response) override;

  grpc::Status CreateTask(grpc::ServerContext* context, const v1::CreateTaskRequest* request,
                          v1::CreateTaskResponse* response) override;
  grpc::Status GetTask(grpc::ServerContext* context, const v1::GetTaskRequest* request,
                       v1::GetTaskResponse* response) override;
  grpc::Status ListTasks(grpc::ServerContext* context, const v1::ListTasksRequest* request,
                         v1::ListTasksResponse* response) override;
  grpc::Status UpdateTask(grpc::ServerContext* context, const v1::UpdateTaskRequest* request,
                          v1::UpdateTaskResponse* response) override;
  grpc::Status DeleteTask(grpc::ServerContext* context, const v1::DeleteTaskRequest* request,
                          v1::DeleteTaskResponse* response) override;

  grpc::Status GetDashboard(grpc::ServerContext* context, const v1::GetDashboardRequest* request,
                            v1::GetDashboardResponse* response) override;

 private:
  // Authenticates the caller, then runs `body(caller)` under run_rpc.
  template <class Body>
  grpc::Status authenticated(grpc::ServerContext* context, const char* method, Body&& body);

  PostStore& posts_;
  TaskStore& tasks_;
  const CallerAuthenticator& authenticator_;
};

}  // namespace content
