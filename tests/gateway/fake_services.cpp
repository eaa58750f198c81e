#include "tests/gateway/fake_services.hpp"

#include <stdexcept>

namespace gateway_test {
namespace {

// 2026-11-23T12:00:00.123456Z: what the gateway must render in DRF's format.
google::protobuf::Timestamp sample_time() {
  google::protobuf::Timestamp time;
  time.set_seconds(1795435200);
  time.set_nanos(123456000);
  return time;
}

}  // namespace

FakeServer::FakeServer(grpc::Service& service, const std::string& service_name) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
  builder.RegisterService(&service);
  server_ = builder.BuildAndStart();
  if (!server_ || port_ == 0) throw std::runtime_error("fake gRPC server did not start");
  server_->GetHealthCheckService()->SetServingStatus(service_name, true);
}

FakeServer::~FakeServer() { server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1)); }

auth::v1::User sample_user(std::int64_t id, const std::string& username, const std::string& email,
                           const std::string& name) {
  auth::v1::User user;
  user.set_id(id);
  user.set_username(username);
  user.set_email(email);
  user.set_name(name);
  *user.mutable_date_joined() = sample_time();
  return user;
}

auth::v1::TokenPair token_pair(const std::string& access, const std::string& refresh) {
  auth::v1::TokenPair pair;
  pair.set_access(access);
  pair.set_refresh(refresh);
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  pair.mutable_access_expires_at()->set_seconds(now.count() + 900);
  pair.mutable_refresh_expires_at()->set_seconds(now.count() + 86400);
  return pair;
}

auth::v1::Session sample_session(const std::string& id, const std::string& user_agent, bool current) {
  auth::v1::Session session;
  session.set_id(id);
  *session.mutable_created_at() = sample_time();
  *session.mutable_last_used_at() = sample_time();
  session.mutable_last_used_at()->set_seconds(sample_time().seconds() + 3600);
  *session.mutable_expires_at() = session.last_used_at();
  session.mutable_expires_at()->set_seconds(session.last_used_at().seconds() + 86400);
  session.set_user_agent(user_agent);
  session.set_client_ip("203.0.113.9");
  session.set_current(current);
  return session;
}

content::v1::Post sample_post(std::int64_t id, const std::string& title, const std::string& content) {
  content::v1::Post post;
  post.set_id(id);
  post.set_title(title);
  post.set_content(content);
  post.set_user_id(7);
  *post.mutable_created_at() = sample_time();
  *post.mutable_updated_at() = sample_time();
  return post;
}

content::v1::Task sample_task(std::int64_t id, const std::string& title, const std::string& status) {
  content::v1::Task task;
  task.set_id(id);
  task.set_title(title);
  task.set_description("blah, Eggs, Bread");
  task.set_status(status);
  task.set_user_id(7);
  *task.mutable_created_at() = sample_time();
  *task.mutable_updated_at() = sample_time();
  return task;
}

}  // namespace gateway_test
