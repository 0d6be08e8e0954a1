#!/usr/bin/env bash
# Renders the example job's HTML report to a PNG with headless Chromium, to look
# at it as a person would. Usage: Tests/Support/render-report.sh [OUT.png]
# KLAXON_REPORT_JOB picks another example job (e.g. example-nightly, whose
# report docs/images/report-nightly.png shows), KLAXON_REPORT_SIZE the window.
# Needs Debian's chromium (apt-get install -y chromium); runs the example job
# over fixtures/ in a scratch copy, so the repository is left as it was.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-/tmp/klaxon-report.png}"
job="${KLAXON_REPORT_JOB:-example-hourly}"
size="${KLAXON_REPORT_SIZE:-1400,1700}"
command -v chromium >/dev/null || { echo "render-report: chromium is not installed (apt-get install -y chromium)" >&2; exit 1; }
swift build --product klaxon >/dev/null
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cp -r jobs fixtures "$scratch/"
.build/debug/klaxon run "$scratch/jobs/$job.json5" --now 2026-11-27T02:00:00Z --deliver-to "$scratch/sent" --quiet || true
.build/debug/klaxon report "$scratch/jobs/$job.json5" --now 2026-11-27T02:00:00Z --format html --output "$scratch/report.html"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size="$size" \
  --screenshot="$out" "file://$scratch/report.html" 2>/dev/null
echo "$out"
