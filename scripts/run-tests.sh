#!/usr/bin/env bash
# Installs missing system packages, builds everything (GUI, CLI, tests) and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset default
cmake --build --preset default
ctest --preset default "$@"
