// Fake Auth and Content services for the in-process gateway tests: real gRPC servers on
// loopback, implementing the generated interfaces, that record every request they receive
// (with its metadata) and answer what the test configured.
#pragma once

#include "auth/v1/auth.grpc.pb.h"
#include "content/v1/content.grpc.pb.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace gateway_test {

// One RPC of a fake service: answers `reply` (default: an empty response) or `status`, and
// keeps what it was called with. Thread-safe: the gateway calls from its worker threads.
template <class Request, class Response>
class FakeRpc final {
 public:
  void reply_with(Response response) {
    std::lock_guard lock(mutex_);
    response_ = std::move(response);
    status_ = grpc::Status::OK;
  }
  void fail_with(grpc::Status status) {
    std::lock_guard lock(mutex_);
    status_ = std::move(status);
  }

  std::size_t calls() const {
    std::lock_guard lock(mutex_);
    return received_.size();
  }
  // The latest request; a test failure (and an empty request) when there was none.
  Request last_request() const {
    std::lock_guard lock(mutex_);
    if (received_.empty()) {
      ADD_FAILURE() << "the fake " << Request::descriptor()->name() << " RPC was not called";
      return Request();
    }
    return received_.back().request;
  }
  // A metadata value of the latest call ("" when absent).
  std::string last_metadata(const std::string& key) const {
    std::lock_guard lock(mutex_);
    if (received_.empty()) return {};
    auto found = received_.back().metadata.find(key);
    return found == received_.back().metadata.end() ? std::string() : found->second;
  }

  grpc::Status serve(grpc::ServerContext* context, const Request* request, Response* response) {
    std::lock_guard lock(mutex_);
    Call call{*request, {}};
    for (const auto& [key, value] : context->client_metadata()) {
      call.metadata.emplace(std::string(key.data(), key.size()), std::string(value.data(), value.size()));
    }
    received_.push_back(std::move(call));
    if (!status_.ok()) return status_;
    *response = response_;
    return grpc::Status::OK;
  }

 private:
  struct Call {
    Request request;
    std::map<std::string, std::string> metadata;
  };
  mutable std::mutex mutex_;
  Response response_;
  grpc::Status status_;
  std::vector<Call> received_;
};

class FakeAuthService final : public auth::v1::AuthService::Service {
 public:
  FakeRpc<auth::v1::RegisterRequest, auth::v1::RegisterResponse> register_user;
  FakeRpc<auth::v1::LoginRequest, auth::v1::LoginResponse> login;
  FakeRpc<auth::v1::RefreshRequest, auth::v1::RefreshResponse> refresh;
  FakeRpc<auth::v1::VerifyRequest, auth::v1::VerifyResponse> verify;
  FakeRpc<auth::v1::LogoutRequest, auth::v1::LogoutResponse> logout;
  FakeRpc<auth::v1::GetMeRequest, auth::v1::GetMeResponse> get_me;
  FakeRpc<auth::v1::VerifyEmailRequest, auth::v1::VerifyEmailResponse> verify_email;
  FakeRpc<auth::v1::GetJwksRequest, auth::v1::GetJwksResponse> get_jwks;
  FakeRpc<auth::v1::CheckRevocationRequest, auth::v1::CheckRevocationResponse> check_revocation;
  FakeRpc<auth::v1::ChangePasswordRequest, auth::v1::ChangePasswordResponse> change_password;
  FakeRpc<auth::v1::RequestPasswordResetRequest, auth::v1::RequestPasswordResetResponse> request_password_reset;
  FakeRpc<auth::v1::ConfirmPasswordResetRequest, auth::v1::ConfirmPasswordResetResponse> confirm_password_reset;
  FakeRpc<auth::v1::UpdateMeRequest, auth::v1::UpdateMeResponse> update_me;
  FakeRpc<auth::v1::ResendVerificationRequest, auth::v1::ResendVerificationResponse> resend_verification;
  FakeRpc<auth::v1::DeleteMeRequest, auth::v1::DeleteMeResponse> delete_me;
  FakeRpc<auth::v1::ListSessionsRequest, auth::v1::ListSessionsResponse> list_sessions;
  FakeRpc<auth::v1::EndSessionRequest, auth::v1::EndSessionResponse> end_session;
  FakeRpc<auth::v1::EndOtherSessionsRequest, auth::v1::EndOtherSessionsResponse> end_other_sessions;

  grpc::Status Register(grpc::ServerContext* c, const auth::v1::RegisterRequest* q,
                        auth::v1::RegisterResponse* r) override {
    return register_user.serve(c, q, r);
  }
  grpc::Status Login(grpc::ServerContext* c, const auth::v1::LoginRequest* q, auth::v1::LoginResponse* r) override {
    return login.serve(c, q, r);
  }
  grpc::Status Refresh(grpc::ServerContext* c, const auth::v1::RefreshRequest* q,
                       auth::v1::RefreshResponse* r) override {
    return refresh.serve(c, q, r);
  }
  grpc::Status Verify(grpc::ServerContext* c, const auth::v1::VerifyRequest* q, auth::v1::VerifyResponse* r) override {
    return verify.serve(c, q, r);
  }
  grpc::Status Logout(grpc::ServerContext* c, const auth::v1::LogoutRequest* q, auth::v1::LogoutResponse* r) override {
    return logout.serve(c, q, r);
  }
  grpc::Status GetMe(grpc::ServerContext* c, const auth::v1::GetMeRequest* q, auth::v1::GetMeResponse* r) override {
    return get_me.serve(c, q, r);
  }
  grpc::Status VerifyEmail(grpc::ServerContext* c, const auth::v1::VerifyEmailRequest* q,
                           auth::v1::VerifyEmailResponse* r) override {
    return verify_email.serve(c, q, r);
  }
  grpc::Status GetJwks(grpc::ServerContext* c, const auth::v1::GetJwksRequest* q,
                       auth::v1::GetJwksResponse* r) override {
    return get_jwks.serve(c, q, r);
  }
  grpc::Status CheckRevocation(grpc::ServerContext* c, const auth::v1::CheckRevocationRequest* q,
                               auth::v1::CheckRevocationResponse* r) override {
    return check_revocation.serve(c, q, r);
  }
  grpc::Status ChangePassword(grpc::ServerContext* c, const auth::v1::ChangePasswordRequest* q,
                              auth::v1::ChangePasswordResponse* r) override {
    return change_password.serve(c, q, r);
  }
  grpc::Status RequestPasswordReset(grpc::ServerContext* c, const auth::v1::RequestPasswordResetRequest* q,
                                    auth::v1::RequestPasswordResetResponse* r) override {
    return request_password_reset.serve(c, q, r);
  }
  grpc::Status ConfirmPasswordReset(grpc::ServerContext* c, const auth::v1::ConfirmPasswordResetRequest* q,
                                    auth::v1::ConfirmPasswordResetResponse* r) override {
    return confirm_password_reset.serve(c, q, r);
  }
  grpc::Status UpdateMe(grpc::ServerContext* c, const auth::v1::UpdateMeRequest* q,
                        auth::v1::UpdateMeResponse* r) override {
    return update_me.serve(c, q, r);
  }
  grpc::Status ResendVerification(grpc::ServerContext* c, const auth::v1::ResendVerificationRequest* q,
                                  auth::v1::ResendVerificationResponse* r) override {
    return resend_verification.serve(c, q, r);
  }
  grpc::Status DeleteMe(grpc::ServerContext* c, const auth::v1::DeleteMeRequest* q,
                        auth::v1::DeleteMeResponse* r) override {
    return delete_me.serve(c, q, r);
  }
  grpc::Status ListSessions(grpc::ServerContext* c, const auth::v1::ListSessionsRequest* q,
                            auth::v1::ListSessionsResponse* r) override {
    return list_sessions.serve(c, q, r);
  }
  grpc::Status EndSession(grpc::ServerContext* c, const auth::v1::EndSessionRequest* q,
                          auth::v1::EndSessionResponse* r) override {
    return end_session.serve(c, q, r);
  }
  grpc::Status EndOtherSessions(grpc::ServerContext* c, const auth::v1::EndOtherSessionsRequest* q,
                                auth::v1::EndOtherSessionsResponse* r) override {
    return end_other_sessions.serve(c, q, r);
  }
};

class FakeContentService final : public content::v1::ContentService::Service {
 public:
  FakeRpc<content::v1::CreatePostRequest, content::v1::CreatePostResponse> create_post;
  FakeRpc<content::v1::GetPostRequest, content::v1::GetPostResponse> get_post;
  FakeRpc<content::v1::ListPostsRequest, content::v1::ListPostsResponse> list_posts;
  FakeRpc<content::v1::UpdatePostRequest, content::v1::UpdatePostResponse> update_post;
  FakeRpc<content::v1::DeletePostRequest, content::v1::DeletePostResponse> delete_post;
  FakeRpc<content::v1::CreateTaskRequest, content::v1::CreateTaskResponse> create_task;
  FakeRpc<content::v1::GetTaskRequest, content::v1::GetTaskResponse> get_task;
  FakeRpc<content::v1::ListTasksRequest, content::v1::ListTasksResponse> list_tasks;
  FakeRpc<content::v1::UpdateTaskRequest, content::v1::UpdateTaskResponse> update_task;
  FakeRpc<content::v1::DeleteTaskRequest, content::v1::DeleteTaskResponse> delete_task;
  FakeRpc<content::v1::GetDashboardRequest, content::v1::GetDashboardResponse> get_dashboard;

  grpc::Status CreatePost(grpc::ServerContext* c, const content::v1::CreatePostRequest* q,
                          content::v1::CreatePostResponse* r) override {
    return create_post.serve(c, q, r);
  }
  grpc::Status GetPost(grpc::ServerContext* c, const content::v1::GetPostRequest* q,
                       content::v1::GetPostResponse* r) override {
    return get_post.serve(c, q, r);
  }
  grpc::Status ListPosts(grpc::ServerContext* c, const content::v1::ListPostsRequest* q,
                         content::v1::ListPostsResponse* r) override {
    return list_posts.serve(c, q, r);
  }
  grpc::Status UpdatePost(grpc::ServerContext* c, const content::v1::UpdatePostRequest* q,
                          content::v1::UpdatePostResponse* r) override {
    return update_post.serve(c, q, r);
  }
  grpc::Status DeletePost(grpc::ServerContext* c, const content::v1::DeletePostRequest* q,
                          content::v1::DeletePostResponse* r) override {
    return delete_post.serve(c, q, r);
  }
  grpc::Status CreateTask(grpc::ServerContext* c, const content::v1::CreateTaskRequest* q,
                          content::v1::CreateTaskResponse* r) override {
    return create_task.serve(c, q, r);
  }
  grpc::Status GetTask(grpc::ServerContext* c, const content::v1::GetTaskRequest* q,
                       content::v1::GetTaskResponse* r) override {
    return get_task.serve(c, q, r);
  }
  grpc::Status ListTasks(grpc::ServerContext* c, const content::v1::ListTasksRequest* q,
                         content::v1::ListTasksResponse* r) override {
    return list_tasks.serve(c, q, r);
  }
  grpc::Status UpdateTask(grpc::ServerContext* c, const content::v1::UpdateTaskRequest* q,
                          content::v1::UpdateTaskResponse* r) override {
    return update_task.serve(c, q, r);
  }
  grpc::Status DeleteTask(grpc::ServerContext* c, const content::v1::DeleteTaskRequest* q,
                          content::v1::DeleteTaskResponse* r) override {
    return delete_task.serve(c, q, r);
  }
  grpc::Status GetDashboard(grpc::ServerContext* c, const content::v1::GetDashboardRequest* q,
                            content::v1::GetDashboardResponse* r) override {
    return get_dashboard.serve(c, q, r);
  }
};

// A real gRPC server on a free loopback port serving one fake, with the standard health
// service reporting it SERVING (what the gateway's /readyz asks).
class FakeServer final {
 public:
  FakeServer(grpc::Service& service, const std::string& service_name);
  ~FakeServer();
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

// Canned messages.
auth::v1::User sample_user(std::int64_t id, const std::string& username, const std::string& email,
                           const std::string& name = {});
auth::v1::TokenPair token_pair(const std::string& access, const std::string& refresh);
// A session begun at the sample time, last used an hour later, expiring a day after that.
auth::v1::Session sample_session(const std::string& id, const std::string& user_agent, bool current);
content::v1::Post sample_post(std::int64_t id, const std::string& title, const std::string& content);
content::v1::Task sample_task(std::int64_t id, const std::string& title, const std::string& status);

}  // namespace gateway_test
