#pragma once

namespace content {

// The two timestamps every owned row has, selected as seconds under their own names.
inline constexpr const char* kTimestampColumns =
    "EXTRACT(EPOCH FROM created_at)::float8 AS created_at, EXTRACT(EPOCH FROM updated_at)::float8 AS updated_at";

// Read back with common::from_epoch_float.

}  // namespace content
