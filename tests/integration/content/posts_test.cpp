// Posts (and what every call checks first: the caller's token) through the content service.
#include "integration/content/content_fixture.hpp"

namespace {

using content_test::ContentServiceTest;
using test_support::call_context;

TEST_F(ContentServiceTest, ARevokedTokenOrFamilyIsRefusedWithoutTouchingStorage) {
  auto expiry = std::chrono::duration_cast<std::chrono::seconds>(alice_.refresh.expires_at.time_since_epoch()).count();
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

}  // namespace
