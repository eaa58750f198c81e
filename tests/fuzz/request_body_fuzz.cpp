// gateway::parse_body and string_field. Input: the Content-Type line, '\n', the body.
#include "common/core/text.hpp"
#include "fuzz_support.hpp"
#include "gateway/request_body.hpp"

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest = fuzz::as_text(data, size);
  std::string content_type = fuzz::next_line(rest);
  std::string body(rest);

  gateway::BodyParseResult result = gateway::parse_body(content_type, body);
  // Any other exception escapes, and libFuzzer reports it as a crash.
  FUZZ_CHECK(result.error_status == 0 || result.error_status == 400 || result.error_status == 415);
  FUZZ_CHECK(result.fields.is_object());
  if (result.error_status == 0) {
    FUZZ_CHECK(result.error_body.is_null());
  } else {
    FUZZ_CHECK(result.error_body.is_object() && !result.error_body.empty());
    // Serialisable the way send_json does it (invalid UTF-8 from the body becomes U+FFFD).
    (void)result.error_body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  if (body.empty()) FUZZ_CHECK(result.error_status == 0 && result.fields.empty());

  // Every field, and a few names the routes ask for, the way a handler reads them: text comes
  // out as valid UTF-8 without NUL, or not at all and with one error for the field.
  for (const auto& [name, value] : result.fields.items()) {
    common::FieldErrors errors;
    auto text = gateway::string_field(result.fields, name, errors);
    if (text) {
      FUZZ_CHECK(value.is_string() || value.is_number());
      FUZZ_CHECK(errors.empty());
      FUZZ_CHECK(common::is_valid_utf8(*text) && text->find('\0') == std::string::npos);
      if (value.is_string()) FUZZ_CHECK(*text == value.get<std::string>());
    } else {
      FUZZ_CHECK(!value.is_number());
      FUZZ_CHECK(errors.size() == 1 && errors.begin()->first == name && errors.begin()->second.size() == 1);
    }
  }
  for (const char* name : {"email", "username", "password", "refresh", "title", "status", ""}) {
    common::FieldErrors errors;
    auto text = gateway::string_field(result.fields, name, errors);
    if (!result.fields.contains(name)) FUZZ_CHECK(!text && errors.empty());
  }
  return 0;
}
