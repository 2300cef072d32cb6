#!/usr/bin/env bash
# Runs every fuzz target for a bounded time, one after the other.
#   fuzz/run.sh SECONDS            # each target for SECONDS (default 30)
#   fuzz/run.sh SECONDS TARGET…    # only these targets
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`). On a stable toolchain the nightly-only
# flags cargo-fuzz passes (-Z sanitizer…) are allowed through RUSTC_BOOTSTRAP=1.
# The committed seeds (corpus/<target>/seed-*) are copied into a scratch corpus under
# fuzz/target/corpus so that a run never adds files to the repository. A crash leaves its input
# in fuzz/artifacts/<target>/ and makes this script exit non-zero.
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-30}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(parse_check edits transport)
fi
export RUSTC_BOOTSTRAP=1
# Builds all targets once (optimised, debug assertions on, no sanitizer: see RELIABILITY.md).
mkdir -p target
if ! cargo fuzz build -O --debug-assertions -s none > target/build.log 2>&1; then
  tail -n 30 target/build.log; echo "fuzz build failed"; exit 1
fi
status=0
for t in "${targets[@]}"; do
  work="target/corpus/$t"
  mkdir -p "$work" "artifacts/$t"
  cp -n corpus/"$t"/seed-* "$work"/ 2>/dev/null || true
  echo "== fuzz $t for ${secs}s"
  start=$(date +%s)
  if ! cargo fuzz run -O --debug-assertions -s none "$t" "$work" -- \
      -max_total_time="$secs" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 2> "target/fuzz-$t.log"; then
    status=1
    echo "!! $t found a crash (see fuzz/artifacts/$t/ and fuzz/target/fuzz-$t.log):"
    tail -n 40 "target/fuzz-$t.log"
  fi
  end=$(date +%s)
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "target/fuzz-$t.log" | grep -o '[0-9]*$' || echo '?')
  echo "   $t: $((end - start))s, $runs runs, corpus $(ls "$work" | wc -l) inputs"
done
exit $status
