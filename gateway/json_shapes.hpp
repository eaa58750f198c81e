#pragma once

#include "content/v1/content.pb.h"

#include <google/protobuf/timestamp.pb.h>
#include <nlohmann/json.hpp>

#include <string>

// Response bodies built from service messages, in the field names the seed clients read.
namespace gateway {

// ISO 8601 UTC with microseconds, as DRF renders DateTimeFields: 2026-11-23T12:00:00.123456Z
std::string iso8601(const google::protobuf::Timestamp& timestamp);

nlohmann::json post_json(const content::v1::Post& post);
nlohmann::json task_json(const content::v1::Task& task);

}  // namespace gateway
