// Writes snippets/markdown.json from src/schema.json through src/templates.ts (a unit test checks
// the two agree).
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import { createRequire } from 'node:module';

const out = esbuild.buildSync({ entryPoints: ['src/templates.ts'], bundle: true, write: false, format: 'cjs', platform: 'node' });
const mod = { exports: {} };
new Function('module', 'exports', 'require', out.outputFiles[0].text)(mod, mod.exports, createRequire(import.meta.url));
fs.writeFileSync('snippets/markdown.json', JSON.stringify(mod.exports.snippetFile(), null, 2) + '\n');
console.log('wrote snippets/markdown.json');
