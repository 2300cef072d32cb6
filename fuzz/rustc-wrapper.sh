#!/usr/bin/env bash
# rustc wrapper for fuzz/run.sh (RUSTC_WRAPPER): compiles dep-ls and the fuzz targets with
# libFuzzer's coverage instrumentation, the flags `cargo fuzz build` passes (sancov, trace-cmp,
# `--cfg fuzzing`; no sanitizer), and leaves every other crate to plain rustc. The dependencies
# are then the very artifacts `cargo build --release` makes, so a fuzz build reuses the main
# build's target directory instead of compiling everything again with RUSTFLAGS (which
# cargo-fuzz sets for every crate). Cargo sets CARGO_PKG_NAME for the crates it compiles and not
# for its own `rustc -vV` probes.
rustc="$1"
shift
case "${CARGO_PKG_NAME:-}" in
  dep-ls | dep-ls-fuzz)
    exec "$rustc" "$@" \
      -Cpasses=sancov-module \
      -Cllvm-args=-sanitizer-coverage-level=4 \
      -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
      -Cllvm-args=-sanitizer-coverage-pc-table \
      -Cllvm-args=-sanitizer-coverage-trace-compares \
      -Cllvm-args=-sanitizer-coverage-stack-depth \
      -Cllvm-args=-simplifycfg-branch-fold-threshold=0 \
      --cfg fuzzing --check-cfg 'cfg(fuzzing)'
    ;;
  *) exec "$rustc" "$@" ;;
esac
