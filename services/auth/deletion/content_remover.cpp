#include "auth/deletion/content_remover.hpp"

#include "common/core/log.hpp"

#include <stdexcept>

namespace auth {

AccountDeletions::RemoveContent content_remover(content::v1::AccountDataService::StubInterface& stub,
                                                const TokenIssuer& tokens, std::chrono::milliseconds timeout) {
  return [&stub, &tokens, timeout](std::int64_t user_id) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + timeout);
    context.AddMetadata("authorization",
                        "Bearer " + tokens.service_token(user_id, kContentServiceAudience, kDeleteUserContentScope));
    content::v1::DeleteUserContentRequest request;
    request.set_user_id(user_id);
    content::v1::DeleteUserContentResponse response;
    auto status = stub.DeleteUserContent(&context, request, &response);
    if (!status.ok()) {
      throw std::runtime_error("content answered " + std::to_string(status.error_code()) + ": " +
                               status.error_message());
    }
    common::log::info("content removed a deleted account's rows", {{"user_id", user_id},
                                                                   {"posts_deleted", response.posts_deleted()},
                                                                   {"tasks_deleted", response.tasks_deleted()}});
  };
}

}  // namespace auth
