#pragma once

#include "common/pg/pg_pool.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace content {

struct PostRecord {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string title;
  std::string content;
  std::chrono::system_clock::time_point created_at;
  std::chrono::system_clock::time_point updated_at;
};

struct PostPage {
  std::vector<PostRecord> posts;
  std::int64_t total_count = 0;
};

// Posts in the content database. Every statement is filtered by owner: another user's post
// is indistinguishable from a missing one.
class PostStore final {
 public:
  explicit PostStore(common::PgPool& pool) : pool_(pool) {}

  static void prepare(pqxx::connection& connection);

  PostRecord create(std::int64_t user_id, const std::string& title, const std::string& content);
  std::optional<PostRecord> get(std::int64_t user_id, std::int64_t id);
  // limit nullopt: every post.
  PostPage list(std::int64_t user_id, std::optional<std::int64_t> limit, std::int64_t offset);
  // Absent fields keep their value. nullopt when no such post of this user.
  std::optional<PostRecord> update(std::int64_t user_id, std::int64_t id,
                                   const std::optional<std::string>& title,
                                   const std::optional<std::string>& content);
  bool remove(std::int64_t user_id, std::int64_t id);

 private:
  common::PgPool& pool_;
};

}  // namespace content
