#include "gateway/json_shapes.hpp"

#include <ctime>

namespace gateway {

std::string iso8601(const google::protobuf::Timestamp& timestamp) {
  std::time_t seconds = static_cast<std::time_t>(timestamp.seconds());
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[40];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
  char fraction[16];
  std::snprintf(fraction, sizeof fraction, ".%06dZ", timestamp.nanos() / 1000);
  return std::string(buffer) + fraction;
}

nlohmann::json post_json(const content::v1::Post& post) {
  return {{"id", post.id()},
          {"title", post.title()},
          {"content", post.content()},
          {"user", post.user_id()},
          {"created_at", iso8601(post.created_at())},
          {"updated_at", iso8601(post.updated_at())}};
}

nlohmann::json task_json(const content::v1::Task& task) {
  return {{"id", task.id()},
          {"title", task.title()},
          {"description", task.description()},
          {"status", task.status()},
          {"user", task.user_id()},
          {"created_at", iso8601(task.created_at())},
          {"updated_at", iso8601(task.updated_at())}};
}

}  // namespace gateway
