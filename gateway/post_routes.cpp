#include "gateway/post_routes.hpp"

#include "gateway/json_shapes.hpp"
#include "gateway/owned_object_routes.hpp"

namespace gateway {
namespace {

struct Posts {
  using Stub = content::v1::ContentService::Stub;
  static constexpr auto kList = &Stub::ListPosts;
  static constexpr auto kCreate = &Stub::CreatePost;
  static constexpr auto kGet = &Stub::GetPost;
  static constexpr auto kUpdate = &Stub::UpdatePost;
  static constexpr auto kDelete = &Stub::DeletePost;
  static inline const std::vector<std::string> kFields = {"title", "content"};

  static const auto& items(const content::v1::ListPostsResponse& reply) { return reply.posts(); }
  static const content::v1::Post& item(const auto& reply) { return reply.post(); }
  static void append_json(std::string& out, const content::v1::Post& post) { append_post_json(out, post); }
};

}  // namespace

void add_post_routes(Router& router, Upstreams& upstreams) {
  OwnedObjectHandlers<Posts> posts(upstreams);
  posts.add_canonical_routes(router, "/api/posts/");
}

}  // namespace gateway
