#include "common/grpc/grpc_runtime.hpp"

#include <absl/synchronization/mutex.h>

#include <cstdlib>

namespace common {

void prepare_grpc_runtime() {
  setenv("GRPC_CLIENT_CHANNEL_BACKUP_POLL_INTERVAL_MS", "250", 0);
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
}

}  // namespace common
