#!/usr/bin/env bash
# Tests of the GitHub Action's scripts (install.sh, check.sh) on this machine, with a stub
# dep-ls (no build needed) and a fake release served from a file:// URL. Run by
# scripts/ci-actionlint.sh. Prints one line per case; exits 1 on the first failure.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

fail() {
  echo "FAIL: $*"
  exit 1
}

# A stub dep-ls: `check --format F PATH…` prints one finding per severity in FAKE_FINDINGS
# (space-separated) in format F, records its arguments, and exits FAKE_EXIT (default: 1 when
# an error is among the findings, else 0).
cat >"$tmp/dep-ls" <<'STUB'
#!/usr/bin/env bash
[ "$1" = --version ] && { echo "dep-ls 9.9.9-stub"; exit 0; }
printf '%s|' "$@" >>"$FAKE_LOG"; echo >>"$FAKE_LOG"
format=human
while [ $# -gt 0 ]; do
  case "$1" in --format) format="$2"; shift ;; esac
  shift
done
code=0
case "$format" in
  json)
    printf '[\n'
    sep=""
    for s in $FAKE_FINDINGS; do
      printf '%s  {\n    "path": "plan.md",\n    "severity": "%s",\n    "code": "x",\n    "message": "a \\"severity\\": \\"error\\" lookalike",\n    "id": null\n  }' "$sep" "$s"
      sep=$',\n'
    done
    printf '\n]\n'
    ;;
  github) for s in $FAKE_FINDINGS; do echo "::$s file=plan.md,line=1::x"; done ;;
  sarif) echo '{"version":"2.1.0","runs":[]}' ;;
esac
for s in $FAKE_FINDINGS; do [ "$s" = error ] && code=1; done
exit "${FAKE_EXIT:-$code}"
STUB
chmod +x "$tmp/dep-ls"
export FAKE_LOG="$tmp/log"

# check.sh with FINDINGS and LEVEL; expects exit code WANT; leaves outputs in $tmp/out.
check_case() {
  local name="$1" findings="$2" level="$3" want="$4"
  : >"$tmp/out"
  : >"$FAKE_LOG"
  local code=0
  FAKE_FINDINGS="$findings" DEP_LS_BIN="$tmp/dep-ls" DEP_LS_FAIL_LEVEL="$level" \
    DEP_LS_PATHS="${PATHS_IN:-}" DEP_LS_SARIF="${SARIF_IN:-}" GITHUB_OUTPUT="$tmp/out" \
    GITHUB_STEP_SUMMARY="$tmp/summary" bash "$here/check.sh" >"$tmp/stdout" 2>&1 || code=$?
  [ "$code" = "$want" ] || { cat "$tmp/stdout"; fail "$name: exit $code, expected $want"; }
  echo "ok   check.sh: $name (exit $code)"
}
output() { grep "^$1=" "$tmp/out" | cut -d= -f2-; }

check_case "clean tree passes" "" error 0
[ "$(output findings)" = 0 ] && [ "$(output failed)" = false ] || fail "clean outputs: $(cat "$tmp/out")"
check_case "warnings pass at fail-level error" "warning warning info" error 0
[ "$(output warnings)" = 2 ] && [ "$(output infos)" = 1 ] && [ "$(output errors)" = 0 ] ||
  fail "counts (the lookalike in a message must not count): $(cat "$tmp/out")"
check_case "warnings fail at fail-level warning" "warning info" warning 1
[ "$(output failed)" = true ] || fail "failed output: $(cat "$tmp/out")"
check_case "info passes at fail-level warning" "info hint" warning 0
check_case "info fails at fail-level info" "info" info 1
check_case "a hint passes at fail-level info" "hint" info 0
check_case "a hint fails at fail-level hint" "hint" hint 1
check_case "errors fail at fail-level error" "error warning" error 1
[ "$(output errors)" = 1 ] && [ "$(output findings)" = 2 ] || fail "counts: $(cat "$tmp/out")"
check_case "errors pass at fail-level never" "error" never 0
check_case "an unknown fail-level is a usage error" "" fatal 2
FAKE_EXIT=2 check_case "dep-ls failing (exit 2) fails even at never" "" never 2
FAKE_FINDINGS="error" DEP_LS_BIN="$tmp/dep-ls" DEP_LS_FAIL_LEVEL=never bash "$here/check.sh" >"$tmp/stdout"
grep -q '^::error file=plan.md,line=1::x$' "$tmp/stdout" || fail "annotations are not printed"
echo "ok   check.sh: annotations reach the log"
PATHS_IN=$'docs/a\n\n  docs/b c  \r\n' check_case "paths, one per line, trimmed" "" error 0
grep -qx -- 'check|--format|github|docs/a|docs/b c|' "$FAKE_LOG" || fail "paths: $(cat "$FAKE_LOG")"
SARIF_IN="$tmp/deep/er/out.sarif" check_case "sarif written" "warning" error 0
grep -q '"2.1.0"' "$tmp/deep/er/out.sarif" || fail "no SARIF file"
[ "$(output sarif)" = "$tmp/deep/er/out.sarif" ] || fail "sarif output"
grep -q '| 0 | 1 | 0 | 0 | error | passed |' "$tmp/summary" || fail "summary: $(cat "$tmp/summary")"

# install.sh against a fake release (file:// URL), by runner OS/arch.
release="$tmp/release/v1.2.3"
mkdir -p "$release" "$tmp/pkg/dep-ls-x86_64-unknown-linux-gnu"
cp "$tmp/dep-ls" "$tmp/pkg/dep-ls-x86_64-unknown-linux-gnu/dep-ls"
tar -czf "$release/dep-ls-x86_64-unknown-linux-gnu.tar.gz" -C "$tmp/pkg" dep-ls-x86_64-unknown-linux-gnu
(cd "$release" && sha256sum dep-ls-x86_64-unknown-linux-gnu.tar.gz >dep-ls-x86_64-unknown-linux-gnu.tar.gz.sha256)
install_case() {
  local name="$1" version="$2" ref="$3" want="$4"
  rm -rf "$tmp/runner"
  mkdir -p "$tmp/runner"
  : >"$tmp/out"
  local code=0
  RUNNER_TEMP="$tmp/runner" DEP_LS_RELEASE_BASE="file://$tmp/release" DEP_LS_VERSION="$version" \
    DEP_LS_ACTION_REF="$ref" DEP_LS_RUNNER_OS=Linux DEP_LS_RUNNER_ARCH=X64 \
    GITHUB_OUTPUT="$tmp/out" GITHUB_PATH="$tmp/path" GITHUB_ACTION_PATH=/nonexistent \
    PATH="${STUB_PATH:-$PATH}" bash "$here/install.sh" >"$tmp/stdout" 2>&1 || code=$?
  [ "$code" = "$want" ] || { cat "$tmp/stdout"; fail "$name: exit $code, expected $want"; }
  echo "ok   install.sh: $name (exit $code)"
}
install_case "the action's ref's release binary" "" v1.2.3 0
[ "$(output version)" = "dep-ls 9.9.9-stub" ] || fail "version output: $(cat "$tmp/out")"
[ "$(output bin)" = "$tmp/runner/dep-ls-action/bin/dep-ls" ] || fail "bin output: $(cat "$tmp/out")"
grep -qx "$tmp/runner/dep-ls-action/bin" "$tmp/path" || fail "GITHUB_PATH"
install_case "an explicit version without the v" 1.2.3 main 0
# A tampered archive: never installed.
echo "0000  dep-ls-x86_64-unknown-linux-gnu.tar.gz" >"$release/dep-ls-x86_64-unknown-linux-gnu.tar.gz.sha256"
install_case "a checksum mismatch fails" v1.2.3 "" 1
grep -q 'does not match' "$tmp/stdout" || fail "mismatch message"
[ ! -e "$tmp/runner/dep-ls-action/bin/dep-ls" ] || fail "a mismatching binary was installed"
# No release for a branch ref and no cargo: a clear error (PATH without cargo).
mkdir -p "$tmp/nocargo"
for t in bash curl mkdir mktemp cut tr find head cp chmod rm cat; do
  ln -sf "$(command -v "$t")" "$tmp/nocargo/$t"
done
STUB_PATH="$tmp/nocargo" install_case "no release and no cargo fails clearly" "" main 1
grep -q 'no cargo to build one' "$tmp/stdout" || fail "no-cargo message: $(cat "$tmp/stdout")"
echo "action scripts: all cases pass"
