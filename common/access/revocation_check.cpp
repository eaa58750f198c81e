#include "common/access/revocation_check.hpp"

namespace common {

RevocationCheck::RevocationCheck(const RevocationSet& set, std::function<bool()> set_is_current, AskAuth ask_auth,
                                 Options options, std::function<Clock::time_point()> now)
    : set_(set),
      set_is_current_(std::move(set_is_current)),
      ask_auth_(std::move(ask_auth)),
      options_(options),
      now_(std::move(now)) {}

bool RevocationCheck::revoked(std::string_view jti, std::string_view family) const {
  if (set_.is_revoked(jti, family)) return true;
  if (set_is_current_()) return false;

  // The set may be missing revocations: ask auth, or use what it said a moment ago.
  std::string key;
  key.reserve(jti.size() + 1 + family.size());
  key.append(jti).append(1, '\n').append(family);
  auto now = now_();
  {
    std::lock_guard lock(mutex_);
    auto cached = answers_.find(key);
    if (cached != answers_.end() && now < cached->second.until) return cached->second.revoked;
  }
  bool revoked = false;
  try {
    ++asked_;
    revoked = ask_auth_(jti, family);
  } catch (const std::exception& e) {
    throw RevocationUnknown(std::string("revocation channel not current and auth unreachable: ") + e.what());
  }
  std::lock_guard lock(mutex_);
  if (answers_.size() >= options_.max_answers) answers_.clear();
  answers_[key] = {revoked, now + (revoked ? options_.revoked_ttl : options_.answer_ttl)};
  return revoked;
}

}  // namespace common
