#pragma once

#include "common/access/token_verifier.hpp"
#include "common/core/bounded_executor.hpp"
#include "common/pg/pg_pool.hpp"
#include "content/v1/content.grpc.pb.h"

namespace content {

// The audience and scope of the auth service's service tokens that may remove a user's content
// (proto/content/v1/content.proto).
inline constexpr const char* kAccountDataAudience = "content-service";
inline constexpr const char* kDeleteUserContentScope = "delete_user_content";

// What the auth service asks of content about whole accounts: removing a deleted account's
// posts and tasks. Only the auth service can call it: the token must be a service token it
// signed for this service, this action and this user (common::service_tokens_from_auth).
class AccountDataServiceImpl final : public content::v1::AccountDataService::CallbackService {
 public:
  AccountDataServiceImpl(common::PgPool& pool, const common::TokenVerifier& service_tokens,
                         common::BoundedExecutor& database_work)
      : pool_(pool), service_tokens_(service_tokens), database_work_(database_work) {}

  static void prepare(pqxx::connection& connection);

  grpc::ServerUnaryReactor* DeleteUserContent(grpc::CallbackServerContext* context,
                                              const v1::DeleteUserContentRequest* request,
                                              v1::DeleteUserContentResponse* response) override;

 private:
  grpc::Status delete_user_content(grpc::CallbackServerContext* context, const v1::DeleteUserContentRequest* request,
                                   v1::DeleteUserContentResponse* response);

  common::PgPool& pool_;
  const common::TokenVerifier& service_tokens_;
  common::BoundedExecutor& database_work_;
};

}  // namespace content
