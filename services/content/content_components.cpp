#include "content/content_components.hpp"

namespace content {

void prepare_content_statements(pqxx::connection& connection) {
  PostStore::prepare(connection);
  TaskStore::prepare(connection);
  AccountDataServiceImpl::prepare(connection);
}

}  // namespace content
