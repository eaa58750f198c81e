#pragma once

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <string_view>

// One JSON object per line on stdout: {"ts","level","service","msg", ...fields}.
namespace common::log {

void init(std::string_view service, std::string_view level);

void write(spdlog::level::level_enum level, std::string_view message,
           const nlohmann::json& fields = nlohmann::json::object());

inline void debug(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) {
  write(spdlog::level::debug, m, f);
}
inline void info(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) {
  write(spdlog::level::info, m, f);
}
inline void warn(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) {
  write(spdlog::level::warn, m, f);
}
inline void error(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) {
  write(spdlog::level::err, m, f);
}

}  // namespace common::log
