#pragma once

#include "gateway/handler_support.hpp"
#include "gateway/pagination.hpp"

#include <string>

// The handlers of an object kind that its owner lists, creates, reads, updates and deletes
// through the content service (posts, tasks). A kind describes itself once:
//
//   struct Posts {
//     static constexpr auto kList = &content::v1::ContentService::Stub::ListPosts;  // and
//     kCreate, kGet, kUpdate, kDelete
//     static inline const std::vector<std::string> kFields = {"title", "content"};
//     static const auto& items(const ListPostsResponse& reply) { return reply.posts(); }
//     static const Post& item(const auto& reply) { return reply.post(); }
//     static void append_json(std::string& out, const Post& post);
//   };
//
// and gets the canonical rows (add_canonical_routes); aliases are further rows picking these
// handlers (task_routes.cpp).
namespace gateway {

enum class Update { kFull, kPartial };  // PUT replaces the writable fields; PATCH sets those sent

template <class Kind>
class OwnedObjectHandlers final {
 public:
  explicit OwnedObjectHandlers(Upstreams& upstreams) : upstreams_(upstreams) {}

  // The canonical rows: `collection` ("/api/posts/") and its items ("/api/posts/{id}/").
  void add_canonical_routes(Router& router, const std::string& collection) const {
    const std::string item = collection + "{id}/";
    router.add("GET", collection, Access::kAuthenticated, list());
    router.add("POST", collection, Access::kAuthenticated, create());
    router.add("GET", item, Access::kAuthenticated, get());
    router.add("PUT", item, Access::kAuthenticated, update(Update::kFull));
    router.add("PATCH", item, Access::kAuthenticated, update(Update::kPartial));
    router.add("DELETE", item, Access::kAuthenticated, remove());
  }

  // 200 with the caller's objects: a plain array, or DRF's page when ?limit= asks for one.
  Handler list() const {
    return [&u = upstreams_](RequestContext& ctx) {
      RequestOf<decltype(Kind::kList)> request;
      auto page = requested_page(ctx.http);
      if (page) ask_for_page(request, *page);
      auto reply = call(ctx, u, u.content(), Kind::kList, request);
      if (!reply) return;
      std::string objects = "[";
      for (const auto& object : Kind::items(*reply)) {
        if (objects.size() > 1) objects += ',';
        Kind::append_json(objects, object);
      }
      objects += ']';
      if (!page) return send_json_text(ctx.response, 200, std::move(objects));
      send_json_text(ctx.response, 200,
                     page_envelope(ctx.base_url(), ctx.http.path, *page, reply->total_count(), objects));
    };
  }

  // 201 with the new object.
  Handler create() const {
    return [&u = upstreams_](RequestContext& ctx) {
      RequestOf<decltype(Kind::kCreate)> request;
      if (!copy_fields(ctx, Kind::kFields, request)) return;
      if (auto reply = call(ctx, u, u.content(), Kind::kCreate, request)) {
        send_json_text(ctx.response, 201, text(Kind::item(*reply)));
      }
    };
  }

  // 200 with the object {id}.
  Handler get() const {
    return [&u = upstreams_](RequestContext& ctx) {
      RequestOf<decltype(Kind::kGet)> request;
      request.set_id(id_param(ctx));
      if (auto reply = call(ctx, u, u.content(), Kind::kGet, request)) {
        send_json_text(ctx.response, 200, text(Kind::item(*reply)));
      }
    };
  }

  // 200 with the updated object {id}.
  Handler update(Update mode) const {
    return [&u = upstreams_, mode](RequestContext& ctx) {
      RequestOf<decltype(Kind::kUpdate)> request;
      request.set_id(id_param(ctx));
      request.set_partial(mode == Update::kPartial);
      if (!copy_fields(ctx, Kind::kFields, request)) return;
      if (auto reply = call(ctx, u, u.content(), Kind::kUpdate, request)) {
        send_json_text(ctx.response, 200, text(Kind::item(*reply)));
      }
    };
  }

  // 204 once the object {id} is gone.
  Handler remove() const {
    return [&u = upstreams_](RequestContext& ctx) {
      RequestOf<decltype(Kind::kDelete)> request;
      request.set_id(id_param(ctx));
      if (call(ctx, u, u.content(), Kind::kDelete, request)) ctx.response.status = 204;
    };
  }

 private:
  template <class Object>
  static std::string text(const Object& object) {
    std::string out;
    Kind::append_json(out, object);
    return out;
  }

  // The route's {id}: digits only (the pattern says so), at most 18 of them.
  static std::int64_t id_param(const RequestContext& ctx) { return std::stoll(ctx.params.at(0)); }

  Upstreams& upstreams_;
};

}  // namespace gateway
