#!/usr/bin/env bash
# The browser test (CTest: browser.spa): the reference SPA in examples/spa, served from its
# own origin, driven by headless Chromium (Debian's) through playwright-core against the real
# stack, started here with scripts/run-stack.sh in a throwaway state directory. Cookie mode
# and 5 s access tokens, so the SPA has to refresh. Two test files, one after the other on
# the same stack: spa.test.mjs (posts, tasks, tokens) and account.test.mjs (sessions,
# password reset, profile and email change, account deletion; it reads the mailed links from
# the auth service's log).
#
# Environment:
#   BUILD_DIR  build directory (default: build); output goes to <build>/browser/
#              (spa.png, account.png, *-failure*.png, the stack's and the static server's logs)
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$REPO_ROOT"
# shellcheck source=scripts/lib/infra.sh
source "$REPO_ROOT/scripts/lib/infra.sh"

export BUILD_DIR=${BUILD_DIR:-build}
TEST_DIR="$REPO_ROOT/tests/browser"
ACCESS_TTL_SECONDS=5

log() {
    printf '[browser-test] %s\n' "$*" >&2
}

die() {
    printf '[browser-test] error: %s\n' "$*" >&2
    exit 1
}

# --- tools: chromium and node from apt, playwright-core from the npm lockfile ---------------
"$REPO_ROOT/scripts/install-deps.sh"
[[ -x /usr/bin/chromium ]] || die "/usr/bin/chromium is missing (Debian package chromium)"
# npm records what it installed in node_modules/.package-lock.json: reinstall when the
# lockfile is newer (or nothing is installed yet).
if [[ ! -f "$TEST_DIR/node_modules/.package-lock.json" \
        || "$TEST_DIR/package-lock.json" -nt "$TEST_DIR/node_modules/.package-lock.json" ]]; then
    log "installing playwright-core (npm ci)"
    (cd "$TEST_DIR" && npm ci --no-audit --no-fund --loglevel=error)
fi

mkdir -p "$BUILD_DIR/browser"
OUT_DIR=$(cd "$BUILD_DIR/browser" && pwd -P)
rm -f "$OUT_DIR"/*.png "$OUT_DIR"/*.log

# --- cleanup, whatever happens ------------------------------------------------------------
STATE_DIR=""
STACK_PID=""
STATIC_PID=""
TEST_PID=""

# Invoked via trap (shellcheck cannot see that).
# shellcheck disable=SC2317
cleanup() {
    local rc=$?
    set +e
    trap '' INT TERM HUP
    [[ -n "$TEST_PID" ]] && stop_pid "$TEST_PID" "the browser test" 10
    # run-stack.sh stops its services and databases in order on SIGTERM.
    [[ -n "$STACK_PID" ]] && stop_pid "$STACK_PID" run-stack.sh 60
    [[ -n "$STATIC_PID" ]] && stop_pid "$STATIC_PID" "static server" 5
    if [[ -n "$STATE_DIR" ]]; then
        cp -a "$STATE_DIR/logs/." "$OUT_DIR/" 2>/dev/null
        rm -rf "$STATE_DIR"
    fi
    if (( rc != 0 )); then
        local f
        for f in "$OUT_DIR/run-stack.log" "$OUT_DIR/gateway.log"; do
            [[ -f "$f" ]] || continue
            printf '\n----- last lines of %s -----\n' "$f" >&2
            tail -n 20 "$f" >&2
        done
        log "FAILED (exit code ${rc}); logs in ${OUT_DIR}"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# --- the SPA on its own origin ------------------------------------------------------------
# Started first: run-stack.sh then cannot pick its port for PostgreSQL or Redis.
SPA_PORT=$(free_port)
python3 -m http.server --bind 127.0.0.1 --directory "$REPO_ROOT/examples/spa" "$SPA_PORT" \
    </dev/null >"$OUT_DIR/static-server.log" 2>&1 &
STATIC_PID=$!
wait_until 15 "the static server on port ${SPA_PORT}" port_in_use "$SPA_PORT" \
    || die "the static server did not start; see ${OUT_DIR}/static-server.log"

# --- the stack ----------------------------------------------------------------------------
GATEWAY_PORT=$(free_port "$SPA_PORT")
STATE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/browser-test.XXXXXXXX")
# mktemp dirs are 0700; the postgres OS user must be able to traverse it.
chmod 755 "$STATE_DIR"
log "starting the stack (gateway on port ${GATEWAY_PORT}, state in ${STATE_DIR})"
# No leeway on expiry: the refresh must happen as soon as the 5 s token runs out.
# The mailed links open the SPA's pages (hash routes); ?api= tells it where this stack's API is.
SPA_URL="http://localhost:${SPA_PORT}/?api=http://localhost:${GATEWAY_PORT}"
env GATEWAY_PORT="$GATEWAY_PORT" STATE_DIR="$STATE_DIR" \
    GATEWAY_CORS_ORIGINS="http://localhost:${SPA_PORT}" \
    PASSWORD_RESET_URL="${SPA_URL}#reset?uid={uid}&token={token}" \
    EMAIL_VERIFICATION_URL="${SPA_URL}#verify-email?uid={uid}&token={token}" \
    GATEWAY_REFRESH_COOKIE=true GATEWAY_COOKIE_SECURE=false \
    JWT_ACCESS_TTL_SECONDS="$ACCESS_TTL_SECONDS" JWT_LEEWAY_SECONDS=0 \
    "$REPO_ROOT/scripts/run-stack.sh" </dev/null >"$OUT_DIR/run-stack.log" 2>&1 &
STACK_PID=$!

# Called through wait_until.
# shellcheck disable=SC2317
stack_ready_or_dead() {
    pid_gone "$STACK_PID" || curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:${GATEWAY_PORT}/readyz"
}
# Generous: run-stack.sh (re)configures the build and initializes a fresh database first.
wait_until 240 "the stack to become ready" stack_ready_or_dead || die "the stack did not become ready"
pid_alive "$STACK_PID" || die "run-stack.sh exited during startup; see ${OUT_DIR}/run-stack.log"
log "stack ready; running the browser tests"

# --- the tests ----------------------------------------------------------------------------
# run_test NAME: tests/browser/NAME.test.mjs, screenshots <out>/NAME*.png. In the background
# and waited for, so a signal reaches the trap (and stops it) at once.
run_test() {
    local name=$1
    log "running ${name}.test.mjs"
    SPA_URL="$SPA_URL" \
    API_URL="http://localhost:${GATEWAY_PORT}" \
    AUTH_LOG="$STATE_DIR/logs/auth-service.log" \
    SCREENSHOT="$OUT_DIR/${name}.png" \
    CHROMIUM=/usr/bin/chromium \
    ACCESS_TTL_SECONDS="$ACCESS_TTL_SECONDS" \
        node "$TEST_DIR/${name}.test.mjs" &
    TEST_PID=$!
    wait "$TEST_PID"
    TEST_PID=""
}
run_test spa
run_test account
