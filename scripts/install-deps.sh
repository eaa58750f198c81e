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
    # Unicode identities in the auth service: NFKC, case folding, IDNA (services/auth/accounts/identity.cpp).
    libicu-dev
    # tcmalloc for the three services (CMakeLists.txt: link_service_allocator).
    libgoogle-perftools-dev
    postgresql
    redis-server
    curl
    openssl
    procps
    python3-yaml
    # Free ports for the local servers (scripts/lib/infra.sh); the SPA's static server.
    python3
    # The browser test (tests/browser): a Node.js runtime for Playwright and a headless browser;
    # Node.js and npm also run the benchmark's Node peer (bench/peer-node).
    nodejs
    npm
    chromium
    # The deployment files' validation (scripts/validate-deploy.sh): `docker-compose config`
    # only, no Docker engine (docker.io is merely recommended, and recommends are not installed).
    docker-compose
    # The benchmark (bench/run.sh; its smoke run is a test): load generator, plot, and the
    # Django + DRF + simplejwt peer under gunicorn.
    wrk
    gnuplot-nox
    python3-django
    python3-djangorestframework
    python3-djangorestframework-simplejwt
    python3-psycopg2
    gunicorn
    # The sanitized tree (scripts/build-sanitized.sh): clang, its ASan/UBSan runtimes and
    # libFuzzer (libclang-rt-14-dev, only recommended by clang-14), llvm-symbolizer for the reports.
    clang-14
    libclang-rt-14-dev
    llvm-14
    # The format check (scripts/check-format.sh, test format.check).
    clang-format-14
)

# Names that installed packages provide count as installed: NodeSource's nodejs provides
# (and conflicts with) npm, and asking apt for npm would make it remove that nodejs.
# ${db:Status-Abbrev} and ${Provides} are dpkg-query fields, not shell variables.
# shellcheck disable=SC2016
provided=" $(dpkg-query -W -f='${db:Status-Abbrev}|${Provides}\n' 2>/dev/null \
    | awk -F'|' '$1 ~ /^ii/ && $2 != "" { print $2 }' \
    | tr ',' '\n' | sed -E 's/\(.*\)//; s/^ +//; s/ +$//' | tr '\n' ' ') "

missing=()
for pkg in "${PACKAGES[@]}"; do
    # ${Status} is a dpkg-query field, not a shell variable.
    # shellcheck disable=SC2016
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    if [[ "$status" != "install ok installed" && "$provided" != *" $pkg "* ]]; then
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
