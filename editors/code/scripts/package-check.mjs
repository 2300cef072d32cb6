// Checks for package-platform.sh, from src/packaging.ts (bundled in memory, as gen-from-schema does).
//   node scripts/package-check.mjs target TARGET           exit 2 unless TARGET is a vsce target with a binary
//   node scripts/package-check.mjs binary TARGET BIN       exit 2 unless BIN is an executable for TARGET
//   node scripts/package-check.mjs vsix TARGET VSIX        exit 1 unless VSIX carries the server, executable
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const out = esbuild.buildSync({ entryPoints: [path.join(root, 'src/packaging.ts')], bundle: true, write: false, format: 'cjs', platform: 'node' });
const mod = { exports: {} };
new Function('module', 'exports', 'require', out.outputFiles[0].text)(mod, mod.exports, createRequire(import.meta.url));
const { TARGETS, isTarget, binaryMismatch, zipEntries, vsixProblem } = mod.exports;

const [cmd, target, file] = process.argv.slice(2);
const fail = (code, msg) => {
  console.error(`package-platform: ${msg}`);
  process.exit(code);
};
if (!isTarget(target ?? '')) fail(2, `unknown target "${target ?? ''}"; one of: ${TARGETS.join(', ')}`);
if (cmd === 'binary') {
  const fd = fs.openSync(file, 'r');
  const head = new Uint8Array(64 * 1024);
  const n = fs.readSync(fd, head, 0, head.length, 0);
  fs.closeSync(fd);
  const why = binaryMismatch(target, head.subarray(0, n));
  if (why) fail(2, `${file} does not fit ${target}: ${why}`);
} else if (cmd === 'vsix') {
  let why;
  try {
    why = vsixProblem(zipEntries(fs.readFileSync(file)), target);
  } catch (e) {
    why = e.message;
  }
  if (why) fail(1, `${file}: ${why}`);
} else if (cmd !== 'target') {
  fail(2, `unknown check "${cmd}"`);
}
