// Where the API lives. A `?api=http://host:port` query string overrides it. The gateway must
// list this page's origin in GATEWAY_CORS_ORIGINS and run with GATEWAY_REFRESH_COOKIE=true.
window.SPA_CONFIG = {
  apiBaseUrl: "http://localhost:8080",
};
