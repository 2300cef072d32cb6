import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { FINDING_CODES, OWNER_POLICIES, OWNER_TYPES, SEVERITIES, toServerSettings } from '../src/settings';

const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const props = pkg.contributes.configuration.properties;

/** A getter over flat `dep-ls.*` keys, defaulting to the package.json defaults like VS Code does. */
function getter(values: Record<string, unknown>) {
  return (key: string) => (key in values ? values[key] : props[`dep-ls.${key}`]?.default);
}

describe('toServerSettings', () => {
  test('defaults: only the plan scope, inlay hints, debounce and log level are sent', () => {
    assert.deepEqual(toServerSettings(getter({})), {
      plan: { scope: 'workspace' },
      inlayHints: { enabled: false },
      diagnostics: { debounceMs: 30 },
      logLevel: 'info',
    });
  });
  test('every key in the server shape', () => {
    const s = toServerSettings(
      getter({
        prefixes: ['OPS', 'BR-FEA', 'OPS', 'bad', 'X', 'QA-'],
        severity: { 'missing-owner': 'off', 'stage-mismatch': 'error', 'not-a-code': 'error', 'range-gap': 'loud' },
        owner: { Criteria: 'required', step: 'off', default: 'hint', widget: 'off', rollback: 'sometimes' },
        'plan.scope': 'directory',
        'inlayHints.enabled': true,
        'diagnostics.debounceMs': 120.4,
        logLevel: 'debug',
      }),
    );
    assert.deepEqual(s, {
      prefixes: ['OPS', 'BR-FEA', 'QA'],
      severity: { 'missing-owner': 'off', 'stage-mismatch': 'error' },
      owner: { criteria: 'required', step: 'off', default: 'hint' },
      plan: { scope: 'directory' },
      inlayHints: { enabled: true },
      diagnostics: { debounceMs: 120 },
      logLevel: 'debug',
    });
  });
  test('wrong types and values are dropped, not sent', () => {
    const s = toServerSettings(
      getter({
        prefixes: 'OPS',
        severity: ['error'],
        owner: null,
        'plan.scope': 'galaxy',
        'inlayHints.enabled': 'yes',
        'diagnostics.debounceMs': -5,
        logLevel: 'chatty',
      }),
    );
    assert.deepEqual(s, {});
    assert.deepEqual(toServerSettings(getter({ 'diagnostics.debounceMs': 99999 })).diagnostics, { debounceMs: 5000 });
  });
  test('client-only settings are not sent', () => {
    const s = toServerSettings(getter({ 'server.path': '/x', 'trace.server': 'verbose' })) as Record<string, unknown>;
    assert.equal(s.server, undefined);
    assert.equal(s.trace, undefined);
  });
});

describe('contributed settings (package.json)', () => {
  test('severity: one enum property per finding code', () => {
    const sev = props['dep-ls.severity'];
    assert.equal(sev.type, 'object');
    assert.deepEqual(Object.keys(sev.properties), [...FINDING_CODES]);
    for (const c of FINDING_CODES) assert.deepEqual(sev.properties[c].enum, [...SEVERITIES]);
  });
  test('the finding codes are the server’s (schema.json, which a Rust test keeps equal to `dep-ls schema`)', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(root, 'src', 'schema.json'), 'utf8'));
    const codes: { name: string; severity: string; summary: string }[] = schema.codes;
    assert.ok(codes.length >= 20, `${codes.length} codes`);
    assert.deepEqual([...FINDING_CODES], codes.map((c) => c.name));
    const sev = props['dep-ls.severity'].properties;
    for (const c of codes) {
      assert.ok(SEVERITIES.includes(c.severity as (typeof SEVERITIES)[number]), c.severity);
      assert.equal(sev[c.name].markdownDescription, `${c.summary} Default: \`${c.severity}\`.`, `${c.name} (run \`npm run schema\`)`);
    }
  });
  test('owner: one enum property per Type', () => {
    const owner = props['dep-ls.owner'];
    assert.deepEqual(Object.keys(owner.properties), [...OWNER_TYPES]);
    for (const t of OWNER_TYPES) assert.deepEqual(owner.properties[t].enum, [...OWNER_POLICIES]);
  });
  test('all the settings of the brief exist', () => {
    for (const k of ['server.path', 'prefixes', 'severity', 'owner', 'plan.scope', 'inlayHints.enabled', 'diagnostics.debounceMs', 'logLevel']) {
      assert.ok(props[`dep-ls.${k}`], `dep-ls.${k}`);
    }
    assert.deepEqual(props['dep-ls.trace.server'].enum, ['off', 'messages', 'verbose']);
    assert.deepEqual(props['dep-ls.logLevel'].enum, ['error', 'warn', 'info', 'debug']);
  });
});
