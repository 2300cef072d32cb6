// The TextMate injection: tokenizes Markdown with VS Code's own Markdown grammar (vendored in
// test/fixtures) plus our injection, with the same engine VS Code uses (vscode-textmate + Oniguruma).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

const root = path.join(__dirname, '..', '..');
const injectionPath = path.join(root, 'syntaxes', 'dep-ls.injection.tmLanguage.json');
const injection = JSON.parse(fs.readFileSync(injectionPath, 'utf8'));
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

const ID_SCOPE = 'entity.name.type.id.dep-ls';
const KEY_SCOPE = 'support.type.property-name.dep-ls';

let grammar: vsctm.IGrammar;

before(async () => {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (s: string[]) => new oniguruma.OnigScanner(s),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) => {
      if (scope === 'text.html.markdown') {
        const file = path.join(root, 'test', 'fixtures', 'markdown.tmLanguage.json');
        return vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
      }
      if (scope === injection.scopeName) return vsctm.parseRawGrammar(fs.readFileSync(injectionPath, 'utf8'), injectionPath);
      // Embedded languages (yaml, json, …): an empty grammar, so the fences get their
      // `meta.embedded.block.*` scopes as in VS Code.
      return vsctm.parseRawGrammar(JSON.stringify({ scopeName: scope, patterns: [] }), `${scope}.json`);
    },
    getInjections: (scope) => (scope === 'text.html.markdown' ? [injection.scopeName] : undefined),
  });
  const g = await registry.loadGrammar('text.html.markdown');
  assert.ok(g, 'Markdown grammar loaded');
  grammar = g;
});

/** Tokenizes a document; returns, per scope of interest, the texts carrying it (line:text). */
function scan(doc: string): { ids: string[]; keys: string[] } {
  const ids: string[] = [];
  const keys: string[] = [];
  let state = vsctm.INITIAL;
  doc.split('\n').forEach((line, n) => {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) {
      const text = line.slice(t.startIndex, t.endIndex);
      if (t.scopes.includes(ID_SCOPE)) ids.push(`${n + 1}:${text}`);
      if (t.scopes.includes(KEY_SCOPE)) keys.push(`${n + 1}:${text}`);
    }
    state = r.ruleStack;
  });
  return { ids, keys };
}

describe('grammar injection (package.json)', () => {
  test('is contributed as an injection into Markdown', () => {
    const g = pkg.contributes.grammars.find((x: { scopeName: string }) => x.scopeName === injection.scopeName);
    assert.ok(g, 'grammar contributed');
    assert.deepEqual(g.injectTo, ['text.html.markdown']);
    assert.equal(path.normalize(g.path), path.normalize('./syntaxes/dep-ls.injection.tmLanguage.json'));
    assert.match(injection.injectionSelector, /^L:text\.html\.markdown/);
  });
});

describe('ID regex with JS RegExp (the brief ID shape, restricted to known prefixes)', () => {
  const re = new RegExp(injection.repository.id.match, 'g');
  const ids = (line: string) => [...line.matchAll(re)].map((m) => m[0]);
  test('finds IDs', () => {
    assert.deepEqual(ids('Linked IDs: DEP-001, EPIC-01, API-AUTH-003; BR-FEA-001 and TEST-001 to TEST-030'), [
      'DEP-001',
      'EPIC-01',
      'API-AUTH-003',
      'BR-FEA-001',
      'TEST-001',
      'TEST-030',
    ]);
    assert.deepEqual(ids('ranges TEST-001..TEST-050 and TEST-001–TEST-050'), ['TEST-001', 'TEST-050', 'TEST-001', 'TEST-050']);
  });
  test('every match has the ID shape of the brief', () => {
    const shape = /^\b[A-Z][A-Z0-9]*(?:-[A-Z][A-Z0-9]*)*-\d+\b$/;
    for (const id of ids('DEP-001 EPIC-01 API-AUTH-003 MON-7 RUN-123456')) assert.match(id, shape);
  });
  test('does not take noise for IDs', () => {
    assert.deepEqual(ids('Encoded as UTF-8, hashed with SHA-256, dates in ISO-8601, ISO-4217 codes, HTTP-2'), []);
    assert.deepEqual(ids('XDEP-001 DEP-001a xDEP-001 DEP-0012345 dep-001 DEP-'), []);
    assert.deepEqual(ids('a-DEP-001 DEP-001-b'), []);
  });
});

describe('tokenized with the Markdown grammar', () => {
  test('IDs in headings, definitions, prose and link lists', () => {
    const r = scan(
      [
        '## DEP-001: Staging environment',
        '',
        'DEP-002: Preview',
        'Type: Environment',
        'Linked IDs: EPIC-01, API-AUTH-003, TEST-001 to TEST-030',
        '',
        'Prose mentions MON-001 and UTF-8 and SHA-256.',
      ].join('\n'),
    );
    assert.deepEqual(r.ids, ['1:DEP-001', '3:DEP-002', '5:EPIC-01', '5:API-AUTH-003', '5:TEST-001', '5:TEST-030', '7:MON-001']);
  });

  test('field keys in all styles, at line start only', () => {
    const r = scan(
      [
        'DEP-003: Rollback',
        'Type: Rollback',
        '**Owner**: SRE',
        '**Threshold:** >2% for 5 minutes',
        '- Stage: Post-deploy',
        '* **Linked IDs:** MON-001',
        '  Success Criteria: zero errors',
        '',
        'The Owner: is not a key here, nor is Type:',
        'Unrelated: not a dep-ls key',
      ].join('\n'),
    );
    assert.deepEqual(r.keys, ['2:Type', '3:Owner', '4:Threshold', '5:Stage', '6:Linked IDs', '7:Success Criteria']);
  });

  test('IDs and keys inside plain fences (where DEP- entries may be written)', () => {
    const r = scan(['```', 'DEP-006: plain', 'Type: Step', 'Linked IDs: RUN-001', '```'].join('\n'));
    assert.deepEqual(r.ids, ['2:DEP-006', '4:RUN-001']);
    assert.deepEqual(r.keys, ['3:Type', '4:Linked IDs']);
  });

  test('no IDs inside code spans, fenced code of other languages or HTML comments', () => {
    const r = scan(
      [
        'Text `DEP-999` in a code span, and DEP-010 outside.',
        '',
        '```yaml',
        'DEP-004: not a definition',
        'key: DEP-005',
        '```',
        '```json',
        '{"id": "DEP-007"}',
        '```',
        '',
        '<!-- DEP-123 is hidden -->',
        'DEP-011: after',
      ].join('\n'),
    );
    assert.deepEqual(r.ids, ['1:DEP-010', '12:DEP-011']);
  });

  test('the example release plan: many IDs, none of them noise', () => {
    const file = path.join(root, '..', '..', 'examples', 'acme-checkout', 'release', 'release-plan.md');
    const text = fs.readFileSync(file, 'utf8');
    const r = scan(text);
    assert.ok(r.ids.length > 50, `only ${r.ids.length} IDs found`);
    assert.ok(r.keys.length > 100, `only ${r.keys.length} keys found`);
    for (const id of r.ids) assert.doesNotMatch(id, /:(UTF|SHA|ISO|HTTP)-/);
    assert.ok(r.ids.some((x) => x.endsWith(':DEP-011')));
    assert.ok(r.keys.some((x) => x.endsWith(':Threshold')));
  });
});
