import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findServer, LookupEnv, notFoundMessage, resolveConfiguredPath } from '../src/serverPath';

function env(files: string[], over: Partial<LookupEnv> = {}): LookupEnv {
  return {
    configured: undefined,
    pathEnv: '/usr/local/bin:/usr/bin:/home/u/.cargo/bin',
    platform: 'linux',
    home: '/home/u',
    workspaceFolder: '/ws',
    isExecutable: (f) => files.includes(f),
    ...over,
  };
}

describe('findServer', () => {
  test('the setting wins over PATH', () => {
    const r = findServer(env(['/opt/dep-ls', '/usr/bin/dep-ls'], { configured: '/opt/dep-ls' }));
    assert.deepEqual(r, { kind: 'found', path: '/opt/dep-ls', source: 'setting' });
  });
  test('a bad setting is reported, with no silent PATH fallback', () => {
    const r = findServer(env(['/usr/bin/dep-ls'], { configured: '/nope/dep-ls' }));
    assert.deepEqual(r, { kind: 'badSetting', configured: '/nope/dep-ls', resolved: '/nope/dep-ls' });
    assert.match(notFoundMessage(r as never), /dep-ls\.server\.path.*\/nope\/dep-ls.*cargo install --path \./);
  });
  test('~ and relative settings', () => {
    assert.equal(findServer(env(['/home/u/bin/dep-ls'], { configured: '~/bin/dep-ls' })).kind, 'found');
    const r = findServer(env(['/ws/target/release/dep-ls'], { configured: 'target/release/dep-ls' }));
    assert.deepEqual(r, { kind: 'found', path: '/ws/target/release/dep-ls', source: 'setting' });
    assert.equal(resolveConfiguredPath('${workspaceFolder}/x/../dep-ls', env([])), '/ws/dep-ls');
    assert.equal(resolveConfiguredPath('${userHome}/dep-ls', env([])), '/home/u/dep-ls');
  });
  test('an empty or blank setting means PATH', () => {
    for (const configured of ['', '   ', undefined]) {
      const r = findServer(env(['/home/u/.cargo/bin/dep-ls'], { configured }));
      assert.deepEqual(r, { kind: 'found', path: '/home/u/.cargo/bin/dep-ls', source: 'PATH' });
    }
  });
  test('PATH order is respected', () => {
    const r = findServer(env(['/usr/bin/dep-ls', '/home/u/.cargo/bin/dep-ls']));
    assert.deepEqual(r, { kind: 'found', path: '/usr/bin/dep-ls', source: 'PATH' });
  });
  test('nothing found: the searched places and an install hint', () => {
    const r = findServer(env([], { pathEnv: '/a::/b' }));
    assert.deepEqual(r, { kind: 'notFound', searched: ['/a/dep-ls', '/b/dep-ls'] });
    const msg = notFoundMessage(r as never);
    assert.match(msg, /not found on PATH/);
    assert.match(msg, /cargo install --path \./);
    assert.match(msg, /dep-ls\.server\.path/);
    assert.deepEqual(findServer(env([], { pathEnv: undefined })), { kind: 'notFound', searched: [] });
  });
  test('Windows: ; separator and .exe', () => {
    const r = findServer(
      env(['C:\\Users\\u\\.cargo\\bin\\dep-ls.exe'], { platform: 'win32', pathEnv: 'C:\\Windows;"C:\\Users\\u\\.cargo\\bin"', home: 'C:\\Users\\u' }),
    );
    assert.deepEqual(r, { kind: 'found', path: 'C:\\Users\\u\\.cargo\\bin\\dep-ls.exe', source: 'PATH' });
    const s = findServer(env(['D:\\tools\\dep-ls.exe'], { platform: 'win32', configured: 'D:\\tools\\dep-ls', home: 'C:\\Users\\u' }));
    assert.deepEqual(s, { kind: 'found', path: 'D:\\tools\\dep-ls.exe', source: 'setting' });
  });
});
