#include "gateway/post_routes.hpp"

#include "gateway/handler_support.hpp"
#include "gateway/json_shapes.hpp"
#include "gateway/pagination.hpp"

namespace gateway {
namespace {

std::int64_t id_param(const RequestContext& ctx) { return std::stoll(ctx.params.at(0)); }

// Reads title and content into a create or update request; false when a 400 was written.
template <class Request>
bool read_post_fields(RequestContext& ctx, Request& request) {
  FieldReader in{ctx.body, {}};
  if (auto v = in.get("title")) request.set_title(*v);
  if (auto v = in.get("content")) request.set_content(*v);
  if (in.errors.empty()) return true;
  send_field_errors(ctx.response, in.errors);
  return false;
}

void update_post(RequestContext& ctx, Upstreams& upstreams, bool partial) {
  content::v1::UpdatePostRequest request;
  request.set_id(id_param(ctx));
  request.set_partial(partial);
  if (!read_post_fields(ctx, request)) return;
  content::v1::UpdatePostResponse reply;
  if (!forward(ctx, upstreams, [&](grpc::ClientContext* c) {
        return upstreams.content().UpdatePost(c, request, &reply);
      })) {
    return;
  }
  send_json(ctx.response, 200, post_json(reply.post()));
}

}  // namespace

void add_post_routes(Router& router, Upstreams& upstreams) {
  router.add("GET", "/api/posts/", Access::kAuthenticated, [&upstreams](RequestContext& ctx) {
    content::v1::ListPostsRequest request;
    auto page = requested_page(ctx.http);
    if (page) ask_for_page(request, *page);
    content::v1::ListPostsResponse reply;
    if (!forward(ctx, upstreams, [&](grpc::ClientContext* c) {
          return upstreams.content().ListPosts(c, request, &reply);
        })) {
      return;
    }
    nlohmann::json posts = nlohmann::json::array();
    for (const auto& post : reply.posts()) posts.push_back(post_json(post));
    send_json(ctx.response, 200, page ? page_envelope(ctx.base_url(), ctx.http.path, *page, reply.total_count(), std::move(posts)) : posts);
  });

  router.add("POST", "/api/posts/", Access::kAuthenticated, [&upstreams](RequestContext& ctx) {
    content::v1::CreatePostRequest request;
    if (!read_post_fields(ctx, request)) return;
    content::v1::CreatePostResponse reply;
    if (!forward(ctx, upstreams, [&](grpc::ClientContext* c) {
          return upstreams.content().CreatePost(c, request, &reply);
        })) {
      return;
    }
    send_json(ctx.response, 201, post_json(reply.post()));
  });

  router.add("GET", "/api/posts/{id}/", Access::kAuthenticated, [&upstreams](RequestContext& ctx) {
    content::v1::GetPostRequest request;
    request.set_id(id_param(ctx));
    content::v1::GetPostResponse reply;
    if (!forward(ctx, upstreams, [&](grpc::ClientContext* c) {
          return upstreams.content().GetPost(c, request, &reply);
        })) {
      return;
    }
    send_json(ctx.response, 200, post_json(reply.post()));
  });

  router.add("PUT", "/api/posts/{id}/", Access::kAuthenticated,
             [&upstreams](RequestContext& ctx) { update_post(ctx, upstreams, false); });
  router.add("PATCH", "/api/posts/{id}/", Access::kAuthenticated,
             [&upstreams](RequestContext& ctx) { update_post(ctx, upstreams, true); });

  router.add("DELETE", "/api/posts/{id}/", Access::kAuthenticated, [&upstreams](RequestContext& ctx) {
    content::v1::DeletePostRequest request;
    request.set_id(id_param(ctx));
    content::v1::DeletePostResponse reply;
    if (!forward(ctx, upstreams, [&](grpc::ClientContext* c) {
          return upstreams.content().DeletePost(c, request, &reply);
        })) {
      return;
    }
    ctx.response.status = 204;
  });
}

}  // namespace gateway
