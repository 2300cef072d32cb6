#!/bin/sh
# Claude Code hook (PostToolUse, matcher "Edit|Write|MultiEdit"): after Claude edits a Markdown
# file, run `dep-ls check` on it and hand its errors and warnings back to Claude.
#
# Claude Code passes the hook's input as JSON on stdin ({"cwd": …, "tool_name": "Edit",
# "tool_input": {"file_path": …}, …}). Exit 0 with no output: nothing to say (not a Markdown
# file, or no error or warning). Exit 2 with the findings on stderr: Claude Code feeds stderr
# to Claude, which fixes them (the edit itself is already made: PostToolUse cannot undo it).
# Any other exit (dep-ls missing, unreadable input) is shown to the user and changes nothing.
#
# Install: copy this file to .claude/hooks/dep-ls-hook.sh in the project (executable), and the
# "hooks" of editors/claude/settings.json into .claude/settings.json (README.md, "AI agents").
#
# Environment: DEP_LS, the dep-ls to run (default: dep-ls on PATH); DEP_LS_HOOK_JSON, the JSON
# reader to use (jq or python3; default: jq when installed, else python3).
set -u

input=$(cat) || exit 1

reader=${DEP_LS_HOOK_JSON:-}
if [ -z "$reader" ]; then
  if command -v jq >/dev/null 2>&1; then reader=jq; else reader=python3; fi
fi

# field KEY: the string at .KEY or .tool_input.KEY of the input (empty when absent).
field() {
  case "$reader" in
    jq)
      printf '%s' "$input" | jq -r --arg k "$1" '(.[$k] // .tool_input[$k] // "") | strings' 2>/dev/null
      ;;
    python3)
      printf '%s' "$input" | python3 -c '
import json, sys
d = json.load(sys.stdin)
k = sys.argv[1]
v = d.get(k) if isinstance(d, dict) else None
if v is None and isinstance(d, dict) and isinstance(d.get("tool_input"), dict):
    v = d["tool_input"].get(k)
print(v if isinstance(v, str) else "")' "$1" 2>/dev/null
      ;;
    *)
      echo "dep-ls hook: DEP_LS_HOOK_JSON must be jq or python3, not $reader" >&2
      return 1
      ;;
  esac
}

file=$(field file_path) || { echo "dep-ls hook: cannot read the hook input as JSON" >&2; exit 1; }
case "$file" in
  *.md | *.MD | *.Md | *.markdown | *.MARKDOWN) ;;
  *) exit 0 ;;
esac
case "$file" in
  /*) ;;
  *)
    cwd=$(field cwd) || exit 1
    [ -n "$cwd" ] && file="$cwd/$file"
    ;;
esac
# A file deleted or moved away since: nothing to check.
[ -f "$file" ] || exit 0

out=$("${DEP_LS:-dep-ls}" check --no-color "$file" 2>&1)
code=$?
case $code in
  0 | 1) ;;
  *)
    echo "dep-ls hook: dep-ls check $file failed (exit $code):" >&2
    printf '%s\n' "$out" >&2
    exit 1
    ;;
esac
# Errors and warnings only: info and hints are for the editor, not worth a round trip.
if printf '%s\n' "$out" | grep -Eq ': (error|warning)\[[a-z0-9-]+\]: '; then
  {
    echo "dep-ls check found problems in $file (fix them; the check runs again after each edit):"
    printf '%s\n' "$out" | head -n 300
  } >&2
  exit 2
fi
exit 0
