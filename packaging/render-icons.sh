#!/usr/bin/env bash
# Renders the application icon (resources/icons/tokenbench.svg) into the hicolor PNG sizes that
# packaging/install.cmake installs. The PNGs are committed, so a build needs no SVG converter; run
# this after editing the SVG. Needs rsvg-convert (Debian: apt-get install librsvg2-bin).
set -euo pipefail
cd "$(dirname "$0")/.."

app_id=io.github.tokenbench.Tokenbench
source=resources/icons/tokenbench.svg
command -v rsvg-convert >/dev/null || { echo "rsvg-convert not found: apt-get install librsvg2-bin" >&2; exit 1; }

for size in 16 32 48 64 128 256; do
  dir=resources/icons/hicolor/${size}x${size}/apps
  mkdir -p "$dir"
  rsvg-convert --width "$size" --height "$size" --keep-aspect-ratio --format png \
    --output "$dir/$app_id.png" "$source"
  echo "wrote $dir/$app_id.png"
done
