#!/usr/bin/env bash
# Validates the deployment files offline (no Docker engine, no cluster): the CTest test
# deploy.validate runs it.
#
#   1. docker-compose.yml: `docker-compose config -q` (Debian's docker-compose 1.29), no warnings.
#   2. deploy/k8s/overlays/*: rendered with `kubectl kustomize` into <build>/deploy/<name>.yaml,
#      no warnings (deprecated kustomize syntax warns).
#   3. Every rendered object against the Kubernetes API schemas (tools/validate-k8s.mjs, the
#      pinned kubernetes-models in tools/package-lock.json): unknown types, alpha/beta APIs,
#      wrong types and unknown fields fail.
#   4. scripts/check_deploy_consistency.py: environment variables, subcommands, ports, images
#      and runtime packages against the built binaries (their --help, ldd + dpkg).
#   5. Self-tests: deliberately broken copies must make steps 3 and 4 fail, with the expected
#      message, so a checker that can no longer fail is caught.
#
# Usage: scripts/validate-deploy.sh [--install-only]
#   --install-only  only install the pinned npm tools (scripts/test.sh does, before the tests)
#
# Environment:
#   BUILD_DIR  build directory with bin/ (default: build, relative to the repo root)
#   KUBECTL    kubectl to render with (default: kubectl on PATH)
#
# Exit status: 0 passed; 1 failed; 77 (CTest SKIP_RETURN_CODE) when everything that could run
# passed but no kubectl with kustomize >= v4 was found (steps 2-3 and the Kubernetes part of
# 4 did not run). Debian 12's kubernetes-client (1.20) is too old for the kustomize syntax used.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$REPO_ROOT"
BUILD_DIR=${BUILD_DIR:-build}
[[ "$BUILD_DIR" == /* ]] || BUILD_DIR="$REPO_ROOT/$BUILD_DIR"
BIN_DIR="$BUILD_DIR/bin"
OUT="$BUILD_DIR/deploy"
TOOLS="$REPO_ROOT/tools"

FAILED=0
SKIPPED_K8S=""

log() {
    printf '[validate-deploy] %s\n' "$*" >&2
}

fail() {
    printf '[validate-deploy] FAIL: %s\n' "$*" >&2
    FAILED=1
}

# The pinned schema validator, from npm when tools/node_modules is missing or stale (the same
# lockfile and install as scripts/lint-openapi.sh).
install_tools() {
    if [[ ! -d "$TOOLS/node_modules/kubernetes-models" || ! -d "$TOOLS/node_modules/yaml" \
            || "$TOOLS/package-lock.json" -nt "$TOOLS/node_modules/.package-lock.json" ]]; then
        log "installing the pinned tools into tools/node_modules (npm ci)"
        # No install scripts: none of these packages needs one.
        npm ci --prefix "$TOOLS" --ignore-scripts --no-audit --no-fund --loglevel=error >&2
    fi
}
if [[ "${1:-}" == "--install-only" ]]; then
    install_tools
    exit 0
fi

rm -rf "$OUT"
mkdir -p "$OUT"

# --- tools ---------------------------------------------------------------------------------
PYTHON=""
for candidate in /usr/bin/python3 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import yaml' 2>/dev/null; then
        PYTHON=$candidate
        break
    fi
done
[[ -n "$PYTHON" ]] || { fail "no python3 with the yaml module (Debian: python3-yaml; run scripts/install-deps.sh)"; exit 1; }
command -v docker-compose >/dev/null 2>&1 \
    || { fail "docker-compose is missing (Debian: docker-compose; run scripts/install-deps.sh)"; exit 1; }
for b in auth-service content-service gateway; do
    [[ -x "$BIN_DIR/$b" ]] || { fail "$BIN_DIR/$b is missing: build first (scripts/build.sh)"; exit 1; }
done

KUBECTL=${KUBECTL:-kubectl}
kustomize_version=""
if command -v "$KUBECTL" >/dev/null 2>&1; then
    kustomize_version=$("$KUBECTL" version --client -o json 2>/dev/null \
        | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin).get("kustomizeVersion", ""))' 2>/dev/null || true)
fi
kustomize_major=$(sed -E 's/^v?([0-9]+).*/\1/' <<<"$kustomize_version")
if [[ ! "$kustomize_major" =~ ^[0-9]+$ ]] || (( kustomize_major < 4 )); then
    SKIPPED_K8S="no kubectl with kustomize >= v4 (found: ${kustomize_version:-none}; Debian 12's kubernetes-client is too old)"
    log "SKIP rendering and schema validation of deploy/k8s: $SKIPPED_K8S"
fi

[[ -n "$SKIPPED_K8S" ]] || install_tools

# --- 1. docker-compose ---------------------------------------------------------------------
# Every variable has a default: an unset one would print a warning, which fails here too.
if ! docker-compose -f docker-compose.yml config -q >"$OUT/compose.log" 2>&1 || [[ -s "$OUT/compose.log" ]]; then
    fail "docker-compose config:"
    cat "$OUT/compose.log" >&2
else
    log "ok: docker-compose config"
fi

# --- 2. render the overlays ----------------------------------------------------------------
rendered=()
if [[ -z "$SKIPPED_K8S" ]]; then
    overlays=()
    for k in deploy/k8s/overlays/*/kustomization.yaml; do
        [[ -f "$k" ]] && overlays+=("$(basename "$(dirname "$k")")")
    done
    [[ " ${overlays[*]} " == *" dev "* && " ${overlays[*]} " == *" prod "* ]] \
        || fail "expected overlays dev and prod, found: ${overlays[*]:-none}"
    for o in "${overlays[@]}"; do
        if "$KUBECTL" kustomize "deploy/k8s/overlays/$o" >"$OUT/$o.yaml" 2>"$OUT/$o.stderr" \
                && [[ ! -s "$OUT/$o.stderr" ]]; then
            log "ok: kubectl kustomize deploy/k8s/overlays/$o -> $OUT/$o.yaml"
            rendered+=("$o")
        else
            fail "kubectl kustomize deploy/k8s/overlays/$o (errors or warnings):"
            cat "$OUT/$o.stderr" >&2
        fi
    done
fi

# --- 3. schemas ----------------------------------------------------------------------------
if [[ -z "$SKIPPED_K8S" && ${#rendered[@]} -gt 0 ]]; then
    files=()
    for o in "${rendered[@]}"; do files+=("$OUT/$o.yaml"); done
    if node "$TOOLS/validate-k8s.mjs" "${files[@]}" >&2; then
        log "ok: Kubernetes schemas"
    else
        fail "Kubernetes schema validation"
    fi
fi

# --- 4. consistency with the binaries ------------------------------------------------------
rendered_args=()
for o in "${rendered[@]}"; do rendered_args+=(--rendered "$o=$OUT/$o.yaml"); done
if "$PYTHON" scripts/check_deploy_consistency.py --repo "$REPO_ROOT" --bin-dir "$BIN_DIR" \
        "${rendered_args[@]}" >"$OUT/consistency.log" 2>&1; then
    log "ok: $(tail -n 1 "$OUT/consistency.log")"
else
    fail "deployment files disagree with each other or with the binaries:"
    cat "$OUT/consistency.log" >&2
fi

# --- 5. self-tests: broken copies must fail --------------------------------------------------
SELF="$OUT/selftest"

# replace FILE OLD NEW: replaces the first OLD in FILE, and fails the self-test when OLD is
# not there (a mutation that changes nothing would test nothing).
replace() {
    "$PYTHON" - "$@" <<'EOF'
import sys
path, old, new = sys.argv[1:4]
text = open(path, encoding="utf-8").read()
if old not in text:
    sys.exit(f"self-test mutation: {old!r} not found in {path}")
open(path, "w", encoding="utf-8").write(text.replace(old, new, 1))
EOF
}

# expect_failure NAME EXPECTED-MESSAGE COMMAND...: COMMAND must exit 1 and print the message.
expect_failure() {
    local name=$1 expected=$2
    shift 2
    local rc=0
    "$@" >"$SELF/$name.log" 2>&1 || rc=$?
    if (( rc == 1 )) && grep -qF -- "$expected" "$SELF/$name.log"; then
        log "ok: self-test $name fails as it should"
    else
        fail "self-test $name: expected exit 1 with \"$expected\", got exit $rc:"
        cat "$SELF/$name.log" >&2
    fi
}

# fresh_copy NAME: a copy of the deployment files (and renders) to break.
fresh_copy() {
    local dir="$SELF/$1"
    mkdir -p "$dir"
    cp -r deploy docker-compose.yml "$dir/"
    for o in "${rendered[@]}"; do cp "$OUT/$o.yaml" "$dir/$o.yaml"; done
    printf '%s' "$dir"
}

mkdir -p "$SELF"
check_copy() {
    local dir=$1
    shift
    local args=()
    for o in "${rendered[@]}"; do args+=(--rendered "$o=$dir/$o.yaml"); done
    "$PYTHON" scripts/check_deploy_consistency.py --repo "$dir" --bin-dir "$BIN_DIR" \
        --install-deps "$REPO_ROOT/scripts/install-deps.sh" "${args[@]}" "$@"
}

d=$(fresh_copy compose-env)
replace "$d/docker-compose.yml" "AUTH_LISTEN_ADDR:" "AUTH_LISTEN_ADRESS:"
expect_failure compose-env "AUTH_LISTEN_ADRESS is not a variable \`auth-service --help\` lists" check_copy "$d" --no-packages

d=$(fresh_copy compose-target-port)
replace "$d/docker-compose.yml" "CONTENT_SERVICE_TARGET: dns:///content:50052" "CONTENT_SERVICE_TARGET: dns:///content:50053"
expect_failure compose-target-port "port 50053, but content listens on 50052" check_copy "$d" --no-packages

d=$(fresh_copy dockerfile-healthcheck)
replace "$d/deploy/docker/Dockerfile" '"/usr/local/bin/gateway", "healthcheck"' '"/usr/local/bin/gateway", "health-check"'
expect_failure dockerfile-healthcheck "HEALTHCHECK subcommand 'health-check' is not a command" check_copy "$d" --no-packages

d=$(fresh_copy dockerfile-package)
replace "$d/deploy/docker/Dockerfile" "libpqxx-6.4 ca-certificates" "ca-certificates"
expect_failure dockerfile-package "target content-service: /lib/x86_64-linux-gnu/libpqxx-6.4.so needs package libpqxx-6.4" \
    check_copy "$d"

d=$(fresh_copy dockerfile-build-deps)
replace "$d/deploy/docker/Dockerfile" "libhiredis-dev " ""
expect_failure dockerfile-build-deps "does not install libhiredis-dev, which install-deps.sh installs" check_copy "$d" --no-packages

d=$(fresh_copy init-sql)
printf 'CREATE DATABASE other;\n' >>"$d/deploy/k8s/overlays/dev/postgres-init.sql"
expect_failure init-sql "postgres-init.sql differs from" check_copy "$d" --no-packages

if [[ -z "$SKIPPED_K8S" && " ${rendered[*]} " == *" dev "* && " ${rendered[*]} " == *" prod "* ]]; then
    d=$(fresh_copy k8s-container-port)
    replace "$d/dev.yaml" "containerPort: 50051" "containerPort: 50061"
    expect_failure k8s-container-port "containerPort 'grpc' is 50061, the binary listens on 50051" check_copy "$d" --no-packages

    d=$(fresh_copy k8s-target)
    replace "$d/prod.yaml" "CONTENT_SERVICE_TARGET: dns:///content-headless:50052" "CONTENT_SERVICE_TARGET: dns:///content:50052"
    expect_failure k8s-target "dns:/// round_robin needs a headless Service" check_copy "$d" --no-packages

    d=$(fresh_copy k8s-network-policy)
    replace "$d/dev.yaml" 'auth-content/grpc-client: "true"' 'auth-content/grpc-client: "false"'
    # The first pod label in the output is auth's (it calls content about deleted accounts).
    expect_failure k8s-network-policy "no NetworkPolicy admits Deployment/auth to Deployment/content port 50052" \
        check_copy "$d" --no-packages

    d=$(fresh_copy k8s-probe)
    replace "$d/prod.yaml" "path: /readyz" "path: /healthz"
    expect_failure k8s-probe "readinessProbe path /healthz, expected /readyz" check_copy "$d" --no-packages

    # The schema validator, one broken object per file: a field typo, a wrong type, a removed
    # API, an unknown kind.
    deployment() {  # deployment NAME CONTAINER-FIELDS
        printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: %s}\nspec:\n' "$1"
        printf '  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n'
        printf '    spec:\n      containers:\n        - {name: c, image: i, %s}\n' "$2"
    }
    deployment typo 'readinessprobe: {grpc: {port: 50051}}' >"$SELF/schema-typo.yaml"
    deployment type 'ports: [{containerPort: grpc}]' >"$SELF/schema-type.yaml"
    deployment good 'readinessProbe: {grpc: {port: 50051}}, ports: [{containerPort: 50051}]' >"$SELF/schema-good.yaml"
    printf 'apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata: {name: removed}\n' \
        >"$SELF/schema-removed.yaml"
    printf 'apiVersion: v1\nkind: Servise\nmetadata: {name: unknown}\n' >"$SELF/schema-unknown.yaml"
    expect_failure schema-typo "Deployment/typo: unknown field(s) .spec.template.spec.containers[0].readinessprobe" \
        node "$TOOLS/validate-k8s.mjs" "$SELF/schema-good.yaml" "$SELF/schema-typo.yaml"
    expect_failure schema-type "Deployment/type: /spec/template/spec/containers/0/ports/0/containerPort type" \
        node "$TOOLS/validate-k8s.mjs" "$SELF/schema-good.yaml" "$SELF/schema-type.yaml"
    expect_failure schema-removed "HorizontalPodAutoscaler/removed: autoscaling/v2beta2 is an alpha/beta API" \
        node "$TOOLS/validate-k8s.mjs" "$SELF/schema-good.yaml" "$SELF/schema-removed.yaml"
    expect_failure schema-unknown "Servise/unknown: unknown type v1 Servise" \
        node "$TOOLS/validate-k8s.mjs" "$SELF/schema-good.yaml" "$SELF/schema-unknown.yaml"
    # ... and the same validator passes the well-formed one.
    if node "$TOOLS/validate-k8s.mjs" "$SELF/schema-good.yaml" >"$SELF/schema-good.log" 2>&1; then
        log "ok: self-test schema-good passes"
    else
        fail "self-test schema-good: a valid Deployment failed:"
        cat "$SELF/schema-good.log" >&2
    fi
fi

# --- result --------------------------------------------------------------------------------
if (( FAILED )); then
    log "FAILED (outputs in $OUT)"
    exit 1
fi
if [[ -n "$SKIPPED_K8S" ]]; then
    log "passed what could run; skipped the Kubernetes checks: $SKIPPED_K8S"
    exit 77
fi
log "passed"
