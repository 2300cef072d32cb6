// The status bar item's text: pure state -> text, plus a small tracker of the server's
// indexing progress (work-done progress with tokens `dep-ls/index/<folder>`).

export type ServerStatus =
  | { kind: 'starting' }
  | { kind: 'ready' }
  | { kind: 'indexing'; done?: number; total?: number; message?: string }
  | { kind: 'stopped' }
  | { kind: 'error'; message: string };

/** Which binary runs: shown in the tooltip and the output channel. */
export interface ServerIdentity {
  path: string;
  /** Words for its origin (`describeSource` in serverPath.ts), e.g. "bundled with the extension". */
  origin: string;
  /** From the server's `serverInfo.version` (or `dep-ls --version`); undefined until known. */
  version?: string;
}

/** `dep-ls 0.1.0, bundled with the extension: /ext/server/dep-ls`. */
export function describeServer(s: ServerIdentity): string {
  return `dep-ls${s.version ? ' ' + s.version : ''}, ${s.origin}: ${s.path}`;
}

export interface StatusView {
  text: string;
  tooltip: string;
  /** VS Code theme color id for the background, if any. */
  background?: 'statusBarItem.errorBackground' | 'statusBarItem.warningBackground';
}

/** `1234` -> `1,234` (the server's own style). */
export function thousands(n: number): string {
  return Math.trunc(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `Indexing 1,234/5,000 files` -> `{ done: 1234, total: 5000 }`. */
export function parseCounts(message: string | undefined): { done: number; total: number } | undefined {
  const m = /([\d,.\u202f\u00a0 ]*\d)\s*\/\s*([\d,.\u202f\u00a0 ]*\d)/.exec(message ?? '');
  if (!m) return undefined;
  const num = (s: string) => Number(s.replace(/[^\d]/g, ''));
  return { done: num(m[1]), total: num(m[2]) };
}

export function formatStatus(s: ServerStatus, server?: ServerIdentity): StatusView {
  const tip = (server ? `\n\nServer: ${describeServer(server)}` : '') + '\n\nClick to show the dep-ls output.';
  switch (s.kind) {
    case 'starting':
      return { text: '$(loading~spin) dep-ls: starting', tooltip: 'dep-ls: the language server is starting' + tip };
    case 'ready':
      return { text: '$(check) dep-ls: ready', tooltip: 'dep-ls: the language server is running' + tip };
    case 'indexing': {
      const counts = s.done !== undefined && s.total !== undefined ? ` ${thousands(s.done)}/${thousands(s.total)}` : '';
      return {
        text: `$(sync~spin) dep-ls: indexing${counts}`,
        tooltip: `dep-ls: ${s.message ?? 'indexing the workspace'}` + tip,
      };
    }
    case 'stopped':
      return { text: '$(debug-stop) dep-ls: stopped', tooltip: 'dep-ls: the language server is not running' + tip, background: 'statusBarItem.warningBackground' };
    case 'error':
      return { text: '$(error) dep-ls: error', tooltip: `dep-ls: ${s.message}` + tip, background: 'statusBarItem.errorBackground' };
  }
}

export const INDEX_TOKEN_PREFIX = 'dep-ls/index/';

type ProgressValue =
  | { kind: 'begin'; message?: string; title?: string }
  | { kind: 'report'; message?: string }
  | { kind: 'end'; message?: string };

/**
 * Tracks the indexing progress of every workspace folder (one token each) and sums them up:
 * `indexing 300/1,200` while any folder is being indexed, `undefined` when none is.
 */
export class IndexingTracker {
  private readonly active = new Map<string, { done: number; total: number; message?: string }>();

  /** Feeds one `$/progress` value. Returns false when the token is not an indexing token. */
  update(token: string | number, value: ProgressValue): boolean {
    if (typeof token !== 'string' || !token.startsWith(INDEX_TOKEN_PREFIX)) return false;
    if (value.kind === 'end') {
      this.active.delete(token);
      return true;
    }
    const counts = parseCounts(value.message);
    const prev = this.active.get(token);
    this.active.set(token, {
      done: counts?.done ?? prev?.done ?? 0,
      total: counts?.total ?? prev?.total ?? 0,
      message: value.message ?? prev?.message,
    });
    return true;
  }

  reset(): void {
    this.active.clear();
  }

  /** The combined status, or undefined when nothing is being indexed. */
  status(): ServerStatus | undefined {
    if (this.active.size === 0) return undefined;
    let done = 0;
    let total = 0;
    for (const v of this.active.values()) {
      done += v.done;
      total += v.total;
    }
    const message = this.active.size === 1 ? [...this.active.values()][0].message : `Indexing ${this.active.size} folders`;
    return { kind: 'indexing', done, total, message };
  }
}
