#!/usr/bin/env bash
# Lints docs/openapi.yaml with the pinned @redocly/cli (tools/package-lock.json) and the rules
# of redocly.yaml. The ctest test lint.openapi runs it; scripts/test.sh runs it with
# --install-only first, so the tests themselves need no network.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
TOOLS="$REPO_ROOT/tools"
REDOCLY="$TOOLS/node_modules/.bin/redocly"

# npm keeps a copy of the lock it installed from; a newer lock (another pin) reinstalls.
if [[ ! -x "$REDOCLY" || "$TOOLS/package-lock.json" -nt "$TOOLS/node_modules/.package-lock.json" ]]; then
    echo "[lint-openapi] installing the pinned linter into tools/node_modules" >&2
    # No install scripts: the linter needs none, and none of its dependencies gets to run code here.
    npm ci --prefix "$TOOLS" --ignore-scripts --no-audit --no-fund --loglevel=error >&2
fi
[[ "${1:-}" == "--install-only" ]] && exit 0

# No telemetry and no update check: the lint must not depend on the network.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
exec "$REDOCLY" lint --config "$REPO_ROOT/redocly.yaml" --format=stylish "$REPO_ROOT/docs/openapi.yaml"
