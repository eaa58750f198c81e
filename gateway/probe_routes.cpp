#include "gateway/probe_routes.hpp"

#include "gateway/browser_security.hpp"
#include "gateway/responses.hpp"

namespace gateway {

void add_probe_routes(Router& router, Upstreams& upstreams, const common::AccessTokens& tokens,
                      const std::atomic<bool>* draining) {
  router.add("GET", "/healthz", Access::kPublic, [](RequestContext& ctx) {
    send_json(ctx.response, 200, {{"status", "ok"}});
  });
  // Seed 004's client fetches this first; its cookie and header protect later requests.
  router.add("GET", "/auth/csrf/", Access::kPublic, [](RequestContext& ctx) {
    auto [token, cookie] = BrowserSecurity::new_csrf_cookie();
    ctx.response.set_header("Set-Cookie", cookie);
    send_json(ctx.response, 200, {{"csrfToken", token}});
  });
  router.add("GET", "/readyz", Access::kPublic, [&upstreams, &tokens, draining](RequestContext& ctx) {
    if (draining && draining->load()) return send_json(ctx.response, 503, {{"status", "shutting down"}});
    // Ready: not draining, the revocation set loaded once, and a SERVING replica of each
    // service. A PostgreSQL or Redis outage does not make it unready (README, "Failure
    // behaviour"): it is shared by every replica, and requests get a precise 503 meanwhile.
    auto ready = upstreams.check(std::chrono::milliseconds(1000));
    bool loaded = tokens.revocations_loaded();
    bool ok = ready.auth && ready.content && loaded;
    send_json(ctx.response, ok ? 200 : 503,
              {{"status", ok ? "ready" : "not ready"},
               {"auth", ready.auth},
               {"content", ready.content},
               {"revocations", !loaded                        ? "not loaded"
                               : tokens.revocations_current() ? "current"
                                                              : "checking with auth"}});
  });
}

}  // namespace gateway
