// The "Release readiness" tree view and the "Trace graph" webview panel: VS Code objects around
// the pure models of ./views (the server's `dep-ls/readinessTree` and `dep-ls/traceGraph`).

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  affectsReadiness,
  graphHtml,
  GraphAnswer,
  Icon,
  LspRange,
  makeNonce,
  notOfferedViewMessage,
  offersRequest,
  parseGraph,
  READINESS_TREE,
  Target,
  TRACE_GRAPH,
  treeMessage,
  treeModel,
  ViewNode,
} from './views';

export const READINESS_VIEW = 'dep-ls.readiness';

/** The running client, if any (the extension restarts it; views ask each time). */
export type ClientSource = () => LanguageClient | undefined;

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function asRange(r: LspRange): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

function icon(i: Icon): vscode.ThemeIcon {
  switch (i) {
    case 'plan-ready':
    case 'gate-pass':
      return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    case 'plan-blocked':
    case 'gate-fail':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    case 'gate-advisory-fail':
      return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
    case 'entry':
      return new vscode.ThemeIcon('go-to-file');
  }
}

/** Opens a file with the target's range selected (the entry's ID). */
function openCommand(t: Target): vscode.Command {
  const options: vscode.TextDocumentShowOptions = { selection: asRange(t.range), preview: true };
  return { command: 'vscode.open', title: 'Open', arguments: [vscode.Uri.parse(t.uri), options] };
}

/** The "Release readiness" tree: plans → gates → failing entries, refreshed as diagnostics change. */
export class ReadinessTree implements vscode.TreeDataProvider<ViewNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ViewNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<ViewNode>;
  private readonly disposables: vscode.Disposable[] = [];
  private roots: ViewNode[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Something changed while the view was hidden: refresh once it shows. */
  private stale = true;
  private generation = 0;

  constructor(private readonly client: ClientSource, private readonly debounceMs = 600) {
    this.view = vscode.window.createTreeView(READINESS_VIEW, { treeDataProvider: this, showCollapseAll: true });
    this.view.message = 'Waiting for the dep-ls language server…';
    this.disposables.push(
      this.view,
      this.changed,
      this.view.onDidChangeVisibility((e) => {
        if (e.visible && this.stale) this.schedule(0);
      }),
      vscode.languages.onDidChangeDiagnostics((e) => {
        if (affectsReadiness(e.uris)) this.schedule();
      }),
    );
  }

  getTreeItem(n: ViewNode): vscode.TreeItem {
    const state =
      n.state === 'expanded'
        ? vscode.TreeItemCollapsibleState.Expanded
        : n.state === 'collapsed'
          ? vscode.TreeItemCollapsibleState.Collapsed
          : vscode.TreeItemCollapsibleState.None;
    const item = new vscode.TreeItem(n.label, state);
    item.id = n.id;
    item.description = n.description;
    item.tooltip = n.tooltip;
    item.iconPath = icon(n.icon);
    item.contextValue = n.kind;
    if (n.kind === 'entry' && n.target) item.command = openCommand(n.target);
    return item;
  }

  getChildren(n?: ViewNode): ViewNode[] {
    return n ? n.children : this.roots;
  }

  /** Refreshes after `delay` ms (the last call wins); only while the view is visible. */
  schedule(delay = this.debounceMs): void {
    this.stale = true;
    if (!this.view.visible) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, delay);
  }

  /** Asks the server for the tree now. */
  async refresh(): Promise<void> {
    const gen = ++this.generation;
    this.stale = false;
    const client = this.client();
    if (!client?.isRunning()) {
      this.show([], 'The dep-ls language server is not running.');
      return;
    }
    if (!offersRequest(client.initializeResult, READINESS_TREE)) {
      this.show([], notOfferedViewMessage('the readiness tree', READINESS_TREE));
      return;
    }
    try {
      const result: unknown = await client.sendRequest(READINESS_TREE, {});
      if (gen !== this.generation) return;
      this.show(treeModel(result), treeMessage(result));
    } catch (e) {
      if (gen !== this.generation) return;
      this.show(this.roots, `dep-ls: the readiness tree failed: ${errorText(e)}`);
    }
  }

  private show(roots: ViewNode[], message: string | undefined): void {
    this.roots = roots;
    this.view.message = message;
    this.changed.fire(undefined);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}

/** The "Trace graph" panel: the SVG around the entry at the cursor, following the cursor. */
export class TraceGraphPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private shownId: string | undefined;
  private generation = 0;

  constructor(private readonly client: ClientSource, private readonly debounceMs = 300) {
    this.disposables.push(
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (this.panel && e.textEditor.document.languageId === 'markdown') this.schedule(e.textEditor);
      }),
    );
  }

  /** "dep-ls: Show Trace Graph": opens (or reveals) the panel for the active editor's cursor. */
  async show(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const client = this.client();
    if (!client?.isRunning()) {
      void vscode.window.showWarningMessage('dep-ls: the language server is not running (see "dep-ls: Show Output").');
      return;
    }
    if (!offersRequest(client.initializeResult, TRACE_GRAPH)) {
      void vscode.window.showInformationMessage(notOfferedViewMessage('the trace graph', TRACE_GRAPH));
      return;
    }
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(
        'dep-ls.traceGraph',
        'Trace graph',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: false, enableCommandUris: false, localResourceRoots: [], retainContextWhenHidden: false },
      );
      this.panel.onDidDispose(() => {
        this.panel = undefined;
        this.shownId = undefined;
      });
      this.render(undefined, undefined);
    } else {
      this.panel.reveal(vscode.ViewColumn.Beside, true);
    }
    if (editor && editor.document.languageId === 'markdown') {
      this.shownId = undefined;
      await this.update(editor);
    }
  }

  private schedule(editor: vscode.TextEditor): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.update(editor);
    }, this.debounceMs);
  }

  /** Asks for the graph at the editor's cursor; redraws when the ID changed. */
  private async update(editor: vscode.TextEditor): Promise<void> {
    const client = this.client();
    if (!this.panel || !client?.isRunning()) return;
    const gen = ++this.generation;
    try {
      const result: unknown = await client.sendRequest(TRACE_GRAPH, {
        textDocument: { uri: editor.document.uri.toString() },
        position: client.code2ProtocolConverter.asPosition(editor.selection.active),
      });
      if (gen !== this.generation || !this.panel) return;
      const graph = parseGraph(result);
      // On no ID: keep the last graph (the cursor passed between entries).
      if (!graph) {
        if (this.shownId === undefined) this.render(undefined, undefined);
        return;
      }
      if (graph.id === this.shownId) return;
      this.render(graph, undefined);
    } catch (e) {
      if (gen === this.generation) this.render(undefined, `dep-ls: the trace graph failed: ${errorText(e)}`);
    }
  }

  private render(graph: GraphAnswer | undefined, message: string | undefined): void {
    if (!this.panel) return;
    this.shownId = graph?.id;
    this.panel.title = graph ? `Trace graph: ${graph.id}` : 'Trace graph';
    this.panel.webview.html = graphHtml({ graph, message, nonce: makeNonce((n) => randomBytes(n)) });
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
