#!/usr/bin/env bash
# Benchmarks `dep-ls check DIR --format json` on generated workspaces.
#
#   bench/check.sh              # 500, 5,000 and 20,000 files
#   bench/check.sh 5000         # only these file counts
#
# Environment:
#   ENTRIES=20   average entries per file        KB=8     average KB per file
#   SEED=1       generator seed                  RUNS=7   timed runs (3 at 20,000+ files)
#   RUNS_LARGE=3 timed runs at 20,000+ files     MARKDOWN=1  print a Markdown table
#   NO_BUILD=1   skip cargo build --release      BIN=...  binary to time
#   DEFECTS=1    scale of the generated defects (0: every link resolves, no findings)
#
# Workspaces go to bench-data/ws-<files>-e<entries>-k<kb>-s<seed>/ (git-ignored) and are
# reused when their .bench-meta.json matches the parameters and the generator's version.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

ENTRIES="${ENTRIES:-20}"
KB="${KB:-8}"
SEED="${SEED:-1}"
RUNS="${RUNS:-7}"
RUNS_LARGE="${RUNS_LARGE:-3}"
BIN="${BIN:-target/release/dep-ls}"
DEFECTS="${DEFECTS:-1}"

if [ "$#" -gt 0 ]; then
    counts=("$@")
else
    counts=(500 5000 20000)
fi
for n in "${counts[@]}"; do
    [[ "$n" =~ ^[0-9]+$ ]] || { echo "check.sh: not a file count: $n" >&2; exit 2; }
done

if [ -z "${NO_BUILD:-}" ]; then
    echo "== cargo build --release" >&2
    cargo build --release >&2
fi

dirs=()
for n in "${counts[@]}"; do
    d="bench-data/ws-${n}-e${ENTRIES}-k${KB}-s${SEED}"
    [ "$DEFECTS" != "1" ] && d="${d}-d${DEFECTS}"
    echo "== workspace $d" >&2
    python3 bench/gen_workspace.py "$d" --files "$n" --entries-per-file "$ENTRIES" \
        --kb-per-file "$KB" --seed "$SEED" --defects "$DEFECTS"
    dirs+=("$d")
done

echo "== dep-ls check --format json ($("$BIN" --version 2>/dev/null || echo "$BIN"))" >&2
args=(--bin "$BIN" --runs "$RUNS" --runs-large "$RUNS_LARGE"
      --json bench-data/last-check.json)
[ -n "${MARKDOWN:-}" ] && args+=(--markdown)
# dep-ls exits 1 when it finds errors (expected here); run_check.py accepts 0 and 1 and fails
# on anything else, so set -e only stops the script on a real failure.
python3 bench/run_check.py "${args[@]}" "${dirs[@]}"
