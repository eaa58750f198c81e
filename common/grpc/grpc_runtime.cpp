#include "common/grpc/grpc_runtime.hpp"

#include <absl/synchronization/mutex.h>

#include <grpc/support/cpu.h>

#include <algorithm>
#include <cstdlib>

namespace common {

void prepare_grpc_runtime() {
  setenv("GRPC_CLIENT_CHANNEL_BACKUP_POLL_INTERVAL_MS", "250", 0);
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
}

unsigned grpc_callback_threads() { return std::clamp(gpr_cpu_num_cores() / 2, 2u, 16u); }

}  // namespace common
