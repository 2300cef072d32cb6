#!/usr/bin/env bash
# The reliability part of CI (called by .ci/run): the fuzz targets build and run briefly, and
# `cargo deny` checks licenses, bans and sources (the advisory database cannot be fetched here).
#   scripts/reliability-ci.sh [FUZZ_SECONDS_PER_TARGET]   (default 25)
# Installs cargo-fuzz and cargo-deny with `cargo install --locked` when they are missing
# (cold: about 3 min and 6-8 min of compiling on 2 cores; see RELIABILITY.md).
# The reliability tests themselves (tests/reliability_*.rs) run in `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-25}"
t0=$(date +%s)
stamp() { echo "   ($(( $(date +%s) - t0 ))s)"; }

echo "== cargo-fuzz and cargo-deny"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --quiet
command -v cargo-deny >/dev/null || cargo install cargo-deny --locked --quiet
stamp

echo "== cargo deny check licenses bans sources"
cargo deny --log-level error check licenses bans sources
stamp

echo "== fuzz: build all targets, run each for ${secs}s (fuzz/run.sh)"
bash fuzz/run.sh "$secs"
stamp
