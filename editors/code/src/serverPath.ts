// Finding the dep-ls binary. Pure: everything it needs from the machine is passed in, so the
// unit tests can describe any machine.

import * as path from 'node:path';

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
  /** True when `file` exists, is a file and is executable. */
  isExecutable(file: string): boolean;
}

export type Lookup =
  | { kind: 'found'; path: string; source: 'setting' | 'PATH' }
  /** The setting names a path that is not an executable file (no PATH fallback: the user asked for this one). */
  | { kind: 'badSetting'; configured: string; resolved: string }
  /** No setting and nothing on PATH. */
  | { kind: 'notFound'; searched: string[] };

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

/** Setting first, then `dep-ls` on PATH. */
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
  const sep = env.platform === 'win32' ? ';' : ':';
  const dirs = (env.pathEnv ?? '').split(sep).filter((d) => d.trim() !== '');
  const searched: string[] = [];
  for (const dir of dirs) {
    for (const file of candidates(dir.replace(/^"(.*)"$/, '$1'), env)) {
      searched.push(file);
      if (env.isExecutable(file)) return { kind: 'found', path: file, source: 'PATH' };
    }
  }
  return { kind: 'notFound', searched };
}

/** The message shown when the server cannot be started because it was not found. */
export function notFoundMessage(l: Exclude<Lookup, { kind: 'found' }>): string {
  const install =
    'Install it with `cargo install --path .` in the dep-ls repository (puts dep-ls in ~/.cargo/bin), ' +
    'or set `dep-ls.server.path` to the binary.';
  if (l.kind === 'badSetting') {
    return `dep-ls: the setting dep-ls.server.path is "${l.configured}", but ${l.resolved} is not an executable file. ${install}`;
  }
  return `dep-ls: the language server binary "dep-ls" was not found on PATH. ${install}`;
}
