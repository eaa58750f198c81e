#include "content/account_data_service.hpp"

#include "common/core/log.hpp"
#include "common/grpc/grpc_errors.hpp"
#include "common/pg/statement.hpp"
#include "common/pg/transactions.hpp"
#include "common/service/run_rpc.hpp"

namespace content {
namespace {

const common::Statement kDeletePosts{"account_delete_posts", "DELETE FROM posts WHERE user_id = $1"};
const common::Statement kDeleteTasks{"account_delete_tasks", "DELETE FROM tasks WHERE user_id = $1"};

grpc::Status not_authenticated() {
  return common::status_with_reason(grpc::StatusCode::UNAUTHENTICATED, "Given token not valid for any token type",
                                    "token_not_valid");
}

}  // namespace

void AccountDataServiceImpl::prepare(pqxx::connection& c) {
  for (const auto* statement : {&kDeletePosts, &kDeleteTasks}) statement->prepare(c);
}

grpc::ServerUnaryReactor* AccountDataServiceImpl::DeleteUserContent(grpc::CallbackServerContext* context,
                                                                    const v1::DeleteUserContentRequest* request,
                                                                    v1::DeleteUserContentResponse* response) {
  auto* reactor = context->DefaultReactor();
  bool accepted = database_work_.try_submit([this, context, request, response, reactor] {
    reactor->Finish(common::run_rpc(context, "content.DeleteUserContent",
                                    [&] { return delete_user_content(context, request, response); }));
  });
  if (!accepted) {
    reactor->Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "too many calls waiting for the database"));
  }
  return reactor;
}

grpc::Status AccountDataServiceImpl::delete_user_content(grpc::CallbackServerContext* context,
                                                         const v1::DeleteUserContentRequest* request,
                                                         v1::DeleteUserContentResponse* response) {
  auto token = common::jwt::parse_bearer(common::metadata_value(*context, "authorization"));
  if (!token) return not_authenticated();
  common::jwt::Claims claims;
  try {
    claims = service_tokens_.verify(*token);
  } catch (const common::jwt::TokenError&) {
    return not_authenticated();
  }
  // Bound to one action on one user: a token for anything else does nothing here.
  auto scope = claims.payload.find("scope");
  if (scope == claims.payload.end() || *scope != kDeleteUserContentScope || request->user_id() <= 0 ||
      claims.user_id != request->user_id()) {
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "this token does not allow this call");
  }
  // Posts and tasks go together: a retried delivery finds nothing left, not half.
  auto [posts, tasks] = common::write(pool_, [&](pqxx::work& tx) {
    return std::pair{common::exec(tx, kDeletePosts, request->user_id()).affected_rows(),
                     common::exec(tx, kDeleteTasks, request->user_id()).affected_rows()};
  });
  response->set_posts_deleted(static_cast<std::int64_t>(posts));
  response->set_tasks_deleted(static_cast<std::int64_t>(tasks));
  common::log::info("deleted account's content removed",
                    {{"user_id", request->user_id()}, {"posts_deleted", posts}, {"tasks_deleted", tasks}});
  return grpc::Status::OK;
}

}  // namespace content
