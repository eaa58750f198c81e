#!/usr/bin/env bash
# Configures and builds the sanitized tree: clang-14 with ASan + UBSan, the unit tests and the
# libFuzzer targets (tests/fuzz) only, nothing else (cmake/Sanitize.cmake). Incremental.
# ./scripts/test.sh calls it and runs its tests (unit-sanitized, fuzz.<name>) with the others.
#
# Environment:
#   SANITIZE_BUILD_DIR  build directory, relative to the repo root (default: build-sanitize)
#   FUZZ_SECONDS        how long each fuzz.<name> test fuzzes (default: 30)
#   BUILD_JOBS          parallel build jobs (default: nproc)
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$REPO_ROOT"

SANITIZE_BUILD_DIR=${SANITIZE_BUILD_DIR:-build-sanitize}
BUILD_JOBS=${BUILD_JOBS:-$(nproc)}

"$REPO_ROOT/scripts/install-deps.sh"

# No CMAKE_BUILD_TYPE: cmake/Sanitize.cmake sets -O1 -g.
CC=clang-14 CXX=clang++-14 cmake -S . -B "$SANITIZE_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE= \
    -DSANITIZE=ON -DFUZZ=ON -DFUZZ_SECONDS="${FUZZ_SECONDS:-30}"
cmake --build "$SANITIZE_BUILD_DIR" -j "$BUILD_JOBS" --target unit_tests sanitizer_canary fuzz_targets
