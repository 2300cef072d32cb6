#!/usr/bin/env bash
# The reliability part of CI (called by .ci/run after `cargo test`): `cargo deny` checks
# licenses, bans and sources, and security advisories whenever the RustSec database (on GitHub)
# can be fetched, then every fuzz target is built and run briefly from its seeds (fuzz/run.sh; a
# crash fails the script).
#   scripts/reliability-ci.sh [FUZZ_SECONDS_PER_TARGET]   (default 20)
# Needs only the stable toolchain. cargo-deny is installed when missing (a debug build); the
# fuzz targets need no cargo-fuzz and reuse the dependencies of `cargo build --release` in the
# same target directory. Cold and warm costs are in RELIABILITY.md.
# Writes only to ignored directories: target/ (or $CARGO_TARGET_DIR), fuzz/target/,
# fuzz/artifacts/; cargo-deny goes to cargo's bin directory.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-20}"
deny_version=0.20.2
t0=$(date +%s)
stamp() { echo "   ($(($(date +%s) - t0))s)"; }

echo "== cargo-deny"
if ! command -v cargo-deny > /dev/null; then
  # A debug build: its release profile (fat LTO, one codegen unit) costs 2-3 times the CPU,
  # and checking licenses, bans and sources takes about a second either way.
  build_dir="$(mktemp -d)"
  cargo install cargo-deny --version "$deny_version" --locked --debug --quiet \
    --target-dir "$build_dir"
  rm -rf "$build_dir"
fi
cargo deny --version
stamp

echo "== cargo deny check licenses bans sources"
cargo deny --locked --log-level error check licenses bans sources
stamp

echo "== cargo deny check advisories"
fetch_log="$(mktemp)"
if cargo deny --locked --log-level error fetch db 2> "$fetch_log"; then
  cargo deny --locked --log-level error check advisories
else
  # A fetch that fails is no finding: an advisory that is found fails the script above.
  echo "note: the RustSec advisory database cannot be fetched from here ($(grep -v '^[[:space:]]*$' "$fetch_log" | tail -n 1)); advisories not checked on this machine"
fi
rm -f "$fetch_log"
stamp

echo "== fuzz: build the targets, run each for ${secs}s (fuzz/run.sh)"
# A fixed seed and a fixed number of inputs, as the property tests have a fixed seed in CI: the
# same run on every machine, whatever its speed, so a crash that longer local runs find (fresh
# seeds every time; open ones are listed in RELIABILITY.md) does not fail an unrelated change
# at random.
# Per target, as many inputs as a loaded 2-core machine runs in about 20 s (measured in issue
# 17's session: parse_check 8,000 in 17 s, edits 4,000 in 18 s, transport 100,000 in 3 s).
FUZZ_SEED="${FUZZ_SEED:-20261126}" FUZZ_RUNS="${FUZZ_RUNS:-4000}" \
  FUZZ_RUNS_parse_check="${FUZZ_RUNS_parse_check:-8000}" \
  FUZZ_RUNS_transport="${FUZZ_RUNS_transport:-100000}" \
  bash fuzz/run.sh "$secs"
stamp
