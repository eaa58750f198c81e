#pragma once

#include "common/grpc/grpc_errors.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

// Request bodies the way DRF's default parsers read them: JSON or form-encoded, into one
// JSON object of fields. Pure functions, unit-tested.
namespace gateway {

struct BodyParseResult {
  nlohmann::json fields = nlohmann::json::object();
  int error_status = 0;  // 0: parsed; else 400 or 415
  nlohmann::json error_body;
};

BodyParseResult parse_body(const std::string& content_type, const std::string& body);

// A field as a string, DRF CharField style: nullopt when absent; numbers become their text;
// null, booleans, objects and arrays add a field error.
std::optional<std::string> string_field(const nlohmann::json& fields, const std::string& name,
                                        common::FieldErrors& errors);

}  // namespace gateway
