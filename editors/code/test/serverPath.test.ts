import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bundledServerPath, describeSource, findServer, LookupEnv, notFoundMessage, resolveConfiguredPath } from '../src/serverPath';

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

describe('findServer with a bundled server (platform .vsix)', () => {
  const ext = '/home/u/.vscode/extensions/dep-ls.dep-ls-0.1.0-linux-x64';
  const bundled = `${ext}/server/dep-ls`;
  test('order: setting, then bundled, then PATH', () => {
    const all = ['/opt/dep-ls', bundled, '/usr/bin/dep-ls'];
    assert.deepEqual(findServer(env(all, { configured: '/opt/dep-ls', extensionPath: ext })), { kind: 'found', path: '/opt/dep-ls', source: 'setting' });
    assert.deepEqual(findServer(env(all, { extensionPath: ext })), { kind: 'found', path: bundled, source: 'bundled' });
    assert.deepEqual(findServer(env(all, { configured: '  ', extensionPath: ext })), { kind: 'found', path: bundled, source: 'bundled' });
    assert.deepEqual(findServer(env(['/usr/bin/dep-ls'], { extensionPath: ext })), { kind: 'found', path: '/usr/bin/dep-ls', source: 'PATH' });
  });
  test('a universal .vsix (no server inside) falls back to PATH silently', () => {
    const r = findServer(env(['/usr/bin/dep-ls'], { extensionPath: ext, exists: () => false }));
    assert.deepEqual(r, { kind: 'found', path: '/usr/bin/dep-ls', source: 'PATH' });
    assert.deepEqual(findServer(env([], { extensionPath: ext, exists: () => false, pathEnv: '/a' })), { kind: 'notFound', searched: ['/a/dep-ls'] });
  });
  test('a setting that points nowhere is an error even with a bundled server (message unchanged)', () => {
    const r = findServer(env([bundled, '/usr/bin/dep-ls'], { configured: '/nonexistent/dep-ls', extensionPath: ext }));
    assert.deepEqual(r, { kind: 'badSetting', configured: '/nonexistent/dep-ls', resolved: '/nonexistent/dep-ls' });
    assert.equal(
      notFoundMessage(r as never),
      'dep-ls: the setting dep-ls.server.path is "/nonexistent/dep-ls", but /nonexistent/dep-ls is not an executable file. ' +
        'Install it with `cargo install --path .` in the dep-ls repository (puts dep-ls in ~/.cargo/bin), or set `dep-ls.server.path` to the binary.',
    );
  });
  test('a bundled server that is not executable: PATH is used, and the reason kept', () => {
    const exists = (f: string) => f === bundled || f === '/usr/bin/dep-ls';
    const r = findServer(env(['/usr/bin/dep-ls'], { extensionPath: ext, exists }));
    assert.equal(r.kind, 'found');
    assert.equal(r.kind === 'found' && r.source, 'PATH');
    assert.match(r.kind === 'found' ? (r.skipped ?? '') : '', new RegExp(`bundled server ${bundled} is not executable`));
    const n = findServer(env([], { extensionPath: ext, exists, pathEnv: '/a' }));
    assert.equal(n.kind, 'notFound');
    const msg = notFoundMessage(n as never);
    assert.match(msg, /not found on PATH\. The bundled server .*server\/dep-ls is not executable/);
    assert.match(msg, /cargo install --path \./);
  });
  test('Windows: server\\dep-ls.exe inside the extension', () => {
    const wext = 'C:\\Users\\u\\.vscode\\extensions\\dep-ls.dep-ls-0.1.0-win32-x64';
    assert.equal(bundledServerPath(wext, 'win32'), `${wext}\\server\\dep-ls.exe`);
    assert.equal(bundledServerPath('/e', 'darwin'), '/e/server/dep-ls');
    const r = findServer(
      env([`${wext}\\server\\dep-ls.exe`, 'C:\\bin\\dep-ls.exe'], { platform: 'win32', pathEnv: 'C:\\bin', home: 'C:\\Users\\u', extensionPath: wext }),
    );
    assert.deepEqual(r, { kind: 'found', path: `${wext}\\server\\dep-ls.exe`, source: 'bundled' });
    // A file named dep-ls (no .exe) inside a Windows extension is not the server.
    const n = findServer(env([`${wext}\\server\\dep-ls`], { platform: 'win32', pathEnv: '', home: 'C:\\Users\\u', extensionPath: wext }));
    assert.equal(n.kind, 'notFound');
  });
  test('source words', () => {
    assert.equal(describeSource('setting'), 'from the dep-ls.server.path setting');
    assert.equal(describeSource('bundled'), 'bundled with the extension');
    assert.equal(describeSource('PATH'), 'found on PATH');
  });
});
