#!/bin/sh
# Renders HTML reports to PNG with headless Chromium (Debian: apt-get install chromium), to look at a
# report as a person would. Usage: render-png.sh REPORT.html... ; each PNG goes to .build-png/ in the
# repository, named after its report. WIDTH and HEIGHT set the window (default 1100 × 7000 pixels; the
# page is cut at HEIGHT). The PNGs are for looking at, not committed: fonts differ between machines.
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
if [ -z "$browser" ]; then
    echo "render-png.sh: no Chromium found; install it with: apt-get install chromium" >&2
    exit 1
fi
[ "$#" -gt 0 ] || { echo "usage: render-png.sh REPORT.html..." >&2; exit 64; }
mkdir -p "$root/.build-png"
for html in "$@"; do
    name="$(basename "$html" .html)"
    png="$root/.build-png/$name.png"
    absolute="$(cd "$(dirname "$html")" && pwd)/$(basename "$html")"
    "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
        --window-size="${WIDTH:-1100},${HEIGHT:-7000}" --screenshot="$png" "file://$absolute" 2>/dev/null
    echo "$png"
done
