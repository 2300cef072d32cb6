// VS Code settings (`dep-ls.*`) -> the JSON object the server reads from `initializationOptions`
// and from the `dep-ls` section of `workspace/configuration`. Pure and unit-tested.

import schema from './schema.json';

/** The finding codes, from the server's schema (`dep-ls schema`, bundled as `schema.json`). */
export const FINDING_CODES: readonly string[] = schema.codes.map((c) => c.name);

export const SEVERITIES = ['error', 'warning', 'info', 'hint', 'off'] as const;
export const OWNER_TYPES = ['environment', 'criteria', 'rollback', 'validation', 'step', 'default'] as const;
export const OWNER_POLICIES = ['required', 'warning', 'info', 'hint', 'off'] as const;
export const PLAN_SCOPES = ['workspace', 'directory', 'file'] as const;
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;

/** The shape the server understands (every key optional). */
export interface ServerSettings {
  prefixes?: string[];
  severity?: Record<string, string>;
  owner?: Record<string, string>;
  plan?: { scope: string };
  inlayHints?: { enabled: boolean };
  diagnostics?: { debounceMs: number };
  logLevel?: string;
}

/** Reads one setting below `dep-ls.` (`get('inlayHints.enabled')`), like `WorkspaceConfiguration.get`. */
export type SettingGetter = (key: string) => unknown;

const PREFIX_RE = /^[A-Z][A-Z0-9]{1,9}(?:-[A-Z][A-Z0-9]{1,9})*$/;

function isOneOf<T extends string>(list: readonly T[], v: unknown): v is T {
  return typeof v === 'string' && (list as readonly string[]).includes(v);
}

/** Keeps the entries of an object whose key and value are known (case-insensitive keys). */
function filterMap(v: unknown, keys: readonly string[], values: readonly string[], lowerKeys: boolean): Record<string, string> | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k0, val] of Object.entries(v as Record<string, unknown>)) {
    const k = lowerKeys ? k0.toLowerCase() : k0;
    if (!keys.includes(k)) continue;
    const s = typeof val === 'string' ? val.toLowerCase() : undefined;
    if (s !== undefined && values.includes(s)) out[k] = s;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Maps the `dep-ls.*` settings to the server's configuration object. Values of the wrong type or
 * outside their enumeration are dropped (the server then keeps its default or `dep-ls.toml`);
 * client-only settings (`server.path`, `trace.server`) are not sent.
 */
export function toServerSettings(get: SettingGetter): ServerSettings {
  const out: ServerSettings = {};

  const prefixes = get('prefixes');
  if (Array.isArray(prefixes)) {
    const list = prefixes
      .filter((p): p is string => typeof p === 'string')
      .map((p) => p.trim().replace(/-$/, ''))
      .filter((p) => PREFIX_RE.test(p));
    const unique = [...new Set(list)];
    if (unique.length > 0) out.prefixes = unique;
  }

  const severity = filterMap(get('severity'), FINDING_CODES, SEVERITIES, false);
  if (severity) out.severity = severity;

  const owner = filterMap(get('owner'), OWNER_TYPES, OWNER_POLICIES, true);
  if (owner) out.owner = owner;

  const scope = get('plan.scope');
  if (isOneOf(PLAN_SCOPES, scope)) out.plan = { scope };

  const inlay = get('inlayHints.enabled');
  if (typeof inlay === 'boolean') out.inlayHints = { enabled: inlay };

  const debounce = get('diagnostics.debounceMs');
  if (typeof debounce === 'number' && Number.isFinite(debounce) && debounce >= 0) {
    out.diagnostics = { debounceMs: Math.min(5000, Math.round(debounce)) };
  }

  const level = get('logLevel');
  if (isOneOf(LOG_LEVELS, level)) out.logLevel = level;

  return out;
}

/** Settings whose change needs a new server process rather than a configuration notification. */
export const RESTART_SETTINGS = ['dep-ls.server.path'];
