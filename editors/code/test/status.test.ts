import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeServer, formatStatus, IndexingTracker, parseCounts, thousands } from '../src/status';

describe('status text', () => {
  test('each state', () => {
    assert.equal(formatStatus({ kind: 'starting' }).text, '$(loading~spin) dep-ls: starting');
    assert.equal(formatStatus({ kind: 'ready' }).text, '$(check) dep-ls: ready');
    assert.equal(formatStatus({ kind: 'indexing', done: 1234, total: 5000 }).text, '$(sync~spin) dep-ls: indexing 1,234/5,000');
    assert.equal(formatStatus({ kind: 'indexing' }).text, '$(sync~spin) dep-ls: indexing');
    assert.equal(formatStatus({ kind: 'stopped' }).text, '$(debug-stop) dep-ls: stopped');
    const err = formatStatus({ kind: 'error', message: 'server binary not found' });
    assert.equal(err.text, '$(error) dep-ls: error');
    assert.match(err.tooltip, /server binary not found/);
    assert.equal(err.background, 'statusBarItem.errorBackground');
    assert.equal(formatStatus({ kind: 'ready' }).background, undefined);
  });
  test('the tooltip says which server runs', () => {
    const server = { path: '/ext/server/dep-ls', origin: 'bundled with the extension', version: '0.1.0' };
    assert.equal(describeServer(server), 'dep-ls 0.1.0, bundled with the extension: /ext/server/dep-ls');
    assert.equal(describeServer({ path: '/usr/bin/dep-ls', origin: 'found on PATH' }), 'dep-ls, found on PATH: /usr/bin/dep-ls');
    const v = formatStatus({ kind: 'ready' }, server);
    assert.equal(v.text, '$(check) dep-ls: ready');
    assert.match(v.tooltip, /^dep-ls: the language server is running\n\nServer: dep-ls 0\.1\.0, bundled with the extension: \/ext\/server\/dep-ls\n\nClick/);
    assert.doesNotMatch(formatStatus({ kind: 'ready' }).tooltip, /Server:/);
  });
  test('thousands and counts', () => {
    assert.equal(thousands(0), '0');
    assert.equal(thousands(999), '999');
    assert.equal(thousands(1234567), '1,234,567');
    assert.deepEqual(parseCounts('Indexing 1,234/5,000 files'), { done: 1234, total: 5000 });
    assert.deepEqual(parseCounts('Indexing 0/12 files'), { done: 0, total: 12 });
    assert.equal(parseCounts('Indexed 12 files'), undefined);
    assert.equal(parseCounts(undefined), undefined);
  });
});

describe('IndexingTracker', () => {
  test('begin / report / end of one folder', () => {
    const t = new IndexingTracker();
    assert.equal(t.status(), undefined);
    assert.equal(t.update('dep-ls/index//ws', { kind: 'begin', title: 'dep-ls', message: 'Indexing 0/5,000 files' }), true);
    assert.deepEqual(t.status(), { kind: 'indexing', done: 0, total: 5000, message: 'Indexing 0/5,000 files' });
    t.update('dep-ls/index//ws', { kind: 'report', message: 'Indexing 1,234/5,000 files' });
    assert.equal(formatStatus(t.status()!).text, '$(sync~spin) dep-ls: indexing 1,234/5,000');
    t.update('dep-ls/index//ws', { kind: 'report' }); // no message: keeps the counts
    assert.deepEqual(t.status(), { kind: 'indexing', done: 1234, total: 5000, message: 'Indexing 1,234/5,000 files' });
    t.update('dep-ls/index//ws', { kind: 'end', message: 'Indexed 5,000 files' });
    assert.equal(t.status(), undefined);
  });
  test('two folders are summed; other tokens are ignored', () => {
    const t = new IndexingTracker();
    t.update('dep-ls/index//a', { kind: 'begin', message: 'Indexing 10/100 files' });
    t.update('dep-ls/index//b', { kind: 'begin', message: 'Indexing 5/50 files' });
    assert.equal(t.update('some-other-token', { kind: 'begin', message: 'Indexing 1/2' }), false);
    assert.equal(t.update(42, { kind: 'begin', message: 'Indexing 1/2' }), false);
    assert.deepEqual(t.status(), { kind: 'indexing', done: 15, total: 150, message: 'Indexing 2 folders' });
    t.update('dep-ls/index//a', { kind: 'end' });
    assert.equal(formatStatus(t.status()!).text, '$(sync~spin) dep-ls: indexing 5/50');
    t.reset();
    assert.equal(t.status(), undefined);
  });
});
