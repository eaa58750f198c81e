#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace gateway {

inline constexpr std::size_t kMaxUserAgentBytes = 256;

// The client's User-Agent header as display text for the sessions page (auth stores what the
// gateway passes on). The header is the client's to choose, so what is kept is valid UTF-8
// only (invalid bytes dropped), without control characters, line separators or bidirectional
// formatting (which could make the page show another text than the one stored), and cut to
// at most kMaxUserAgentBytes bytes without splitting a character.
std::string user_agent_display_text(std::string_view header);

}  // namespace gateway
