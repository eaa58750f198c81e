#!/usr/bin/env bash
# The benchmark: our stack, the Django + DRF + simplejwt peer (bench/peer-django) and the
# Fastify + fast-jwt + node-postgres peer (bench/peer-node) on the same PostgreSQL, measured side
# by side on loopback with wrk (A/B rounds, the order rotating between the three), the same reads
# over gRPC straight to the content service (bench/grpc_load), and this machine's ceilings: a
# bare cpp-httplib handler (bench/http_ceiling), the REST-to-gRPC hop with no work
# (bench/hop_ceiling), `pgbench -S`, and `pgbench -N` at each connection count. Writes
# BENCH_OUT/results.json, BENCH_OUT/table.md and BENCH_OUT/throughput.png (bench/report.py).
#
# Environment:
#   BENCH_SECONDS      length of each measurement (default 10)
#   BENCH_CONNECTIONS  client connections, space-separated (default "16 128")
#   BENCH_ROUNDS       A/B rounds per measurement (the order of the three stacks rotates each round);
#                      the median round is reported (default 2)
#   BENCH_OUT          where results go (default bench/results)
#   BENCH_ONLY         measure only the routes matching this regex (ceilings are always run)
#   BENCH_SMOKE=1      a few seconds in all (1 s runs, 4 connections, 1 round): the test suite's
#                      check that the bench still runs (ctest bench.smoke)
#   BUILD_DIR          build directory (default build)
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$REPO_ROOT"
# shellcheck source=scripts/lib/infra.sh
source "$REPO_ROOT/scripts/lib/infra.sh"

if [[ "${BENCH_SMOKE:-0}" == 1 ]]; then
    SECONDS_PER_RUN=${BENCH_SECONDS:-1}
    CONNECTIONS=${BENCH_CONNECTIONS:-4}
    ROUNDS=${BENCH_ROUNDS:-1}
    REFRESH_POOL_EXTRA=4
    PGBENCH_SCALE=1
else
    SECONDS_PER_RUN=${BENCH_SECONDS:-10}
    CONNECTIONS=${BENCH_CONNECTIONS:-16 128}
    ROUNDS=${BENCH_ROUNDS:-2}
    REFRESH_POOL_EXTRA=32
    PGBENCH_SCALE=10
fi
export BUILD_DIR=${BUILD_DIR:-build}
OUT=${BENCH_OUT:-bench/results}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd -P)
PY=/usr/bin/python3  # Debian's, which sees Debian's Django packages
WRK_THREADS=2
PASSWORD="Bench-password-2026"

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] error: %s\n' "$*" >&2; exit 1; }

# Only what the bench runs (under ctest, BUILD_DIR is the test build's, where all is built).
"$REPO_ROOT/scripts/build.sh" auth-service content-service gateway http_ceiling hop_ceiling grpc_load hash_cost \
    idle_capacity >&2
BUILD_ABS=$(cd "$BUILD_DIR" && pwd -P)
BIN="$BUILD_ABS/bin"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXXXX")
chmod 755 "$WORK"
declare -A PIDS=()
PG_STARTED=0
REDIS_STARTED=0
cleanup() {
    local rc=$? name
    set +e
    trap '' INT TERM
    for name in "${!PIDS[@]}"; do stop_pid "${PIDS[$name]}" "$name" 15; done
    (( REDIS_STARTED )) && redis_stop "$WORK/redis"
    (( PG_STARTED )) && pg_stop "$WORK/pg"
    if (( rc != 0 )); then
        mkdir -p "$OUT/logs" && cp -a "$WORK"/*.log "$OUT/logs/" 2>/dev/null
        log "failed (exit ${rc}); logs in ${OUT}/logs"
    fi
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- infrastructure: default PostgreSQL settings (durable commits), for both stacks alike ---
PG_PORT=$(free_port)
PG_STARTED=1
PG_EXTRA_OPTS="-c max_connections=300" pg_start "$WORK/pg" "$PG_PORT" "$WORK/postgres.log"
for db in auth content peer peernode pgbench; do pg_ensure_db "$PG_PORT" "$db"; done
PG_URL="postgresql://postgres@127.0.0.1:${PG_PORT}"
REDIS_PORT=$(free_port "$PG_PORT")
REDIS_STARTED=1
redis_start "$WORK/redis" "$REDIS_PORT" "$WORK/redis.log"

used=("$PG_PORT" "$REDIS_PORT")
port() { local p; p=$(free_port "${used[@]}"); used+=("$p"); printf '%s' "$p"; }
AUTH_PORT=$(port); CONTENT_PORT=$(port); GATEWAY_PORT=$(port); PEER_PORT=$(port); NODE_PORT=$(port)
CEILING_PORT=$(port); HOP_PORT=$(port); HOP_GRPC_PORT=$(port)

# --- our stack ---------------------------------------------------------------------------------
KEY="$WORK/signing.pem"
JWT_PRIVATE_KEY_FILE="$KEY" "$BIN/auth-service" generate-key >/dev/null
max_conn=0
for c in $CONNECTIONS; do (( c > max_conn )) && max_conn=$c; done
# The gateway's threads bound the requests it handles at once (its listener holds idle
# connections in epoll, not on threads): sized above the connection count, no request waits for
# one (16 threads measured the same throughput at 128 connections). So is auth's bound on calls
# using the database (64 by default, then 503 at once): at 128 connections of logins it refused
# most of them, and those fast 503s counted as throughput.
GATEWAY_THREADS=$(( max_conn + 32 ))
common_env=(REVOCATIONS_REDIS_URL="redis://127.0.0.1:${REDIS_PORT}/0" LOG_LEVEL=warn METRICS_ADDR=)
env "${common_env[@]}" AUTH_LISTEN_ADDR="127.0.0.1:${AUTH_PORT}" AUTH_DATABASE_URL="$PG_URL/auth" \
    AUTH_REDIS_URL="redis://127.0.0.1:${REDIS_PORT}/0" JWT_PRIVATE_KEY_FILE="$KEY" \
    LOGIN_LIMIT_PER_ACCOUNT_MAX=100000000 LOGIN_LIMIT_PER_CLIENT_MAX=100000000 \
    REGISTER_LIMIT_PER_CLIENT_MAX=100000000 JWT_ACCESS_TTL_SECONDS=7200 \
    AUTH_MAX_STORAGE_CALLS="$GATEWAY_THREADS" \
    "$BIN/auth-service" >"$WORK/auth.log" 2>&1 &
PIDS[auth-service]=$!
wait_until 60 "auth-service" port_in_use "$AUTH_PORT" || die "auth-service did not start"
env "${common_env[@]}" CONTENT_LISTEN_ADDR="127.0.0.1:${CONTENT_PORT}" CONTENT_DATABASE_URL="$PG_URL/content" \
    AUTH_SERVICE_TARGET="127.0.0.1:${AUTH_PORT}" "$BIN/content-service" >"$WORK/content.log" 2>&1 &
PIDS[content-service]=$!
wait_until 60 "content-service" port_in_use "$CONTENT_PORT" || die "content-service did not start"
env "${common_env[@]}" GATEWAY_PORT="$GATEWAY_PORT" GATEWAY_THREADS="$GATEWAY_THREADS" \
    AUTH_SERVICE_TARGET="127.0.0.1:${AUTH_PORT}" CONTENT_SERVICE_TARGET="127.0.0.1:${CONTENT_PORT}" \
    "$BIN/gateway" >"$WORK/gateway.log" 2>&1 &
PIDS[gateway]=$!
wait_until 60 "gateway readiness" curl -fsS -o /dev/null "http://127.0.0.1:${GATEWAY_PORT}/readyz" \
    || die "the gateway did not become ready"

# --- the peers ---------------------------------------------------------------------------------
PEER_DATABASE_URL="$PG_URL/peer" PEER_PIDFILE="$WORK/peer.pid" \
    "$REPO_ROOT/bench/peer-django/run.sh" "$PEER_PORT" >"$WORK/peer.log" 2>&1 &
PIDS[peer-django]=$!
wait_until 120 "the Django peer" curl -s -o /dev/null "http://127.0.0.1:${PEER_PORT}/api/posts/" \
    || die "the Django peer did not start"
# Its run.sh installs the npm packages from the lockfile first (npm ci) when they are missing.
PEER_DATABASE_URL="$PG_URL/peernode" PEER_PIDFILE="$WORK/node.pid" \
    "$REPO_ROOT/bench/peer-node/run.sh" "$NODE_PORT" >"$WORK/node.log" 2>&1 &
PIDS[peer-node]=$!
wait_until 300 "the Node peer" curl -s -o /dev/null "http://127.0.0.1:${NODE_PORT}/api/posts/" \
    || die "the Node peer did not start"

# --- ceilings ----------------------------------------------------------------------------------
"$BIN/http_ceiling" "$CEILING_PORT" "$GATEWAY_THREADS" >"$WORK/ceiling.log" 2>&1 &
PIDS[http_ceiling]=$!
wait_until 30 "http_ceiling" port_in_use "$CEILING_PORT" || die "http_ceiling did not start"
"$BIN/hop_ceiling" grpc "$HOP_GRPC_PORT" >"$WORK/hop-grpc.log" 2>&1 &
PIDS[hop_grpc]=$!
wait_until 30 "hop_ceiling grpc" port_in_use "$HOP_GRPC_PORT" || die "hop_ceiling grpc did not start"
"$BIN/hop_ceiling" http "$HOP_PORT" "127.0.0.1:${HOP_GRPC_PORT}" "$GATEWAY_THREADS" >"$WORK/hop-http.log" 2>&1 &
PIDS[hop_http]=$!
wait_until 30 "hop_ceiling http" curl -fsS -o /dev/null "http://127.0.0.1:${HOP_PORT}/" || die "hop_ceiling did not start"
runuser -u postgres -- pgbench -q -i -s "$PGBENCH_SCALE" -h 127.0.0.1 -p "$PG_PORT" pgbench >"$WORK/pgbench-init.log" 2>&1

# --- data: a user with 50 posts on each stack, refresh tokens for the refresh runs ------------
refresh_pool=$(( max_conn + REFRESH_POOL_EXTRA ))
STACKS=(ours django node)
declare -A BASE=([ours]="http://127.0.0.1:${GATEWAY_PORT}" [django]="http://127.0.0.1:${PEER_PORT}"
                 [node]="http://127.0.0.1:${NODE_PORT}")
declare -A ACCESS=() POST_ID=()
for stack in "${STACKS[@]}"; do
    data=$("$PY" bench/load_data.py "${BASE[$stack]}" bench_user "$PASSWORD" 50 "$refresh_pool" \
        "$WORK/refresh-$stack.txt")
    ACCESS[$stack]=$("$PY" -c 'import json,sys; print(json.load(sys.stdin)["access"])' <<<"$data")
    POST_ID[$stack]=$("$PY" -c 'import json,sys; print(json.load(sys.stdin)["post_id"])' <<<"$data")
    log "$stack: $(cut -c1-80 <<<"$data")..."
done

ROWS="$WORK/rows.jsonl"
: >"$ROWS"

# wrk_row STACK ROUTE CONNECTIONS ROUND URL [SCRIPT] (request env already exported)
wrk_row() {
    local stack=$1 route=$2 connections=$3 round=$4 url=$5 script=${6:-bench/wrk/request.lua}
    local threads=$WRK_THREADS
    (( connections < threads )) && threads=$connections
    # A 10 s timeout: wrk's default (2 s) would count a queued login as a socket error.
    BENCH_THREADS=$threads wrk -t"$threads" -c"$connections" -d"${SECONDS_PER_RUN}s" --latency --timeout 10s \
        -s "$script" "$url" >"$WORK/wrk.out" 2>&1 || die "wrk failed: $(cat "$WORK/wrk.out")"
    "$PY" bench/report.py wrk-row "$stack" "$route" "$connections" "$round" <"$WORK/wrk.out" >>"$ROWS"
}

# One route on every stack, back to back; which goes first rotates every round (ours django
# node, then django node ours, ...).
measure() {  # measure ROUTE METHOD PATH BODY AUTH(yes|no) [SCRIPT]; "{id}" in PATH: the stack's post
    local route=$1 method=$2 path_template=$3 body=$4 auth=$5 script=${6:-}
    local c round stack i n=${#STACKS[@]} path
    [[ "$route" =~ ${BENCH_ONLY:-.} ]] || return 0
    for c in $CONNECTIONS; do
        for (( round = 1; round <= ROUNDS; round++ )); do
            for (( i = 0; i < n; i++ )); do
                stack=${STACKS[(round - 1 + i) % n]}
                path=${path_template//\{id\}/${POST_ID[$stack]}}
                export BENCH_METHOD=$method BENCH_BODY=$body BENCH_TOKEN=""
                [[ $auth == yes ]] && BENCH_TOKEN=${ACCESS[$stack]}
                if [[ -n "$script" ]]; then
                    "$PY" bench/load_data.py "${BASE[$stack]}" bench_user "$PASSWORD" - "$(( c + REFRESH_POOL_EXTRA ))" \
                        "$WORK/refresh-$stack.txt" >/dev/null
                    export BENCH_TOKENS_FILE="$WORK/refresh-$stack.txt"
                    wrk_row "$stack" "$route" "$c" "$round" "${BASE[$stack]}" "$script"
                else
                    wrk_row "$stack" "$route" "$c" "$round" "${BASE[$stack]}$path"
                fi
            done
        done
        log "$route c=$c done"
    done
}

log "measuring: ${SECONDS_PER_RUN}s per run, connections: ${CONNECTIONS}, rounds: ${ROUNDS}"
measure "GET /api/posts/{id}/" GET "/api/posts/{id}/" "" yes
measure "GET /api/posts/ (50)" GET /api/posts/ "" yes
measure "GET /api/dashboard/" GET /api/dashboard/ "" yes
# The same reads over gRPC, straight to content (what the gateway adds is the difference),
# before the writes add posts to the list.
for method in GetPost ListPosts GetDashboard; do
    [[ "$method" =~ ${BENCH_ONLY:-.} ]] || continue
    for c in $CONNECTIONS; do
        for (( round = 1; round <= ROUNDS; round++ )); do
            "$BIN/grpc_load" "127.0.0.1:${CONTENT_PORT}" "$method" "${ACCESS[ours]}" "${POST_ID[ours]}" "$c" \
                "$SECONDS_PER_RUN" | "$PY" bench/report.py grpc-row "$method" "$c" "$round" >>"$ROWS"
        done
    done
done

measure "POST /api/posts/" POST /api/posts/ '{"title": "bench", "content": "written by wrk"}' yes
measure "POST /api/token/refresh/" POST - "" no bench/wrk/refresh.lua
measure "POST /api/token/ (login)" POST /api/token/ \
    "{\"username\": \"bench_user\", \"password\": \"${PASSWORD}\"}" no

# Connection capacity: idle and slowloris connections held while real requests are timed.
if [[ "${BENCH_SMOKE:-0}" == 1 ]]; then IDLE_COUNTS="0 200"; CAPACITY_REQUESTS=300; else
    IDLE_COUNTS=${BENCH_IDLE_CONNECTIONS:-"0 2000 8000"}; CAPACITY_REQUESTS=5000; fi
if [[ "capacity" =~ ${BENCH_ONLY:-.} ]]; then
    for idle in $IDLE_COUNTS; do
        "$BIN/idle_capacity" "$GATEWAY_PORT" "/api/posts/${POST_ID[ours]}/" "${ACCESS[ours]}" "$idle" 200 \
            "$CAPACITY_REQUESTS" >"$WORK/capacity.json" || true
        rss=$(awk '/VmRSS/ {print $2}' "/proc/${PIDS[gateway]}/status")
        "$PY" -c 'import json,sys; row=json.load(open(sys.argv[1])); row["gateway_rss_kib"]=int(sys.argv[2]); print(json.dumps(row))' \
            "$WORK/capacity.json" "$rss" | "$PY" bench/report.py capacity-row >>"$ROWS"
    done
    log "capacity done"
fi

# The HTTP ceiling and the design's (one gRPC call per request, no work), at the same
# connection counts.
for c in $CONNECTIONS; do
    for (( round = 1; round <= ROUNDS; round++ )); do
        export BENCH_METHOD=GET BENCH_BODY="" BENCH_TOKEN=""
        wrk_row ceiling "GET /ping (bare cpp-httplib)" "$c" "$round" "http://127.0.0.1:${CEILING_PORT}/ping"
        wrk_row hop "GET / (REST to gRPC, no work)" "$c" "$round" "http://127.0.0.1:${HOP_PORT}/"
    done
done

# The database ceiling: point selects, prepared, 8 clients.
runuser -u postgres -- pgbench -S -M prepared -c 8 -j 2 -T "$SECONDS_PER_RUN" -h 127.0.0.1 -p "$PG_PORT" \
    pgbench >"$WORK/pgbench.out" 2>&1
"$PY" bench/report.py pgbench-row <"$WORK/pgbench.out" >>"$ROWS"
# Durable write transactions (pgbench's simple-update, one commit each) at the refresh route's
# connection counts: what a refresh, at heart one such transaction, is measured against.
for c in $CONNECTIONS; do
    command="pgbench -N -M prepared -c $c -j 2"
    runuser -u postgres -- $command -T "$SECONDS_PER_RUN" -h 127.0.0.1 -p "$PG_PORT" pgbench >"$WORK/pgbench.out" 2>&1
    "$PY" bench/report.py pgbench-row "$command" "$c" <"$WORK/pgbench.out" >>"$ROWS"
done

# Password hashing: one hash here, ours, Django's and the Node peer's.
"$BIN/hash_cost" 20 | "$PY" bench/report.py hash-row ours >>"$ROWS"
"$PY" bench/peer-django/hash_cost.py 5 | "$PY" bench/report.py hash-row django >>"$ROWS"
node bench/peer-node/hash_cost.mjs 5 | "$PY" bench/report.py hash-row node >>"$ROWS"

# Peak memory (VmHWM) of every process of each stack.
peak_kib() { awk '/VmHWM/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
{
    for name in auth-service content-service gateway; do
        printf '{"kind":"memory","stack":"ours","process":"%s","peak_kib":%s}\n' "$name" "$(peak_kib "${PIDS[$name]}")"
    done
    # A peer: its master (the pidfile's) plus the master's children, the workers.
    peer_memory() {  # peer_memory STACK PIDFILE WHAT
        local master total workers=0 child
        master=$(cat "$2")
        total=$(peak_kib "$master")
        for child in $(pgrep -P "$master"); do
            total=$(( total + $(peak_kib "$child") ))
            workers=$(( workers + 1 ))
        done
        printf '{"kind":"memory","stack":"%s","process":"%s + %s workers","peak_kib":%s}\n' \
            "$1" "$3" "$workers" "$total"
    }
    peer_memory django "$WORK/peer.pid" "gunicorn master"
    peer_memory node "$WORK/node.pid" "node:cluster primary"
} >>"$ROWS"

strict=()
[[ "${BENCH_SMOKE:-0}" == 1 ]] && strict=(--strict)  # the smoke test fails on any failed request
"$PY" bench/report.py report "$ROWS" "$OUT" --seconds "$SECONDS_PER_RUN" --rounds "$ROUNDS" \
    --connections "$CONNECTIONS" "${strict[@]}"
log "results in ${OUT}: results.json, table.md, throughput.png"
