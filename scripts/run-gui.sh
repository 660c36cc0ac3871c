#!/usr/bin/env bash
# Installs missing system packages, builds, and opens the GUI on the embedded demo project.
# Extra arguments go to the program (e.g. --project DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset default
cmake --build --preset default --target tokenbench tokenbench-cli
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "No display found: run this from a desktop session, or under xvfb-run." >&2
  exit 1
fi
exec build/default/app/tokenbench "$@"
