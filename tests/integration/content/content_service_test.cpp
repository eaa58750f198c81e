// The content service behind a real gRPC server, on real PostgreSQL, with real tokens.
#include "auth/tokens/token_issuer.hpp"
#include "common/grpc/grpc_errors.hpp"
#include "common/access/revocation_set.hpp"
#include "content/content_components.hpp"
#include "content/schema.hpp"
#include "support/grpc_test_server.hpp"
#include "support/test_support.hpp"

#include <gtest/gtest.h>

namespace {

using test_support::call_context;

class ContentServiceTest : public ::testing::Test {
 protected:
  ContentServiceTest()
      : database_("content_it"),
        key_file_(test_support::write_signing_key(keys_.path())),
        issuer_(common::jwt::SigningKey::from_pem_file(key_file_), {}),
        verifier_({common::jwt::KeySet::from_pem_files({key_file_}),
                   {},
                   {issuer_.settings().issuer, issuer_.settings().audience, std::chrono::seconds(30), "access"}},
                  &revoked_),
        authenticator_(verifier_),
        components_(database_.url(), 4, 64, authenticator_),
        server_(&components_.service),
        stub_(content::v1::ContentService::NewStub(server_.channel())) {
    pqxx::connection c(database_.url());
    common::apply_migrations(c, "content", content::migrations());
    alice_ = issuer_.issue(user(1, "alice"));
    bob_ = issuer_.issue(user(2, "bob"));
  }

  static auth::UserRecord user(std::int64_t id, const std::string& name) {
    auth::UserRecord record;
    record.id = id;
    record.username = name;
    return record;
  }

  grpc::Status create(const auth::IssuedPair& who, const std::optional<std::string>& title,
                      const std::optional<std::string>& body, content::v1::Post* out = nullptr) {
    content::v1::CreatePostRequest request;
    if (title) request.set_title(*title);
    if (body) request.set_content(*body);
    content::v1::CreatePostResponse reply;
    auto status = stub_->CreatePost(call_context(who.access.token).get(), request, &reply);
    if (out) *out = reply.post();
    return status;
  }

  grpc::Status get(const auth::IssuedPair& who, std::int64_t id, content::v1::Post* out = nullptr) {
    content::v1::GetPostRequest request;
    request.set_id(id);
    content::v1::GetPostResponse reply;
    auto status = stub_->GetPost(call_context(who.access.token).get(), request, &reply);
    if (out) *out = reply.post();
    return status;
  }

  grpc::Status update(const auth::IssuedPair& who, std::int64_t id, const std::optional<std::string>& title,
                      const std::optional<std::string>& body, bool partial, content::v1::Post* out = nullptr) {
    content::v1::UpdatePostRequest request;
    request.set_id(id);
    request.set_partial(partial);
    if (title) request.set_title(*title);
    if (body) request.set_content(*body);
    content::v1::UpdatePostResponse reply;
    auto status = stub_->UpdatePost(call_context(who.access.token).get(), request, &reply);
    if (out) *out = reply.post();
    return status;
  }

  grpc::Status remove(const auth::IssuedPair& who, std::int64_t id) {
    content::v1::DeletePostRequest request;
    request.set_id(id);
    content::v1::DeletePostResponse reply;
    return stub_->DeletePost(call_context(who.access.token).get(), request, &reply);
  }

  content::v1::ListPostsResponse list(const auth::IssuedPair& who, std::optional<int> limit = {}, int offset = 0) {
    content::v1::ListPostsRequest request;
    if (limit) request.set_limit(*limit);
    request.set_offset(offset);
    content::v1::ListPostsResponse reply;
    EXPECT_TRUE(stub_->ListPosts(call_context(who.access.token).get(), request, &reply).ok());
    return reply;
  }

  std::int64_t post_count() {
    pqxx::connection c(database_.url());
    pqxx::read_transaction tx(c);
    return tx.exec1("SELECT count(*) FROM posts")[0].as<std::int64_t>();
  }

  test_support::TestDatabase database_;
  test_support::TempDir keys_;
  std::string key_file_;
  auth::TokenIssuer issuer_;
  common::RevocationSet revoked_;
  common::TokenVerifier verifier_;
  content::CallerAuthenticator authenticator_;
  content::ContentComponents components_;
  test_support::GrpcTestServer server_;
  std::unique_ptr<content::v1::ContentService::Stub> stub_;
  auth::IssuedPair alice_;
  auth::IssuedPair bob_;
};

TEST_F(ContentServiceTest, ARevokedTokenOrFamilyIsRefusedWithoutTouchingStorage) {
  auto expiry = std::chrono::duration_cast<std::chrono::seconds>(
      alice_.refresh.expires_at.time_since_epoch()).count();
  ASSERT_TRUE(create(alice_, "kept", "x").ok());
  revoked_.add("fam:" + alice_.family, expiry);
  auto refused = create(alice_, "after logout", "x");
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(common::parse_status_details(refused).reason, "token_not_valid");
  EXPECT_TRUE(create(bob_, "bob's", "x").ok());
  revoked_.add("jti:" + bob_.access.jti, expiry);
  EXPECT_EQ(create(bob_, "bob's second", "x").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(post_count(), 2);
}

TEST_F(ContentServiceTest, CreateGetUpdateDeleteRoundTrip) {
  content::v1::Post created;
  ASSERT_TRUE(create(alice_, "  First  ", "Hello", &created).ok());
  EXPECT_EQ(created.title(), "First");  // trimmed like DRF
  EXPECT_EQ(created.user_id(), 1);
  EXPECT_GT(created.created_at().seconds(), 0);

  content::v1::Post fetched;
  ASSERT_TRUE(get(alice_, created.id(), &fetched).ok());
  EXPECT_EQ(fetched.content(), "Hello");

  content::v1::Post patched;
  ASSERT_TRUE(update(alice_, created.id(), "Renamed", std::nullopt, true, &patched).ok());
  EXPECT_EQ(patched.title(), "Renamed");
  EXPECT_EQ(patched.content(), "Hello");  // PATCH keeps absent fields
  EXPECT_GE(patched.updated_at().seconds() * 1000000000LL + patched.updated_at().nanos(),
            created.updated_at().seconds() * 1000000000LL + created.updated_at().nanos());

  content::v1::Post put;
  ASSERT_TRUE(update(alice_, created.id(), "Put title", "Put body", false, &put).ok());
  EXPECT_EQ(put.content(), "Put body");

  ASSERT_TRUE(remove(alice_, created.id()).ok());
  EXPECT_EQ(get(alice_, created.id()).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(post_count(), 0);
}

TEST_F(ContentServiceTest, AnotherUsersPostIsNotFoundAndUnchanged) {
  content::v1::Post post;
  ASSERT_TRUE(create(alice_, "Mine", "Private", &post).ok());
  EXPECT_EQ(get(bob_, post.id()).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(update(bob_, post.id(), "Hijacked", "x", false).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(update(bob_, post.id(), "Hijacked", std::nullopt, true).error_code(), grpc::StatusCode::NOT_FOUND);
  // Invalid input on someone else's post is still 404: nothing about it leaks.
  EXPECT_EQ(update(bob_, post.id(), "", std::nullopt, true).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(remove(bob_, post.id()).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(list(bob_).posts_size(), 0);

  content::v1::Post unchanged;
  ASSERT_TRUE(get(alice_, post.id(), &unchanged).ok());
  EXPECT_EQ(unchanged.title(), "Mine");
  EXPECT_EQ(unchanged.content(), "Private");
}

TEST_F(ContentServiceTest, ValidationErrorsNameTheFieldsAndChangeNothing) {
  auto missing = create(alice_, std::nullopt, std::nullopt);
  ASSERT_EQ(missing.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto errors = common::parse_status_details(missing).field_errors;
  EXPECT_EQ(errors.at("title").at(0), "This field is required.");
  EXPECT_EQ(errors.at("content").at(0), "This field is required.");

  auto too_long = create(alice_, std::string(201, 'x'), "body");
  ASSERT_EQ(too_long.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(common::parse_status_details(too_long).field_errors.at("title").at(0),
            "Ensure this field has no more than 200 characters.");
  EXPECT_TRUE(create(alice_, std::string(200, 'x'), "body").ok());
  EXPECT_EQ(post_count(), 1);

  content::v1::Post post;
  ASSERT_TRUE(create(alice_, "Keep", "Keep body", &post).ok());
  auto blank = update(alice_, post.id(), "   ", std::nullopt, true);
  ASSERT_EQ(blank.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto put_missing = update(alice_, post.id(), "Only title", std::nullopt, false);
  ASSERT_EQ(put_missing.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(common::parse_status_details(put_missing).field_errors.at("content").at(0), "This field is required.");
  content::v1::Post after;
  ASSERT_TRUE(get(alice_, post.id(), &after).ok());
  EXPECT_EQ(after.title(), "Keep");
}

TEST_F(ContentServiceTest, ListIsOrderedByIdAndPagesWithATotal) {
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    content::v1::Post post;
    ASSERT_TRUE(create(alice_, "Post " + std::to_string(i), "body", &post).ok());
    ids.push_back(post.id());
  }
  ASSERT_TRUE(create(bob_, "Bob's", "body").ok());
  auto all = list(alice_);
  ASSERT_EQ(all.posts_size(), 5);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(all.posts(i).id(), ids[static_cast<std::size_t>(i)]);
  auto page = list(alice_, 2, 3);
  ASSERT_EQ(page.posts_size(), 2);
  EXPECT_EQ(page.posts(0).id(), ids[3]);
  EXPECT_EQ(page.total_count(), 5);
}

TEST_F(ContentServiceTest, CallsWithoutAValidAccessTokenAreUnauthenticated) {
  content::v1::ListPostsRequest request;
  content::v1::ListPostsResponse reply;
  auto none = stub_->ListPosts(call_context().get(), request, &reply);
  EXPECT_EQ(none.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(common::parse_status_details(none).reason, "not_authenticated");
  auto refresh_as_access = stub_->ListPosts(call_context(alice_.refresh.token).get(), request, &reply);
  EXPECT_EQ(refresh_as_access.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(common::parse_status_details(refresh_as_access).reason, "token_not_valid");

  // A token from a key the service does not trust.
  test_support::TempDir other;
  auth::TokenIssuer stranger(common::jwt::SigningKey::from_pem_file(test_support::write_signing_key(other.path())), {});
  auto forged = stranger.issue(user(1, "alice"));
  content::v1::CreatePostRequest create_request;
  create_request.set_title("t");
  create_request.set_content("c");
  content::v1::CreatePostResponse created;
  EXPECT_EQ(stub_->CreatePost(call_context(forged.access.token).get(), create_request, &created).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(post_count(), 0);
}

// --- tasks and the dashboard ------------------------------------------------------------------

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
  ASSERT_TRUE(stub_->CreateTask(call_context(alice_.access.token).get(), new_task("mine", "", "completed"), &created).ok());
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
  EXPECT_EQ(error_of(update(alice_, post.id(), with_nul, std::nullopt, true), "title"), "Null characters are not allowed.");
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
