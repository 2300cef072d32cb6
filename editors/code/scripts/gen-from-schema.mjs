// Writes what the extension derives from the server's schema (src/schema.json, the output of
// `dep-ls schema`): snippets/markdown.json (from src/templates.ts) and the per-code properties of
// the `dep-ls.severity` setting in package.json. Unit tests check both are current.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import { createRequire } from 'node:module';

const out = esbuild.buildSync({ entryPoints: ['src/templates.ts'], bundle: true, write: false, format: 'cjs', platform: 'node' });
const mod = { exports: {} };
new Function('module', 'exports', 'require', out.outputFiles[0].text)(mod, mod.exports, createRequire(import.meta.url));
fs.writeFileSync('snippets/markdown.json', JSON.stringify(mod.exports.snippetFile(), null, 2) + '\n');
console.log('wrote snippets/markdown.json');

const schema = JSON.parse(fs.readFileSync('src/schema.json', 'utf8'));
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
pkg.contributes.configuration.properties['dep-ls.severity'].properties = Object.fromEntries(
  schema.codes.map((c) => [
    c.name,
    { type: 'string', enum: ['error', 'warning', 'info', 'hint', 'off'], markdownDescription: `${c.summary} Default: \`${c.severity}\`.` },
  ]),
);
fs.writeFileSync('package.json', JSON.stringify(pkg, null, 2) + '\n');
console.log('wrote the dep-ls.severity properties of package.json');
