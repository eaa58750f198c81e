#include "common/access/auth_client.hpp"
#include "common/core/log.hpp"
#include "common/core/shutdown_signal.hpp"
#include "common/grpc/grpc_channel.hpp"
#include "common/grpc/grpc_runtime.hpp"
#include "common/pg/migrations.hpp"
#include "common/pg/pool_metrics.hpp"
#include "content/content_components.hpp"
#include "content/content_config.hpp"
#include "content/schema.hpp"

#include <iostream>

int main(int argc, char** argv) {
  common::prepare_grpc_runtime();
  common::ShutdownSignal shutdown;
  common::Env env("content-service", "gRPC service for posts, to-do tasks and the dashboard, owned by users");
  auto config = content::ContentConfig::from_env(env);
  if (common::Env::help_requested(argc, argv)) {
    env.print_help(std::cout);
    std::cout << "\nCommands (default: serve):\n"
                 "  serve        run the gRPC service\n"
                 "  healthcheck  exit 0 when the service on CONTENT_LISTEN_ADDR answers SERVING\n";
    return 0;
  }
  std::string command = argc > 1 ? argv[1] : "serve";
  try {
    env.check();
    if (command == "healthcheck") return common::check_own_health(config.server.listen_address);
    if (command != "serve") {
      std::cerr << "Unknown command " << command << " (see --help).\n";
      return 2;
    }
    common::log::init("content", config.log_level);
    auto auth = auth::v1::AuthService::NewStub(common::make_channel(
        config.auth_target, {{"auth.v1.AuthService", "GetJwks"}, {"auth.v1.AuthService", "CheckRevocation"}}));
    auto tokens = common::access_tokens_from_auth(config.tokens, *auth, config.auth_timeout);
    content::CallerAuthenticator authenticator(tokens->verifier());
    auto service_tokens =
        common::service_tokens_from_auth(config.tokens, *auth, config.auth_timeout, content::kAccountDataAudience);
    {
      pqxx::connection connection(config.database_url);
      int applied = common::apply_migrations(connection, "content", content::migrations());
      common::log::info("migrations applied", {{"count", applied}});
    }
    content::ContentComponents components(config.database_url, config.database_pool_size, config.max_queued_calls,
                                          authenticator, *service_tokens);
    auto pool_metrics = common::metrics::add_pool_metrics(common::metrics::registry(), components.pool);
    auto executor_metrics =
        common::metrics::add_executor_metrics(common::metrics::registry(), components.database_work);
    // Not SERVING before the revocation set is loaded: a revoked token must not pass meanwhile.
    common::serve_grpc(config.server, {&components.service, &components.account_data},
                       {"content.v1.ContentService", "content.v1.AccountDataService"}, shutdown,
                       [&tokens] { return tokens->revocations_loaded(); });
    return 0;
  } catch (const std::exception& e) {
    common::log::init("content", "info");
    common::log::error("fatal", {{"error", e.what()}});
    return 1;
  }
}
