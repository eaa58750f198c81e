#pragma once

#include "common/pg/statement.hpp"
#include "common/pg/transactions.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace content {

// The statements of a table of rows owned by users. Every statement is filtered by owner:
// another user's row is indistinguishable from a missing one.
struct OwnedStatements {
  common::Statement insert;  // $1 owner, then the resource's fields
  common::Statement get;     // $1 owner, $2 id
  common::Statement list;    // $1 owner, $2 limit (NULL: all), $3 offset; by id
  common::Statement count;   // $1 owner
  common::Statement update;  // $1 owner, $2 id, then the fields (NULL keeps the value)
  common::Statement remove;  // $1 owner, $2 id
};

struct OwnedTable {
  std::string table;       // "posts"
  std::string columns;     // what every statement returns, each under its column's name
  std::string insert;      // INSERT INTO ... VALUES ($1, ...), without RETURNING
  std::string update_set;  // "title = COALESCE($3, title), ..."
};

// Statements named <table>_insert, <table>_get, ... for `table`.
OwnedStatements owned_statements(const OwnedTable& table);

// A store of one resource's rows. `Resource` says what a row is (Record), what a write carries
// (Input), its statements(), from_row() and fields(input), the values for the statements' $3...
template <class Resource>
class OwnedStore final {
 public:
  using Record = typename Resource::Record;
  using Input = typename Resource::Input;
  struct Page {
    std::vector<Record> items;
    std::int64_t total_count = 0;
  };

  explicit OwnedStore(common::PgPool& pool) : pool_(pool) {}

  static void prepare(pqxx::connection& connection) {
    const auto& s = Resource::statements();
    for (const auto* statement : {&s.insert, &s.get, &s.list, &s.count, &s.update, &s.remove}) {
      statement->prepare(connection);
    }
  }

  // The input was validated for a create: its required fields are present.
  Record create(std::int64_t user_id, const Input& input) {
    return common::write_one(pool_, [&](pqxx::nontransaction& tx) {
      return Resource::from_row(with_fields(input, [&](const auto&... fields) {
        return common::exec1(tx, Resource::statements().insert, user_id, fields...);
      }));
    });
  }

  std::optional<Record> get(std::int64_t user_id, std::int64_t id) {
    return common::read(pool_, [&](pqxx::nontransaction& tx) -> std::optional<Record> {
      auto result = common::exec(tx, Resource::statements().get, user_id, id);
      if (result.empty()) return std::nullopt;
      return Resource::from_row(result[0]);
    });
  }

  // limit nullopt: every row.
  Page list(std::int64_t user_id, std::optional<std::int64_t> limit, std::int64_t offset) {
    auto rows = [&](auto& tx) {
      Page page;
      for (const auto& row : common::exec(tx, Resource::statements().list, user_id, limit, offset)) {
        page.items.push_back(Resource::from_row(row));
      }
      return page;
    };
    // The plain list (no paging) is the common case: one statement, whose count is its length,
    // so no transaction (issue 15: BEGIN and COMMIT were a quarter of content's CPU on it).
    if (!limit && offset == 0) {
      return common::read(pool_, [&](pqxx::nontransaction& tx) {
        Page page = rows(tx);
        page.total_count = static_cast<std::int64_t>(page.items.size());
        return page;
      });
    }
    // One snapshot for the page and its count, so they agree.
    return common::read_snapshot(pool_, [&](common::ReadSnapshot& tx) {
      Page page = rows(tx);
      page.total_count = common::exec1(tx, Resource::statements().count, user_id)["count"].template as<std::int64_t>();
      return page;
    });
  }

  // Absent fields keep their value. nullopt when no such row of this user.
  std::optional<Record> update(std::int64_t user_id, std::int64_t id, const Input& input) {
    return common::write_one(pool_, [&](pqxx::nontransaction& tx) -> std::optional<Record> {
      auto result = with_fields(input, [&](const auto&... fields) {
        return common::exec(tx, Resource::statements().update, user_id, id, fields...);
      });
      if (result.empty()) return std::nullopt;
      return Resource::from_row(result[0]);
    });
  }

  bool remove(std::int64_t user_id, std::int64_t id) {
    return common::write_one(pool_, [&](pqxx::nontransaction& tx) {
      return common::exec(tx, Resource::statements().remove, user_id, id).affected_rows() == 1;
    });
  }

 private:
  template <class Run>
  static auto with_fields(const Input& input, Run&& run) {
    return std::apply(run, Resource::fields(input));
  }

  common::PgPool& pool_;
};

}  // namespace content
