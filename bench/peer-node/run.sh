#!/usr/bin/env bash
# Runs the Node.js peer on 127.0.0.1:PORT: installs its npm packages from the lockfile when
# node_modules is missing or older than package-lock.json (`npm ci`), then execs node (so the
# pid this script was started with is node:cluster's primary, and a SIGTERM sent to it stops
# the workers gracefully). The primary creates the schema, then forks one worker per core.
#
#   PEER_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/peernode bench/peer-node/run.sh 8002
#
# Environment:
#   PEER_DATABASE_URL            required: postgresql://user[:password]@host:port/dbname (must exist)
#   PEER_PIDFILE                 optional: where the primary's pid is written
#   PEER_NODE_WORKERS            optional: workers; one per core (os.availableParallelism()) otherwise
#   PEER_NODE_JWT_KEY_FILE       optional: ES256 private key (PKCS#8 PEM); a new one each start otherwise
#   PEER_NODE_PBKDF2_ITERATIONS  optional: PBKDF2-SHA256 iterations for new hashes (default 260000)
set -euo pipefail

if [[ $# -ne 1 || ! "$1" =~ ^[0-9]+$ ]]; then
    echo "usage: $0 PORT" >&2
    exit 2
fi
port=$1
if [[ -z "${PEER_DATABASE_URL:-}" ]]; then
    echo "$0: PEER_DATABASE_URL is not set" >&2
    exit 2
fi

cd "$(dirname "$0")"
# npm ci writes node_modules/.package-lock.json: older than the lockfile means stale.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
    npm ci --omit=dev --no-audit --no-fund --loglevel=error >&2
fi

if [[ -n "${PEER_PIDFILE:-}" ]]; then
    echo $$ >"$PEER_PIDFILE"  # exec keeps the pid: this is the primary's
fi
exec node server.mjs "$port"
