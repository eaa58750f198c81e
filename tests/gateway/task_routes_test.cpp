// The task routes, canonical and seed 003's: each row's RPC, the fields it forwards (seed
// 003's update is partial), the task's JSON shape, and DRF's limit/offset pages.
#include "tests/gateway/gateway_fixture.hpp"

#include "common/grpc/grpc_errors.hpp"

namespace gateway_test {
namespace {

class TaskRoutesTest : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    access_ = tokens_.access();
  }
  std::string access_;
};

json task_body(std::int64_t id, const std::string& title, const std::string& status) {
  return {{"id", id},
          {"title", title},
          {"description", "blah, Eggs, Bread"},
          {"status", status},
          {"user", 7},
          {"created_at", "2026-11-23T12:00:00.123456Z"},
          {"updated_at", "2026-11-23T12:00:00.123456Z"}};
}

TEST_F(TaskRoutesTest, SeedThreeTaskFlowThroughItsOwnRoutes) {
  content::v1::CreateTaskResponse created_reply;
  *created_reply.mutable_task() = sample_task(5, "Buy Groceries", "pending");
  content_.create_task.reply_with(created_reply);
  auto created =
      send("POST", "/tasks/create/", {{"title", "Buy Groceries"}, {"description", "blah, Eggs, Bread"}}, access_);
  ASSERT_EQ(created.status, 201) << created.text;
  EXPECT_EQ(created.body, task_body(5, "Buy Groceries", "pending"));
  auto create_sent = content_.create_task.last_request();
  EXPECT_EQ(create_sent.title(), "Buy Groceries");
  EXPECT_EQ(create_sent.description(), "blah, Eggs, Bread");
  EXPECT_FALSE(create_sent.has_status());

  content::v1::ListTasksResponse listed_reply;
  *listed_reply.add_tasks() = sample_task(5, "Buy Groceries", "pending");
  listed_reply.set_total_count(1);
  content_.list_tasks.reply_with(listed_reply);
  auto listed = send("GET", "/tasks/", nullptr, access_);
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.body, json::array({task_body(5, "Buy Groceries", "pending")}));

  content::v1::GetTaskResponse got_reply;
  *got_reply.mutable_task() = sample_task(5, "Buy Groceries", "pending");
  content_.get_task.reply_with(got_reply);
  EXPECT_EQ(send("GET", "/tasks/5/", nullptr, access_).body["id"], 5);
  EXPECT_EQ(content_.get_task.last_request().id(), 5);

  content::v1::UpdateTaskResponse updated_reply;
  *updated_reply.mutable_task() = sample_task(5, "Buy Groceries", "completed");
  content_.update_task.reply_with(updated_reply);
  auto updated = send("PUT", "/tasks/5/update/", {{"status", "completed"}}, access_);
  ASSERT_EQ(updated.status, 200) << updated.text;
  EXPECT_EQ(updated.body, task_body(5, "Buy Groceries", "completed"));
  auto update_sent = content_.update_task.last_request();
  EXPECT_EQ(update_sent.id(), 5);
  EXPECT_TRUE(update_sent.partial()) << "seed 003 updates only the status";
  EXPECT_EQ(update_sent.status(), "completed");
  EXPECT_FALSE(update_sent.has_title());

  content_.update_task.fail_with(common::invalid_argument({{"status", {"\"done\" is not a valid choice."}}}));
  auto bad = send("PUT", "/tasks/5/update/", {{"status", "done"}}, access_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body, json({{"status", {"\"done\" is not a valid choice."}}}));

  auto deleted = send("DELETE", "/tasks/5/delete/", nullptr, access_);
  EXPECT_EQ(deleted.status, 204);
  EXPECT_EQ(content_.delete_task.last_request().id(), 5);
  content_.get_task.fail_with(common::not_found());
  auto gone = send("GET", "/tasks/5/", nullptr, access_);
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.body, json({{"detail", "Not found."}}));

  EXPECT_EQ(send("GET", "/tasks/").status, 401);
  EXPECT_EQ(content_.list_tasks.calls(), 1u);
}

TEST_F(TaskRoutesTest, CanonicalTaskRoutesForwardEveryField) {
  content::v1::CreateTaskResponse created_reply;
  *created_reply.mutable_task() = sample_task(1, "one", "in-progress");
  content_.create_task.reply_with(created_reply);
  auto created = send("POST", "/api/tasks/", {{"title", "one"}, {"status", "in-progress"}}, access_);
  ASSERT_EQ(created.status, 201);
  EXPECT_EQ(created.body, task_body(1, "one", "in-progress"));
  EXPECT_EQ(content_.create_task.last_request().status(), "in-progress");
  EXPECT_FALSE(content_.create_task.last_request().has_description());

  content::v1::UpdateTaskResponse updated_reply;
  *updated_reply.mutable_task() = sample_task(1, "one, again", "completed");
  content_.update_task.reply_with(updated_reply);
  auto put =
      send("PUT", "/api/tasks/1/", {{"title", "one, again"}, {"description", "d"}, {"status", "completed"}}, access_);
  ASSERT_EQ(put.status, 200) << put.text;
  auto put_sent = content_.update_task.last_request();
  EXPECT_FALSE(put_sent.partial());
  EXPECT_EQ(put_sent.title(), "one, again");
  EXPECT_EQ(put_sent.description(), "d");
  EXPECT_EQ(put_sent.status(), "completed");

  content_.update_task.fail_with(common::invalid_argument({{"title", {"This field is required."}}}));
  auto put_without_title = send("PUT", "/api/tasks/1/", {{"status", "pending"}}, access_);
  EXPECT_EQ(put_without_title.body, json({{"title", {"This field is required."}}}));
  EXPECT_FALSE(content_.update_task.last_request().partial());

  content_.update_task.reply_with(updated_reply);
  ASSERT_EQ(send("PATCH", "/api/tasks/1/", {{"title", "mine now"}}, access_).status, 200);
  EXPECT_TRUE(content_.update_task.last_request().partial());
  EXPECT_FALSE(content_.update_task.last_request().has_status());

  content::v1::GetTaskResponse got_reply;
  *got_reply.mutable_task() = sample_task(1, "one", "pending");
  content_.get_task.reply_with(got_reply);
  EXPECT_EQ(send("GET", "/api/tasks/1/", nullptr, access_).body["title"], "one");
  EXPECT_EQ(send("DELETE", "/api/tasks/1/", nullptr, access_).status, 204);
  EXPECT_EQ(content_.delete_task.last_request().id(), 1);
}

TEST_F(TaskRoutesTest, ListsPageOnRequestWithLinksToTheListenAddress) {
  content::v1::ListTasksResponse reply;
  *reply.add_tasks() = sample_task(2, "two", "in-progress");
  *reply.add_tasks() = sample_task(3, "three", "in-progress");
  reply.set_total_count(3);
  content_.list_tasks.reply_with(reply);
  // The client's Host never makes it into a link.
  auto page = send("GET", "/api/tasks/?limit=2&offset=1", nullptr, access_, {{"Host", "evil.example"}});
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(
      page.body,
      json({{"count", 3},
            {"next", nullptr},
            {"previous", listen_url() + "/api/tasks/?limit=2"},
            {"results", json::array({task_body(2, "two", "in-progress"), task_body(3, "three", "in-progress")})}}));
  EXPECT_EQ(content_.list_tasks.last_request().limit(), 2);
  EXPECT_EQ(content_.list_tasks.last_request().offset(), 1);

  auto first = send("GET", "/tasks/?limit=2", nullptr, access_);
  EXPECT_EQ(first.body["next"], listen_url() + "/tasks/?limit=2&offset=2");
  EXPECT_TRUE(first.body["previous"].is_null());
  EXPECT_EQ(content_.list_tasks.last_request().offset(), 0);

  send("GET", "/api/tasks/?limit=5000&offset=abc", nullptr, access_);
  EXPECT_EQ(content_.list_tasks.last_request().limit(), 1000);
  EXPECT_EQ(content_.list_tasks.last_request().offset(), 0);

  for (const char* plain : {"/api/tasks/", "/api/tasks/?limit=0", "/api/tasks/?limit=abc", "/api/tasks/?offset=2"}) {
    auto listed = send("GET", plain, nullptr, access_);
    EXPECT_TRUE(listed.body.is_array()) << plain;
    EXPECT_FALSE(content_.list_tasks.last_request().has_limit()) << plain;
  }
}

}  // namespace
}  // namespace gateway_test
