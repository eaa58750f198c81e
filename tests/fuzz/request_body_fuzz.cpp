// gateway::parse_body and string_field. Input: the Content-Type line, '\n', the body.
#include "fuzz_support.hpp"
#include "gateway/request_body.hpp"

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest = fuzz::as_text(data, size);
  std::string content_type = fuzz::next_line(rest);
  std::string body(rest);

  gateway::BodyParseResult result;
  try {
    result = gateway::parse_body(content_type, body);
  } catch (const nlohmann::json::out_of_range&) {
    // KNOWN BUG, reported, fixed in the gateway rewrite: nlohmann throws out_of_range (406,
    // "number overflow") for a JSON number beyond double, e.g. {"a":1e999}, and parse_body
    // catches only parse_error, so the request ends as a 500. Remove this catch with the fix.
    return 0;
  }
  // Any other exception escapes, and libFuzzer reports it as a crash.
  FUZZ_CHECK(result.error_status == 0 || result.error_status == 400 || result.error_status == 415);
  FUZZ_CHECK(result.fields.is_object());
  if (result.error_status == 0) {
    FUZZ_CHECK(result.error_body.is_null());
  } else {
    FUZZ_CHECK(result.error_body.is_object() && !result.error_body.empty());
    FUZZ_CHECK(result.fields.empty());
    // Serialisable the way send_json does it (invalid UTF-8 from the body becomes U+FFFD).
    (void)result.error_body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  if (body.empty()) FUZZ_CHECK(result.error_status == 0 && result.fields.empty());

  // Every field, and a few names the routes ask for, the way a handler reads them.
  // TODO once the lead's text-field fixes land: string results are valid UTF-8 without NUL.
  for (const auto& [name, value] : result.fields.items()) {
    common::FieldErrors errors;
    auto text = gateway::string_field(result.fields, name, errors);
    bool textual = value.is_string() || value.is_number();
    FUZZ_CHECK(text.has_value() == textual);
    FUZZ_CHECK(errors.empty() == textual);
    if (!textual) FUZZ_CHECK(errors.size() == 1 && errors.begin()->first == name);
  }
  for (const char* name : {"email", "username", "password", "refresh", "title", "status", ""}) {
    common::FieldErrors errors;
    auto text = gateway::string_field(result.fields, name, errors);
    if (!result.fields.contains(name)) FUZZ_CHECK(!text && errors.empty());
  }
  return 0;
}
