#include "common/access/revocation_channel.hpp"

#include "common/core/epoch.hpp"

#include <charconv>
#include <cmath>
#include <limits>

// The publishing side of the channel (auth) and the message format both sides share; the
// listening side is revocation_listener.cpp.
namespace common {
namespace {

constexpr std::string_view kTokenPrefix = "jti:";
constexpr std::string_view kFamilyPrefix = "fam:";

// KEYS[1]: the sorted set, KEYS[2]: the synced marker. ARGV[1]: the channel, ARGV[2]: an outbox
// sequence to raise the marker to ("" for none), then pairs of member and expiry (epoch
// seconds). The clock is Redis's own (TIME), shared by every auth instance. Expiries are
// handed on as the caller's strings: Lua 5.1 would print large numbers imprecisely. ZADD GT
// keeps the later expiry when a member is revoked twice. An absent marker stays absent: the
// set may lack older revocations until the auth service copied them all again.
constexpr std::string_view kPublishScript = R"lua(
local now = redis.call('TIME')[1]
local published = 0
for i = 3, #ARGV, 2 do
  local member, expires = ARGV[i], ARGV[i + 1]
  if tonumber(expires) > tonumber(now) then
    redis.call('ZADD', KEYS[1], 'GT', expires, member)
    redis.call('PUBLISH', ARGV[1], member .. ' ' .. expires)
    published = published + 1
  end
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if ARGV[2] ~= '' then
  local synced = redis.call('GET', KEYS[2])
  if synced and tonumber(ARGV[2]) > tonumber(synced) then redis.call('SET', KEYS[2], ARGV[2]) end
end
return published
)lua";

// KEYS[1]: the synced marker. ARGV[1]: the channel, ARGV[2]: the heartbeat message.
constexpr std::string_view kHeartbeatScript = R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('PUBLISH', ARGV[1], ARGV[2])
  return 1
end
return 0
)lua";

std::optional<std::int64_t> parse_integer(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Redis prints scores as doubles ("1700000000", "inf", "1.5e+19" when someone wrote one).
std::optional<std::int64_t> parse_score(std::string_view text) {
  if (auto integer = parse_integer(text)) return integer;
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || std::isnan(value)) return std::nullopt;
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  if (value >= static_cast<double>(kMax)) return kMax;
  if (value <= static_cast<double>(kMin)) return kMin;
  return static_cast<std::int64_t>(std::ceil(value));
}

bool is_member(std::string_view member) {
  return (member.starts_with(kTokenPrefix) || member.starts_with(kFamilyPrefix)) && member.size() > kTokenPrefix.size();
}

}  // namespace

std::string Revocation::member() const { return std::string(kind == Kind::kToken ? kTokenPrefix : kFamilyPrefix) + id; }

void publish_revocations(RedisClient& redis, const std::vector<Revocation>& revocations,
                         std::optional<std::int64_t> synced_seq) {
  if (revocations.empty() && !synced_seq) return;
  std::vector<std::string> args{"EVAL",
                                std::string(kPublishScript),
                                "2",
                                std::string(kRevocationsKey),
                                std::string(kRevocationsSyncedKey),
                                std::string(kRevocationsChannel),
                                synced_seq ? std::to_string(*synced_seq) : std::string()};
  for (const auto& revocation : revocations) {
    if (revocation.id.empty()) throw std::invalid_argument("revocation without an id");
    args.push_back(revocation.member());
    args.push_back(std::to_string(revocation.expires_epoch));
  }
  redis.command(args);
}

void store_all_revocations(RedisClient& redis, const std::vector<Revocation>& revocations, std::int64_t synced_seq) {
  // Chunks keep each command small; ZADD GT keeps a later expiry already stored.
  constexpr std::size_t kChunk = 500;
  for (std::size_t start = 0; start < revocations.size(); start += kChunk) {
    std::vector<std::string> args = {"ZADD", std::string(kRevocationsKey), "GT"};
    for (std::size_t i = start; i < std::min(revocations.size(), start + kChunk); ++i) {
      args.push_back(std::to_string(revocations[i].expires_epoch));
      args.push_back(revocations[i].member());
    }
    redis.command(args);
  }
  // Only after every chunk: a marker says the set is complete.
  redis.command({"SET", std::string(kRevocationsSyncedKey), std::to_string(synced_seq)});
  redis.command({"PUBLISH", std::string(kRevocationsChannel), std::string(kReloadMessage)});
}

std::optional<std::int64_t> revocations_synced_seq(RedisClient& redis) {
  auto reply = redis.command({"GET", std::string(kRevocationsSyncedKey)});
  if (reply.kind == RedisReply::Kind::kNil) return std::nullopt;
  auto seq = parse_integer(reply.text);
  if (!seq) throw RedisError("unexpected value in " + std::string(kRevocationsSyncedKey));
  return seq;
}

bool publish_heartbeat(RedisClient& redis) {
  auto reply = redis.command({"EVAL", std::string(kHeartbeatScript), "1", std::string(kRevocationsSyncedKey),
                              std::string(kRevocationsChannel), std::string(kHeartbeatMessage)});
  return reply.integer == 1;
}

RevocationSet::Entries load_revocations(RedisClient& redis) {
  // Exclusive lower bound: a revocation expiring at T no longer matters at T.
  auto reply =
      redis.command({"ZRANGEBYSCORE", std::string(kRevocationsKey),
                     "(" + std::to_string(epoch_seconds(std::chrono::system_clock::now())), "+inf", "WITHSCORES"});
  if (reply.kind != RedisReply::Kind::kArray || reply.elements.size() % 2 != 0) {
    throw RedisError("unexpected ZRANGEBYSCORE reply");
  }
  RevocationSet::Entries entries;
  entries.reserve(reply.elements.size() / 2);
  for (std::size_t i = 0; i < reply.elements.size(); i += 2) {
    auto score = parse_score(reply.elements[i + 1].text);
    if (!score) throw RedisError("unexpected score in " + std::string(kRevocationsKey));
    entries.emplace_back(std::move(reply.elements[i].text), *score);
  }
  return entries;
}

std::optional<std::pair<std::string_view, std::int64_t>> parse_revocation_message(std::string_view message) {
  // The last space: the expiry never contains one, an id might.
  auto space = message.rfind(' ');
  if (space == std::string_view::npos) return std::nullopt;
  auto member = message.substr(0, space);
  auto expires = parse_integer(message.substr(space + 1));
  if (!is_member(member) || !expires) return std::nullopt;
  return std::pair{member, *expires};
}

}  // namespace common
