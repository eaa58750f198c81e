#!/usr/bin/env bash
# Installs the Debian packages needed to build, test and run the project.
# Idempotent: does nothing (and prints nothing) when everything is installed.
set -euo pipefail

# Single list of required packages; extend here.
PACKAGES=(
    build-essential
    cmake
    ninja-build
    ccache
    pkg-config
    libgrpc++-dev
    protobuf-compiler-grpc
    libprotobuf-dev
    protobuf-compiler
    libcpp-httplib-dev
    libpqxx-dev
    libhiredis-dev
    libspdlog-dev
    libgtest-dev
    libgmock-dev
    nlohmann-json3-dev
    libssl-dev
    libargon2-dev
    libcrypt-dev
    libcurl4-openssl-dev
    postgresql
    redis-server
    curl
    openssl
    procps
    python3-yaml
)

# Node.js runs the OpenAPI linter (scripts/lint-openapi.sh). A NodeSource nodejs ships its own
# npm and conflicts with Debian's npm package, so Debian's pair is wanted only without an npm.
if ! command -v npm >/dev/null 2>&1; then
    PACKAGES+=(nodejs npm)
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
    # ${Status} is a dpkg-query field, not a shell variable.
    # shellcheck disable=SC2016
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    if [[ "$status" != "install ok installed" ]]; then
        missing+=("$pkg")
    fi
done

if (( ${#missing[@]} == 0 )); then
    exit 0
fi

echo "[install-deps] installing missing packages: ${missing[*]}" >&2

sudo=()
if (( EUID != 0 )); then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "[install-deps] error: not root and sudo is unavailable; install as root: ${missing[*]}" >&2
        exit 1
    fi
    sudo=(sudo)
fi

# Wait for the dpkg/apt locks instead of failing if another apt run is active.
apt_opts=(-o DPkg::Lock::Timeout=300)
"${sudo[@]}" apt-get "${apt_opts[@]}" update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing[@]}"
