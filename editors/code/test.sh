#!/usr/bin/env bash
# Everything the extension's CI runs, in order; stops at the first failure.
#
#   usage: editors/code/test.sh DEP_LS_BINARY
#
# npm ci -> typecheck (tsc) -> lint (eslint) -> unit tests (node --test) -> package (the
# universal .vsix, no server inside) -> package-platform.sh linux-x64 DEP_LS_BINARY (the platform
# .vsix with the server inside) -> end-to-end test of that platform .vsix in a real VS Code, with
# no dep-ls.server.path and no dep-ls on PATH (e2e/run.sh; installs chromium via apt and
# code-server from npm into ${CODE_SERVER_DIR:-~/.cache/dep-ls-code-server} when missing).
set -euo pipefail

BIN="${1:?usage: $0 DEP_LS_BINARY}"
[ -x "$BIN" ] && [ -f "$BIN" ] || { echo "test.sh: not an executable file: $BIN" >&2; exit 2; }
BIN="$(readlink -f "$BIN")"
cd "$(dirname "$(readlink -f "$0")")"

export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
T0=$(date +%s)
stage() { echo; echo "==== $* ($(( $(date +%s) - T0 ))s)"; }

stage "npm ci";         npm ci
stage "typecheck";      npm run -s typecheck
stage "lint";           npm run -s lint
stage "unit tests";     npm test
stage "package (universal)"; npm run -s package
case "$(uname -m)" in x86_64) TARGET=linux-x64 ;; aarch64) TARGET=linux-arm64 ;; *) echo "test.sh: no vsce target for $(uname -m)" >&2; exit 1 ;; esac
stage "package ($TARGET, server inside)"
VSIX="$(bash package-platform.sh "$TARGET" "$BIN" | tail -1)"
stage "end-to-end ($(basename "$VSIX"))"; VSIX="$VSIX" bash e2e/run.sh "$BIN"
stage "test.sh: all passed"
