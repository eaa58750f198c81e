#include "common/redis/redis_connection.hpp"

namespace common::redis {
namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
  return timeval{static_cast<time_t>(ms.count() / 1000), static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

}  // namespace

void ContextDeleter::operator()(redisContext* context) const { redisFree(context); }

ContextPtr connect(const RedisOptions& options) {
  const timeval timeout = to_timeval(options.timeout);
  ContextPtr context(redisConnectWithTimeout(options.host.c_str(), options.port, timeout));
  if (!context || context->err) {
    throw RedisError("redis connect failed: " + std::string(context ? context->errstr : "out of memory"));
  }
  redisSetTimeout(context.get(), timeout);
  redisEnableKeepAlive(context.get());
  if (!options.password.empty()) command(context.get(), {"AUTH", options.password});
  if (options.db != 0) command(context.get(), {"SELECT", std::to_string(options.db)});
  return context;
}

ReplyPtr send(redisContext* context, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (const auto& a : args) {
    argv.push_back(a.data());
    lengths.push_back(a.size());
  }
  return ReplyPtr(
      static_cast<redisReply*>(redisCommandArgv(context, static_cast<int>(argv.size()), argv.data(), lengths.data())));
}

ReplyPtr command(redisContext* context, const std::vector<std::string>& args) {
  auto reply = send(context, args);
  if (!reply) throw RedisError("redis " + args.at(0) + " failed: " + context->errstr);
  if (reply->type == REDIS_REPLY_ERROR) {
    throw RedisError("redis " + args.at(0) + " failed: " + std::string(reply->str, reply->len));
  }
  return reply;
}

}  // namespace common::redis
