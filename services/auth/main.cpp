#include "auth/accounts/identity_keys.hpp"
#include "auth/app/admin_commands.hpp"
#include "auth/app/auth_components.hpp"
#include "auth/app/auth_config.hpp"
#include "auth/app/housekeeping.hpp"
#include "auth/deletion/content_remover.hpp"
#include "auth/schema.hpp"
#include "auth/tokens/signing_key_file.hpp"
#include "common/core/log.hpp"
#include "common/core/shutdown_signal.hpp"
#include "common/grpc/grpc_channel.hpp"
#include "common/grpc/grpc_runtime.hpp"
#include "common/jwt/jwt.hpp"
#include "common/pg/migrations.hpp"
#include "common/pg/pool_metrics.hpp"

#include <malloc.h>
#include <iostream>
#include <thread>

namespace {

int serve(const auth::AuthConfig& config, common::ShutdownSignal& shutdown) {
  auth::AuthComponents parts(config);
  auth::AuthServiceImpl service(parts.parts());
  auth::AdminServiceImpl admin_service(parts.admin_parts());
  auto pool_metrics = common::metrics::add_pool_metrics(common::metrics::registry(), parts.pool);
  // Background work; jthreads stop and join before the parts they use are destroyed.
  std::jthread mail_delivery([&parts](std::stop_token stop) { parts.outbox.run(stop); });
  std::jthread revocation_publisher([&parts](std::stop_token stop) { parts.revocations.run_publisher(stop); });
  std::jthread housekeeping([&parts](std::stop_token stop) { auth::run_housekeeping(parts.pool, stop); });
  std::jthread account_mail([&parts](std::stop_token stop) { parts.mail_requests.run(stop); });
  std::unique_ptr<content::v1::AccountDataService::Stub> content;
  std::jthread content_cleanup;
  if (config.content_target.empty()) {
    common::log::warn("AUTH_CONTENT_ADDR is not set: deleted accounts' content waits until it is");
  } else {
    content = content::v1::AccountDataService::NewStub(
        common::make_channel(config.content_target, {{"content.v1.AccountDataService", "DeleteUserContent"}}));
    content_cleanup =
        std::jthread([&parts, remove = auth::content_remover(*content, parts.tokens, config.content_timeout)](
                         std::stop_token stop) { parts.deletions.run(stop, remove); });
  }
  common::serve_grpc(config.server, {&service, &admin_service}, {"auth.v1.AuthService", "auth.v1.AdminService"},
                     shutdown);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Each password hash allocates ARGON2_MEMORY_KIB; glibc keeps freed blocks in per-thread
  // arenas (8 per core by default), so a login burst on many threads stayed resident (~750 MiB
  // measured by bench/run.sh). Two arenas bound that where glibc allocates (the sanitized
  // build); the release build links tcmalloc, for which this is a no-op.
  mallopt(M_ARENA_MAX, 2);
  common::prepare_grpc_runtime();
  common::ShutdownSignal shutdown;
  common::Env env("auth-service", "gRPC service for registration, login and tokens");
  auto config = auth::AuthConfig::from_env(env);
  if (common::Env::help_requested(argc, argv)) {
    env.print_help(std::cout);
    std::cout << "\n" << auth::admin_commands_help();
    return 0;
  }
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    env.check();
    // Commands that need no database: a container's health check and its key set-up.
    if (!args.empty() && args[0] == "healthcheck") return common::check_own_health(config.server.listen_address);
    if (!args.empty() && args[0] == "generate-key") {
      bool made = auth::generate_signing_key_file(config.private_key_file);
      std::cout << (made ? "generated " : "kept existing ") << config.private_key_file << " (kid "
                << common::jwt::SigningKey::from_pem_file(config.private_key_file).kid() << ")\n";
      return 0;
    }
    common::log::init("auth", config.log_level);
    {
      pqxx::connection connection(config.database_url);
      int applied = auth::migrate(connection);  // SQL migrations, then the identity keys
      common::log::info("migrations applied", {{"count", applied}});
    }
    if (args.empty() || args[0] == "serve") return serve(config, shutdown);
    return auth::run_admin_command(config, args, std::cin, std::cout, std::cerr);
  } catch (const std::exception& e) {
    common::log::init("auth", "info");
    common::log::error("fatal", {{"error", e.what()}});
    return 1;
  }
}
