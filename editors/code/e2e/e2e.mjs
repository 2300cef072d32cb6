// node e2e.mjs <code-server-url> <workspace-copy> <artifact-dir>
// Drives the real VS Code workbench (code-server) with the platform .vsix of dep-ls installed (the
// server inside it), no dep-ls.server.path setting and no dep-ls on PATH. Exits 1 on the first
// failed check.
/* global document */ // (in page.evaluate callbacks, which run in the browser)
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const [base, ws, out] = process.argv.slice(2);
const PLAN = path.join(ws, 'release', 'release-plan.md');
const T = 60_000;

let step = 'start';
const started = Date.now();
const passed = [];
let lap = started;
/** Records a passed check with the seconds since the previous one. */
function pass(msg) {
  const now = Date.now();
  passed.push(`${msg} [${((now - lap) / 1000).toFixed(1)} s]`);
  lap = now;
}
function check(cond, msg) {
  if (!cond) throw new Error(msg);
}
async function poll(what, fn, timeout = 30_000) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
}
/** The text of the dep-ls output channel (VS Code writes each channel to a file under the logs). */
function outputChannelText() {
  const files = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const f = path.join(d, e.name);
      if (e.isDirectory()) walk(f);
      else if (/^\d+-dep-ls\.log$/.test(e.name)) files.push(f);
    }
  };
  if (process.env.LOGS_DIR && fs.existsSync(process.env.LOGS_DIR)) walk(process.env.LOGS_DIR);
  return files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
}
const planLine = (n) => fs.readFileSync(PLAN, 'utf8').split(/\r?\n/)[n - 1];

const profile = fs.mkdtempSync(path.join(out, 'chromium-'));
const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1400, height: 860 },
});
const page = ctx.pages()[0] ?? (await ctx.newPage());
const statusBar = page.locator('#workbench\\.parts\\.statusbar');
const problems = page.locator('.markers-panel');
const quickInput = page.locator('.quick-input-widget input[type=text]');
const activeTab = page.locator('.tabs-container .tab.active');

async function openFile(name) {
  await page.keyboard.press('Control+P');
  await quickInput.waitFor();
  await quickInput.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator(`.tabs-container .tab.active[aria-label*="${name}"]`).waitFor();
}
async function goToLine(line, col) {
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+G');
  await quickInput.waitFor();
  await quickInput.fill(`:${line}:${col}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}
async function runCommand(title) {
  await page.keyboard.press('Control+Shift+P');
  await quickInput.waitFor();
  await quickInput.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
}

try {
  step = 'open the workspace';
  await page.goto(`${base}/?folder=${encodeURIComponent(ws)}`, { timeout: T });
  await page.locator('.monaco-workbench').waitFor({ timeout: T });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: T });

  step = 'extension activates on Markdown and the server gets ready';
  await openFile('release-plan.md');
  await statusBar.getByText('dep-ls: ready').waitFor({ timeout: T });
  pass('status bar shows "dep-ls: ready"');

  step = 'the server bundled in the .vsix runs (no setting, no dep-ls on PATH)';
  const bundled = path.join(process.env.EXTENSIONS_DIR, 'dep-ls.dep-ls-');
  const running = await poll('"running dep-ls <version>, bundled with the extension" in the dep-ls output', () =>
    /dep-ls: running dep-ls (\S+), bundled with the extension: (\S+)/.exec(outputChannelText()),
  );
  check(running[2].startsWith(bundled) && running[2].endsWith('/server/dep-ls'), `the running server is ${running[2]}, not the bundled one under ${bundled}*`);
  await statusBar.locator('.statusbar-item', { hasText: 'dep-ls: ready' }).first().hover();
  const hover = page.locator('.monaco-hover, .workbench-hover, .monaco-hover-content').filter({ hasText: 'bundled with the extension' }).first();
  await hover.waitFor({ timeout: 15_000 });
  check(((await hover.textContent()) ?? '').includes(`dep-ls ${running[1]}, bundled with the extension`), 'the status bar tooltip does not name the bundled server and its version');
  await page.mouse.move(700, 300);
  pass(`the bundled server runs: output channel and status bar tooltip say "dep-ls ${running[1]}, bundled with the extension: ${running[2]}"`);

  step = '(1) Problems panel shows dep-ls diagnostics';
  await page.keyboard.press('Control+Shift+M');
  await problems.getByText('linked ID API-099 is not defined anywhere in the workspace').first().waitFor({ timeout: T });
  await problems.getByText('DEP-006 (Criteria) has no owner').first().waitFor({ timeout: T });
  await problems.getByText('unresolved-link').first().waitFor({ timeout: T });
  await problems.getByText('Method: Automatic` is not valid').first().waitFor({ timeout: T });
  pass('Problems panel lists unresolved-link (API-099), missing-owner (DEP-006) and invalid-value (Method: Automatic)');

  step = 'screenshot';
  // Screenshot for the README: the plan at DEP-005/DEP-006 with squiggles, and the Problems panel.
  await goToLine(127, 170);
  await page.waitForTimeout(1500);
  await page.screenshot({ path: path.join(out, 'diagnostics.png') });

  step = '(2) go to definition opens the other file';
  await goToLine(127, 18); // **Linked IDs:** EPIC-01; ...
  await page.keyboard.press('F12');
  await page.locator('.tabs-container .tab.active[aria-label*="EPIC-01-checkout-redesign.md"]').waitFor({ timeout: 30_000 });
  check((await activeTab.getAttribute('aria-label')).includes('EPIC-01-checkout-redesign.md'), 'active tab is not the EPIC-01 file');
  pass('F12 on EPIC-01 in release-plan.md opens epics/EPIC-01-checkout-redesign.md');

  step = '(3) a quick fix applies';
  await page.locator('.tabs-container .tab[aria-label*="release-plan.md"]').first().click();
  await page.locator('.tabs-container .tab.active[aria-label*="release-plan.md"]').waitFor();
  check(planLine(298) === '- Method: Automatic', `line 298 before the fix is ${JSON.stringify(planLine(298))}`);
  await goToLine(298, 12);
  await page.keyboard.press('Control+.');
  const fix = page.locator('.action-widget .monaco-list-row', { hasText: 'with `Automated`' }).first();
  await fix.waitFor({ timeout: 30_000 });
  // Select it with the keyboard (the action widget's rows do not take pointer clicks reliably).
  const focused = page.locator('.action-widget .monaco-list-row.focused');
  for (let i = 0; i < 12 && !((await focused.textContent().catch(() => '')) ?? '').includes('with `Automated`'); i++) {
    await page.keyboard.press('ArrowDown');
  }
  check(((await focused.textContent()) ?? '').includes('with `Automated`'), 'could not select the "Replace `Automatic` with `Automated`" fix');
  await page.keyboard.press('Enter');
  await page.locator('.editor-group-container.active .view-lines', { hasText: 'Method: Automated' }).waitFor({ timeout: 15_000 });
  await page.keyboard.press('Control+S');
  await poll('line 298 on disk to read "- Method: Automated"', () => planLine(298) === '- Method: Automated');
  await problems.getByText('Method: Automatic` is not valid').first().waitFor({ state: 'detached', timeout: 30_000 });
  pass('Ctrl+. on `Method: Automatic` -> "Replace `Automatic` with `Automated`" changes line 298 (saved file) and clears the finding');

  step = 'Insert DEP- Entry Template (server refactor)';
  const before = fs.readFileSync(PLAN, 'utf8');
  const defs = (s) => [...s.matchAll(/^(?:#+ )?(DEP-\d+):/gm)].map((m) => m[1]);
  await goToLine(298, 1);
  await runCommand('dep-ls: Insert DEP- Entry Template');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Rollback' }).first().waitFor();
  await quickInput.fill('Rollback');
  await page.keyboard.press('Enter');
  // The template's first line is in view; its `Trigger:` line may be below it (code lenses
  // take room), so the saved file is what tells that the whole template went in.
  await page.locator('.editor-group-container.active .view-lines', { hasText: '[Deployment Item Title]' }).waitFor({ timeout: 15_000 });
  const after = await poll('the template in the saved file', async () => {
    await page.keyboard.press('Control+S');
    await page.waitForTimeout(300);
    const s = fs.readFileSync(PLAN, 'utf8');
    return s !== before && s.includes('Trigger: [What condition initiates rollback]') ? s : undefined;
  });
  const added = defs(after).filter((d) => !defs(before).includes(d));
  check(added.length === 1, `expected one new DEP- definition, got ${JSON.stringify(added)}`);
  check(/Type: Rollback/.test(after.slice(after.indexOf(added[0]))), 'the new entry is not a Rollback');
  pass(`Insert DEP- Entry Template -> Rollback inserts the server's template as ${added[0]} (next free number)`);

  step = 'Show Readiness Report opens the Markdown report';
  await runCommand('dep-ls: Show Readiness Report');
  await page.locator('.monaco-editor .view-lines').getByText('Release readiness report').first().waitFor({ timeout: 20_000 });
  await page.locator('.monaco-editor .view-lines').getByText('quality gates pass').first().waitFor({ timeout: 5_000 });
  pass('Show Readiness Report: the server\'s Markdown report opens (gate summary shown)');
  // The rendered preview opens beside it: close it (its group goes with it), then give the
  // keyboard focus back to the workbench (the plan's tab) before the next command.
  const previewTab = page.locator('.tabs-container .tab', { hasText: 'Preview' }).first();
  await previewTab.waitFor({ timeout: 15_000 });
  await previewTab.hover();
  await previewTab.locator('.tab-actions .action-label').first().click({ force: true });
  await poll('the preview group to close', async () => (await page.locator('.editor-group-container').count()) === 1);
  await page.locator('.tabs-container .tab', { hasText: 'release-plan.md' }).first().click();
  await page.locator('.editor-group-container.active .tabs-container .tab.active', { hasText: 'release-plan.md' }).first().waitFor({ timeout: 10_000 });

  step = 'the Release readiness tree opens a failing entry at its ID';
  // The rollback gate fails on DEP-011 (`Threshold: high`, a field some lines below the ID):
  // clicking the entry selects the ID on its definition line.
  const defLine = (id) => fs.readFileSync(PLAN, 'utf8').split(/\r?\n/).findIndex((l) => new RegExp(`^(?:#+ )?${id}:`).test(l)) + 1;
  const dep011 = defLine('DEP-011');
  check(dep011 > 0, 'DEP-011 is not defined in release-plan.md');
  await runCommand('Focus on Release readiness View');
  const tree = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Release readiness' }) });
  const rows = tree.locator('.monaco-list-row');
  // Room for the tree: collapse the folder view above it (rows outside the viewport are not drawn).
  const folders = page.locator('.pane', { has: page.locator('.explorer-folders-view') }).locator('.pane-header').first();
  if ((await folders.getAttribute('aria-expanded')) === 'true') await folders.click();
  const plan = rows.filter({ hasText: 'Plan: workspace' }).first();
  await plan.waitFor({ timeout: 30_000 });
  check(/gates pass · not ready/.test((await plan.textContent()) ?? ''), `the plan row reads ${JSON.stringify(await plan.textContent())}`);
  const gateRow = rows.filter({ hasText: 'Rollback triggers specified' }).first();
  await gateRow.waitFor({ timeout: 10_000 });
  check((await gateRow.getAttribute('aria-level')) === '2', 'the rollback gate is not a child of the plan');
  check((await gateRow.locator('.codicon-error').count()) === 1, 'the failing rollback gate has no error icon');
  const passing = rows.filter({ hasText: 'Release criteria defined' }).first();
  check((await passing.locator('.codicon-pass').count()) === 1, 'the passing criteria gate has no pass icon');
  if ((await gateRow.getAttribute('aria-expanded')) !== 'true') await gateRow.click();
  const entryRow = rows.filter({ hasText: 'DEP-011: Card authorization rollback trigger' }).first();
  await entryRow.waitFor({ timeout: 10_000 });
  check((await entryRow.getAttribute('aria-level')) === '3', 'DEP-011 is not listed under a gate');
  check(((await entryRow.textContent()) ?? '').includes('is not measurable'), `the entry row gives no reason: ${JSON.stringify(await entryRow.textContent())}`);
  await entryRow.click();
  await page.locator('.tabs-container .tab.active[aria-label*="release-plan.md"]').waitFor({ timeout: 10_000 });
  await statusBar.getByText(new RegExp(`Ln ${dep011}, Col \\d+ \\(7 selected\\)`)).first().waitFor({ timeout: 10_000 });
  await page.screenshot({ path: path.join(out, 'readiness-tree.png') });
  const checkGate = rows.filter({ hasText: 'No errors from dep-ls check' }).first();
  const errorCount = async () => Number(/(\d+) errors?/.exec((await checkGate.textContent()) ?? '')?.[1] ?? NaN);
  const errorsBefore = await errorCount();
  check(errorsBefore > 0, `the check gate row reads ${JSON.stringify(await checkGate.textContent())}`);
  pass(`Release readiness tree: plan → failing gate "Rollback triggers…" (error icon) → DEP-011; clicking it selects the ID on line ${dep011} of release-plan.md`);

  step = 'Show Trace Graph shows the SVG around the entry at the cursor and follows the cursor';
  const graphFrame = async (id) => {
    // Every frame at once, each given at most a second: a webview frame being swapped can
    // leave an evaluation pending.
    const found = await Promise.all(
      page.frames().map((f) =>
        Promise.race([
          f
            .evaluate((id) => !!document.querySelector(`svg.trace-graph g.node[data-id="${id}"]`) && (document.querySelector('h1')?.textContent ?? '').includes(id), id)
            .catch(() => false),
          new Promise((r) => setTimeout(() => r(false), 1000)),
        ]).then((ok) => (ok ? f : undefined)),
      ),
    );
    return found.find((f) => f !== undefined);
  };
  await runCommand('dep-ls: Show Trace Graph');
  // A headless page paints only when asked: without a frame drawn, the webview's iframe may not
  // load its content for half a minute (VS Code waits for it to be laid out and visible). Even
  // so its inner frame sometimes appears only ~28 s later (the webview host waiting for its
  // service worker): hence the 60 s limit.
  const paint = () => page.screenshot({ path: path.join(out, 'trace-graph-loading.png') });
  let polls = 0;
  const frame = await poll('a webview with the SVG trace graph of DEP-011', async () => (polls++ % 4 === 0 && (await paint()), graphFrame('DEP-011')), 60_000);
  const nodes = await frame.evaluate(() => [...document.querySelectorAll('svg.trace-graph g.node')].map((g) => g.getAttribute('data-id')));
  check(['MON-003', 'RUN-002', 'RUN-004'].every((n) => nodes.includes(n)), `DEP-011's graph lacks its links MON-003, RUN-002, RUN-004: ${JSON.stringify(nodes)}`);
  check((await frame.evaluate(() => document.querySelectorAll('script').length)) === 0, 'the trace graph page holds a script');
  await page.locator('.tabs-container .tab', { hasText: 'Trace graph: DEP-011' }).first().waitFor({ timeout: 5_000 });
  await page.screenshot({ path: path.join(out, 'trace-graph.png') });
  pass(`Show Trace Graph: a webview beside the editor shows the server's SVG around DEP-011 (${nodes.length} nodes, no script)`);
  const dep012 = defLine('DEP-012');
  await goToLine(dep012 + 2, 1);
  await poll('the webview to follow the cursor to DEP-012', () => graphFrame('DEP-012'), 15_000);
  pass('the trace graph follows the cursor: moving it into DEP-012 redraws the panel for DEP-012');
  const graphTab = page.locator('.tabs-container .tab', { hasText: 'Trace graph' }).first();
  await graphTab.hover();
  await graphTab.locator('.tab-actions .action-label').first().click({ force: true });
  await poll('the trace graph group to close', async () => (await page.locator('.editor-group-container').count()) === 1);
  await page.locator('.tabs-container .tab', { hasText: 'release-plan.md' }).first().click();

  step = 'a changed setting reaches the server';
  // The folder's dep-ls.toml (which sets no severity for missing-owner) and the editor settings
  // merge key by key: set dep-ls.severity {"missing-owner": "off"} in the user settings through
  // VS Code; the client sends workspace/didChangeConfiguration, the server pulls the mapped
  // `dep-ls` section and re-checks.
  await problems.getByText('DEP-006 (Criteria) has no owner').first().waitFor({ timeout: 5_000 });
  await runCommand('Preferences: Open User Settings (JSON)');
  await page.locator('.tabs-container .tab.active[aria-label*="settings.json"]').waitFor({ timeout: 15_000 });
  const settings = JSON.parse(fs.readFileSync(process.env.USER_SETTINGS, 'utf8'));
  settings['dep-ls.severity'] = { 'missing-owner': 'off' };
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(JSON.stringify(settings, null, 2));
  await page.keyboard.press('Control+S');
  await poll('settings.json on disk to hold dep-ls.severity', () => fs.readFileSync(process.env.USER_SETTINGS, 'utf8').includes('"missing-owner": "off"'));
  await problems.getByText('DEP-006 (Criteria) has no owner').first().waitFor({ state: 'detached', timeout: 30_000 });
  await problems.getByText('linked ID API-099 is not defined anywhere').first().waitFor({ timeout: 5_000 });
  pass('setting dep-ls.severity {"missing-owner": "off"} removes the missing-owner finding beside the folder\'s dep-ls.toml; others stay');
  // The readiness tree follows the diagnostics: the check gate counts one error less.
  await poll(`the tree's check gate to count fewer than ${errorsBefore} errors`, async () => (await errorCount()) < errorsBefore, 15_000);
  pass(`the Release readiness tree refreshes as diagnostics change: its check gate goes from ${errorsBefore} to ${await errorCount()} errors`);

  step = 'a bad dep-ls.server.path restarts into a clear error';
  // dep-ls.server.path lives in the remote (Machine) settings, see run.sh.
  await runCommand('Preferences: Open Remote Settings (JSON)');
  // The user settings.json is open too: wait for the remote one's tab (its description names the
  // Machine folder), not for any settings.json, before typing into the active editor.
  await page.locator('.tabs-container .tab.active', { hasText: 'Machine' }).waitFor({ timeout: 15_000 });
  const machine = JSON.parse(fs.readFileSync(process.env.MACHINE_SETTINGS, 'utf8'));
  check(!('dep-ls.server.path' in machine), 'the remote settings already hold dep-ls.server.path (the test runs without it)');
  machine['dep-ls.server.path'] = '/nonexistent/dep-ls';
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(JSON.stringify(machine, null, 2));
  await page.keyboard.press('Control+S');
  await poll('the remote settings on disk to hold the bad path', () => fs.readFileSync(process.env.MACHINE_SETTINGS, 'utf8').includes('/nonexistent/dep-ls'));
  const toast = page.locator('.notification-toast', { hasText: '/nonexistent/dep-ls is not an executable file' }).first();
  await toast.waitFor({ timeout: 30_000 });
  await toast.getByText('cargo install --path .').first().waitFor({ timeout: 5_000 });
  await statusBar.getByText('dep-ls: error').waitFor({ timeout: 10_000 });
  await toast.getByRole('button', { name: 'Open Settings' }).click();
  await page.locator('.settings-editor').first().waitFor({ timeout: 15_000 });
  pass('dep-ls.server.path=/nonexistent restarts the client: error notification with install hint, status "dep-ls: error", "Open Settings" opens the settings editor');

  for (const p of passed) console.log('ok -', p);
  console.log(`PASS (the Playwright session took ${((Date.now() - started) / 1000).toFixed(1)} s)`);
} catch (e) {
  for (const p of passed) console.log('ok -', p);
  console.error(`FAIL at step "${step}": ${e.message.split('\n')[0]}`);
  await page.screenshot({ path: path.join(out, 'failure.png') }).catch(() => {});
  const tabs = await page.locator('.tabs-container .tab').evaluateAll((ts) => ts.map((t) => t.getAttribute('aria-label'))).catch(() => []);
  console.error('open tabs:', JSON.stringify(tabs));
  // The dep-ls output channel (server log; the LSP trace too with E2E_TRACE=1), as a screenshot.
  try {
    await page.keyboard.press('Escape');
    await runCommand('dep-ls: Show Output');
    await page.locator('.output-view .view-lines').first().waitFor({ timeout: 10_000 });
    await page.waitForTimeout(1000);
    await page.screenshot({ path: path.join(out, 'failure-output.png') });
    const filter = page.locator('.output-view, .panel').locator('input[placeholder="Filter"]').first();
    for (const [i, f] of ['onfiguration', 'Watched'].entries()) {
      await filter.fill(f).catch(() => {});
      await page.waitForTimeout(800);
      await page.screenshot({ path: path.join(out, `failure-output-${i}.png`) });
    }
  } catch {
    // best effort
  }
  process.exitCode = 1;
} finally {
  await ctx.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
