#include "gateway/user_agent.hpp"

#include "common/core/text.hpp"

namespace gateway {

std::string user_agent_display_text(std::string_view header) {
  return common::display_text(header, kMaxUserAgentBytes);
}

}  // namespace gateway
