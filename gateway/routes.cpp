#include "gateway/routes.hpp"

#include "gateway/account_routes.hpp"
#include "gateway/auth_routes.hpp"
#include "gateway/dashboard_routes.hpp"
#include "gateway/djoser_routes.hpp"
#include "gateway/docs_routes.hpp"
#include "gateway/post_routes.hpp"
#include "gateway/probe_routes.hpp"
#include "gateway/session_routes.hpp"
#include "gateway/task_routes.hpp"

namespace gateway {

void add_all_routes(Router& router, Upstreams& upstreams, const common::AccessTokens& tokens, RefreshCookie cookie,
                    const std::atomic<bool>* draining) {
  add_probe_routes(router, upstreams, tokens, draining);
  add_auth_routes(router, upstreams, cookie);
  add_account_routes(router, upstreams, cookie);
  add_session_routes(router, upstreams);
  add_djoser_routes(router, upstreams, cookie);
  add_post_routes(router, upstreams);
  add_task_routes(router, upstreams);
  add_dashboard_routes(router, upstreams);
  add_docs_routes(router);
}

}  // namespace gateway
