#include "gateway/dashboard_routes.hpp"

#include "gateway/handler_support.hpp"

namespace gateway {
namespace {

void dashboard(RequestContext& ctx, Upstreams& upstreams, const content::v1::GetDashboardRequest& request) {
  auto reply = call(ctx, upstreams, upstreams.content(), &content::v1::ContentService::Stub::GetDashboard, request);
  if (reply) send_json(ctx.response, 200, {{"response", reply->response()}});
}

}  // namespace

void add_dashboard_routes(Router& router, Upstreams& upstreams) {
  router.add("GET", "/api/dashboard/", Access::kAuthenticated,
             [&upstreams](RequestContext& ctx) { dashboard(ctx, upstreams, {}); });
  router.add("POST", "/api/dashboard/", Access::kAuthenticated, [&upstreams](RequestContext& ctx) {
    FieldReader in{ctx.body, {}};
    auto text = in.get("text");
    if (in.errors.empty() && !text) in.errors["text"].push_back("This field is required.");
    if (!in.errors.empty()) return send_field_errors(ctx.response, in.errors);
    content::v1::GetDashboardRequest request;
    request.set_text(*text);
    dashboard(ctx, upstreams, request);
  });
}

}  // namespace gateway
