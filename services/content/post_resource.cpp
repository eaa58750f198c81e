#include "content/post_resource.hpp"

#include "common/core/epoch.hpp"
#include "common/core/proto_time.hpp"
#include "content/row_time.hpp"

namespace content {

const OwnedStatements& PostResource::statements() {
  static const OwnedStatements statements = owned_statements({
      .table = "posts",
      .columns = "id, user_id, title, content, " + std::string(kTimestampColumns),
      .insert = "INSERT INTO posts (user_id, title, content) VALUES ($1, $2, $3)",
      .update_set = "title = COALESCE($3, title), content = COALESCE($4, content)",
  });
  return statements;
}

PostRecord PostResource::from_row(const pqxx::row& row) {
  return {row["id"].as<std::int64_t>(),
          row["user_id"].as<std::int64_t>(),
          row["title"].as<std::string>(),
          row["content"].as<std::string>(),
          common::from_epoch_micros(row["created_at"].as<std::int64_t>()),
          common::from_epoch_micros(row["updated_at"].as<std::int64_t>())};
}

void PostResource::fill(const PostRecord& record, v1::Post* post) {
  post->set_id(record.id);
  post->set_user_id(record.user_id);
  post->set_title(record.title);
  post->set_content(record.content);
  *post->mutable_created_at() = common::to_timestamp(record.created_at);
  *post->mutable_updated_at() = common::to_timestamp(record.updated_at);
}

}  // namespace content
