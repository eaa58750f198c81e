#pragma once

#include <string_view>
#include <vector>

// The pieces of HTTP's syntax (RFC 9110 section 5.6, RFC 9112) the request framer checks.
namespace gateway::http::syntax {

// A token (method, header name): one or more tchars.
bool is_token(std::string_view text);
// field-vchar, obs-text, SP and HTAB: no CTL (NUL, CR, LF...) inside a header value.
bool is_field_value(std::string_view text);
// Without leading and trailing spaces and tabs (OWS).
std::string_view trim_ows(std::string_view text);
// Equal ignoring ASCII case.
bool iequals(std::string_view a, std::string_view b);
// The comma-separated items of a list header (Connection, Transfer-Encoding), trimmed, empty ones dropped.
std::vector<std::string_view> list_items(std::string_view value);
// A header or trailer line "name: value" (the CRLF already cut off); false unless well formed.
bool split_field(std::string_view line, std::string_view& name, std::string_view& value);
// The value of a hex digit, or -1.
int hex_value(char c);

}  // namespace gateway::http::syntax
