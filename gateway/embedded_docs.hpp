#pragma once

#include <string>

// Compiled into the gateway from docs/openapi.yaml and gateway/docs_page.html at build time
// (gateway/CMakeLists.txt, cmake/EmbedText.cmake).
namespace gateway {

const std::string& openapi_yaml();
// The same document as JSON, converted at build time: browsers and tests read no YAML.
const std::string& openapi_json();
// A self-contained page that renders openapi_json(); it loads nothing from elsewhere.
const std::string& docs_page_html();

}  // namespace gateway
