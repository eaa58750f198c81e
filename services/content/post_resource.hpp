#pragma once

#include "content/owned_store.hpp"
#include "content/post_rules.hpp"
#include "content/v1/content.pb.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <tuple>

namespace content {

struct PostRecord {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string title;
  std::string content;
  std::chrono::system_clock::time_point created_at;
  std::chrono::system_clock::time_point updated_at;
};

// Posts: their table (for OwnedStore) and their gRPC messages (for the owned-resource RPCs).
struct PostResource {
  using Record = PostRecord;
  using Input = PostInput;
  using Message = v1::Post;

  static const OwnedStatements& statements();
  static Record from_row(const pqxx::row& row);
  static auto fields(const Input& input) { return std::tie(input.title, input.content); }

  template <class Request>
  static Input input_of(const Request& request) {
    return normalize_post({request.has_title() ? std::optional(request.title()) : std::nullopt,
                           request.has_content() ? std::optional(request.content()) : std::nullopt});
  }
  static common::FieldErrors validate(const Input& input, bool partial) { return validate_post(input, partial); }
  static void fill(const Record& record, Message* message);
  template <class Response>
  static Message* item_of(Response& response) {
    return response.mutable_post();
  }
  template <class Response>
  static Message* add_item(Response& response) {
    return response.add_posts();
  }
};

using PostStore = OwnedStore<PostResource>;

}  // namespace content
