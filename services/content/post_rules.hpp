#pragma once

#include "common/grpc/grpc_errors.hpp"

#include <optional>
#include <string>

// Post field rules as pure functions; messages are DRF's.
namespace content {

constexpr std::size_t kMaxTitleLength = 200;

struct PostInput {
  std::optional<std::string> title;
  std::optional<std::string> content;
};

// Trims like DRF's CharField; `partial` (PATCH) lets fields be absent.
PostInput normalize_post(PostInput input);
common::FieldErrors validate_post(const PostInput& normalized, bool partial);

}  // namespace content
