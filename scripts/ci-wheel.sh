#!/usr/bin/env bash
# The Python wheel (pyproject.toml: maturin, `bindings = "bin"`), built and used as a person
# without Rust would use it. Called by .ci/run after `cargo test`:
#   1. a fresh venv gets maturin from PyPI (the range of pyproject.toml's build-system.requires);
#   2. `maturin build --release --locked` builds the wheel in the repository's target directory
#      (or $CARGO_TARGET_DIR), so `cargo build --release`'s build is reused: Cargo finds the
#      binary fresh and compiles nothing (the script says how long the build took and whether
#      Cargo compiled anything);
#   3. a second fresh venv installs the wheel (no index: only the wheel), and the installed
#      `dep-ls` — found on the venv's PATH, byte for byte the binary of `cargo build --release`
#      — runs the README's main job: `dep-ls check examples/acme-checkout --format json` exits 1
#      with the example's 14 findings (examples/acme-checkout/DEFECTS.md), the same JSON as the
#      Cargo-built binary; `dep-ls --version` is Cargo.toml's version;
#   4. `pip install .` from the repository root (pip's own build: an isolated environment with
#      maturin from PyPI, the same target directory) puts the same `dep-ls` on a third venv's PATH.
# Needs python3 (3.8+ with venv and pip; tomllib or grep reads pyproject.toml), the Rust
# toolchain, and PyPI; no standard input. Writes only under the target directory (wheel/).
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
target="${CARGO_TARGET_DIR:-$repo/target}"
mkdir -p "$target"
target="$(cd "$target" && pwd)"
export CARGO_TARGET_DIR="$target"
export PIP_NO_INPUT=1 PIP_DISABLE_PIP_VERSION_CHECK=1
work="$target/wheel"
t0=$(date +%s)
stamp() { echo "   ($(($(date +%s) - t0))s)"; }
fail() {
  echo "ci-wheel: FAILED: $*" >&2
  exit 1
}

rm -rf "$work"
mkdir -p "$work/dist"

echo "== a fresh venv with maturin from PyPI"
maturin_req="$(python3 - <<'PY'
import re
text = open("pyproject.toml", encoding="utf-8").read()
try:
    import tomllib
    reqs = tomllib.loads(text)["build-system"]["requires"]
except ImportError:  # Python < 3.11: the one line of build-system.requires
    reqs = re.findall(r'"([^"]+)"', re.search(r"^requires\s*=\s*\[(.*)\]", text, re.M).group(1))
print(next(r for r in reqs if r.startswith("maturin")))
PY
)"
python3 -m venv "$work/build-venv"
"$work/build-venv/bin/python" -m pip install --quiet "$maturin_req" < /dev/null
"$work/build-venv/bin/maturin" --version
stamp

echo "== maturin build --release --locked (target directory: $target)"
release_bin="$target/release/dep-ls"
before=""
[ -f "$release_bin" ] && before="$(sha256sum "$release_bin" | cut -d' ' -f1)"
b0=$(date +%s)
"$work/build-venv/bin/maturin" build --release --locked --out "$work/dist" < /dev/null \
  2>&1 | tee "$work/maturin.log"
b1=$(date +%s)
after="$(sha256sum "$release_bin" | cut -d' ' -f1)"
compiled="$(grep -c '^ *Compiling ' "$work/maturin.log" || true)"
if [ "$compiled" -eq 0 ] && [ "$before" = "$after" ]; then
  echo "maturin build: $((b1 - b0))s; Cargo compiled nothing (the release build was reused)"
else
  echo "maturin build: $((b1 - b0))s; Cargo compiled $compiled crate(s) (no release build to reuse, or sources changed since)"
fi
shopt -s nullglob
wheels=("$work"/dist/dep_ls-*.whl)
shopt -u nullglob
[ "${#wheels[@]}" -eq 1 ] || fail "expected one wheel in $work/dist, found: $(ls "$work/dist")"
wheel="${wheels[0]}"
echo "wheel: $(basename "$wheel") ($(du -k "$wheel" | cut -f1) KiB)"
stamp

# The installed command against the Cargo-built binary and the example workspace.
# $1: the venv; $2: how it was installed.
check_installed() {
  local venv="$1" how="$2"
  local bin_dir="$venv/bin"
  local found
  found="$(PATH="$bin_dir:$PATH" command -v dep-ls)" || fail "$how: no dep-ls on the venv's PATH"
  [ "$found" = "$bin_dir/dep-ls" ] || fail "$how: dep-ls resolves to $found, not the venv's"
  cmp -s "$found" "$release_bin" \
    || fail "$how: the installed dep-ls differs from $release_bin (not the same release build)"

  local version expected
  version="$(PATH="$bin_dir:$PATH" dep-ls --version < /dev/null)"
  expected="dep-ls $(grep -m1 '^version *= *"' Cargo.toml | sed 's/^version *= *"\(.*\)"/\1/')"
  [ "$version" = "$expected" ] || fail "$how: dep-ls --version printed '$version', expected '$expected'"
  echo "$how: $found: $version"

  local out="$work/findings-${how// /-}.json" code
  set +e
  PATH="$bin_dir:$PATH" dep-ls check examples/acme-checkout --format json > "$out" < /dev/null
  code=$?
  set -e
  [ "$code" -eq 1 ] || fail "$how: dep-ls check examples/acme-checkout exited $code, expected 1"
  python3 - "$out" "$work/findings-cargo.json" "$how" <<'PY' || fail "$how: the findings differ"
import json, sys
out, cargo, how = sys.argv[1:4]
findings = json.load(open(out, encoding="utf-8"))
codes = sorted({f["code"] for f in findings})
print(f"{how}: {len(findings)} findings: {', '.join(codes)}")
if len(findings) != 14:
    sys.exit(f"expected the example's 14 findings (examples/acme-checkout/DEFECTS.md), got {len(findings)}")
if findings != json.load(open(cargo, encoding="utf-8")):
    sys.exit("not the findings of the Cargo-built binary")
PY
}

set +e
"$release_bin" check examples/acme-checkout --format json > "$work/findings-cargo.json" < /dev/null
set -e

echo "== the wheel in a fresh venv: the installed dep-ls runs the main job"
python3 -m venv "$work/run-venv"
"$work/run-venv/bin/python" -m pip install --quiet --no-index "$wheel" < /dev/null
check_installed "$work/run-venv" "wheel"
stamp

echo "== pip install . (pip's isolated build, maturin from PyPI) in a fresh venv"
python3 -m venv "$work/pip-venv"
p0=$(date +%s)
"$work/pip-venv/bin/python" -m pip install --quiet "$repo" < /dev/null
echo "pip install .: $(($(date +%s) - p0))s"
check_installed "$work/pip-venv" "pip install"
stamp
echo "ci-wheel: OK"
