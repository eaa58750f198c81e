#include "common/access_tokens.hpp"
#include "common/jwks_client.hpp"
#include "common/log.hpp"
#include "common/migrations.hpp"
#include "content/schema.hpp"
#include "common/shutdown_signal.hpp"
#include "content/content_config.hpp"
#include "content/content_service.hpp"

#include <iostream>

int main(int argc, char** argv) {
  common::ShutdownSignal shutdown;
  common::Env env("content-service", "gRPC service for posts, to-do tasks and the dashboard, owned by users");
  auto config = content::ContentConfig::from_env(env);
  if (common::Env::help_requested(argc, argv)) {
    env.print_help(std::cout);
    return 0;
  }
  try {
    env.check();
    common::log::init("content", config.log_level);
    auto auth = auth::v1::AuthService::NewStub(
        grpc::CreateChannel(config.auth_target, grpc::InsecureChannelCredentials()));
    common::AccessTokens tokens(config.tokens, [&auth, timeout = config.auth_timeout] {
      return common::fetch_jwks(*auth, timeout);
    });
    content::CallerAuthenticator authenticator(tokens.verifier());
    {
      pqxx::connection connection(config.database_url);
      int applied = common::apply_migrations(connection, "content", content::migrations());
      common::log::info("migrations applied", {{"count", applied}});
    }
    common::PgPool pool(config.database_url, config.database_pool_size, [](pqxx::connection& c) {
      content::PostStore::prepare(c);
      content::TaskStore::prepare(c);
    });
    content::PostStore posts(pool);
    content::TaskStore tasks(pool);
    content::ContentServiceImpl service(posts, tasks, authenticator);
    common::serve_grpc(config.server, {&service}, {"content.v1.ContentService"}, shutdown);
    return 0;
  } catch (const std::exception& e) {
    common::log::init("content", "info");
    common::log::error("fatal", {{"error", e.what()}});
    return 1;
  }
}
