#!/usr/bin/env bash
# Builds a platform-specific .vsix with the dep-ls server inside (as rust-analyzer and ruff ship
# theirs): the extension's files plus server/dep-ls (server/dep-ls.exe for win32-*), executable.
#
#   usage: editors/code/package-platform.sh TARGET BIN
#     TARGET  a vsce target: linux-x64 linux-arm64 linux-armhf alpine-x64 alpine-arm64
#             darwin-x64 darwin-arm64 win32-x64 win32-arm64
#     BIN     the dep-ls executable built for TARGET (its header is checked: ELF/Mach-O/PE, arch)
#   env:    OUT_DIR  where the .vsix goes (default: editors/code)
#
# Writes OUT_DIR/dep-ls-TARGET-VERSION.vsix and prints its path on the last line of stdout.
# Exit 2 on a bad argument, 1 when packaging fails. Packaging happens in a staging copy of the
# extension (removed on exit, also on failure): the source tree never holds the binary. Needs
# `npm ci` to have run in editors/code (esbuild, vsce).
set -euo pipefail

usage() { echo "usage: $0 TARGET BIN" >&2; exit 2; }
[ $# -eq 2 ] || usage
TARGET="$1" BIN="$2"
HERE="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"   # editors/code
cd "$HERE"
[ -x node_modules/.bin/vsce ] && [ -d node_modules/esbuild ] || { echo "package-platform: run \`npm ci\` in $HERE first" >&2; exit 2; }

node scripts/package-check.mjs target "$TARGET"          # exit 2: unknown target
[ -e "$BIN" ] || { echo "package-platform: no such file: $BIN" >&2; exit 2; }
[ -f "$BIN" ] || { echo "package-platform: not a regular file: $BIN" >&2; exit 2; }
[ -x "$BIN" ] || { echo "package-platform: not executable: $BIN (chmod +x it)" >&2; exit 2; }
BIN="$(readlink -f "$BIN")"
node scripts/package-check.mjs binary "$TARGET" "$BIN"   # exit 2: wrong OS or architecture

case "$TARGET" in win32-*) NAME=dep-ls.exe ;; *) NAME=dep-ls ;; esac
VERSION="$(node -p 'require("./package.json").version')"
OUT_DIR="${OUT_DIR:-$HERE}"
mkdir -p "$OUT_DIR"
VSIX="$(cd "$OUT_DIR" && pwd)/dep-ls-$TARGET-$VERSION.vsix"

STAGE="$(mktemp -d "${TMPDIR:-/tmp}/dep-ls-vsix.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
trap 'exit 130' INT TERM HUP
# A copy of the extension's sources (not node_modules, builds or packages); node_modules is a
# symlink for the prepublish build (vsce does not pack it: --no-dependencies ignores node_modules/).
tar -C "$HERE" --exclude=./node_modules --exclude=./dist --exclude=./out --exclude=./server \
  --exclude='./*.vsix' --exclude=./e2e -cf - . | tar -C "$STAGE" -xf -
ln -s "$HERE/node_modules" "$STAGE/node_modules"
mkdir "$STAGE/server"
cp "$BIN" "$STAGE/server/$NAME"
chmod 0755 "$STAGE/server/$NAME"
printf '\n# package-platform.sh: the bundled server\n!server/%s\n' "$NAME" >> "$STAGE/.vscodeignore"

rm -f "$VSIX"
( cd "$STAGE" && node_modules/.bin/vsce package --target "$TARGET" --no-dependencies --allow-missing-repository \
    --no-rewrite-relative-links -o "$VSIX" ) >&2 || { echo "package-platform: vsce package failed" >&2; exit 1; }
node scripts/package-check.mjs vsix "$TARGET" "$VSIX"
echo "package-platform: $TARGET with server/$NAME ($(du -h "$BIN" | cut -f1)) -> $VSIX" >&2
echo "$VSIX"
