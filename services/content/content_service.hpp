#pragma once

#include "content/caller.hpp"
#include "content/post_store.hpp"
#include "content/task_store.hpp"
#include "content/v1/content.grpc.pb.h"

namespace content {

// The callback API: a call is handled on the thread gRPC received it on, with no hand-off to a
// worker thread (the sync API's hand-offs cost more than the work on this read path).
class ContentServiceImpl final : public content::v1::ContentService::CallbackService {
 public:
  ContentServiceImpl(PostStore& posts, TaskStore& tasks, const CallerAuthenticator& authenticator)
      : posts_(posts), tasks_(tasks), authenticator_(authenticator) {}

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
  // Authenticates the caller, then runs `body(caller)` under run_rpc.
  template <class Body>
  grpc::ServerUnaryReactor* authenticated(grpc::CallbackServerContext* context, const char* method, Body&& body);

  PostStore& posts_;
  TaskStore& tasks_;
  const CallerAuthenticator& authenticator_;
};

}  // namespace content
