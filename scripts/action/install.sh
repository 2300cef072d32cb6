#!/usr/bin/env bash
# The GitHub Action's install step (action.yml): puts dep-ls on the runner.
#
# Which release: DEP_LS_VERSION (the `version` input) or else DEP_LS_ACTION_REF (the ref the
# action is used at). The release binary for the runner (DEP_LS_RUNNER_OS / DEP_LS_RUNNER_ARCH,
# i.e. runner.os / runner.arch) is downloaded from that GitHub release of
# DEP_LS_ACTION_REPOSITORY, its SHA-256 checked against the release's `.sha256` file, and
# unpacked. When there is no such binary (a branch or commit ref, no release, an unknown
# target), dep-ls is built with cargo: from the action's checkout (GITHUB_ACTION_PATH), or,
# for an explicit version other than the action's ref, from that tag of the repository.
#
# Writes `bin` (the executable's path) and `version` to GITHUB_OUTPUT and the install folder
# to GITHUB_PATH. DEP_LS_RELEASE_BASE overrides the download base URL (tests use file://).
set -euo pipefail

repo="${DEP_LS_ACTION_REPOSITORY:-}"
[ -n "$repo" ] || repo="dep-ls/dep-ls"
ref="${DEP_LS_ACTION_REF:-}"
tag="${DEP_LS_VERSION:-}"
explicit=1
if [ -z "$tag" ]; then
  tag="$ref"
  explicit=0
fi
# `0.1.0` means the release `v0.1.0`.
if [[ "$tag" =~ ^[0-9]+\.[0-9]+ ]]; then
  tag="v$tag"
fi

dest="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/dep-ls-action"
mkdir -p "$dest/bin"

target=""
case "${DEP_LS_RUNNER_OS:-}/${DEP_LS_RUNNER_ARCH:-}" in
  Linux/X64) target=x86_64-unknown-linux-gnu ;;
  Linux/ARM64) target=aarch64-unknown-linux-gnu ;;
  macOS/X64) target=x86_64-apple-darwin ;;
  macOS/ARM64) target=aarch64-apple-darwin ;;
  Windows/X64) target=x86_64-pc-windows-msvc ;;
esac
exe=dep-ls
archive="tar.gz"
if [ "${DEP_LS_RUNNER_OS:-}" = Windows ]; then
  exe=dep-ls.exe
  archive=zip
fi

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

# Downloads and unpacks the release binary; returns 1 when the release has none (so the
# caller builds instead), exits 1 on a checksum mismatch (never runs an unverified binary).
download() {
  [ -n "$tag" ] && [ -n "$target" ] || return 1
  local base="${DEP_LS_RELEASE_BASE:-https://github.com/$repo/releases/download}"
  local name="dep-ls-$target.$archive"
  local tmp
  tmp="$(mktemp -d)"
  echo "Downloading $base/$tag/$name"
  if ! curl -fsSL --retry 3 -o "$tmp/$name" "$base/$tag/$name" ||
    ! curl -fsSL --retry 3 -o "$tmp/$name.sha256" "$base/$tag/$name.sha256"; then
    echo "No release binary $name for $tag."
    return 1
  fi
  local want got
  want="$(cut -d' ' -f1 <"$tmp/$name.sha256" | tr -d '\r\n')"
  got="$(sha256_of "$tmp/$name")"
  if [ "$want" != "$got" ]; then
    echo "::error title=dep-ls install::$name: SHA-256 $got does not match the release's $want"
    exit 1
  fi
  if [ "$archive" = zip ]; then
    if command -v unzip >/dev/null 2>&1; then
      unzip -q -o "$tmp/$name" -d "$tmp/x"
    else
      7z x -y -o"$tmp/x" "$tmp/$name" >/dev/null
    fi
  else
    mkdir -p "$tmp/x"
    tar -xzf "$tmp/$name" -C "$tmp/x"
  fi
  local found
  found="$(find "$tmp/x" -type f -name "$exe" | head -n 1)"
  if [ -z "$found" ]; then
    echo "::error title=dep-ls install::$name holds no $exe"
    exit 1
  fi
  cp "$found" "$dest/bin/$exe"
  chmod +x "$dest/bin/$exe"
  rm -rf "$tmp"
}

build() {
  if ! command -v cargo >/dev/null 2>&1; then
    echo "::error title=dep-ls install::no release binary for ${tag:-this ref} on ${DEP_LS_RUNNER_OS:-?}/${DEP_LS_RUNNER_ARCH:-?}, and no cargo to build one (add dtolnay/rust-toolchain before this action, or use a released version)"
    exit 1
  fi
  if [ "$explicit" = 1 ] && [ "$tag" != "$ref" ]; then
    echo "Building dep-ls $tag from https://github.com/$repo with cargo"
    cargo install --locked --root "$dest" --git "https://github.com/$repo" --tag "$tag" dep-ls
  else
    echo "Building dep-ls from the action's checkout ($GITHUB_ACTION_PATH) with cargo"
    cargo install --locked --root "$dest" --path "$GITHUB_ACTION_PATH"
  fi
}

if ! download; then
  build
fi

bin="$dest/bin/$exe"
version="$("$bin" --version)"
echo "Installed $version at $bin"
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "bin=$bin"
    echo "version=$version"
  } >>"$GITHUB_OUTPUT"
fi
if [ -n "${GITHUB_PATH:-}" ]; then
  echo "$dest/bin" >>"$GITHUB_PATH"
fi
