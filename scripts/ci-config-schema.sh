#!/usr/bin/env bash
# Validates dep-ls.toml files against dep-ls.schema.json (Python `jsonschema` from PyPI, in a
# venv under target/; TOML read with Python 3.11's tomllib), and checks that the schema agrees
# with dep-ls itself: every file dep-ls reports a configuration problem for
# (`dep-ls config --config FILE`, exit 1) fails the schema, and every file it accepts (exit 0)
# passes. The files: every examples/**/dep-ls.toml (all must be valid), every
# tests/fixtures/**/dep-ls.toml (tests/fixtures/cli/bad_config/ is deliberately invalid), and a
# handful of small cases below, valid and invalid, so that the step cannot pass vacuously.
# That the committed schema is current is `cargo test`'s job (config::schema); here the VS Code
# extension's copy must equal the root's.
#
# Usage: bash scripts/ci-config-schema.sh [DEP_LS_BINARY]   (default: target/release/dep-ls)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-$PWD/target/release/dep-ls}"
VENV="$PWD/target/config-schema-venv"

cmp dep-ls.schema.json editors/code/dep-ls.schema.json || {
  echo "editors/code/dep-ls.schema.json differs from dep-ls.schema.json: UPDATE_SCHEMA=1 cargo test --lib config::schema"
  exit 1
}

if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check 'jsonschema>=4.18,<5'

WORK="$PWD/target/config-schema-cases"
rm -rf "$WORK"
mkdir -p "$WORK/ws/.git" "$WORK/cases"

# name|expected (valid/invalid)|TOML text (\n for newlines)
while IFS='|' read -r name expect text; do
  [ -n "$name" ] || continue
  printf '%b' "$text" > "$WORK/cases/$expect-$name.toml"
done <<'CASES'
empty|valid|
everything|valid|prefixes = ["OPS", "BR-FEA"]\ninclude = ["docs/**/*.md"]\nexclude = ["drafts/**"]\nmax_file_size = 1048576\n[severity]\nrange-gap = "Warn"\nstage-mismatch = "none"\n[owner]\nCriteria = "REQUIRED"\ndefault = "hint"\n[plan]\nscope = "directory"\nenvironments = ["staging", "production", "canary"]\n
plan-string|valid|plan = "file"\n
unknown-key|invalid|colour = "blue"\n
unknown-code|invalid|[severity]\nmissing-ownr = "off"\n
bad-level|invalid|[severity]\nrange-gap = "loud"\n
unknown-type|invalid|[owner]\nteam = "off"\n
bad-policy|invalid|[owner]\ncriteria = "maybe"\n
bad-prefix|invalid|prefixes = ["ops"]\n
zero-size|invalid|max_file_size = 0\n
plan-no-scope|valid|[plan]\nenvironments = ["staging"]\n
plan-unknown-key|invalid|[plan]\nscope = "file"\nenviroments = ["staging"]\n
bad-scope|invalid|[plan]\nscope = "folder"\n
not-toml|invalid|this is not toml\n
CASES

# The repository's files, with what they must be (examples valid; bad_config invalid).
files=()
while IFS= read -r f; do files+=("$f"); done < <(find examples tests/fixtures -name dep-ls.toml | sort)
for f in "${files[@]}"; do
  case "$f" in
    tests/fixtures/cli/bad_config/*) expect=invalid ;;
    *) expect=valid ;;
  esac
  echo "$f|$expect"
done > "$WORK/repo-files"
for f in "$WORK"/cases/*.toml; do
  b="$(basename "$f")"
  echo "$f|${b%%-*}"
done >> "$WORK/repo-files"

# What dep-ls says of each file (0 = no problem, 1 = a problem), in an empty workspace of its
# own so that only the file speaks (no domain profile).
while IFS='|' read -r f expect; do
  set +e
  "$BIN" config "$WORK/ws" --config "$f" --format json > /dev/null 2>&1
  code=$?
  set -e
  case "$code" in
    0) said=valid ;;
    1) said=invalid ;;
    *) echo "dep-ls config --config $f: exit code $code"; exit 1 ;;
  esac
  echo "$f|$expect|$said"
done < "$WORK/repo-files" > "$WORK/verdicts"

"$VENV/bin/python" - "$WORK/verdicts" <<'PY'
import json, sys, tomllib
from jsonschema import Draft7Validator

schema = json.load(open("dep-ls.schema.json"))
Draft7Validator.check_schema(schema)
validator = Draft7Validator(schema)
failures = []
counts = {"valid": 0, "invalid": 0}
for line in open(sys.argv[1]):
    path, expect, said = line.rstrip("\n").split("|")
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
        errors = [e.message for e in validator.iter_errors(data)]
    except tomllib.TOMLDecodeError as e:
        errors = [f"not TOML: {e}"]
    schema_says = "invalid" if errors else "valid"
    counts[schema_says] += 1
    shown = path.split("target/config-schema-cases/")[-1]
    print(f"{schema_says:8} {shown}" + (f"  ({errors[0][:100]})" if errors else ""))
    if schema_says != expect:
        failures.append(f"{shown}: the schema says {schema_says}, expected {expect}")
    if schema_says != said:
        failures.append(f"{shown}: the schema says {schema_says}, dep-ls says {said}")
print(f"{counts['valid']} valid, {counts['invalid']} invalid")
if counts["valid"] == 0 or counts["invalid"] == 0:
    failures.append("nothing on one side: the check would pass vacuously")
if failures:
    print("\n".join(failures))
    sys.exit(1)
PY
