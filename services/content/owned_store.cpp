#include "content/owned_store.hpp"

namespace content {

OwnedStatements owned_statements(const OwnedTable& t) {
  const std::string returning = " RETURNING " + t.columns;
  const std::string select = "SELECT " + t.columns + " FROM " + t.table;
  return {
      {t.table + "_insert", t.insert + returning},
      {t.table + "_get", select + " WHERE user_id = $1 AND id = $2"},
      {t.table + "_list", select + " WHERE user_id = $1 ORDER BY id LIMIT $2 OFFSET $3"},
      {t.table + "_count", "SELECT count(*) AS count FROM " + t.table + " WHERE user_id = $1"},
      {t.table + "_update", "UPDATE " + t.table + " SET " + t.update_set +
                                ", updated_at = now() WHERE user_id = $1 AND id = $2" + returning},
      {t.table + "_delete", "DELETE FROM " + t.table + " WHERE user_id = $1 AND id = $2"},
  };
}

}  // namespace content
