#include "common/redis/redis_client.hpp"

#include "common/redis/redis_connection.hpp"

#include <charconv>

namespace common {
namespace {

constexpr auto kReconnectBackoff = std::chrono::seconds(1);

RedisReply convert(const redisReply* reply) {
  RedisReply out;
  switch (reply->type) {
    case REDIS_REPLY_INTEGER:
      out.kind = RedisReply::Kind::kInteger;
      out.integer = reply->integer;
      break;
    case REDIS_REPLY_STRING:
      out.kind = RedisReply::Kind::kString;
      out.text.assign(reply->str, reply->len);
      break;
    case REDIS_REPLY_STATUS:
      out.kind = RedisReply::Kind::kStatus;
      out.text.assign(reply->str, reply->len);
      break;
    case REDIS_REPLY_ARRAY:
      out.kind = RedisReply::Kind::kArray;
      for (std::size_t i = 0; i < reply->elements; ++i) out.elements.push_back(convert(reply->element[i]));
      break;
    case REDIS_REPLY_ERROR: throw RedisError("redis error: " + std::string(reply->str, reply->len));
    default: break;
  }
  return out;
}

}  // namespace

RedisOptions RedisOptions::from_url(std::string_view url) {
  RedisOptions options;
  constexpr std::string_view kScheme = "redis://";
  if (url.substr(0, kScheme.size()) != kScheme) throw RedisError("redis URL must start with redis://");
  url.remove_prefix(kScheme.size());
  auto slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  if (slash != std::string_view::npos && slash + 1 < url.size()) {
    auto db = url.substr(slash + 1);
    auto [p, ec] = std::from_chars(db.data(), db.data() + db.size(), options.db);
    if (ec != std::errc() || p != db.data() + db.size()) throw RedisError("bad redis database number");
  }
  auto at = authority.rfind('@');
  if (at != std::string_view::npos) {
    auto credentials = authority.substr(0, at);
    auto colon = credentials.find(':');
    options.password = std::string(colon == std::string_view::npos ? credentials : credentials.substr(colon + 1));
    authority.remove_prefix(at + 1);
  }
  auto colon = authority.rfind(':');
  if (colon != std::string_view::npos) {
    auto port = authority.substr(colon + 1);
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), options.port);
    if (ec != std::errc() || p != port.data() + port.size()) throw RedisError("bad redis port");
    authority = authority.substr(0, colon);
  }
  if (!authority.empty()) options.host = std::string(authority);
  return options;
}

RedisClient::RedisClient(RedisOptions options) : options_(std::move(options)) {}

RedisClient::~RedisClient() = default;

void RedisClient::connect_locked() {
  if (context_) return;
  if (std::chrono::steady_clock::now() < retry_after_) throw RedisError("redis unavailable (backing off)");
  retry_after_ = std::chrono::steady_clock::now() + kReconnectBackoff;
  context_ = redis::connect(options_);
  retry_after_ = {};
}

RedisReply RedisClient::command(const std::vector<std::string>& args) {
  std::lock_guard lock(mutex_);
  // One retry on a fresh connection: a server restart breaks the old one.
  for (int attempt = 0; attempt < 2; ++attempt) {
    connect_locked();
    auto reply = redis::send(context_.get(), args);
    if (!reply) {
      std::string reason = context_->errstr;
      context_.reset();
      if (attempt == 1) throw RedisError("redis command failed: " + reason);
      retry_after_ = {};
      continue;
    }
    return convert(reply.get());
  }
  throw RedisError("redis command failed");
}

bool RedisClient::ping() {
  try {
    return command({"PING"}).text == "PONG";
  } catch (const RedisError&) {
    return false;
  }
}

}  // namespace common
