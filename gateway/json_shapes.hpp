#pragma once

#include "content/v1/content.pb.h"

#include <google/protobuf/timestamp.pb.h>
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

// Response bodies built from service messages, in the field names the seed clients read.
//
// Posts and tasks are written straight to text, not built as nlohmann::json first: for a list
// of 50, building the objects, dumping them and formatting the timestamps with strftime were
// 40 % of the gateway's CPU (issue 15). The bytes are what nlohmann's dump writes for the same
// object (keys in its sorted order, the same escapes); json_shapes_test compares the two.
namespace gateway {

// How every body the gateway writes is dumped: compact, UTF-8 kept, invalid UTF-8 replaced by
// U+FFFD (text from a client is echoed in some errors).
std::string json_text(const nlohmann::json& body);

// ISO 8601 UTC with microseconds, as DRF renders DateTimeFields: 2026-11-23T12:00:00.123456Z
std::string iso8601(const google::protobuf::Timestamp& timestamp);

// `text` as a JSON string, quotes included, escaped as nlohmann's dump escapes it (UTF-8 kept,
// invalid UTF-8 replaced by U+FFFD).
void append_json_string(std::string& out, std::string_view text);

void append_post_json(std::string& out, const content::v1::Post& post);
void append_task_json(std::string& out, const content::v1::Task& task);

}  // namespace gateway
