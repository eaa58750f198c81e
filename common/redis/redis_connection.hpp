#pragma once

#include "common/redis/redis_client.hpp"

#include <hiredis/hiredis.h>

#include <memory>
#include <string>
#include <vector>

// Blocking hiredis connections, shared by RedisClient and the revocation listener's subscription.
namespace common::redis {

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using ContextPtr = std::unique_ptr<redisContext, ContextDeleter>;
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

// Connects to `options` (the connect and every later call bounded by its timeout, TCP
// keepalive on), then AUTH and SELECT as it says. Throws RedisError.
ContextPtr connect(const RedisOptions& options);

// Sends `args` as one command (argument vector: binary-safe, never formatted) and waits for the
// reply. Null when the connection failed (context->err says why); an error reply is returned.
ReplyPtr send(redisContext* context, const std::vector<std::string>& args);

// The same, but throws RedisError for a failed connection or an error reply.
ReplyPtr command(redisContext* context, const std::vector<std::string>& args);

}  // namespace common::redis
