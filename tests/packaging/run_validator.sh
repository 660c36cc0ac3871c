#!/usr/bin/env bash
# Usage: run_validator.sh DEBIAN_PACKAGE TOOL [ARGS...]
# Runs a metadata validator. Exits 77 (CTest's skip code for these tests) when TOOL is not
# installed; fails on the tool's errors and on warnings it reports with a zero exit status
# (desktop-file-validate does that).
set -u
package=$1
tool=$2
shift 2
if ! command -v "$tool" >/dev/null 2>&1; then
  echo "SKIPPED: $tool is not installed (Debian/Ubuntu: apt-get install $package)"
  exit 77
fi
output=$("$tool" "$@" 2>&1)
status=$?
[ -n "$output" ] && echo "$output"
if [ $status -ne 0 ]; then
  echo "FAILED: $tool exited with $status"
  exit 1
fi
if grep -qi 'warning:' <<<"$output"; then
  echo "FAILED: $tool reported warnings"
  exit 1
fi
echo "OK: $tool $*"
