#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace gateway {

inline constexpr std::size_t kMaxUserAgentBytes = 256;

// The client's User-Agent header as display text for the sessions page (auth stores what the
// gateway passes on): common::display_text, at most kMaxUserAgentBytes bytes.
std::string user_agent_display_text(std::string_view header);

}  // namespace gateway
