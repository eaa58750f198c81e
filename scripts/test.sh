#!/usr/bin/env bash
# Builds the project and runs every test (unit, integration, end-to-end, the OpenAPI lint, the
# offline validation of the deployment files)
# with CTest against throwaway PostgreSQL and Redis servers on free ports. Then also the
# sanitized tree (scripts/build-sanitized.sh): the unit tests under ASan + UBSan
# (unit-sanitized) and each libFuzzer target for FUZZ_SECONDS (fuzz.<name>), in the same ctest run.
#
# Environment:
#   BUILD_DIR           build directory, relative to the repo root (default: build)
#   CTEST_ARGS          extra ctest arguments, e.g. "-R unit" or "-V"
#   SANITIZE_BUILD_DIR  the sanitized tree (default: build-sanitize); SANITIZED_TESTS=0 skips it
#   FUZZ_SECONDS        how long each fuzz target runs (default: 30)
#
# Exported to the tests:
#   TEST_PG_ADMIN_URL  postgresql://postgres@127.0.0.1:<port>/postgres
#   TEST_PG_PORT       PostgreSQL port
#   TEST_REDIS_URL     redis://127.0.0.1:<port>/0
#   TEST_REDIS_PORT    Redis port
#   TEST_BIN_DIR       absolute path of the built binaries (<build>/bin)
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$REPO_ROOT"
# shellcheck source=scripts/lib/infra.sh
source "$REPO_ROOT/scripts/lib/infra.sh"

export BUILD_DIR=${BUILD_DIR:-build}

log() {
    printf '[test] %s\n' "$*" >&2
}

"$REPO_ROOT/scripts/build.sh"
BUILD_ABS=$(cd "$BUILD_DIR" && pwd -P)
if [[ "${SANITIZED_TESTS:-1}" != 0 ]]; then
    export SANITIZE_BUILD_DIR=${SANITIZE_BUILD_DIR:-build-sanitize}
    "$REPO_ROOT/scripts/build-sanitized.sh"
    # cmake/SanitizedTests.cmake adds that tree's tests to this tree's ctest run.
    SANITIZED_TESTS_DIR=$(cd "$SANITIZE_BUILD_DIR" && pwd -P)
    export SANITIZED_TESTS_DIR
fi
# The OpenAPI linter (test lint.openapi) and the Kubernetes schema validator (test
# deploy.validate), from npm (tools/package-lock.json) when tools/node_modules is missing or stale.
"$REPO_ROOT/scripts/lint-openapi.sh" --install-only
"$REPO_ROOT/scripts/validate-deploy.sh" --install-only

TMP_DIR=""
PG_STARTED=0
REDIS_STARTED=0

# Invoked via trap (shellcheck cannot see that).
# shellcheck disable=SC2317
cleanup() {
    local rc=$?
    set +e
    trap '' INT TERM HUP
    if [[ -n "$TMP_DIR" ]]; then
        if (( rc != 0 )); then
            # Keep the server logs around for diagnosing failures.
            local keep="$BUILD_ABS/test-infra-logs"
            rm -rf "$keep"
            mkdir -p "$keep"
            cp -a "$TMP_DIR/logs/." "$keep/" 2>/dev/null
            local f
            for f in "$keep"/*.log; do
                [[ -f "$f" ]] || continue
                printf '\n----- last lines of %s -----\n' "$f" >&2
                tail -n 30 "$f" >&2
            done
        fi
        (( REDIS_STARTED )) && redis_stop "$TMP_DIR/redis"
        (( PG_STARTED )) && pg_stop "$TMP_DIR/pg"
        rm -rf "$TMP_DIR"
    fi
    if (( rc != 0 )) && [[ -n "$TMP_DIR" ]]; then
        log "FAILED (exit code ${rc}); PostgreSQL/Redis logs kept in ${BUILD_ABS}/test-infra-logs"
    fi
    exit "$rc"
}
trap cleanup EXIT
# Make Ctrl-C / kill go through the EXIT trap so servers are always stopped.
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

TMP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/project-test.XXXXXXXX")
# mktemp dirs are 0700; the postgres OS user must be able to traverse it.
chmod 755 "$TMP_DIR"
mkdir -p "$TMP_DIR/logs"

# Durability is irrelevant for throwaway test data: trade it for speed.
# Integration tests open many connections in parallel.
export PG_EXTRA_OPTS="-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 ${PG_EXTRA_OPTS:-}"

PG_PORT=$(free_port)
PG_STARTED=1
pg_start "$TMP_DIR/pg" "$PG_PORT" "$TMP_DIR/logs/postgres.log"

REDIS_PORT=$(free_port "$PG_PORT")
REDIS_STARTED=1
redis_start "$TMP_DIR/redis" "$REDIS_PORT" "$TMP_DIR/logs/redis.log"

export TEST_PG_PORT=$PG_PORT
export TEST_PG_ADMIN_URL="postgresql://postgres@127.0.0.1:${PG_PORT}/postgres"
export TEST_REDIS_PORT=$REDIS_PORT
export TEST_REDIS_URL="redis://127.0.0.1:${REDIS_PORT}/0"
export TEST_BIN_DIR="$BUILD_ABS/bin"
log "PostgreSQL on 127.0.0.1:${PG_PORT}, Redis on 127.0.0.1:${REDIS_PORT}"

ctest_extra=()
read -r -a ctest_extra <<<"${CTEST_ARGS:-}"

# --no-tests=error: an empty test list must not look like success.
CTEST_RC=0
ctest --test-dir "$BUILD_DIR" --output-on-failure --no-tests=error -j "$(nproc)" \
    "${ctest_extra[@]}" || CTEST_RC=$?

exit "$CTEST_RC"
