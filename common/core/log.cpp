#include "common/core/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>

namespace common::log {

void init(std::string_view service, std::string_view level) {
  spdlog::drop("main");
  auto logger = spdlog::stdout_logger_mt("main");
  // spdlog adds the time and level; write() supplies the rest of the object (already escaped).
  std::string service_json = nlohmann::json(std::string(service)).dump();
  logger->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","service":)" + service_json + ",%v}",
                      spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(std::string(level)));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

void write(spdlog::level::level_enum level, std::string_view message, const nlohmann::json& fields) {
  if (!spdlog::default_logger_raw()->should_log(level)) return;
  nlohmann::json line = nlohmann::json::object();
  line["msg"] = message;
  if (fields.is_object()) line.update(fields);
  std::string body = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  // Strip the braces: the pattern wraps the fields in the line's own object.
  spdlog::default_logger_raw()->log(level, std::string_view(body).substr(1, body.size() - 2));
}

}  // namespace common::log
