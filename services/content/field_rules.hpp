#pragma once

#include "common/grpc/grpc_errors.hpp"

#include <cstddef>
#include <optional>
#include <string>

// DRF's CharField checks, shared by the post and task rules.
namespace content {

// NUL or invalid UTF-8 in `value` (common::text_field_problem): the field error, and false, so
// the field gets no other check (an invalid value must not end up inside another message).
// Every string field of every request passes this before anything else.
bool check_text(const std::optional<std::string>& value, const char* field, common::FieldErrors& errors);
// Required unless `partial`; never blank when given.
void require_text(const std::optional<std::string>& value, const char* field, bool partial,
                  common::FieldErrors& errors);
// At most `max` characters (not bytes), like max_length.
void limit_length(const std::optional<std::string>& value, const char* field, std::size_t max,
                  common::FieldErrors& errors);

}  // namespace content
