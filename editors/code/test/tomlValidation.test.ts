// The JSON Schema of dep-ls.toml the extension contributes (`contributes.tomlValidation`, read by
// Even Better TOML): it points at a file inside the extension, packaged, that is the schema
// dep-ls generates (`dep-ls.schema.json` at the repository root; `cargo test` keeps both current).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

describe('tomlValidation', () => {
  const entries: { fileMatch: string; url: string }[] = pkg.contributes.tomlValidation;

  test('dep-ls.toml is matched to a schema file inside the extension', () => {
    assert.ok(Array.isArray(entries) && entries.length === 1, JSON.stringify(entries));
    const [entry] = entries;
    assert.equal(entry.fileMatch, 'dep-ls.toml');
    assert.match(entry.url, /^\.\/[^/]+\.json$/);
    const file = path.join(root, entry.url);
    assert.ok(fs.statSync(file).isFile(), `${file} is missing`);
    // Packaged: .vscodeignore excludes everything it does not re-include.
    const ignore = fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8').split('\n');
    assert.ok(ignore.includes(`!${entry.url.slice(2)}`), `.vscodeignore does not include ${entry.url}`);
  });

  test('the file is the JSON Schema of dep-ls.toml, the same as the repository root one', () => {
    const file = path.join(root, pkg.contributes.tomlValidation[0].url);
    const text = fs.readFileSync(file, 'utf8');
    const schema = JSON.parse(text);
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.equal(schema.type, 'object');
    assert.equal(schema.additionalProperties, false);
    for (const key of ['prefixes', 'include', 'exclude', 'max_file_size', 'severity', 'owner', 'plan']) {
      assert.ok(schema.properties[key], `no ${key}`);
      assert.equal(typeof schema.properties[key].description, 'string', `${key} has no description`);
    }
    // Every finding code the extension knows has a severity entry.
    const codes = JSON.parse(fs.readFileSync(path.join(root, 'src', 'schema.json'), 'utf8')).codes;
    assert.ok(Array.isArray(codes) && codes.length > 0);
    const names = codes.map((c: { name: string }) => c.name).sort();
    assert.deepEqual(Object.keys(schema.properties.severity.properties).sort(), names);
    const rootCopy = path.join(root, '..', '..', 'dep-ls.schema.json');
    assert.equal(text, fs.readFileSync(rootCopy, 'utf8'), 'editors/code/dep-ls.schema.json differs from the root one');
  });
});
