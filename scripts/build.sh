#!/usr/bin/env bash
# Installs missing dependencies, then configures and builds the project with
# CMake + Ninja. Incremental: reuses the build directory between runs.
#
# Usage: build.sh [TARGET...]   (no target: everything)
#
# Environment:
#   BUILD_DIR   build directory, relative to the repo root (default: build)
#   BUILD_TYPE  CMAKE_BUILD_TYPE (default: RelWithDebInfo)
#   BUILD_JOBS  parallel build jobs (default: nproc)
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$REPO_ROOT"

BUILD_DIR=${BUILD_DIR:-build}
BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo}
BUILD_JOBS=${BUILD_JOBS:-$(nproc)}

"$REPO_ROOT/scripts/install-deps.sh"

# Always (re)configure: it is cheap when nothing changed and picks up
# CMakeLists.txt / build type changes. ccache is wired up by CMakeLists.txt.
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE"
cmake --build "$BUILD_DIR" -j "$BUILD_JOBS" ${1:+--target "$@"}
