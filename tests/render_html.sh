#!/usr/bin/env bash
# Renders `dep-ls report --format html` of examples/acme-checkout in headless Chromium (Debian
# `chromium`) and checks that the trace graph is drawn: the SVG is in the rendered DOM with a
# node per DEP- entry and linked ID, API-099 drawn as unresolved, and a screenshot is produced.
# The page is self-contained, so Chromium runs with the network disabled.
#
#   tests/render_html.sh [DEP_LS_BINARY]     (default: target/debug/dep-ls, built if missing)
#
# Exits 1 (with a clear message) when Chromium is missing or a check fails.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
chromium="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "FAIL render_html: Chromium not found at $chromium — install Debian's chromium (apt-get install chromium) or set CHROMIUM" >&2
  exit 1
fi
binary="${1:-}"
if [ -z "$binary" ]; then
  binary="${CARGO_TARGET_DIR:-$repo/target}/debug/dep-ls"
  [ -x "$binary" ] || (cd "$repo" && cargo build --quiet)
fi
[ -x "$binary" ] || { echo "FAIL render_html: not an executable: $binary" >&2; exit 1; }

tmp="$(mktemp -d "${TMPDIR:-/tmp}/dep-ls-html.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
html="$tmp/report.html"
set +e
"$binary" report "$repo/examples/acme-checkout" --format html --output "$html"
code=$?
set -e
if [ "$code" -ne 1 ]; then
  echo "FAIL render_html: dep-ls report exited $code, expected 1 (the example fails blocking gates)" >&2
  exit 1
fi

flags=(--headless --no-sandbox --disable-gpu --no-first-run --disable-extensions
  --proxy-server=127.0.0.1:9 --proxy-bypass-list='<-loopback>' --user-data-dir="$tmp/profile"
  --virtual-time-budget=2000)
timeout 120 "$chromium" "${flags[@]}" --dump-dom "file://$html" >"$tmp/dom.html" 2>"$tmp/chromium.log" || {
  echo "FAIL render_html: chromium --dump-dom failed:" >&2
  tail -20 "$tmp/chromium.log" >&2
  exit 1
}
timeout 120 "$chromium" "${flags[@]}" --window-size=1400,2400 --screenshot="$tmp/shot.png" "file://$html" \
  >>"$tmp/chromium.log" 2>&1 || true

fail=0
check() { # description, grep -c pattern, minimum count
  local n
  n="$(grep -o -- "$2" "$tmp/dom.html" | wc -l)"
  if [ "$n" -ge "$3" ]; then
    echo "PASS $1 ($n)"
  else
    echo "FAIL $1: found $n of '$2', expected at least $3"
    fail=1
  fi
}
check "the trace graph is an SVG in the rendered DOM" '<svg[^>]*class="trace-graph"' 1
check "a node per DEP- entry (23)" '<g class="node dep" id="node-DEP-' 23
for id in DEP-001 DEP-011 DEP-034 EPIC-01 API-001 TEST-001_to_TEST-030 MON-001 RUN-005 GTM-002; do
  check "node $id" "id=\"node-$id\"" 1
done
check "API-099 drawn as unresolved" '<g class="node unresolved" id="node-API-099"' 1
check "the link to API-099 drawn as unresolved" 'class="edge unresolved" data-from="DEP-005" data-to="API-099"' 1
check "links drawn as paths" '<g class="edge' 60
check "the gate checklist" 'id="gate-' 9
if [ -s "$tmp/shot.png" ] && [ "$(head -c 8 "$tmp/shot.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ]; then
  echo "PASS screenshot rendered ($(wc -c <"$tmp/shot.png") bytes)"
else
  echo "FAIL no screenshot from chromium --screenshot"
  tail -20 "$tmp/chromium.log"
  fail=1
fi
if [ "$fail" -ne 0 ]; then
  echo "render_html: FAILED" >&2
  exit 1
fi
echo "render_html: all checks passed"
