#!/usr/bin/env bash
# Builds the project and runs the whole stack in the foreground:
# PostgreSQL + Redis (local processes, free ports), auth-service,
# content-service and the HTTP gateway. Ctrl-C stops everything cleanly.
# Data (PostgreSQL, Redis AOF, JWT signing key) lives in STATE_DIR and
# survives restarts; delete that directory while stopped to reset.
#
# Environment:
#   BUILD_DIR     build directory, relative to the repo root (default: build)
#   STATE_DIR     persistent state, relative to the repo root (default: .state)
#   GATEWAY_HOST  address the HTTP gateway binds to (default: 127.0.0.1)
#   GATEWAY_PORT  port of the HTTP gateway (default: 8080)
#   PG_EXTRA_OPTS / REDIS_EXTRA_OPTS  extra server options (see lib/infra.sh)
# Anything else exported (LOG_LEVEL, JWT_ACCESS_TTL_SECONDS, ...) is inherited
# by the services.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$REPO_ROOT"
# shellcheck source=scripts/lib/infra.sh
source "$REPO_ROOT/scripts/lib/infra.sh"

export BUILD_DIR=${BUILD_DIR:-build}
STATE_DIR=${STATE_DIR:-.state}
GATEWAY_HOST=${GATEWAY_HOST:-127.0.0.1}
GATEWAY_PORT=${GATEWAY_PORT:-8080}

# Start order; stopped in reverse.
SERVICES=(auth-service content-service gateway)

log() {
    printf '[run-stack] %s\n' "$*" >&2
}

die() {
    printf '[run-stack] error: %s\n' "$*" >&2
    exit 1
}

if [[ ! "$GATEWAY_PORT" =~ ^[0-9]+$ ]] || (( GATEWAY_PORT < 1 || GATEWAY_PORT > 65535 )); then
    die "GATEWAY_PORT must be a TCP port number, got '${GATEWAY_PORT}'"
fi

# Host to probe / show: wildcard binds are reachable via loopback; IPv6
# literals need brackets in URLs.
case "$GATEWAY_HOST" in
    0.0.0.0) PROBE_HOST=127.0.0.1; SHOW_HOST=$GATEWAY_HOST ;;
    :: | '[::]') PROBE_HOST='[::1]'; SHOW_HOST='[::]' ;;
    \[*) PROBE_HOST=$GATEWAY_HOST; SHOW_HOST=$GATEWAY_HOST ;;
    *:*) PROBE_HOST="[${GATEWAY_HOST}]"; SHOW_HOST=$PROBE_HOST ;;
    *) PROBE_HOST=$GATEWAY_HOST; SHOW_HOST=$GATEWAY_HOST ;;
esac

if [[ "$BUILD_DIR" == /* ]]; then
    BIN_DIR="$BUILD_DIR/bin"
else
    BIN_DIR="$REPO_ROOT/$BUILD_DIR/bin"
fi

# --- state directory --------------------------------------------------------
if [[ ! -d "$STATE_DIR" ]]; then
    mkdir -p "$STATE_DIR"
    # The postgres OS user must be able to traverse it to reach its data dir.
    chmod o+x "$STATE_DIR"
fi
STATE_DIR=$(cd "$STATE_DIR" && pwd -P)
PG_DIR="$STATE_DIR/postgres"
REDIS_DIR="$STATE_DIR/redis"
KEY_DIR="$STATE_DIR/keys"
LOG_DIR="$STATE_DIR/logs"
RUN_DIR="$STATE_DIR/run"
mkdir -p "$REDIS_DIR" "$KEY_DIR" "$LOG_DIR" "$RUN_DIR"
chmod 700 "$KEY_DIR"
KEY_FILE="$KEY_DIR/jwt-signing.pem"
SELF_PIDFILE="$RUN_DIR/run-stack.pid"

# is_our_process PID PATH: PID is alive and runs PATH (argv[0], or argv[1]
# when PATH is an interpreted script). Guards against PID reuse.
is_our_process() {
    local pid=$1 path=$2 argv0="" argv1=""
    pid_alive "$pid" || return 1
    {
        IFS= read -r -d '' argv0
        IFS= read -r -d '' argv1
    } <"/proc/$pid/cmdline" 2>/dev/null || true
    [[ "$argv0" == "$path" || "$argv1" == "$path" ]]
}

# --- shutdown handling -------------------------------------------------------
declare -A PIDS=()
PG_STARTED=0
REDIS_STARTED=0

# Invoked via trap (shellcheck cannot see that).
# shellcheck disable=SC2317
cleanup() {
    local rc=$?
    set +e
    # Finish the orderly shutdown even if Ctrl-C is pressed again; ignored
    # signals are inherited by the stop commands too.
    trap '' INT TERM HUP
    local i name started=0
    if (( ${#PIDS[@]} > 0 || REDIS_STARTED || PG_STARTED )); then
        started=1
        log "stopping the stack..."
    fi
    for (( i = ${#SERVICES[@]} - 1; i >= 0; i-- )); do
        name=${SERVICES[i]}
        if [[ -n "${PIDS[$name]:-}" ]]; then
            stop_pid "${PIDS[$name]}" "$name" 10
            rm -f "$RUN_DIR/$name.pid"
        fi
    done
    (( REDIS_STARTED )) && redis_stop "$REDIS_DIR"
    (( PG_STARTED )) && pg_stop "$PG_DIR"
    if [[ "$(cat "$SELF_PIDFILE" 2>/dev/null)" == "$$" ]]; then
        rm -f "$SELF_PIDFILE"
    fi
    (( started )) && log "stopped (exit code ${rc})"
    exit "$rc"
}

# Signal-initiated stop is a normal, successful exit.
# shellcheck disable=SC2317
on_signal() {
    printf '\n' >&2
    log "received $1, shutting down"
    exit 0
}

trap cleanup EXIT
trap 'on_signal SIGINT' INT
trap 'on_signal SIGTERM' TERM
trap 'on_signal SIGHUP' HUP

# Only one instance per state dir: both would fight over the data directories.
if [[ -f "$SELF_PIDFILE" ]]; then
    other=$(<"$SELF_PIDFILE")
    if [[ "$other" != "$$" ]] && pid_alive "$other" \
            && tr '\0' ' ' <"/proc/$other/cmdline" 2>/dev/null | grep -q 'run-stack'; then
        die "another run-stack.sh (pid ${other}) is already using ${STATE_DIR}"
    fi
fi
printf '%s\n' "$$" >"$SELF_PIDFILE"

# Services left running by an earlier run that was killed (kill -9) would
# keep the gateway port busy: stop them (reverse start order), but only if
# they really are ours.
for (( i = ${#SERVICES[@]} - 1; i >= 0; i-- )); do
    name=${SERVICES[i]}
    pidfile="$RUN_DIR/$name.pid"
    [[ -f "$pidfile" ]] || continue
    pid=$(<"$pidfile")
    if is_our_process "$pid" "$BIN_DIR/$name"; then
        log "stopping ${name} (pid ${pid}) left over from an earlier run"
        stop_pid "$pid" "$name" 10
    fi
    rm -f "$pidfile"
done

# Fail early (before a possibly long build) if the gateway cannot bind.
if port_in_use "$GATEWAY_PORT"; then
    die "port ${GATEWAY_PORT} is already in use; stop whatever listens there or set GATEWAY_PORT=<other port>"
fi

# --- build -------------------------------------------------------------------
# Only what runs here (scripts/test.sh builds everything else).
"$REPO_ROOT/scripts/build.sh" "${SERVICES[@]}"
for name in "${SERVICES[@]}"; do
    [[ -x "$BIN_DIR/$name" ]] || die "binary ${BIN_DIR}/${name} was not built"
done
# Re-check: something may have grabbed the port during the build.
if port_in_use "$GATEWAY_PORT"; then
    die "port ${GATEWAY_PORT} is already in use; stop whatever listens there or set GATEWAY_PORT=<other port>"
fi

# --- JWT signing key (generated once, kept across runs) ----------------------
if [[ ! -s "$KEY_FILE" ]]; then
    log "generating JWT signing key ${KEY_FILE}"
    # Write to a temp name first so an interrupted run never leaves a
    # truncated key behind.
    (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
        -out "$KEY_FILE.tmp")
    mv -f "$KEY_FILE.tmp" "$KEY_FILE"
fi
chmod 600 "$KEY_FILE"

# --- infrastructure (fresh free ports each run; data dirs are kept) -----------
PG_PORT=$(free_port)
PG_STARTED=1
log "starting PostgreSQL on 127.0.0.1:${PG_PORT}"
pg_start "$PG_DIR" "$PG_PORT" "$LOG_DIR/postgres.log"
pg_ensure_db "$PG_PORT" auth
pg_ensure_db "$PG_PORT" content

REDIS_PORT=$(free_port "$PG_PORT")
REDIS_STARTED=1
log "starting Redis on 127.0.0.1:${REDIS_PORT}"
redis_start "$REDIS_DIR" "$REDIS_PORT" "$LOG_DIR/redis.log"

AUTH_PORT=$(free_port "$PG_PORT" "$REDIS_PORT" "$GATEWAY_PORT")
CONTENT_PORT=$(free_port "$PG_PORT" "$REDIS_PORT" "$GATEWAY_PORT" "$AUTH_PORT")
# Prometheus /metrics of each process, on ports of their own (never the API port).
AUTH_METRICS_PORT=$(free_port "$PG_PORT" "$REDIS_PORT" "$GATEWAY_PORT" "$AUTH_PORT" "$CONTENT_PORT")
CONTENT_METRICS_PORT=$(free_port "$PG_PORT" "$REDIS_PORT" "$GATEWAY_PORT" "$AUTH_PORT" "$CONTENT_PORT" \
    "$AUTH_METRICS_PORT")
GATEWAY_METRICS_PORT=$(free_port "$PG_PORT" "$REDIS_PORT" "$GATEWAY_PORT" "$AUTH_PORT" "$CONTENT_PORT" \
    "$AUTH_METRICS_PORT" "$CONTENT_METRICS_PORT")

# --- services ----------------------------------------------------------------
# start_service NAME [VAR=value...]
# Output goes to the terminal and to LOG_DIR/NAME.log (previous run's log is
# kept as NAME.log.1). setsid: a terminal Ctrl-C reaches only this script,
# which then stops the services in order. tee -i survives that Ctrl-C so the
# services never write into a dead pipe while shutting down.
start_service() {
    local name=$1
    shift
    local logfile="$LOG_DIR/$name.log"
    if [[ -f "$logfile" ]]; then
        mv -f "$logfile" "$logfile.1"
    fi
    env "$@" setsid "$BIN_DIR/$name" </dev/null > >(tee -i -p -a "$logfile") 2>&1 &
    PIDS[$name]=$!
    printf '%s\n' "$!" >"$RUN_DIR/$name.pid"
    log "started ${name} (pid ${PIDS[$name]})"
}

# Which process a PID belongs to (services and Redis).
name_of_pid() {
    local n
    for n in "${!PIDS[@]}"; do
        if [[ "${PIDS[$n]}" == "$1" ]]; then
            printf '%s' "$n"
            return 0
        fi
    done
    printf 'redis-server'
}

# Readiness probes below also stop waiting as soon as a started service has
# died (recorded in DEAD), instead of running into the deadline.
DEAD=""
# Called indirectly through wait_until.
# shellcheck disable=SC2317
any_dead() {
    local n
    for n in "${!PIDS[@]}"; do
        if ! pid_alive "${PIDS[$n]}"; then
            DEAD=$n
            return 0
        fi
    done
    return 1
}

# shellcheck disable=SC2317
listening_or_dead() {
    any_dead || port_in_use "$1"
}

# shellcheck disable=SC2317
ready_or_dead() {
    any_dead || curl -fsS --max-time 2 -o /dev/null "http://${PROBE_HOST}:${GATEWAY_PORT}/readyz"
}

# Exit with a clear message if a service died while we were waiting.
fail_if_dead() {
    [[ -n "$DEAD" ]] || return 0
    local rc=0
    wait "${PIDS[$DEAD]}" || rc=$?
    unset 'PIDS[$DEAD]'
    rm -f "$RUN_DIR/$DEAD.pid"
    die "${DEAD} exited during startup (exit status ${rc}); see ${LOG_DIR}/${DEAD}.log"
}

start_service auth-service \
    AUTH_LISTEN_ADDR="127.0.0.1:${AUTH_PORT}" \
    AUTH_DATABASE_URL="postgresql://postgres@127.0.0.1:${PG_PORT}/auth" \
    AUTH_REDIS_URL="redis://127.0.0.1:${REDIS_PORT}/0" \
    AUTH_CONTENT_ADDR="127.0.0.1:${CONTENT_PORT}" \
    METRICS_ADDR="127.0.0.1:${AUTH_METRICS_PORT}" \
    JWT_PRIVATE_KEY_FILE="$KEY_FILE"

# Content and the gateway take their verifying keys from auth's JWKS and learn of revoked
# tokens on the Redis revocation channel.
start_service content-service \
    CONTENT_LISTEN_ADDR="127.0.0.1:${CONTENT_PORT}" \
    CONTENT_DATABASE_URL="postgresql://postgres@127.0.0.1:${PG_PORT}/content" \
    AUTH_SERVICE_TARGET="127.0.0.1:${AUTH_PORT}" \
    METRICS_ADDR="127.0.0.1:${CONTENT_METRICS_PORT}" \
    REVOCATIONS_REDIS_URL="redis://127.0.0.1:${REDIS_PORT}/0"

# Start the gateway only once both gRPC backends listen: otherwise its gRPC
# channels start in reconnect backoff and readiness takes seconds longer.
wait_until 60 "auth-service to listen on 127.0.0.1:${AUTH_PORT}" listening_or_dead "$AUTH_PORT" \
    || die "auth-service did not start listening; see ${LOG_DIR}/auth-service.log"
fail_if_dead
wait_until 60 "content-service to listen on 127.0.0.1:${CONTENT_PORT}" listening_or_dead "$CONTENT_PORT" \
    || die "content-service did not start listening; see ${LOG_DIR}/content-service.log"
fail_if_dead

start_service gateway \
    GATEWAY_HOST="$GATEWAY_HOST" \
    GATEWAY_PORT="$GATEWAY_PORT" \
    AUTH_SERVICE_TARGET="127.0.0.1:${AUTH_PORT}" \
    CONTENT_SERVICE_TARGET="127.0.0.1:${CONTENT_PORT}" \
    METRICS_ADDR="127.0.0.1:${GATEWAY_METRICS_PORT}" \
    REVOCATIONS_REDIS_URL="redis://127.0.0.1:${REDIS_PORT}/0"

log "waiting for the gateway to become ready..."
wait_until 60 "gateway readiness (GET http://${PROBE_HOST}:${GATEWAY_PORT}/readyz)" ready_or_dead \
    || die "the stack did not become ready; see the output above and ${LOG_DIR}/"
fail_if_dead

API_NOTE=""
if [[ "$PROBE_HOST" != "$SHOW_HOST" ]]; then
    API_NOTE=" (locally: http://${PROBE_HOST}:${GATEWAY_PORT}/)"
fi
cat >&2 <<EOF

==============================================================================
  Stack is up.
    API:        http://${SHOW_HOST}:${GATEWAY_PORT}/${API_NOTE}
    Logs:       ${LOG_DIR}/ (auth-service, content-service, gateway, postgres, redis)
    State dir:  ${STATE_DIR} (PostgreSQL data, Redis AOF, JWT signing key)
    Internal:   PostgreSQL 127.0.0.1:${PG_PORT}, Redis 127.0.0.1:${REDIS_PORT},
                auth gRPC 127.0.0.1:${AUTH_PORT}, content gRPC 127.0.0.1:${CONTENT_PORT}
    Metrics:    http://127.0.0.1:{${GATEWAY_METRICS_PORT},${AUTH_METRICS_PORT},${CONTENT_METRICS_PORT}}/metrics
                (gateway, auth, content)
    Reset:      stop the stack, then: rm -rf ${STATE_DIR}
  Press Ctrl-C to stop.
==============================================================================

EOF

# --- supervise: any process dying on its own brings the stack down ------------
watch=("${PIDS[@]}" "$(<"$REDIS_DIR/redis.pid")")
rc=0
exited=""
wait -n -p exited "${watch[@]}" || rc=$?
name=$(name_of_pid "$exited")
if [[ "$name" == redis-server ]]; then
    # redis_stop would find nothing to stop; it is already reaped.
    rm -f "$REDIS_DIR/redis.pid"
else
    unset 'PIDS[$name]'
fi
log "error: ${name} exited unexpectedly (exit status ${rc}); stopping the rest"
exit $(( rc == 0 ? 1 : rc ))
