#pragma once

// How every binary sets up gRPC's runtime. Call first in main(), before anything uses gRPC.
namespace common {

// - Prompt backup polling: a client that makes no call reads its connections only from gRPC's
//   backup poller, every 5 s by default, so the keepalive pings' acks would arrive after their
//   2 s timeout and idle channels would be dropped as dead. This polls every 250 ms instead
//   (GRPC_CLIENT_CHANNEL_BACKUP_POLL_INTERVAL_MS, unless set). Each tick reads one socket, so a
//   process with many connections and no server threads also needs a GrpcClientPoller.
// - No mutex deadlock detection: Debian's abseil leaves it on, and it records every lock
//   order in a global graph (absl::synchronization's GraphCycles), a cost on every contended
//   lock of gRPC's hot path (issue 15). Lock ordering is what our tests and sanitizers check.
void prepare_grpc_runtime();

// How many threads run a callback server's handlers: gRPC 1.51 (Debian 12) runs them on its
// "callback alternative" queue's threads, clamp(cores / 2, 2, 16) of them. A server that blocks
// some of them (on a database) must leave at least one free for everything else.
unsigned grpc_callback_threads();

}  // namespace common
