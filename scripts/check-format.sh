#!/usr/bin/env bash
# Checks that every C++ source of ours is formatted as .clang-format says (the test command runs
# this first). --fix formats them in place instead.
#
# clang-format-14 exactly (Debian 12's): another version may format the same file differently.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$REPO_ROOT"

CLANG_FORMAT=${CLANG_FORMAT:-clang-format-14}
if ! command -v "$CLANG_FORMAT" >/dev/null; then
    echo "check-format: $CLANG_FORMAT not found (scripts/install-deps.sh installs it)" >&2
    exit 2
fi

# Our C++ files, tracked or new (not ignored); generated code lives in build trees, and
# tests/fuzz/jwt_originals.inc (made by make_jwt_seeds.py) stays as written.
mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.cpp' '*.hpp' '*.h' '*.cc')
if [[ "${1:-}" == "--fix" ]]; then
    "$CLANG_FORMAT" -i "${files[@]}"
    exit 0
fi
if ! "$CLANG_FORMAT" --dry-run --Werror "${files[@]}"; then
    echo "check-format: the files above are not formatted; run scripts/check-format.sh --fix" >&2
    exit 1
fi
echo "check-format: ${#files[@]} files formatted"
