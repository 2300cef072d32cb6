#!/usr/bin/env bash
# End-to-end test of the packaged extension in a real VS Code (code-server 4.100.3 = VS Code 1.100)
# driven headless by Playwright + Debian's chromium.
#
#   usage: e2e/run.sh DEP_LS_BINARY
#   env:   CODE_SERVER_DIR  where code-server is installed/cached (default ~/.cache/dep-ls-code-server)
#          VSIX             an already packaged platform .vsix with the server inside (default:
#                           package-platform.sh linux-x64|linux-arm64 DEP_LS_BINARY)
#          E2E_OUT          directory for this run's artifacts (default: a new /tmp/dep-ls-e2e.XXXXXX)
#          PORT             code-server port (default: a free one)
#          E2E_TRACE=1      LSP message trace in the dep-ls output channel (shown in failure-output.png)
#
# The extension runs the server bundled in the .vsix: no dep-ls.server.path setting, and code-server
# runs with a PATH from which every directory holding a dep-ls is removed.
# Exit status 0 when every assertion passed; otherwise non-zero with the failed assertion and the
# paths of the screenshot and logs.
set -euo pipefail

BIN="${1:?usage: $0 DEP_LS_BINARY}"
HERE="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"     # editors/code/e2e
EXT="$(dirname "$HERE")"                                    # editors/code
REPO="$(cd "$EXT/../.." && pwd)"
log() { echo "[e2e] $*" >&2; }

[ -x "$BIN" ] && [ -f "$BIN" ] || { log "not an executable file: $BIN"; exit 2; }
BIN="$(readlink -f "$BIN")"

# ---- 1. Chromium (Debian package) -----------------------------------------------------------
if ! command -v chromium >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  log "apt-get install chromium"
  $SUDO timeout 600 apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO timeout 900 apt-get install -y -qq chromium >&2
fi
CHROMIUM="$(command -v chromium)"

# ---- 2. code-server (from npm, cached) ------------------------------------------------------
CODE_SERVER_DIR="${CODE_SERVER_DIR:-$HOME/.cache/dep-ls-code-server}"
CODE_SERVER="$(bash "$HERE/install-code-server.sh" "$CODE_SERVER_DIR" | tail -1)"
[ -x "$CODE_SERVER" ] || { log "code-server install failed"; exit 1; }

# ---- 3. the .vsix ---------------------------------------------------------------------------
cd "$EXT"
[ -d node_modules ] || npm ci --no-audit --no-fund
if [ -z "${VSIX:-}" ]; then
  case "$(uname -m)" in x86_64) TARGET=linux-x64 ;; aarch64) TARGET=linux-arm64 ;; *) log "no vsce target for $(uname -m)"; exit 1 ;; esac
  VSIX="$(bash "$EXT/package-platform.sh" "$TARGET" "$BIN" | tail -1)"
fi
VSIX="$(readlink -f "$VSIX")"

# ---- 3b. a PATH without dep-ls (the extension must use the server inside the .vsix) ----------
CLEAN_PATH=""
IFS=: read -r -a path_dirs <<< "$PATH"
for d in "${path_dirs[@]}"; do
  if [ -z "$d" ] || [ -e "$d/dep-ls" ]; then log "PATH for code-server: without $d"; continue; fi
  CLEAN_PATH="${CLEAN_PATH:+$CLEAN_PATH:}$d"
done
if PATH="$CLEAN_PATH" command -v dep-ls >/dev/null 2>&1; then log "dep-ls is still on the cleaned PATH"; exit 1; fi
PATH="$CLEAN_PATH" command -v node >/dev/null 2>&1 || { log "node is not on PATH once the directories holding dep-ls are removed"; exit 1; }

# ---- 4. a fresh profile and a copy of the example workspace ---------------------------------
RUN="${E2E_OUT:-$(mktemp -d /tmp/dep-ls-e2e.XXXXXX)}"
mkdir -p "$RUN"; RUN="$(cd "$RUN" && pwd)"
mkdir -p "$RUN/ud/User" "$RUN/ext" "$RUN/tmp"
rm -rf "$RUN/ws"; cp -r "$REPO/examples/acme-checkout" "$RUN/ws"
export XDG_CONFIG_HOME="$RUN/xdg-config" XDG_DATA_HOME="$RUN/xdg-data" TMPDIR="$RUN/tmp"
# User settings: the recipe's quiet defaults, plain typing in editors (the test types JSON), and
# no dep-ls.server.path: the bundled server runs. That setting is machine-overridable: in a remote
# window (code-server is one) VS Code applies it from the remote ("Machine") settings, which start
# empty (e2e.mjs sets a bad path there at the end).
mkdir -p "$RUN/ud/Machine"
node -e '
const fs = require("fs");
const [user, machine, trace] = process.argv.slice(1);
fs.writeFileSync(user, JSON.stringify({
  "workbench.startupEditor": "none",
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "workbench.enableExperiments": false,
  "workbench.tips.enabled": false,
  "terminal.integrated.gpuAcceleration": "off",
  "git.enabled": false,
  "files.autoSave": "off",
  "editor.autoIndent": "none",
  "editor.autoClosingBrackets": "never",
  "editor.autoClosingQuotes": "never",
  "editor.autoSurround": "never",
  "editor.formatOnType": false,
  ...(trace === "1" ? { "dep-ls.trace.server": "messages" } : {}),
}, null, 2));
fs.writeFileSync(machine, JSON.stringify({}, null, 2));
' "$RUN/ud/User/settings.json" "$RUN/ud/Machine/settings.json" "${E2E_TRACE:-0}"

timeout 120 "$CODE_SERVER" --user-data-dir "$RUN/ud" --extensions-dir "$RUN/ext" --install-extension "$VSIX" >&2

# ---- 5. start code-server in its own process group; always stop the whole group -------------
PORT="${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
PATH="$CLEAN_PATH" setsid timeout 900 "$CODE_SERVER" --bind-addr "127.0.0.1:$PORT" --auth none \
  --user-data-dir "$RUN/ud" --extensions-dir "$RUN/ext" \
  --disable-telemetry --disable-update-check --disable-workspace-trust \
  --disable-getting-started-override --ignore-last-opened > "$RUN/server.log" 2>&1 &
SERVER_PID=$!
cleanup() {
  kill -TERM -- "-$SERVER_PID" 2>/dev/null || true
  for _ in 1 2 3 4 5 6; do kill -0 -- "-$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
  kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
}
trap cleanup EXIT
ok=""
for _ in $(seq 120); do
  if node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "http://127.0.0.1:$PORT/healthz"; then ok=1; break; fi
  sleep 0.5
done
[ -n "$ok" ] || { log "code-server did not come up; see $RUN/server.log"; exit 1; }

# ---- 6. the Playwright test -----------------------------------------------------------------
status=0
CHROMIUM="$CHROMIUM" EXTENSIONS_DIR="$RUN/ext" LOGS_DIR="$RUN/ud/logs" USER_SETTINGS="$RUN/ud/User/settings.json" MACHINE_SETTINGS="$RUN/ud/Machine/settings.json" timeout 300 node "$HERE/e2e.mjs" "http://127.0.0.1:$PORT" "$RUN/ws" "$RUN" || status=$?
if [ "$status" != 0 ]; then
  log "FAILED (exit $status). Artifacts in $RUN:"
  log "  screenshot(s): $(ls "$RUN"/*.png 2>/dev/null | tr '\n' ' ')"
  log "  code-server log: $RUN/server.log; extension host logs: $(ls -d "$RUN"/ud/logs/*/ 2>/dev/null | head -1)"
  exit "$status"
fi
log "PASS. Screenshot: $RUN/diagnostics.png"
echo "$RUN/diagnostics.png"
