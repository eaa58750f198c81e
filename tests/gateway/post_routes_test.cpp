// Seed 000's post routes: each row's RPC, the fields it forwards (partial or not) and the
// post's JSON shape.
#include "tests/gateway/gateway_fixture.hpp"

#include "common/grpc/grpc_errors.hpp"

namespace gateway_test {
namespace {

class PostRoutesTest : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    access_ = tokens_.access();
  }
  std::string access_;
};

json post_body(std::int64_t id, const std::string& title, const std::string& content) {
  return {{"id", id},
          {"title", title},
          {"content", content},
          {"user", 7},
          {"created_at", "2026-11-23T12:00:00.123456Z"},
          {"updated_at", "2026-11-23T12:00:00.123456Z"}};
}

TEST_F(PostRoutesTest, SeedZeroPostsCrudCallsTheContentService) {
  content::v1::CreatePostResponse created_reply;
  *created_reply.mutable_post() = sample_post(5, "New Post", "This is the content of the new post.");
  content_.create_post.reply_with(created_reply);
  auto created = send("POST", "/api/posts/",
                      {{"title", "New Post"}, {"content", "This is the content of the new post."}}, access_);
  ASSERT_EQ(created.status, 201) << created.text;
  EXPECT_EQ(created.body, post_body(5, "New Post", "This is the content of the new post."));
  EXPECT_EQ(content_.create_post.last_request().title(), "New Post");
  EXPECT_EQ(content_.create_post.last_request().content(), "This is the content of the new post.");
  EXPECT_EQ(content_.create_post.last_metadata("authorization"), "Bearer " + access_);

  content::v1::ListPostsResponse listed_reply;
  *listed_reply.add_posts() = sample_post(5, "New Post", "c");
  *listed_reply.add_posts() = sample_post(6, "Second", "d");
  listed_reply.set_total_count(2);
  content_.list_posts.reply_with(listed_reply);
  auto listed = send("GET", "/api/posts/", nullptr, access_);
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.body, json::array({post_body(5, "New Post", "c"), post_body(6, "Second", "d")}));
  EXPECT_FALSE(content_.list_posts.last_request().has_limit());

  content::v1::GetPostResponse got_reply;
  *got_reply.mutable_post() = sample_post(5, "New Post", "c");
  content_.get_post.reply_with(got_reply);
  auto got = send("GET", "/api/posts/5/", nullptr, access_);
  EXPECT_EQ(got.body, post_body(5, "New Post", "c"));
  EXPECT_EQ(content_.get_post.last_request().id(), 5);

  content::v1::UpdatePostResponse updated_reply;
  *updated_reply.mutable_post() = sample_post(5, "Updated", "New body");
  content_.update_post.reply_with(updated_reply);
  auto put = send("PUT", "/api/posts/5/", {{"title", "Updated"}, {"content", "New body"}}, access_);
  ASSERT_EQ(put.status, 200) << put.text;
  EXPECT_EQ(put.body, post_body(5, "Updated", "New body"));
  auto put_sent = content_.update_post.last_request();
  EXPECT_EQ(put_sent.id(), 5);
  EXPECT_FALSE(put_sent.partial());
  EXPECT_EQ(put_sent.title(), "Updated");
  EXPECT_EQ(put_sent.content(), "New body");

  auto patch = send("PATCH", "/api/posts/5/", {{"content", "Patched body"}}, access_);
  ASSERT_EQ(patch.status, 200);
  auto patch_sent = content_.update_post.last_request();
  EXPECT_TRUE(patch_sent.partial());
  EXPECT_FALSE(patch_sent.has_title());
  EXPECT_EQ(patch_sent.content(), "Patched body");

  // Without the trailing slash too, and form-encoded like a plain HTML form.
  auto form = send("PATCH", "/api/posts/5", "title=Form+title", access_, {}, "application/x-www-form-urlencoded");
  EXPECT_EQ(form.status, 200);
  EXPECT_EQ(content_.update_post.last_request().title(), "Form title");
  EXPECT_FALSE(content_.update_post.last_request().has_content());
  EXPECT_TRUE(content_.update_post.last_request().partial());

  auto deleted = send("DELETE", "/api/posts/5/", nullptr, access_);
  EXPECT_EQ(deleted.status, 204);
  EXPECT_EQ(deleted.text, "");
  EXPECT_EQ(content_.delete_post.last_request().id(), 5);

  content_.get_post.fail_with(common::not_found());
  auto gone = send("GET", "/api/posts/5/", nullptr, access_);
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.body, json({{"detail", "Not found."}}));
}

TEST_F(PostRoutesTest, ServiceFieldErrorsComeBackInDrfShape) {
  content_.create_post.fail_with(common::invalid_argument({{"title", {"This field is required."}}}));
  auto missing = send("POST", "/api/posts/", {{"content", "no title"}}, access_);
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.body, json({{"title", {"This field is required."}}}));
  EXPECT_FALSE(content_.create_post.last_request().has_title());
}

TEST_F(PostRoutesTest, PostListsPageOnRequest) {
  content::v1::ListPostsResponse reply;
  reply.set_total_count(0);
  content_.list_posts.reply_with(reply);
  auto page = send("GET", "/api/posts/?limit=5", nullptr, access_);
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body, json({{"count", 0}, {"next", nullptr}, {"previous", nullptr}, {"results", json::array()}}));
  EXPECT_EQ(content_.list_posts.last_request().limit(), 5);
  EXPECT_EQ(content_.list_posts.last_request().offset(), 0);
}

// Links start with GATEWAY_PUBLIC_BASE_URL when it is set, whatever Host the client sent.
class PublicBaseUrlTest : public PostRoutesTest {
 protected:
  void configure(Settings& settings) override { settings["GATEWAY_PUBLIC_BASE_URL"] = "https://api.example.com/"; }
};

TEST_F(PublicBaseUrlTest, PageLinksStartWithThePublicBaseUrl) {
  content::v1::ListPostsResponse reply;
  *reply.add_posts() = sample_post(2, "b", "c");
  reply.set_total_count(3);
  content_.list_posts.reply_with(reply);
  auto page = send("GET", "/api/posts/?limit=1&offset=1", nullptr, access_, {{"Host", "evil.example"}});
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body, json({{"count", 3},
                             {"next", "https://api.example.com/api/posts/?limit=1&offset=2"},
                             {"previous", "https://api.example.com/api/posts/?limit=1"},
                             {"results", json::array({post_body(2, "b", "c")})}}));
}

}  // namespace
}  // namespace gateway_test
