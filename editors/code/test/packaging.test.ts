import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { binaryMismatch, bundledRelativePath, detectBinary, isTarget, serverFileName, TARGETS, vsixProblem, zipEntries } from '../src/packaging';

// Synthetic executable headers.
function elf(machine: number): Uint8Array {
  const b = new Uint8Array(64);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  b[18] = machine & 0xff;
  b[19] = machine >> 8;
  return b;
}
function macho(cpu: number): Uint8Array {
  const b = new Uint8Array(32);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0xfeedfacf, true);
  v.setUint32(4, cpu, true);
  return b;
}
function fat(cpus: number[]): Uint8Array {
  const b = new Uint8Array(8 + 20 * cpus.length);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0xcafebabe);
  v.setUint32(4, cpus.length);
  cpus.forEach((c, i) => v.setUint32(8 + 20 * i, c));
  return b;
}
function pe(machine: number): Uint8Array {
  const b = new Uint8Array(0x100);
  const v = new DataView(b.buffer);
  b.set([0x4d, 0x5a]);
  v.setUint32(0x3c, 0x80, true);
  b.set([0x50, 0x45, 0, 0], 0x80);
  v.setUint16(0x84, machine, true);
  return b;
}
/** A zip's central directory + end record (all zipEntries reads), entries with Unix modes. */
function zip(entries: [string, number][]): Uint8Array {
  const parts: Buffer[] = [];
  for (const [name, mode] of entries) {
    const h = Buffer.alloc(46);
    h.writeUInt32LE(0x02014b50, 0);
    h.writeUInt16LE(Buffer.byteLength(name), 28);
    h.writeUInt32LE((mode << 16) >>> 0, 38);
    parts.push(h, Buffer.from(name));
  }
  const cd = Buffer.concat(parts);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(0, 16);
  return new Uint8Array(Buffer.concat([cd, end]));
}

describe('packaging', () => {
  test('targets and file names', () => {
    assert.ok(isTarget('linux-x64') && isTarget('win32-arm64') && isTarget('alpine-x64'));
    assert.ok(!isTarget('web') && !isTarget('linux') && !isTarget(''));
    assert.equal(serverFileName('win32'), 'dep-ls.exe');
    assert.equal(serverFileName('win32-arm64'), 'dep-ls.exe');
    assert.equal(serverFileName('linux'), 'dep-ls');
    assert.equal(serverFileName('darwin-arm64'), 'dep-ls');
    assert.equal(bundledRelativePath('win32-x64'), 'server/dep-ls.exe');
    assert.equal(bundledRelativePath('alpine-x64'), 'server/dep-ls');
  });
  test('detectBinary', () => {
    assert.deepEqual(detectBinary(elf(0x3e)), { format: 'elf', archs: ['x64'] });
    assert.deepEqual(detectBinary(elf(0xb7)), { format: 'elf', archs: ['arm64'] });
    assert.deepEqual(detectBinary(elf(0x28)), { format: 'elf', archs: ['armhf'] });
    assert.deepEqual(detectBinary(macho(0x0100000c)), { format: 'macho', archs: ['arm64'] });
    assert.deepEqual(detectBinary(fat([0x01000007, 0x0100000c])), { format: 'macho', archs: ['x64', 'arm64'] });
    assert.deepEqual(detectBinary(pe(0x8664)), { format: 'pe', archs: ['x64'] });
    assert.deepEqual(detectBinary(pe(0xaa64)), { format: 'pe', archs: ['arm64'] });
    assert.equal(detectBinary(new TextEncoder().encode('#!/bin/sh\necho dep-ls\n')), undefined);
    assert.equal(detectBinary(new Uint8Array(0)), undefined);
    assert.equal(detectBinary(new Uint8Array([0x4d, 0x5a, 1, 2])), undefined); // truncated MZ
  });
  test('binaryMismatch', () => {
    for (const t of TARGETS) {
      const [osName, arch] = t.split('-');
      const code = { x64: [0x3e, 0x01000007, 0x8664], arm64: [0xb7, 0x0100000c, 0xaa64], armhf: [0x28, 0, 0] }[arch]!;
      const right = osName === 'win32' ? pe(code[2]) : osName === 'darwin' ? macho(code[1]) : elf(code[0]);
      assert.equal(binaryMismatch(t, right), undefined, t);
    }
    assert.equal(binaryMismatch('darwin-x64', fat([0x01000007, 0x0100000c])), undefined);
    assert.match(binaryMismatch('linux-arm64', elf(0x3e))!, /built for x64; linux-arm64 needs arm64/);
    assert.match(binaryMismatch('win32-x64', elf(0x3e))!, /ELF \(Linux\).*win32-x64 needs a PE \(Windows\)/);
    assert.match(binaryMismatch('darwin-arm64', pe(0xaa64))!, /PE \(Windows\).*needs a Mach-O/);
    assert.match(binaryMismatch('linux-x64', new TextEncoder().encode('#!/bin/sh'))!, /not an executable for any platform/);
  });
  test('zipEntries and vsixProblem', () => {
    const good = zip([['extension/package.json', 0o100644], ['extension/server/dep-ls', 0o100755]]);
    assert.deepEqual(zipEntries(good), [
      { name: 'extension/package.json', mode: 0o100644 },
      { name: 'extension/server/dep-ls', mode: 0o100755 },
    ]);
    assert.equal(vsixProblem(zipEntries(good), 'linux-x64'), undefined);
    assert.match(vsixProblem(zipEntries(good), 'win32-x64')!, /extension\/server\/dep-ls\.exe is missing/);
    assert.match(vsixProblem(zipEntries(zip([['extension/server/dep-ls', 0o100644]])), 'linux-x64')!, /not executable in the archive \(mode 100644\)/);
    assert.equal(vsixProblem(zipEntries(zip([['extension/server/dep-ls.exe', 0]])), 'win32-x64'), undefined);
    assert.match(vsixProblem(zipEntries(zip([['extension/server/dep-ls', 0o755], ['extension/server/x', 0o644]])), 'linux-x64')!, /unexpected files/);
    assert.throws(() => zipEntries(new Uint8Array(100)), /not a zip file/);
  });
});

describe('package-platform.sh', () => {
  const script = path.resolve('package-platform.sh');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dep-ls-pp-test-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const run = (...args: string[]) => runIn(tmp, ...args);
  const runIn = (outDir: string, ...args: string[]) =>
    spawnSync('bash', [script, ...args], { encoding: 'utf8', env: { ...process.env, OUT_DIR: outDir, TMPDIR: tmp } });
  const version = JSON.parse(fs.readFileSync('package.json', 'utf8')).version;
  const stagingLeft = () => fs.readdirSync(tmp).filter((f) => f.startsWith('dep-ls-vsix.'));
  const exe = (name: string, bytes: Uint8Array, mode = 0o755) => {
    const f = path.join(tmp, name);
    fs.writeFileSync(f, bytes);
    fs.chmodSync(f, mode);
    return f;
  };

  test('bad arguments: exit 2 with a clear message, nothing written', () => {
    const linux = exe('linux-bin', elf(0x3e));
    const cases: [string[], RegExp][] = [
      [[], /usage: .*TARGET BIN/],
      [['web', linux], /unknown target "web"; one of: linux-x64/],
      [['linux-x64', path.join(tmp, 'missing')], /no such file/],
      [['linux-x64', tmp], /not a regular file/],
      [['linux-x64', exe('noexec', elf(0x3e), 0o644)], /not executable/],
      [['win32-x64', linux], /does not fit win32-x64: it is an ELF/],
      [['linux-arm64', linux], /built for x64; linux-arm64 needs arm64/],
    ];
    for (const [args, msg] of cases) {
      const r = run(...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, msg);
    }
    assert.deepEqual(fs.readdirSync(tmp).filter((f) => f.endsWith('.vsix')), []);
    assert.deepEqual(stagingLeft(), []);
  });

  test('win32-x64: server/dep-ls.exe inside, the source tree untouched, last line is the .vsix', () => {
    const r = run('win32-x64', exe('dep-ls-win.exe', pe(0x8664)));
    assert.equal(r.status, 0, r.stderr);
    const last = r.stdout.trim().split('\n').pop()!;
    assert.equal(last, path.join(tmp, `dep-ls-win32-x64-${version}.vsix`));
    const names = zipEntries(fs.readFileSync(last)).map((e) => e.name);
    assert.ok(names.includes('extension/server/dep-ls.exe'), names.join(' '));
    assert.ok(names.includes('extension/dist/extension.js'));
    assert.ok(!names.some((n) => n.startsWith('extension/node_modules/') || n.startsWith('extension/src/')), names.join(' '));
    assert.ok(!fs.existsSync('server'), 'package-platform.sh left editors/code/server behind');
    assert.deepEqual(stagingLeft(), []);
  });

  test('a failure after staging still removes the staging copy', () => {
    // The .vsix path is taken by a directory: the script fails after it has staged the binary.
    const out = path.join(tmp, 'blocked');
    fs.mkdirSync(path.join(out, `dep-ls-linux-x64-${version}.vsix`), { recursive: true });
    const r = runIn(out, 'linux-x64', exe('dep-ls-linux', elf(0x3e)));
    assert.notEqual(r.status, 0, r.stderr);
    assert.deepEqual(stagingLeft(), []);
    assert.ok(!fs.existsSync('server'));
  });
});
