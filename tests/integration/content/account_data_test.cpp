// Content's AccountDataService (issue 14): only the auth service's service token for that user
// and that action removes a deleted account's posts and tasks; removal is idempotent.
#include "auth/deletion/content_remover.hpp"
#include "integration/content/content_fixture.hpp"

#include <gtest/gtest.h>

namespace {

using content_test::ContentServiceTest;

class AccountDataTest : public ContentServiceTest {
 protected:
  AccountDataTest() : accounts_(content::v1::AccountDataService::NewStub(server_.channel())) {}

  grpc::Status delete_content(std::int64_t user_id, const std::string& bearer,
                              content::v1::DeleteUserContentResponse* out = nullptr) {
    content::v1::DeleteUserContentRequest request;
    request.set_user_id(user_id);
    content::v1::DeleteUserContentResponse reply;
    auto status = accounts_->DeleteUserContent(test_support::call_context(bearer).get(), request, &reply);
    if (out) *out = reply;
    return status;
  }

  std::int64_t task_count() {
    pqxx::connection c(database_.url());
    pqxx::read_transaction tx(c);
    return tx.exec1("SELECT count(*) FROM tasks")[0].as<std::int64_t>();
  }

  std::unique_ptr<content::v1::AccountDataService::Stub> accounts_;
};

TEST_F(AccountDataTest, OnlyAServiceTokenForThatUserRemovesTheirContentAndOnlyTheirs) {
  ASSERT_TRUE(create(alice_, "a1", "x").ok());
  ASSERT_TRUE(create(alice_, "a2", "x").ok());
  ASSERT_TRUE(create(bob_, "b1", "x").ok());
  content::v1::CreateTaskRequest task;
  task.set_title("alice's task");
  content::v1::CreateTaskResponse created;
  ASSERT_TRUE(stub_->CreateTask(test_support::call_context(alice_.access.token).get(), task, &created).ok());

  EXPECT_EQ(delete_content(1, "").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(delete_content(1, alice_.access.token).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  auto for_bob = issuer_.service_token(2, content::kAccountDataAudience, content::kDeleteUserContentScope);
  EXPECT_EQ(delete_content(1, for_bob).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  auto other_action = issuer_.service_token(1, content::kAccountDataAudience, "export_user_content");
  EXPECT_EQ(delete_content(1, other_action).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  auto other_audience = issuer_.service_token(1, "api", content::kDeleteUserContentScope);
  EXPECT_EQ(delete_content(1, other_audience).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(post_count(), 3);

  // The auth service's own remover, as its deletion loop calls it.
  auto remove = auth::content_remover(*accounts_, issuer_, std::chrono::seconds(5));
  remove(1);
  EXPECT_EQ(post_count(), 1);
  EXPECT_EQ(task_count(), 0);
  content::v1::DeleteUserContentResponse again;
  auto for_alice = issuer_.service_token(1, content::kAccountDataAudience, content::kDeleteUserContentScope);
  ASSERT_TRUE(delete_content(1, for_alice, &again).ok());
  EXPECT_EQ(again.posts_deleted(), 0);
  EXPECT_EQ(again.tasks_deleted(), 0);
  EXPECT_TRUE(get(bob_, list(bob_).posts(0).id()).ok());
}

}  // namespace
