#include "gateway/request_body.hpp"

#include "common/core/text.hpp"

#include <httplib.h>

#include <algorithm>

namespace gateway {
namespace {

std::string media_type(const std::string& content_type) {
  std::string type = content_type.substr(0, content_type.find(';'));
  type.erase(std::remove_if(type.begin(), type.end(), ::isspace), type.end());
  std::transform(type.begin(), type.end(), type.begin(), ::tolower);
  return type;
}

// Form fields, or the DRF-shaped errors of fields that are not text (undecodable %XX bytes): a
// value that is not UTF-8 cannot become JSON, so it is refused here with its field's name.
nlohmann::json parse_form(const std::string& body, nlohmann::json& errors) {
  nlohmann::json fields = nlohmann::json::object();
  std::size_t start = 0;
  while (start <= body.size()) {
    auto end = body.find('&', start);
    if (end == std::string::npos) end = body.size();
    std::string pair = body.substr(start, end - start);
    if (!pair.empty()) {
      auto equals = pair.find('=');
      std::string key = httplib::detail::decode_url(pair.substr(0, equals), true);
      std::string value = equals == std::string::npos ? "" : httplib::detail::decode_url(pair.substr(equals + 1), true);
      if (!common::is_valid_utf8(key)) {
        errors["non_field_errors"] = {"Form field names must be valid UTF-8 text."};
      } else if (!common::is_valid_utf8(value)) {
        errors[key] = {common::kInvalidUtf8Message};
      } else {
        fields[key] = value;  // the last value wins, as QueryDict.get() does
      }
    }
    start = end + 1;
  }
  return fields;
}

const char* json_kind(const nlohmann::json& value) {
  if (value.is_array()) return "list";
  if (value.is_string()) return "str";
  if (value.is_boolean()) return "bool";
  if (value.is_number_integer()) return "int";
  if (value.is_number()) return "float";
  return "NoneType";
}

}  // namespace

BodyParseResult parse_body(const std::string& content_type, const std::string& body) {
  BodyParseResult result;
  std::string type = media_type(content_type);
  // Like DRF, an empty body is empty data whatever its declared type.
  if (body.empty()) return result;
  if (type == "application/json") {
    try {
      auto parsed = nlohmann::json::parse(body);
      if (!parsed.is_object()) {
        result.error_status = 400;
        result.error_body = {
            {"non_field_errors",
             {std::string("Invalid data. Expected a dictionary, but got ") + json_kind(parsed) + "."}}};
        return result;
      }
      result.fields = std::move(parsed);
    } catch (const nlohmann::json::exception& e) {
      // parse_error, and out_of_range for a number beyond a double ({"n": 1e999}).
      std::string what = e.what();
      auto prefix_end = what.find("] ");  // drop nlohmann's "[json.exception.parse_error.101] "
      result.error_status = 400;
      result.error_body = {
          {"detail", "JSON parse error - " + (prefix_end == std::string::npos ? what : what.substr(prefix_end + 2))}};
    }
    return result;
  }
  if (type == "application/x-www-form-urlencoded") {
    nlohmann::json errors = nlohmann::json::object();
    result.fields = parse_form(body, errors);
    if (!errors.empty()) {
      result.error_status = 400;
      result.error_body = std::move(errors);
    }
    return result;
  }
  result.error_status = 415;
  result.error_body = {
      {"detail", "Unsupported media type \"" + (type.empty() ? content_type : type) + "\" in request."}};
  return result;
}

std::optional<std::string> string_field(const nlohmann::json& fields, const std::string& name,
                                        common::FieldErrors& errors) {
  auto it = fields.find(name);
  if (it == fields.end()) return std::nullopt;
  if (it->is_string()) {
    const auto& text = it->get_ref<const std::string&>();
    // libpq would store the text up to a NUL, silently: refuse it like DRF does.
    if (auto problem = common::text_field_problem(text)) {
      errors[name].push_back(*problem);
      return std::nullopt;
    }
    return text;
  }
  if (it->is_number()) return it->dump();
  if (it->is_null()) {
    errors[name].push_back("This field may not be null.");
  } else {
    errors[name].push_back("Not a valid string.");
  }
  return std::nullopt;
}

}  // namespace gateway
