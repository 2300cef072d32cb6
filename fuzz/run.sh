#!/usr/bin/env bash
# Runs every fuzz target for a bounded time, one after the other.
#   fuzz/run.sh SECONDS            # each target for SECONDS (default 30)
#   fuzz/run.sh SECONDS TARGET…    # only these targets
#   FUZZ_TIMEOUT=120 fuzz/run.sh … # per-input timeout (default 10 s; it is wall-clock time)
#   FUZZ_SEED=N fuzz/run.sh …      # libFuzzer's random seed (default: a fresh one each run)
#   FUZZ_RUNS=N fuzz/run.sh …      # at most N inputs per target (with FUZZ_SEED: the same run
#                                  # on every machine, whatever its speed; a slower machine runs
#                                  # a prefix of it); FUZZ_RUNS_<target>=N for one target
# The Markdown targets (parse_check, edits) get the dictionary markdown.dict (DEP- and Markdown
# tokens); their inputs starting with a byte >= 0x80 are choices for the grammar-aware document
# generator (src/gen.rs), so libFuzzer mutates document structure too.
# Needs only a stable Rust toolchain (no cargo-fuzz, no RUSTC_BOOTSTRAP): the targets are built
# with `cargo build --release` through fuzz/rustc-wrapper.sh, which gives dep-ls and the fuzz
# crate the coverage instrumentation `cargo fuzz build -s none` would (libFuzzer itself comes
# from libfuzzer-sys); dep-ls and the targets also get debug assertions and overflow checks.
# Every other dependency is built exactly as `cargo build --release` builds it, in the same
# target directory ($CARGO_TARGET_DIR or ./target), so after a release build of dep-ls little
# is compiled (see RELIABILITY.md). RUSTC_WRAPPER is replaced (sccache and the like are not
# chained). `cargo fuzz run TARGET` works too (instrumenting every crate, in its own directory).
# The committed seeds (corpus/<target>/seed-*) are read in place and new inputs go to a scratch
# corpus under fuzz/target/corpus, so that a run never adds files to the repository. A crash
# leaves its input in fuzz/artifacts/<target>/ (ignored by git), is printed in base64, and makes
# this script exit non-zero.
set -euo pipefail
fuzz_dir="$(cd "$(dirname "$0")" && pwd)"
target_dir="${CARGO_TARGET_DIR:-$fuzz_dir/../target}"
case "$target_dir" in /*) ;; *) target_dir="$PWD/$target_dir" ;; esac
cd "$fuzz_dir"
secs="${1:-30}"
# On a loaded shared machine a niced run can be starved for many seconds: raise the timeout
# there to avoid false reports.
timeout="${FUZZ_TIMEOUT:-10}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(parse_check edits transport)
fi
mkdir -p target
if ! RUSTC_WRAPPER="$fuzz_dir/rustc-wrapper.sh" cargo build --release --locked --bins \
    --target-dir "$target_dir" \
    --config 'profile.release.package.dep-ls.debug-assertions=true' \
    --config 'profile.release.package.dep-ls.overflow-checks=true' \
    --config 'profile.release.package.dep-ls-fuzz.debug-assertions=true' \
    --config 'profile.release.package.dep-ls-fuzz.overflow-checks=true' \
    > target/build.log 2>&1; then
  tail -n 30 target/build.log; echo "fuzz build failed"; exit 1
fi
status=0
for t in "${targets[@]}"; do
  work="target/corpus/$t"
  mkdir -p "$work" "artifacts/$t"
  echo "== fuzz $t for ${secs}s"
  start=$(date +%s)
  touch "target/start-$t"
  dict=()
  case "$t" in parse_check | edits) dict=(-dict=markdown.dict) ;; esac
  if [ -n "${FUZZ_SEED:-}" ]; then dict+=(-seed="$FUZZ_SEED"); fi
  # FUZZ_RUNS_<target> (e.g. FUZZ_RUNS_parse_check) wins over FUZZ_RUNS for that target.
  per_target="FUZZ_RUNS_$t"
  runs="${!per_target:-${FUZZ_RUNS:-}}"
  if [ -n "$runs" ]; then dict+=(-runs="$runs"); fi
  # libFuzzer writes new inputs to the first directory only: the scratch corpus.
  if ! "$target_dir/release/$t" "$work" "corpus/$t" -artifact_prefix="artifacts/$t/" \
      -max_total_time="$secs" -max_len=4096 -timeout="$timeout" -rss_limit_mb=2048 \
      -print_final_stats=1 ${dict[@]+"${dict[@]}"} 2> "target/fuzz-$t.log"; then
    status=1
    echo "!! $t found a crash (see fuzz/artifacts/$t/ and fuzz/target/fuzz-$t.log):"
    tail -n 40 "target/fuzz-$t.log"
    # The inputs, printable from a CI log: `echo … | base64 -d > crash`.
    find "artifacts/$t" -type f -newer "target/start-$t" | while read -r f; do
      echo "   $f (base64): $(base64 -w0 "$f")"
    done
  fi
  end=$(date +%s)
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "target/fuzz-$t.log" | grep -o '[0-9]*$' || echo '?')
  echo "   $t: $((end - start))s, $runs runs, corpus $(ls "$work" | wc -l) inputs"
done
exit $status
