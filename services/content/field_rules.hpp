#pragma once

#include "common/grpc_errors.hpp"

#include <cstddef>
#include <optional>
#include <string>

// DRF's CharField checks, shared by the post and task rules.
namespace content {

// Required unless `partial`; never blank when given.
void require_text(const std::optional<std::string>& value, const char* field, bool partial,
                  common::FieldErrors& errors);
// At most `max` characters (not bytes), like max_length.
void limit_length(const std::optional<std::string>& value, const char* field, std::size_t max,
                  common::FieldErrors& errors);

}  // namespace content
