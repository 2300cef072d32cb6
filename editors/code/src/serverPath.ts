// Finding the dep-ls binary. Pure: everything it needs from the machine is passed in, so the
// unit tests can describe any machine.

import * as path from 'node:path';
import { bundledRelativePath } from './packaging';

export interface LookupEnv {
  /** The `dep-ls.server.path` setting (may be empty or undefined). */
  configured: string | undefined;
  /** The `PATH` environment variable. */
  pathEnv: string | undefined;
  /** `process.platform`. */
  platform: NodeJS.Platform;
  /** The user's home directory, for `~/…`. */
  home: string | undefined;
  /** The first workspace folder, for relative settings. */
  workspaceFolder: string | undefined;
  /** `PATHEXT` on Windows. */
  pathExt?: string | undefined;
  /** The extension's own directory (`context.extensionPath`): a platform .vsix carries `server/dep-ls` there. */
  extensionPath?: string | undefined;
  /** True when `file` exists, is a file and is executable. */
  isExecutable(file: string): boolean;
  /** True when `file` exists at all (tells "no bundled server" from "a bundled server that cannot run"). */
  exists?(file: string): boolean;
}

/** Where the binary came from: the `dep-ls.server.path` setting, the extension itself, or `PATH`. */
export type ServerSource = 'setting' | 'bundled' | 'PATH';

export type Lookup =
  /** `skipped`: a bundled binary that is there but not executable (PATH was used instead). */
  | { kind: 'found'; path: string; source: ServerSource; skipped?: string }
  /** The setting names a path that is not an executable file (no fallback: the user asked for this one). */
  | { kind: 'badSetting'; configured: string; resolved: string }
  /** No setting, no (usable) bundled binary and nothing on PATH. */
  | { kind: 'notFound'; searched: string[]; skipped?: string };

export const BINARY_NAME = 'dep-ls';

/** Expands `~`, `${userHome}` and `${workspaceFolder}`, and makes a relative path absolute. */
export function resolveConfiguredPath(configured: string, env: Pick<LookupEnv, 'home' | 'workspaceFolder' | 'platform'>): string {
  const p = env.platform === 'win32' ? path.win32 : path.posix;
  let s = configured.trim();
  if (env.home) {
    if (s === '~') s = env.home;
    else if (s.startsWith('~/') || (env.platform === 'win32' && s.startsWith('~\\'))) s = p.join(env.home, s.slice(2));
    s = s.split('${userHome}').join(env.home);
  }
  if (env.workspaceFolder) s = s.split('${workspaceFolder}').join(env.workspaceFolder);
  if (!p.isAbsolute(s) && env.workspaceFolder) s = p.resolve(env.workspaceFolder, s);
  return p.normalize(s);
}

/** The candidate file names of `dep-ls` in one PATH directory. */
function candidates(dir: string, env: LookupEnv): string[] {
  if (env.platform !== 'win32') return [path.posix.join(dir, BINARY_NAME)];
  const exts = (env.pathExt || '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean);
  return ['.exe', ...exts.map((e) => e.toLowerCase())]
    .filter((e, i, a) => a.indexOf(e) === i)
    .map((e) => path.win32.join(dir, BINARY_NAME + e));
}

/** The server a platform .vsix carries, for this platform (it may not exist: a universal .vsix has none). */
export function bundledServerPath(extensionPath: string, platform: NodeJS.Platform): string {
  const p = platform === 'win32' ? path.win32 : path.posix;
  return p.join(extensionPath, ...bundledRelativePath(platform).split('/'));
}

/** Words for where the server came from, for the output channel and the status bar tooltip. */
export function describeSource(source: ServerSource): string {
  switch (source) {
    case 'setting':
      return 'from the dep-ls.server.path setting';
    case 'bundled':
      return 'bundled with the extension';
    case 'PATH':
      return 'found on PATH';
  }
}

/** The `dep-ls.server.path` setting first, then the binary bundled in the extension, then `dep-ls` on PATH. */
export function findServer(env: LookupEnv): Lookup {
  const configured = env.configured?.trim();
  if (configured) {
    const resolved = resolveConfiguredPath(configured, env);
    if (env.isExecutable(resolved)) return { kind: 'found', path: resolved, source: 'setting' };
    if (env.platform === 'win32' && !/\.[a-z0-9]+$/i.test(resolved) && env.isExecutable(resolved + '.exe')) {
      return { kind: 'found', path: resolved + '.exe', source: 'setting' };
    }
    return { kind: 'badSetting', configured, resolved };
  }
  let skipped: string | undefined;
  if (env.extensionPath) {
    const bundled = bundledServerPath(env.extensionPath, env.platform);
    if (env.isExecutable(bundled)) return { kind: 'found', path: bundled, source: 'bundled' };
    if (env.exists?.(bundled)) skipped = `the bundled server ${bundled} is not executable (reinstall the extension, or chmod +x it)`;
  }
  const sep = env.platform === 'win32' ? ';' : ':';
  const dirs = (env.pathEnv ?? '').split(sep).filter((d) => d.trim() !== '');
  const searched: string[] = [];
  for (const dir of dirs) {
    for (const file of candidates(dir.replace(/^"(.*)"$/, '$1'), env)) {
      searched.push(file);
      if (env.isExecutable(file)) return { kind: 'found', path: file, source: 'PATH', ...(skipped ? { skipped } : {}) };
    }
  }
  return { kind: 'notFound', searched, ...(skipped ? { skipped } : {}) };
}

/** The message shown when the server cannot be started because it was not found. */
export function notFoundMessage(l: Exclude<Lookup, { kind: 'found' }>): string {
  const install =
    'Install it with `cargo install --path .` in the dep-ls repository (puts dep-ls in ~/.cargo/bin), ' +
    'or set `dep-ls.server.path` to the binary.';
  if (l.kind === 'badSetting') {
    return `dep-ls: the setting dep-ls.server.path is "${l.configured}", but ${l.resolved} is not an executable file. ${install}`;
  }
  const bundled = l.skipped ? ` ${l.skipped[0].toUpperCase()}${l.skipped.slice(1)}.` : '';
  return (
    `dep-ls: the language server binary "dep-ls" was not found on PATH.${bundled} ${install} ` +
    'The dep-ls extension built for your platform (a platform .vsix) carries the server.'
  );
}
