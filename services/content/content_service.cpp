#include "content/content_service.hpp"

#include "common/grpc_server.hpp"
#include "content/post_rules.hpp"

#include "common/proto_time.hpp"

namespace content {
namespace {

using common::to_timestamp;

void fill_post(const PostRecord& record, v1::Post* post) {
  post->set_id(record.id);
  post->set_user_id(record.user_id);
  post->set_title(record.title);
  post->set_content(record.content);
  *post->mutable_created_at() = to_timestamp(record.created_at);
  *post->mutable_updated_at() = to_timestamp(record.updated_at);
}

template <class Request>
PostInput post_input(const Request& request) {
  return normalize_post({
      request.has_title() ? std::optional<std::string>(request.title()) : std::nullopt,
      request.has_content() ? std::optional<std::string>(request.content()) : std::nullopt,
  });
}

}  // namespace

template <class Body>
grpc::Status ContentServiceImpl::authenticated(grpc::ServerContext* context, const char* method,
                                               Body&& body) {
  return common::run_rpc(context, method, [&] {
    grpc::Status status;
    auto caller = authenticator_.authenticate(*context, status);
    if (!caller) return status;
    return body(*caller);
  });
}

grpc::Status ContentServiceImpl::CreatePost(grpc::ServerContext* context,
                                            const v1::CreatePostRequest* request,
                                            v1::CreatePostResponse* response) {
  return authenticated(context, "content.CreatePost", [&](const Caller& caller) {
    auto input = post_input(*request);
    auto errors = validate_post(input, false);
    if (!errors.empty()) return common::invalid_argument(errors);
    fill_post(posts_.create(caller.user_id, *input.title, *input.content), response->mutable_post());
    return grpc::Status::OK;
  });
}

grpc::Status ContentServiceImpl::GetPost(grpc::ServerContext* context, const v1::GetPostRequest* request,
                                         v1::GetPostResponse* response) {
  return authenticated(context, "content.GetPost", [&](const Caller& caller) {
    auto post = posts_.get(caller.user_id, request->id());
    if (!post) return common::not_found();
    fill_post(*post, response->mutable_post());
    return grpc::Status::OK;
  });
}

grpc::Status ContentServiceImpl::ListPosts(grpc::ServerContext* context, const v1::ListPostsRequest* request,
                                           v1::ListPostsResponse* response) {
  return authenticated(context, "content.ListPosts", [&](const Caller& caller) {
    common::FieldErrors errors;
    if (request->has_limit() && request->limit() < 0) errors["limit"].push_back("Must not be negative.");
    if (request->offset() < 0) errors["offset"].push_back("Must not be negative.");
    if (!errors.empty()) return common::invalid_argument(errors);
    auto limit = request->has_limit() ? std::optional<std::int64_t>(request->limit()) : std::nullopt;
    auto page = posts_.list(caller.user_id, limit, request->offset());
    for (const auto& post : page.posts) fill_post(post, response->add_posts());
    response->set_total_count(page.total_count);
    return grpc::Status::OK;
  });
}

grpc::Status ContentServiceImpl::UpdatePost(grpc::ServerContext* context,
                                            const v1::UpdatePostRequest* request,
                                            v1::UpdatePostResponse* response) {
  return authenticated(context, "content.UpdatePost", [&](const Caller& caller) {
    auto input = post_input(*request);
    auto errors = validate_post(input, request->partial());
    if (!errors.empty()) {
      // DRF looks the object up before validating: a missing object is 404, not 400.
      if (!posts_.get(caller.user_id, request->id())) return common::not_found();
      return common::invalid_argument(errors);
    }
    auto post = posts_.update(caller.user_id, request->id(), input.title, input.content);
    if (!post) return common::not_found();
    fill_post(*post, response->mutable_post());
    return grpc::Status::OK;
  });
}

grpc::Status ContentServiceImpl::DeletePost(grpc::ServerContext* context,
                                            const v1::DeletePostRequest* request,
                                            v1::DeletePostResponse*) {
  return authenticated(context, "content.DeletePost", [&](const Caller& caller) {
    if (!posts_.remove(caller.user_id, request->id())) return common::not_found();
    return grpc::Status::OK;
  });
}

}  // namespace content
