#pragma once

namespace common {

// Blocks SIGINT and SIGTERM in the calling thread and every thread started after it, so the
// signal is taken synchronously by wait() instead of interrupting a worker. Construct first
// thing in main, before any library starts threads.
class ShutdownSignal final {
 public:
  ShutdownSignal();
  // Returns the signal number that arrived.
  int wait();
};

}  // namespace common
