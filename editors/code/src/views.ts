// The "Release readiness" tree and the trace-graph panel, the pure parts: the server's answers
// (`dep-ls/readinessTree`, `dep-ls/traceGraph`) → tree nodes, the SVG check and the panel's HTML.
// No `vscode` import here (unit-tested in plain Node); src/viewsUi.ts turns these into VS Code
// objects.

export const READINESS_TREE = 'dep-ls/readinessTree';
export const TRACE_GRAPH = 'dep-ls/traceGraph';

interface InitializeResultLike {
  capabilities?: { experimental?: unknown };
}

/** True when the server announces the custom request `method` in `capabilities.experimental`. */
export function offersRequest(init: InitializeResultLike | undefined, method: string): boolean {
  const exp = init?.capabilities?.experimental;
  return typeof exp === 'object' && exp !== null && (exp as Record<string, unknown>)[method] === true;
}

export function notOfferedViewMessage(what: string, method: string): string {
  return `This dep-ls server does not offer ${what} (the request "${method}" is not in its experimental capabilities). Update dep-ls to a version that has it.`;
}

export interface LspPosition {
  line: number;
  character: number;
}
export interface LspRange {
  start: LspPosition;
  end: LspPosition;
}

/** Where a tree entry leads: a file URI and the range to select (the entry's ID). */
export interface Target {
  uri: string;
  range: LspRange;
}

export type Icon = 'plan-ready' | 'plan-blocked' | 'gate-pass' | 'gate-fail' | 'gate-advisory-fail' | 'entry';

export interface ViewNode {
  /** Stable across refreshes (VS Code keeps expansion state by it). */
  id: string;
  kind: 'plan' | 'gate' | 'entry';
  label: string;
  description: string;
  tooltip: string;
  icon: Icon;
  /** Expanded, collapsed, or a leaf. */
  state: 'expanded' | 'collapsed' | 'none';
  children: ViewNode[];
  /** Entries (and plans, at their first entry) open here. */
  target?: Target;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
function position(v: unknown): LspPosition | undefined {
  if (!isObject(v)) return undefined;
  const line = num(v.line);
  const character = num(v.character);
  return line !== undefined && character !== undefined && line >= 0 && character >= 0 ? { line, character } : undefined;
}
function range(v: unknown): LspRange | undefined {
  if (!isObject(v)) return undefined;
  const start = position(v.start);
  const end = position(v.end);
  return start && end ? { start, end } : undefined;
}
function target(v: unknown): Target | undefined {
  if (!isObject(v)) return undefined;
  const uri = str(v.uri);
  const r = range(v.range);
  return uri && r ? { uri, range: r } : undefined;
}

/** The path of a file URI relative to a folder URI (else the URI's last segments). */
export function relativePath(uri: string, folder: string): string {
  const f = folder.replace(/\/+$/, '');
  const rel = f && uri.startsWith(f + '/') ? uri.slice(f.length + 1) : uri.replace(/^[a-z]+:\/\/[^/]*\//i, '');
  try {
    return decodeURIComponent(rel);
  } catch {
    return rel;
  }
}

function folderName(folder: string): string {
  const parts = folder.replace(/\/+$/, '').split('/');
  const last = parts[parts.length - 1] ?? '';
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

function entryNode(v: Record<string, unknown>, folder: string, id: string): ViewNode | undefined {
  const t = target(v);
  if (!t) return undefined;
  const entryId = str(v.id);
  const title = str(v.title);
  const reason = str(v.reason);
  const faultLine = num(v.faultLine) ?? t.range.start.line;
  const where = `${relativePath(t.uri, folder)}:${faultLine + 1}`;
  const label = entryId ? (title ? `${entryId}: ${title}` : entryId) : where;
  return {
    id,
    kind: 'entry',
    label,
    description: reason,
    tooltip: [label, reason, where].filter((s) => s).join('\n'),
    icon: 'entry',
    state: 'none',
    children: [],
    target: t,
  };
}

/**
 * The tree of a `dep-ls/readinessTree` answer: plans (expanded) → gates (a failing one
 * collapsed, holding its entries) → entries at fault (leaves that open the entry's ID).
 * Malformed parts are left out, never thrown on.
 */
export function treeModel(result: unknown): ViewNode[] {
  if (!isObject(result) || !Array.isArray(result.plans)) return [];
  const plans = result.plans.filter(isObject);
  const folders = new Set(plans.map((p) => str(p.folder)));
  return plans.map((p, pi) => {
    const folder = str(p.folder);
    const name = str(p.name) || 'workspace';
    const ready = p.ready === true;
    const passed = num(p.gatesPassed) ?? 0;
    const total = num(p.gatesTotal) ?? 0;
    const planId = `plan:${folder}|${str(p.plan)}|${pi}`;
    const gates = (Array.isArray(p.gates) ? p.gates : []).filter(isObject).map((g, gi) => {
      const pass = g.pass === true;
      const blocking = g.blocking !== false;
      const title = str(g.title) || str(g.key);
      const summary = str(g.summary);
      const gateId = `${planId}|gate:${str(g.key) || gi}`;
      const children = pass
        ? []
        : (Array.isArray(g.entries) ? g.entries : [])
            .filter(isObject)
            .map((e, ei) => entryNode(e, folder, `${gateId}|entry:${ei}`))
            .filter((n): n is ViewNode => n !== undefined);
      const verdict = pass ? 'passes' : 'fails';
      return {
        id: gateId,
        kind: 'gate' as const,
        label: title,
        description: summary,
        tooltip: `${title}\n${verdict} (${blocking ? 'blocking' : 'advisory'})${summary ? `: ${summary}` : ''}`,
        icon: (pass ? 'gate-pass' : blocking ? 'gate-fail' : 'gate-advisory-fail') as Icon,
        state: (children.length > 0 ? 'collapsed' : 'none') as ViewNode['state'],
        children,
      };
    });
    const where = folders.size > 1 ? `${folderName(folder)} · ` : '';
    const verdict = ready ? 'ready' : 'not ready';
    return {
      id: planId,
      kind: 'plan' as const,
      label: `Plan: ${name}`,
      description: `${where}${passed}/${total} gates pass · ${verdict}`,
      tooltip: `Release plan ${name}${folders.size > 1 ? ` in ${folderName(folder)}` : ''}: ${passed} of ${total} quality gates pass — ${verdict}`,
      icon: ready ? 'plan-ready' : 'plan-blocked',
      state: gates.length > 0 ? 'expanded' : 'none',
      children: gates,
      target: target(p.first),
    };
  });
}

/** Whether changed diagnostics (of these URIs) can change the tree: a Markdown file's, or an untitled document's. */
export function affectsReadiness(uris: readonly { scheme: string; path: string }[]): boolean {
  return uris.some((u) => u.scheme === 'untitled' || /\.(md|markdown)$/i.test(u.path));
}

/** The message shown above the tree (undefined: none). */
export function treeMessage(result: unknown): string | undefined {
  if (!isObject(result) || !Array.isArray(result.plans)) return 'dep-ls returned no readiness tree.';
  if (result.plans.length === 0) return 'No release plan (no DEP- entry) in this workspace.';
  return undefined;
}

/** A `dep-ls/traceGraph` answer. */
export interface GraphAnswer {
  id: string;
  svg?: string;
  note?: string;
  nodes: number;
  edges: number;
}

export function parseGraph(result: unknown): GraphAnswer | undefined {
  if (!isObject(result)) return undefined;
  const id = str(result.id);
  if (!id) return undefined;
  return {
    id,
    svg: typeof result.svg === 'string' ? result.svg : undefined,
    note: typeof result.note === 'string' ? result.note : undefined,
    nodes: num(result.nodes) ?? 0,
    edges: num(result.edges) ?? 0,
  };
}

// The SVG the server draws (`report::graph::Graph::to_svg`): these elements and attributes only.
const SVG_ELEMENTS = new Set(['svg', 'defs', 'marker', 'path', 'g', 'title', 'rect', 'text']);
const SVG_ATTRIBUTES = new Set([
  'xmlns', 'class', 'id', 'width', 'height', 'viewbox', 'font-family', 'font-size', 'font-weight', 'role', 'aria-label',
  'refx', 'refy', 'markerwidth', 'markerheight', 'orient', 'd', 'fill', 'stroke', 'stroke-width', 'stroke-dasharray',
  'marker-end', 'x', 'y', 'rx', 'text-anchor', 'data-id', 'data-from', 'data-to',
]);

/**
 * The server's SVG when it holds nothing but what dep-ls draws (the elements and attributes
 * above, quoted values, no scripts, event handlers, links, styles or external references);
 * undefined otherwise. The panel shows only what passes.
 */
export function checkSvg(svg: string): string | undefined {
  const s = svg.trim();
  if (!s.startsWith('<svg') || !s.endsWith('</svg>') || s.length > 5_000_000) return undefined;
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[A-Za-z][\w:-]*\s*=\s*"[^"<>]*")*)\s*(\/?)>/g;
  const attr = /([A-Za-z][\w:-]*)\s*=\s*"([^"]*)"/g;
  let rest = '';
  let last = 0;
  for (const m of s.matchAll(tag)) {
    rest += s.slice(last, m.index);
    last = (m.index ?? 0) + m[0].length;
    if (!SVG_ELEMENTS.has(m[2])) return undefined;
    if (m[1] && (m[3] || m[4])) return undefined;
    for (const a of m[3].matchAll(attr)) {
      if (!SVG_ATTRIBUTES.has(a[1].toLowerCase())) return undefined;
      const v = a[2].toLowerCase();
      if (v.includes('javascript:') || v.includes('data:') || /url\(\s*[^#\s]/.test(v)) return undefined;
    }
  }
  rest += s.slice(last);
  // Outside the tags only text: `<` and `>` appear escaped there.
  return /[<>]/.test(rest) ? undefined : s;
}

/**
 * The SVG with its `viewBox` (and width) narrowed to the columns that hold boxes: the server's
 * layout keeps three fixed columns (traces back to · DEP- entries · hands over to), and the
 * graph around one entry often fills only two, which would shrink everything in a narrow
 * panel. Only the root element's numbers change; an SVG it cannot read comes back as it was.
 */
export function cropSvg(svg: string): string {
  const root = /^<svg\b[^>]*>/.exec(svg);
  if (!root) return svg;
  const vb = /\sviewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(root[0]);
  if (!vb) return svg;
  const [fullW, fullH] = [Number(vb[1]), Number(vb[2])];
  let min = Infinity;
  let max = -Infinity;
  for (const m of svg.matchAll(/<rect\b[^>]*>/g)) {
    const x = Number(/\sx="([\d.]+)"/.exec(m[0])?.[1]);
    const w = Number(/\swidth="([\d.]+)"/.exec(m[0])?.[1]);
    if (!Number.isFinite(x) || !Number.isFinite(w)) continue;
    min = Math.min(min, x);
    max = Math.max(max, x + w);
  }
  if (!Number.isFinite(min) || !Number.isFinite(fullW) || !Number.isFinite(fullH)) return svg;
  // Room on the left for the margin, on the right for the arcs between DEP- entries.
  const x0 = Math.max(0, Math.floor(min - 20));
  const x1 = Math.min(fullW, Math.ceil(max + 90));
  if (x1 - x0 >= fullW || x1 <= x0) return svg;
  const w = x1 - x0;
  const tag = root[0].replace(vb[0], ` viewBox="${x0} 0 ${w} ${fullH}"`).replace(/\swidth="[\d.]+"/, ` width="${w}"`);
  return tag + svg.slice(root[0].length);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

export interface GraphPage {
  /** The graph answer, or undefined for the "put the cursor on an entry" page. */
  graph?: GraphAnswer;
  /** A message instead of (or above) the graph. */
  message?: string;
  /** The nonce of the page's one `<style>` element. */
  nonce: string;
}

/**
 * The panel's HTML: a strict Content-Security-Policy (nothing but the nonce'd style; no
 * scripts, no network), and the server's SVG inline only when {@link checkSvg} accepts it.
 */
export function graphHtml(page: GraphPage): string {
  const { graph, nonce } = page;
  const csp = `default-src 'none'; style-src 'nonce-${nonce}'; img-src data:; script-src 'none'; frame-src 'none'; form-action 'none'`;
  const checked = graph?.svg !== undefined ? checkSvg(graph.svg) : undefined;
  const svg = checked !== undefined ? cropSvg(checked) : undefined;
  let body: string;
  if (graph && svg) {
    const counts = `${graph.nodes} ${graph.nodes === 1 ? 'node' : 'nodes'}, ${graph.edges} ${graph.edges === 1 ? 'link' : 'links'}`;
    body = `<h1>Trace graph of <code>${escapeHtml(graph.id)}</code> <span class="counts">${counts}</span></h1>\n<div class="graph">${svg}</div>`;
  } else if (graph && graph.svg !== undefined) {
    body = `<h1>Trace graph of <code>${escapeHtml(graph.id)}</code></h1>\n<p class="note">The server's SVG holds something dep-ls does not draw; it is not shown.</p>`;
  } else if (graph) {
    body = `<h1>Trace graph of <code>${escapeHtml(graph.id)}</code></h1>\n<p class="note">${escapeHtml(graph.note ?? 'No trace graph for this ID.')}</p>`;
  } else {
    body = `<p class="note">${escapeHtml(page.message ?? 'Put the cursor on a DEP- entry or an ID to see its trace graph.')}</p>`;
  }
  if (graph && page.message) body = `<p class="note">${escapeHtml(page.message)}</p>\n${body}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Trace graph</title>
<style nonce="${nonce}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 16px 16px; }
h1 { font-size: 1.1em; font-weight: 600; margin: 14px 0 10px; }
.counts { font-weight: normal; opacity: 0.7; margin-left: 8px; font-size: 0.9em; }
.note { opacity: 0.85; }
.graph { background: #ffffff; border-radius: 6px; padding: 8px; overflow: auto; }
.graph svg { display: block; max-width: 100%; height: auto; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/** A nonce: 32 characters from a random source (`random` returns bytes). */
export function makeNonce(random: (n: number) => Uint8Array): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(random(32), (b) => chars[b % chars.length]).join('');
}
