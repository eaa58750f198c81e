// Tasks and the dashboard through the content service.
#include "integration/content/content_fixture.hpp"

namespace {

using content_test::ContentServiceTest;
using test_support::call_context;

content::v1::CreateTaskRequest new_task(const std::optional<std::string>& title,
                                        const std::optional<std::string>& description = std::nullopt,
                                        const std::optional<std::string>& status = std::nullopt) {
  content::v1::CreateTaskRequest request;
  if (title) request.set_title(*title);
  if (description) request.set_description(*description);
  if (status) request.set_status(*status);
  return request;
}

TEST_F(ContentServiceTest, TasksDefaultToPendingAndUpdateOnlyWhatIsGiven) {
  content::v1::CreateTaskResponse created;
  ASSERT_TRUE(stub_->CreateTask(call_context(alice_.access.token).get(), new_task("  Buy Groceries "), &created).ok());
  EXPECT_EQ(created.task().title(), "Buy Groceries");
  EXPECT_EQ(created.task().description(), "");
  EXPECT_EQ(created.task().status(), "pending");
  EXPECT_EQ(created.task().user_id(), 1);

  content::v1::UpdateTaskRequest only_status;
  only_status.set_id(created.task().id());
  only_status.set_status("in-progress");
  only_status.set_partial(true);
  content::v1::UpdateTaskResponse updated;
  ASSERT_TRUE(stub_->UpdateTask(call_context(alice_.access.token).get(), only_status, &updated).ok());
  EXPECT_EQ(updated.task().status(), "in-progress");
  EXPECT_EQ(updated.task().title(), "Buy Groceries");

  content::v1::UpdateTaskRequest put_without_title = only_status;
  put_without_title.set_partial(false);
  auto refused = stub_->UpdateTask(call_context(alice_.access.token).get(), put_without_title, &updated);
  ASSERT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(common::parse_status_details(refused).field_errors.at("title").at(0), "This field is required.");

  content::v1::ListTasksResponse listed;
  ASSERT_TRUE(stub_->ListTasks(call_context(alice_.access.token).get(), {}, &listed).ok());
  ASSERT_EQ(listed.tasks_size(), 1);
  EXPECT_EQ(listed.tasks(0).status(), "in-progress");
}

TEST_F(ContentServiceTest, InvalidTasksAreRefusedWithEveryFieldErrorAndStoreNothing) {
  content::v1::CreateTaskResponse created;
  auto status = stub_->CreateTask(call_context(alice_.access.token).get(),
                                  new_task(std::string(256, 'x'), "fine", "done"), &created);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto errors = common::parse_status_details(status).field_errors;
  EXPECT_EQ(errors.at("title").at(0), "Ensure this field has no more than 255 characters.");
  EXPECT_EQ(errors.at("status").at(0), "\"done\" is not a valid choice.");
  EXPECT_EQ(stub_->CreateTask(call_context(alice_.access.token).get(), new_task(std::nullopt), &created).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  pqxx::connection c(database_.url());
  pqxx::read_transaction tx(c);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM tasks")[0].as<int>(), 0);
}

TEST_F(ContentServiceTest, AnotherUsersTaskIsNotFoundAndStaysUnchanged) {
  content::v1::CreateTaskResponse created;
  ASSERT_TRUE(
      stub_->CreateTask(call_context(alice_.access.token).get(), new_task("mine", "", "completed"), &created).ok());
  content::v1::GetTaskRequest get;
  get.set_id(created.task().id());
  content::v1::GetTaskResponse got;
  EXPECT_EQ(stub_->GetTask(call_context(bob_.access.token).get(), get, &got).error_code(), grpc::StatusCode::NOT_FOUND);
  content::v1::UpdateTaskRequest update;
  update.set_id(created.task().id());
  update.set_title("stolen");
  update.set_status("bogus");
  content::v1::UpdateTaskResponse updated;
  EXPECT_EQ(stub_->UpdateTask(call_context(bob_.access.token).get(), update, &updated).error_code(),
            grpc::StatusCode::NOT_FOUND);
  content::v1::DeleteTaskRequest remove;
  remove.set_id(created.task().id());
  content::v1::DeleteTaskResponse removed;
  EXPECT_EQ(stub_->DeleteTask(call_context(bob_.access.token).get(), remove, &removed).error_code(),
            grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(stub_->GetTask(call_context(alice_.access.token).get(), get, &got).ok());
  EXPECT_EQ(got.task().title(), "mine");
  EXPECT_EQ(got.task().status(), "completed");
}

TEST_F(ContentServiceTest, DashboardGreetsTheCallerBySeedTwosSentences) {
  content::v1::GetDashboardResponse reply;
  ASSERT_TRUE(stub_->GetDashboard(call_context(alice_.access.token).get(), {}, &reply).ok());
  EXPECT_EQ(reply.response(), "Hey alice, You are seeing a GET response");
  content::v1::GetDashboardRequest with_text;
  with_text.set_text("This is my Text");
  ASSERT_TRUE(stub_->GetDashboard(call_context(bob_.access.token).get(), with_text, &reply).ok());
  EXPECT_EQ(reply.response(), "Hey bob, your text is This is my Text");
  EXPECT_EQ(stub_->GetDashboard(call_context().get(), {}, &reply).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

// Issue 11: NUL and invalid UTF-8 in any text field are DRF field errors, never stored (libpq
// would cut the text at the NUL), never INTERNAL; internal gRPC callers get the same answer.
TEST_F(ContentServiceTest, NulAndInvalidUtf8InEveryTextFieldAreFieldErrorsAndStoreNothing) {
  const std::string with_nul = std::string("x") + '\0' + "hidden";
  const std::string only_nul(1, '\0');
  const std::string bad_utf8 = "x\xC3(";
  auto error_of = [](const grpc::Status& status, const std::string& field) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << field;
    auto errors = common::parse_status_details(status).field_errors;
    return errors.count(field) ? errors.at(field).at(0) : std::string("<none>");
  };
  for (const std::string& title : {with_nul, only_nul}) {
    EXPECT_EQ(error_of(create(alice_, title, "body"), "title"), "Null characters are not allowed.");
  }
  EXPECT_EQ(error_of(create(alice_, "title", with_nul), "content"), "Null characters are not allowed.");
  EXPECT_EQ(error_of(create(alice_, bad_utf8, "body"), "title"), "Enter valid UTF-8 text.");
  EXPECT_EQ(error_of(create(alice_, "title", "\xFF"), "content"), "Enter valid UTF-8 text.");
  EXPECT_EQ(post_count(), 0);

  content::v1::Post post;
  ASSERT_TRUE(create(alice_, "real", "body", &post).ok());
  EXPECT_EQ(error_of(update(alice_, post.id(), with_nul, std::nullopt, true), "title"),
            "Null characters are not allowed.");
  EXPECT_EQ(error_of(update(alice_, post.id(), "t", bad_utf8, false), "content"), "Enter valid UTF-8 text.");
  content::v1::Post unchanged;
  ASSERT_TRUE(get(alice_, post.id(), &unchanged).ok());
  EXPECT_EQ(unchanged.title(), "real");
  EXPECT_EQ(unchanged.content(), "body");

  auto create_task = [&](const char* field, const std::string& value) {
    content::v1::CreateTaskRequest request;
    request.set_title("task");
    request.GetReflection()->SetString(&request, request.GetDescriptor()->FindFieldByName(field), value);
    content::v1::CreateTaskResponse reply;
    return stub_->CreateTask(call_context(alice_.access.token).get(), request, &reply);
  };
  for (const char* field : {"title", "description", "status"}) {
    EXPECT_EQ(error_of(create_task(field, with_nul), field), "Null characters are not allowed.");
    EXPECT_EQ(error_of(create_task(field, "pending\xED\xA0\x80"), field), "Enter valid UTF-8 text.");
  }
  content::v1::UpdateTaskRequest update_task;
  update_task.set_id(1);
  update_task.set_partial(true);
  update_task.set_status(std::string("completed") + '\0');
  content::v1::UpdateTaskResponse updated;
  // No such task: DRF's lookup comes first, 404.
  EXPECT_EQ(stub_->UpdateTask(call_context(alice_.access.token).get(), update_task, &updated).error_code(),
            grpc::StatusCode::NOT_FOUND);
  content::v1::ListTasksRequest list_tasks;
  content::v1::ListTasksResponse tasks;
  ASSERT_TRUE(stub_->ListTasks(call_context(alice_.access.token).get(), list_tasks, &tasks).ok());
  EXPECT_EQ(tasks.tasks_size(), 0);

  content::v1::GetDashboardRequest dashboard;
  dashboard.set_text(with_nul);
  content::v1::GetDashboardResponse greeting;
  EXPECT_EQ(error_of(stub_->GetDashboard(call_context(alice_.access.token).get(), dashboard, &greeting), "text"),
            "Null characters are not allowed.");
}

}  // namespace
