#!/usr/bin/env bash
# The pre-commit hook (.pre-commit-hooks.yaml), run by pre-commit from PyPI as a user's commit
# runs it. Called by .ci/run after the wheel step:
#   - a venv under the target directory gets pre-commit;
#   - two throwaway git repositories under the target directory, each with a changed Markdown
#     file staged: a copy of examples/acme-checkout (planted defects) and one of
#     tests/fixtures/cli/clean (a clean plan whose IDs are defined in ids.md);
#   - `pre-commit try-repo THIS_REPO dep-ls` in each (the staged files, as on `git commit`):
#     the defective one fails with its findings shown — only the changed file's (the release
#     plan), and among its many links to IDs defined in the unchanged SoT/ files only the planted
#     API-099 is unresolved; the clean one passes, its changed release.md linking IDs that only
#     the unchanged ids.md defines.
# try-repo installs the hook from this repository's committed HEAD (plus changes to tracked
# files; untracked files are not seen) into a fresh environment each time: pip builds dep-ls
# through pyproject.toml with maturin. CARGO_TARGET_DIR points that build at this repository's
# target directory, so the dependencies of `cargo build --release` are reused; the dep-ls crate
# itself is compiled again (the clone's files are newer than the build).
# Needs python3 with venv, git, the Rust toolchain and PyPI; no standard input. Writes only
# under the target directory (pre-commit/).
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
target="${CARGO_TARGET_DIR:-$repo/target}"
mkdir -p "$target"
target="$(cd "$target" && pwd)"
export CARGO_TARGET_DIR="$target"
export PIP_NO_INPUT=1 PIP_DISABLE_PIP_VERSION_CHECK=1
work="$target/pre-commit"
export PRE_COMMIT_HOME="$work/home" PRE_COMMIT_COLOR=never
export GIT_AUTHOR_NAME=ci GIT_AUTHOR_EMAIL=ci@localhost GIT_COMMITTER_NAME=ci GIT_COMMITTER_EMAIL=ci@localhost
t0=$(date +%s)
stamp() { echo "   ($(($(date +%s) - t0))s)"; }
fail() {
  echo "ci-pre-commit: FAILED: $*" >&2
  exit 1
}

rm -rf "$work"
mkdir -p "$work"

echo "== a fresh venv with pre-commit from PyPI"
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet 'pre-commit>=3,<5' < /dev/null
pre_commit="$work/venv/bin/pre-commit"
"$pre_commit" --version
echo "hook from: $repo at $(git -C "$repo" rev-parse --short HEAD)"
stamp

# A throwaway repository: $1 its folder, $2 the workspace copied into it, committed.
throwaway() {
  mkdir -p "$1"
  cp -R "$2/." "$1/"
  git -C "$1" init -q
  git -C "$1" add -A
  git -C "$1" commit -q -m "the workspace"
}

# pre-commit try-repo in $1 on its staged files; its output goes to $2; prints the exit code.
try_repo() {
  local code h0
  h0=$(date +%s)
  set +e
  (cd "$1" && "$pre_commit" try-repo "$repo" dep-ls --verbose < /dev/null > "$2" 2>&1)
  code=$?
  set -e
  sed 's/^/   | /' "$2"
  echo "pre-commit try-repo (hook environment built, dep-ls run): $(($(date +%s) - h0))s, exit $code"
  return "$code"
}

echo "== a defective workspace (examples/acme-checkout), release/release-plan.md changed: must fail"
bad="$work/defective"
throwaway "$bad" examples/acme-checkout
printf '\nReviewed again before the release.\n' >> "$bad/release/release-plan.md"
git -C "$bad" add release/release-plan.md
code=0
try_repo "$bad" "$work/defective.log" || code=$?
[ "$code" -eq 1 ] || fail "the hook on the defective workspace exited $code, expected 1"
python3 - "$work/defective.log" <<'PY' || fail "the defective workspace's findings are not as expected"
import re, sys
log = open(sys.argv[1], encoding="utf-8").read()
found = re.findall(r"^\s*\|?\s*(\S+):\d+:\d+: (\w+)\[([\w-]+)\]", log, re.M)
codes = sorted(c for _, _, c in found)
print(f"findings shown: {len(found)}: {', '.join(codes)}")
files = {p for p, _, _ in found}
if files != {"release/release-plan.md"}:
    sys.exit(f"expected findings in the changed release/release-plan.md only, got {sorted(files)}")
for code in ("unmeasurable-threshold", "missing-owner", "invalid-value", "plaintext-secret"):
    if code not in codes:
        sys.exit(f"expected a {code} finding (examples/acme-checkout/DEFECTS.md)")
if codes.count("unresolved-link") != 1 or "API-099" not in log:
    sys.exit("expected exactly one unresolved link, the planted API-099: the release plan's other links name IDs defined in the unchanged SoT/ files")
if "- hook id: dep-ls" not in log or "Failed" not in log:
    sys.exit("pre-commit did not report the dep-ls hook as failed")
PY
stamp

echo "== a clean workspace (tests/fixtures/cli/clean), release.md changed: must pass"
good="$work/clean"
throwaway "$good" tests/fixtures/cli/clean
# A new entry linking IDs that only the unchanged ids.md defines.
cat >> "$good/release.md" <<'MD'

DEP-006: Order History Loads After Deploy
Type: Validation
Stage: Post-deploy
Description: Order history renders for a signed-in customer in production
Check: Order history page lists the latest order
Method: Manual
Success Criteria: The latest order appears within 2 seconds
Escalation: Page the on-call engineer
Owner: QA Lead
Linked IDs: EPIC-001, API-001, TEST-001
MD
git -C "$good" add release.md
code=0
try_repo "$good" "$work/clean.log" || code=$?
[ "$code" -eq 0 ] || fail "the hook on the clean workspace exited $code, expected 0"
grep -q "^dep-ls check\.*Passed" "$work/clean.log" || fail "pre-commit did not report the dep-ls hook as passed"
grep -Eq "release\.md:[0-9]+:[0-9]+: (error|warning|info|hint)\[" "$work/clean.log" \
  && fail "the clean workspace has findings"
stamp
echo "ci-pre-commit: OK"
