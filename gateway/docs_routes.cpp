#include "gateway/docs_routes.hpp"

#include "gateway/embedded_docs.hpp"

namespace gateway {
namespace {

// The page's script and style are inline and it fetches only the document: the policy makes
// the browser enforce that it loads nothing from elsewhere.
constexpr const char* kDocsPagePolicy =
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'";

void send_text(httplib::Response& response, const std::string& text, const char* content_type) {
  response.status = 200;
  response.set_content(text, content_type);
}

}  // namespace

void add_docs_routes(Router& router) {
  router.add("GET", "/api/docs/", Access::kPublic, [](RequestContext& ctx) {
    ctx.response.set_header("Content-Security-Policy", kDocsPagePolicy);
    send_text(ctx.response, docs_page_html(), "text/html; charset=utf-8");
  });
  router.add("GET", "/api/openapi.yaml", Access::kPublic,
             [](RequestContext& ctx) { send_text(ctx.response, openapi_yaml(), "application/yaml"); });
  router.add("GET", "/api/openapi.json", Access::kPublic,
             [](RequestContext& ctx) { send_text(ctx.response, openapi_json(), "application/json"); });
}

}  // namespace gateway
