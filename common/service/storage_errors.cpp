#include "common/service/storage_errors.hpp"

#include "common/core/outage.hpp"
#include "common/pg/pg_errors.hpp"

namespace common {

bool is_storage_outage(const std::exception& error) {
  return dynamic_cast<const Outage*>(&error) != nullptr || is_pg_outage(error);
}

std::string storage_outage_reason(const std::exception& error) {
  if (const auto* outage = dynamic_cast<const Outage*>(&error)) return outage->reason();
  return pg_outage_reason(error);
}

}  // namespace common
