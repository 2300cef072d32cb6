#!/usr/bin/env bash
# The GitHub Action's check step (action.yml): runs `dep-ls check` with `--format github`
# (annotations), reads `--format json` for the counts and the fail-level policy, and writes
# SARIF when asked.
#
# DEP_LS_BIN      the dep-ls executable (default: dep-ls on PATH)
# DEP_LS_PATHS    folders or Markdown files, one per line (default `.`)
# DEP_LS_FAIL_LEVEL  error | warning | info | hint | never (default error)
# DEP_LS_SARIF    when set, the SARIF file to write
#
# Outputs (GITHUB_OUTPUT): findings, errors, warnings, infos, hints, sarif, failed. A summary
# table goes to GITHUB_STEP_SUMMARY. Exit 1 when the findings fail by the policy, 2 when
# dep-ls itself fails (usage or I/O error), else 0.
set -euo pipefail

bin="${DEP_LS_BIN:-}"
[ -n "$bin" ] || bin=dep-ls
level="${DEP_LS_FAIL_LEVEL:-}"
[ -n "$level" ] || level=error
sarif="${DEP_LS_SARIF:-}"

case "$level" in
  error | warning | info | hint | never) ;;
  *)
    echo "::error title=dep-ls::fail-level must be one of error, warning, info, hint, never (got '$level')"
    exit 2
    ;;
esac

paths=()
while IFS= read -r line || [ -n "$line" ]; do
  line="${line%$'\r'}"
  # Trim surrounding blanks; skip empty lines.
  line="${line#"${line%%[![:space:]]*}"}"
  line="${line%"${line##*[![:space:]]}"}"
  [ -n "$line" ] && paths+=("$line")
done <<<"${DEP_LS_PATHS:-}"
[ "${#paths[@]}" -gt 0 ] || paths=(.)

# Runs dep-ls check; exit codes 0 and 1 are findings, anything else is dep-ls failing.
run_check() {
  local code=0
  "$bin" check "$@" "${paths[@]}" || code=$?
  if [ "$code" -ne 0 ] && [ "$code" -ne 1 ]; then
    echo "::error title=dep-ls::dep-ls check $* ${paths[*]} failed with exit code $code"
    exit 2
  fi
}

# 1. Annotations.
run_check --format github

# 2. Counts, from the JSON array (one `"severity": "…"` key per finding; a message's quotes
# are escaped, so a message cannot forge one).
json="$(mktemp)"
trap 'rm -f "$json"' EXIT
run_check --format json >"$json"
count() {
  { grep -Eo "\"severity\"[[:space:]]*:[[:space:]]*\"$1\"" "$json" || true; } | wc -l | tr -d ' '
}
errors="$(count error)"
warnings="$(count warning)"
infos="$(count info)"
hints="$(count hint)"
findings=$((errors + warnings + infos + hints))

# 3. SARIF.
if [ -n "$sarif" ]; then
  mkdir -p "$(dirname "$sarif")"
  run_check --format sarif >"$sarif"
fi

case "$level" in
  error) failing=$errors ;;
  warning) failing=$((errors + warnings)) ;;
  info) failing=$((errors + warnings + infos)) ;;
  hint) failing=$findings ;;
  never) failing=0 ;;
esac
failed=false
[ "$failing" -eq 0 ] || failed=true

echo "dep-ls: $findings findings ($errors errors, $warnings warnings, $infos info, $hints hints); fail-level $level: $([ "$failed" = true ] && echo "failing ($failing)" || echo passing)"
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "findings=$findings"
    echo "errors=$errors"
    echo "warnings=$warnings"
    echo "infos=$infos"
    echo "hints=$hints"
    echo "sarif=$sarif"
    echo "failed=$failed"
  } >>"$GITHUB_OUTPUT"
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  {
    echo "### dep-ls check"
    echo
    echo "| errors | warnings | info | hints | fail-level | result |"
    echo "|---:|---:|---:|---:|:--|:--|"
    echo "| $errors | $warnings | $infos | $hints | $level | $([ "$failed" = true ] && echo failed || echo passed) |"
  } >>"$GITHUB_STEP_SUMMARY"
fi
[ "$failed" = false ] || exit 1
