#!/usr/bin/env bash
# Renders one PNG per page of the GUI into docs/screenshots/ (the images the README and the user
# guide show), plus main-window.png (the data set page, for the README).
#
#   scripts/take-screenshots.sh [PROJECT_DIR]
#
# PROJECT_DIR: a Tokenbench project to show. Default: BUILD_DIR/screenshot-demo, made (or completed)
# with `tokenbench-cli run projects/demo.json`, which trains models: minutes of CPU the first time.
# Environment: BUILD_DIR (default build/default), OUT_DIR (default docs/screenshots).
# Builds nothing: build the tokenbench and tokenbench-cli targets first. Without a display it runs
# itself again under xvfb-run, so it works on a headless machine.
set -euo pipefail
cd "$(dirname "$0")/.."

# The names `tokenbench --page` accepts (MainWindow::pageNames()).
pages=(dataset tokenizer codebook hierarchy model attention runs compare)

if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -z "${TAKE_SCREENSHOTS_UNDER_XVFB:-}" ]; then
  if ! command -v xvfb-run > /dev/null; then
    echo "No display and no xvfb-run: install xvfb (apt-get install xvfb) or run from a desktop session." >&2
    exit 1
  fi
  # A real X server rather than QT_QPA_PLATFORM=offscreen: the pictures then look like a desktop's.
  exec env TAKE_SCREENSHOTS_UNDER_XVFB=1 xvfb-run -a -s "-screen 0 1920x1080x24" "$0" "$@"
fi

build=${BUILD_DIR:-build/default}
out=${OUT_DIR:-docs/screenshots}
gui=$build/app/tokenbench
cli=$build/app/tokenbench-cli
if [ ! -x "$gui" ]; then
  echo "$gui not found: cmake --build --preset default --target tokenbench tokenbench-cli" >&2
  exit 1
fi

if [ $# -ge 1 ]; then
  project=$1
  if [ ! -f "$project/tokenbench.db" ]; then
    echo "$project is not a Tokenbench project (it holds no tokenbench.db)." >&2
    exit 1
  fi
else
  project=$build/screenshot-demo
  if [ ! -x "$cli" ]; then
    echo "$cli not found: cmake --build --preset default --target tokenbench-cli" >&2
    exit 1
  fi
  # `run` skips what the project already has, so a second call costs seconds.
  echo "Demo project in $project (the first time this trains models: a few minutes)…"
  "$cli" --log-level warn run projects/demo.json --project "$project"
fi

mkdir -p "$out"
failed=0
for page in "${pages[@]}"; do
  file=$out/$page.png
  # --screenshot waits for the page's data, saves, and quits; it never touches the user's settings.
  if timeout 300 "$gui" --project "$project" --page "$page" --screenshot "$file" --log-level warn; then
    echo "wrote $file"
  else
    echo "failed: $page" >&2
    failed=1
  fi
done
if [ -f "$out/dataset.png" ]; then
  cp "$out/dataset.png" "$out/main-window.png"
  echo "wrote $out/main-window.png"
fi
exit "$failed"
