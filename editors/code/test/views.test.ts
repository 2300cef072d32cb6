import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import {
  affectsReadiness,
  checkSvg,
  cropSvg,
  graphHtml,
  makeNonce,
  offersRequest,
  parseGraph,
  READINESS_TREE,
  relativePath,
  TRACE_GRAPH,
  treeMessage,
  treeModel,
} from '../src/views';

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
const fixtureSvg = fs.readFileSync(path.join(__dirname, '..', '..', 'test', 'fixtures', 'trace-graph.svg'), 'utf8');

const range = (line: number, a: number, b: number) => ({ start: { line, character: a }, end: { line, character: b } });
const FOLDER = 'file:///ws/acme';
/** The shape `dep-ls/readinessTree` answers (tests/binary/lsp_views.rs checks the server's side). */
const answer = {
  plans: [
    {
      folder: FOLDER,
      plan: '',
      name: 'workspace',
      ready: false,
      gatesPassed: 6,
      gatesTotal: 7,
      first: { id: 'DEP-001', title: 'Staging', uri: `${FOLDER}/release/plan.md`, range: range(2, 0, 7), faultLine: 2, reason: '' },
      gates: [
        { key: 'environments', title: 'All deployment environments documented', blocking: true, pass: true, summary: '2 Environment entries: staging, production', entries: [] },
        {
          key: 'validation',
          title: 'Post-deploy validation steps defined',
          blocking: true,
          pass: false,
          summary: '1 Validation entry',
          entries: [
            { id: 'DEP-005', title: 'Smoke', uri: `${FOLDER}/release/plan%20a.md`, range: range(53, 0, 7), faultLine: 53, reason: 'no `Escalation:`' },
            { id: '', title: '', uri: `${FOLDER}/release/plan.md`, range: range(9, 0, 0), faultLine: 9, reason: 'a plan-level finding' },
            { id: 'DEP-009', title: 'Broken', uri: 42, range: range(1, 0, 1), reason: 'no URI: left out' },
          ],
        },
        { key: 'gtm', title: 'GTM handover', blocking: false, pass: false, summary: 'GTM- launch waits', entries: [] },
      ],
    },
  ],
};

describe('readiness tree', () => {
  test('offered only when the server announces the request', () => {
    assert.equal(offersRequest(undefined, READINESS_TREE), false);
    assert.equal(offersRequest({ capabilities: {} }, READINESS_TREE), false);
    assert.equal(offersRequest({ capabilities: { experimental: { [READINESS_TREE]: 'yes' } } }, READINESS_TREE), false);
    const init = { capabilities: { experimental: { [READINESS_TREE]: true, [TRACE_GRAPH]: true } } };
    assert.equal(offersRequest(init, READINESS_TREE), true);
    assert.equal(offersRequest(init, TRACE_GRAPH), true);
  });

  test('plans → gates → failing entries', () => {
    const [plan, ...rest] = treeModel(answer);
    assert.equal(rest.length, 0);
    assert.equal(plan.label, 'Plan: workspace');
    assert.equal(plan.description, '6/7 gates pass · not ready');
    assert.equal(plan.icon, 'plan-blocked');
    assert.equal(plan.state, 'expanded');
    assert.deepEqual(plan.target, { uri: `${FOLDER}/release/plan.md`, range: range(2, 0, 7) });
    const [env, validation, gtm] = plan.children;
    assert.equal(env.icon, 'gate-pass');
    assert.equal(env.state, 'none');
    assert.deepEqual(env.children, []);
    assert.equal(env.description, '2 Environment entries: staging, production');
    assert.equal(validation.icon, 'gate-fail');
    assert.equal(validation.state, 'collapsed');
    assert.match(validation.tooltip, /fails \(blocking\): 1 Validation entry/);
    assert.equal(gtm.icon, 'gate-advisory-fail');
    assert.equal(gtm.state, 'none');

    // The entry without a URI is left out; the one without an ID is named by its place.
    assert.equal(validation.children.length, 2);
    const [smoke, unnamed] = validation.children;
    assert.equal(smoke.label, 'DEP-005: Smoke');
    assert.equal(smoke.description, 'no `Escalation:`');
    assert.equal(smoke.tooltip, 'DEP-005: Smoke\nno `Escalation:`\nrelease/plan a.md:54');
    assert.deepEqual(smoke.target, { uri: `${FOLDER}/release/plan%20a.md`, range: range(53, 0, 7) });
    assert.equal(smoke.state, 'none');
    assert.equal(unnamed.label, 'release/plan.md:10');
  });

  test('ids are stable and unique', () => {
    const ids: string[] = [];
    const walk = (ns: ReturnType<typeof treeModel>) => ns.forEach((n) => (ids.push(n.id), walk(n.children)));
    walk(treeModel(answer));
    assert.equal(new Set(ids).size, ids.length);
    const again: string[] = [];
    const walk2 = (ns: ReturnType<typeof treeModel>) => ns.forEach((n) => (again.push(n.id), walk2(n.children)));
    walk2(treeModel(JSON.parse(JSON.stringify(answer))));
    assert.deepEqual(again, ids);
  });

  test('several folders are told apart; a ready plan', () => {
    const other = { ...answer.plans[0], folder: 'file:///ws/other', ready: true, gatesPassed: 7, gates: [] };
    const nodes = treeModel({ plans: [answer.plans[0], other] });
    assert.equal(nodes[0].description, 'acme · 6/7 gates pass · not ready');
    assert.equal(nodes[1].description, 'other · 7/7 gates pass · ready');
    assert.equal(nodes[1].icon, 'plan-ready');
    assert.equal(nodes[1].state, 'none');
  });

  test('malformed answers give no nodes and a message, never a throw', () => {
    for (const bad of [null, undefined, 42, 'x', [], {}, { plans: 3 }, { plans: [null, 1, 'x'] }]) {
      assert.doesNotThrow(() => treeModel(bad));
    }
    assert.deepEqual(treeModel(null), []);
    assert.deepEqual(treeModel({ plans: [null, 1] }), []);
    assert.match(treeMessage(null) ?? '', /no readiness tree/);
    assert.match(treeMessage({ plans: [] }) ?? '', /No release plan/);
    assert.equal(treeMessage(answer), undefined);
    const odd = treeModel({ plans: [{ gates: [{ pass: false, entries: [{ uri: 'file:///x.md', range: { start: { line: -1, character: 0 }, end: {} } }] }] }] });
    assert.equal(odd[0].label, 'Plan: workspace');
    assert.deepEqual(odd[0].children[0].children, []);
  });

  test('only diagnostics of Markdown files refresh it', () => {
    assert.equal(affectsReadiness([{ scheme: 'file', path: '/ws/src/main.rs' }]), false);
    assert.equal(affectsReadiness([]), false);
    assert.equal(affectsReadiness([{ scheme: 'file', path: '/ws/main.rs' }, { scheme: 'file', path: '/ws/release/Plan.MD' }]), true);
    assert.equal(affectsReadiness([{ scheme: 'file', path: '/ws/x.markdown' }]), true);
    assert.equal(affectsReadiness([{ scheme: 'untitled', path: 'Untitled-1' }]), true);
  });

  test('relative paths', () => {
    assert.equal(relativePath('file:///ws/acme/release/plan.md', 'file:///ws/acme'), 'release/plan.md');
    assert.equal(relativePath('file:///ws/acme/release/plan.md', 'file:///ws/acme/'), 'release/plan.md');
    assert.equal(relativePath('file:///elsewhere/x%25.md', 'file:///ws/acme'), 'elsewhere/x%.md');
    assert.equal(relativePath('file:///ws/acme/bad%E0.md', 'file:///ws/acme'), 'bad%E0.md');
  });

  test('package.json contributes the view, its refresh button and the trace graph command', () => {
    const view = pkg.contributes.views.explorer.find((v: { id: string }) => v.id === 'dep-ls.readiness');
    assert.equal(view?.name, 'Release readiness');
    const commands = pkg.contributes.commands.map((c: { command: string }) => c.command);
    assert.ok(commands.includes('dep-ls.refreshReadiness'));
    assert.ok(commands.includes('dep-ls.showTraceGraph'));
    assert.ok(pkg.contributes.menus['view/title'].some((m: { command: string; when: string }) => m.command === 'dep-ls.refreshReadiness' && m.when === 'view == dep-ls.readiness'));
    assert.ok(pkg.contributes.menus['editor/context'].some((m: { command: string; when: string }) => m.command === 'dep-ls.showTraceGraph' && m.when === 'editorLangId == markdown'));
  });
});

describe('trace graph panel', () => {
  test('answers', () => {
    assert.equal(parseGraph(null), undefined);
    assert.equal(parseGraph({}), undefined);
    assert.equal(parseGraph({ id: '' }), undefined);
    assert.deepEqual(parseGraph({ id: 'DEP-004', svg: '<svg/>', nodes: 3, edges: 2, note: null }), { id: 'DEP-004', svg: '<svg/>', note: undefined, nodes: 3, edges: 2 });
    assert.deepEqual(parseGraph({ id: 'EPIC-9', svg: null, note: 'not in the trace graph' }), { id: 'EPIC-9', svg: undefined, note: 'not in the trace graph', nodes: 0, edges: 0 });
  });

  test("the server's SVG passes the check", () => {
    assert.equal(checkSvg(fixtureSvg), fixtureSvg.trim());
    // Escaped markup in a title stays text.
    assert.ok(fixtureSvg.includes('&lt;script&gt;'));
  });

  test('anything dep-ls does not draw is refused', () => {
    const wrap = (inner: string) => fixtureSvg.trim().replace('</svg>', `${inner}</svg>`);
    for (const bad of [
      '<script>alert(1)</script>',
      '<g onclick="alert(1)"></g>',
      '<foreignObject><div/></foreignObject>',
      '<a href="https://example.com"><text>x</text></a>',
      '<image href="https://example.com/x.png"/>',
      '<g style="background:url(https://example.com)"></g>',
      '<rect fill="url(https://example.com/#x)"/>',
      '<path d="javascript:alert(1)"/>',
      "<rect x='1'/>",
      '<!-- comment -->',
      '<![CDATA[ x ]]>',
      '<text>a < b</text>',
      '</g class="x">',
      '<use xlink:href="#arrow"/>',
    ]) {
      assert.equal(checkSvg(wrap(bad)), undefined, bad);
    }
    assert.equal(checkSvg('<html></html>'), undefined);
    assert.equal(checkSvg('<svg></svg><script>x</script>'), undefined);
    assert.equal(checkSvg(''), undefined);
    // Local marker references are fine.
    assert.ok(checkSvg(wrap('<path d="M0,0" marker-end="url(#arrow)"/>')));
  });

  test('the page: strict CSP, no scripts, the SVG inline', () => {
    const nonce = makeNonce((n) => new Uint8Array(n).fill(7));
    assert.equal(nonce.length, 32);
    const html = graphHtml({ graph: { id: 'DEP-004', svg: fixtureSvg, nodes: 3, edges: 2 }, nonce });
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'none'/);
    assert.match(csp, new RegExp(`style-src 'nonce-${nonce}'`));
    assert.doesNotMatch(csp, /unsafe/);
    assert.ok(html.includes(`<style nonce="${nonce}">`));
    assert.ok(html.includes(cropSvg(fixtureSvg.trim())));
    assert.match(html, /Trace graph of <code>DEP-004<\/code> <span class="counts">3 nodes, 2 links<\/span>/);
    assert.doesNotMatch(html.replace(/&lt;script&gt;/g, ''), /<script/i);
  });

  test('the SVG is narrowed to the columns that hold boxes', () => {
    // The fixture fills all three columns: nothing to narrow.
    assert.equal(cropSvg(fixtureSvg.trim()), fixtureSvg.trim());
    // Boxes only in the middle and right columns (one entry and what it hands over to).
    const two =
      '<svg xmlns="http://www.w3.org/2000/svg" class="trace-graph" width="1170" height="100" viewBox="0 0 1170 100">' +
      '<g class="node dep"><rect x="440.0" y="40.0" width="230" height="24" rx="5"/></g>' +
      '<g class="node linked"><rect x="860.0" y="40.0" width="230" height="24" rx="5"/></g></svg>';
    const cropped = cropSvg(two);
    assert.match(cropped, / viewBox="420 0 750 100"/);
    assert.match(cropped, / width="750"/);
    assert.match(cropped, / height="100"/);
    assert.equal(checkSvg(cropped), cropped);
    // Unreadable: unchanged.
    for (const odd of ['<svg></svg>', '<svg viewBox="0 0 10 10"></svg>', 'not svg']) assert.equal(cropSvg(odd), odd);
  });

  test('no SVG, a refused SVG, no ID', () => {
    const note = graphHtml({ graph: { id: 'EPIC-<9>', note: 'EPIC-<9> is not in the trace graph', nodes: 0, edges: 0 }, nonce: 'n' });
    assert.ok(note.includes('EPIC-&lt;9&gt; is not in the trace graph'));
    assert.doesNotMatch(note, /<svg/);
    const refused = graphHtml({ graph: { id: 'DEP-1', svg: '<svg><script>x</script></svg>', nodes: 1, edges: 0 }, nonce: 'n' });
    assert.doesNotMatch(refused, /<svg|<script>x/);
    assert.match(refused, /not shown/);
    assert.match(graphHtml({ nonce: 'n' }), /Put the cursor on a DEP- entry/);
    assert.match(graphHtml({ nonce: 'n', message: 'failed: <x>' }), /failed: &lt;x&gt;/);
  });
});
