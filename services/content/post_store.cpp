#include "content/post_store.hpp"

#include "content/row_time.hpp"

namespace content {
namespace {

constexpr const char* kColumns =
    "id, user_id, title, content, EXTRACT(EPOCH FROM created_at)::float8, "
    "EXTRACT(EPOCH FROM updated_at)::float8";

PostRecord to_post(const pqxx::row& row) {
  PostRecord post;
  post.id = row[0].as<std::int64_t>();
  post.user_id = row[1].as<std::int64_t>();
  post.title = row[2].as<std::string>();
  post.content = row[3].as<std::string>();
  post.created_at = from_epoch(row[4].as<double>());
  post.updated_at = from_epoch(row[5].as<double>());
  return post;
}

}  // namespace

void PostStore::prepare(pqxx::connection& c) {
  std::string columns = kColumns;
  c.prepare("posts_insert",
            "INSERT INTO posts (user_id, title, content) VALUES ($1, $2, $3) RETURNING " + columns);
  c.prepare("posts_get", "SELECT " + columns + " FROM posts WHERE user_id = $1 AND id = $2");
  c.prepare("posts_list",
            "SELECT " + columns + " FROM posts WHERE user_id = $1 ORDER BY id LIMIT $2 OFFSET $3");
  c.prepare("posts_count", "SELECT count(*) FROM posts WHERE user_id = $1");
  c.prepare("posts_update",
            "UPDATE posts SET title = COALESCE($3, title), content = COALESCE($4, content), "
            "updated_at = now() WHERE user_id = $1 AND id = $2 RETURNING " + columns);
  c.prepare("posts_delete", "DELETE FROM posts WHERE user_id = $1 AND id = $2");
}

PostRecord PostStore::create(std::int64_t user_id, const std::string& title, const std::string& content) {
  return pool_.with_connection([&](pqxx::connection& c) {
    pqxx::work tx(c);
    auto row = tx.exec_prepared1("posts_insert", user_id, title, content);
    tx.commit();
    return to_post(row);
  });
}

std::optional<PostRecord> PostStore::get(std::int64_t user_id, std::int64_t id) {
  return pool_.with_connection([&](pqxx::connection& c) -> std::optional<PostRecord> {
    // One statement needs no BEGIN/COMMIT: one round trip instead of three.
    pqxx::nontransaction tx(c);
    auto result = tx.exec_prepared("posts_get", user_id, id);
    if (result.empty()) return std::nullopt;
    return to_post(result[0]);
  });
}

PostPage PostStore::list(std::int64_t user_id, std::optional<std::int64_t> limit, std::int64_t offset) {
  return pool_.with_connection([&](pqxx::connection& c) {
    // One snapshot for the page and its count, so they agree.
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(c);
    PostPage page;
    for (const auto& row : tx.exec_prepared("posts_list", user_id, limit, offset)) {
      page.posts.push_back(to_post(row));
    }
    // The plain list (no paging) is the common case: its count is its length.
    page.total_count = (!limit && offset == 0)
                           ? static_cast<std::int64_t>(page.posts.size())
                           : tx.exec_prepared1("posts_count", user_id)[0].as<std::int64_t>();
    tx.commit();
    return page;
  });
}

std::optional<PostRecord> PostStore::update(std::int64_t user_id, std::int64_t id,
                                            const std::optional<std::string>& title,
                                            const std::optional<std::string>& content) {
  return pool_.with_connection([&](pqxx::connection& c) -> std::optional<PostRecord> {
    pqxx::work tx(c);
    auto result = tx.exec_prepared("posts_update", user_id, id, title, content);
    tx.commit();
    if (result.empty()) return std::nullopt;
    return to_post(result[0]);
  });
}

bool PostStore::remove(std::int64_t user_id, std::int64_t id) {
  return pool_.with_connection([&](pqxx::connection& c) {
    pqxx::work tx(c);
    auto result = tx.exec_prepared("posts_delete", user_id, id);
    tx.commit();
    return result.affected_rows() == 1;
  });
}

}  // namespace content
