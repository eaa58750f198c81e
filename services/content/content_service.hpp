#pragma once

#include "content/caller.hpp"
#include "content/post_store.hpp"
#include "content/v1/content.grpc.pb.h"

namespace content {

class ContentServiceImpl final : public content::v1::ContentService::Service {
 public:
  ContentServiceImpl(PostStore& posts, const CallerAuthenticator& authenticator)
      : posts_(posts), authenticator_(authenticator) {}

  grpc::Status CreatePost(grpc::ServerContext* context, const v1::CreatePostRequest* request,
                          v1::CreatePostResponse* response) override;
  grpc::Status GetPost(grpc::ServerContext* context, const v1::GetPostRequest* request,
                       v1::GetPostResponse* response) override;
  grpc::Status ListPosts(grpc::ServerContext* context, const v1::ListPostsRequest* request,
                         v1::ListPostsResponse* response) override;
  grpc::Status UpdatePost(grpc::ServerContext* context, const v1::UpdatePostRequest* request,
                          v1::UpdatePostResponse* response) override;
  grpc::Status DeletePost(grpc::ServerContext* context, const v1::DeletePostRequest* request,
                          v1::DeletePostResponse* response) override;

 private:
  // Authenticates the caller, then runs `body(caller)` under run_rpc.
  template <class Body>
  grpc::Status authenticated(grpc::ServerContext* context, const char* method, Body&& body);

  PostStore& posts_;
  const CallerAuthenticator& authenticator_;
};

}  // namespace content
