// The dep-ls VS Code extension: starts the dep-ls language server for Markdown files and adds
// commands, settings, a status bar item, snippets, a grammar injection, the "Release readiness"
// tree and the trace-graph panel (src/viewsUi.ts).

import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import {
  CodeAction,
  CodeActionRequest,
  CodeActionResolveRequest,
  CodeActionTriggerKind,
  Command,
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';
import { notOfferedMessage, offersCommand, READINESS_COMMAND, reportToMarkdown } from './report';
import { describeSource, findServer, notFoundMessage } from './serverPath';
import { toServerSettings } from './settings';
import { describeServer, formatStatus, IndexingTracker, ServerIdentity, ServerStatus } from './status';
import { EntryType, pickerItems, pickTemplateAction, snippetLines, TEMPLATE_ACTION_KIND } from './templates';
import { ReadinessTree, TraceGraphPanel } from './viewsUi';

const SECTION = 'dep-ls';
/** VS Code's command that peeks a list of locations, which the references code lens runs. */
const SHOW_REFERENCES = 'editor.action.showReferences';

function isExecutable(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, process.platform === 'win32' ? fs.constants.F_OK : fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function exists(file: string): boolean {
  try {
    fs.statSync(file);
    return true;
  } catch {
    return false;
  }
}

/** `dep-ls --version` -> `0.1.0` (undefined when it fails or says something else). */
function versionOf(file: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(file, ['--version'], { timeout: 5000, windowsHide: true }, (err, stdout) => {
      const m = /^dep-ls\s+(\S+)/.exec(String(stdout ?? '').trim());
      resolve(!err && m ? m[1] : undefined);
    });
  });
}

function serverSettings(scope?: vscode.ConfigurationScope) {
  const cfg = vscode.workspace.getConfiguration(SECTION, scope);
  return toServerSettings((key) => cfg.get(key));
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

class DepLsExtension implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private serverPath: string | undefined;
  /** Which binary runs (tooltip); undefined when none was found. */
  private server: ServerIdentity | undefined;
  private readonly output = vscode.window.createOutputChannel('dep-ls');
  private readonly statusItem = vscode.window.createStatusBarItem('dep-ls.status', vscode.StatusBarAlignment.Left, 10);
  private readonly indexing = new IndexingTracker();
  private baseStatus: ServerStatus = { kind: 'starting' };
  private starting: Promise<void> | undefined;
  private readonly started = new vscode.EventEmitter<void>();
  /** Fires each time a server has started (the views refresh). */
  readonly onDidStart = this.started.event;

  constructor(private readonly extensionPath: string) {
    this.statusItem.name = 'dep-ls';
    this.statusItem.command = 'dep-ls.showOutput';
    this.render();
    this.statusItem.show();
  }

  private setStatus(s: ServerStatus): void {
    this.baseStatus = s;
    this.render();
  }

  private render(): void {
    const s = this.baseStatus.kind === 'ready' ? (this.indexing.status() ?? this.baseStatus) : this.baseStatus;
    const view = formatStatus(s, this.server);
    this.statusItem.text = view.text;
    this.statusItem.tooltip = view.tooltip;
    this.statusItem.backgroundColor = view.background ? new vscode.ThemeColor(view.background) : undefined;
  }

  /** Starts the server (finding the binary first). Errors end up in the status bar and a message. */
  start(): Promise<void> {
    if (!this.starting) {
      this.starting = this.doStart().finally(() => {
        this.starting = undefined;
      });
    }
    return this.starting;
  }

  private async doStart(): Promise<void> {
    this.indexing.reset();
    this.server = undefined;
    this.setStatus({ kind: 'starting' });
    const lookup = findServer({
      configured: vscode.workspace.getConfiguration(SECTION).get<string>('server.path'),
      pathEnv: process.env.PATH,
      pathExt: process.env.PATHEXT,
      platform: process.platform,
      home: os.homedir(),
      workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
      extensionPath: this.extensionPath,
      isExecutable,
      exists,
    });
    if (lookup.kind === 'found' && lookup.skipped) this.output.appendLine(`dep-ls: ${lookup.skipped}; using ${lookup.path} from PATH`);
    if (lookup.kind !== 'found') {
      const msg = notFoundMessage(lookup);
      this.output.appendLine(msg);
      if (lookup.kind === 'notFound') this.output.appendLine(`searched: ${lookup.searched.join(', ') || '(PATH is empty)'}`);
      this.setStatus({ kind: 'error', message: 'server binary not found' });
      void vscode.window.showErrorMessage(msg, 'Open Settings', 'Show Output').then((choice) => {
        if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.server.path`);
        if (choice === 'Show Output') this.output.show(true);
      });
      return;
    }
    this.serverPath = lookup.path;
    const server: ServerIdentity = { path: lookup.path, origin: describeSource(lookup.source) };
    this.server = server;
    this.output.appendLine(`dep-ls: starting ${lookup.path} (${server.origin})`);

    const serverOptions: ServerOptions = {
      run: { command: lookup.path, args: ['lsp'] },
      debug: { command: lookup.path, args: ['lsp'], options: { env: { ...process.env, DEP_LS_LOG: 'debug' } } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file', language: 'markdown' },
        { scheme: 'untitled', language: 'markdown' },
      ],
      outputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions: serverSettings(),
      synchronize: { configurationSection: SECTION },
      middleware: {
        workspace: {
          // Answer `workspace/configuration` for the `dep-ls` section in the server's shape.
          configuration: async (params, token, next) => {
            const answers = await next(params, token);
            if (!Array.isArray(answers)) return answers;
            return params.items.map((item, i) => {
              if (item.section !== SECTION) return answers[i];
              const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
              return serverSettings(scope);
            });
          },
          // Send the mapped settings (the server then also pulls them).
          didChangeConfiguration: async () => {
            await this.client?.sendNotification(DidChangeConfigurationNotification.type, {
              settings: { [SECTION]: serverSettings() },
            });
          },
        },
        handleWorkDoneProgress: (token, params, next) => {
          if (this.indexing.update(token, params)) this.render();
          next(token, params);
        },
        // The server's "Readiness: 5/7 gates pass" lens runs its report command; show the
        // answer instead of dropping it.
        provideCodeLenses: async (document, token, next) => {
          const lenses = await next(document, token);
          for (const lens of lenses ?? []) {
            if (lens.command?.command === READINESS_COMMAND) {
              lens.command = { ...lens.command, command: 'dep-ls.showReadinessReport', arguments: [] };
            } else if (lens.command?.command === SHOW_REFERENCES && this.client) {
              // The references lens: VS Code's command takes its own types, not LSP's JSON.
              const [uri, position, locations] = lens.command.arguments ?? [];
              const p2c = this.client.protocol2CodeConverter;
              const locs = Array.isArray(locations) ? locations : [];
              lens.command = {
                ...lens.command,
                arguments: [p2c.asUri(uri), p2c.asPosition(position), locs.map((l) => p2c.asLocation(l))],
              };
            }
          }
          return lenses;
        },
      },
    };

    const client = new LanguageClient(SECTION, 'dep-ls', serverOptions, clientOptions);
    // dep-ls puts VS Code's `editor.action.showReferences` on its references lens only for a
    // client that announces it (`experimental.commands.commands`; converted by the middleware).
    client.registerFeature({
      fillClientCapabilities: (caps) => {
        const experimental = (caps.experimental ?? {}) as Record<string, unknown>;
        caps.experimental = { ...experimental, commands: { commands: [SHOW_REFERENCES] } };
      },
      initialize: () => {},
      getState: () => ({ kind: 'static' }),
      clear: () => {},
    });
    this.client = client;
    client.onDidChangeState((e) => {
      if (this.client !== client) return;
      if (e.newState === State.Starting) this.setStatus({ kind: 'starting' });
      else if (e.newState === State.Running) this.setStatus({ kind: 'ready' });
      else if (e.newState === State.Stopped) {
        this.indexing.reset();
        if (this.baseStatus.kind !== 'error') this.setStatus({ kind: 'stopped' });
      }
    });
    try {
      await client.start();
      server.version = client.initializeResult?.serverInfo?.version ?? (await versionOf(lookup.path));
      if (this.server === server) this.render();
      this.output.appendLine(`dep-ls: running ${describeServer(server)}`);
      if (this.client === client) this.started.fire();
    } catch (e) {
      const msg = `dep-ls: the language server ${lookup.path} (${server.origin}) failed to start: ${errorText(e)}`;
      this.output.appendLine(msg);
      this.setStatus({ kind: 'error', message: errorText(e) });
      void vscode.window.showErrorMessage(msg, 'Show Output').then((c) => c && this.output.show(true));
    }
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    try {
      if (client.isRunning()) await client.stop(5000);
    } catch (e) {
      this.output.appendLine(`dep-ls: stopping the server: ${errorText(e)}`);
    }
    try {
      await client.dispose();
    } catch {
      // already stopped
    }
    this.indexing.reset();
    this.setStatus({ kind: 'stopped' });
  }

  async restart(): Promise<void> {
    await this.starting;
    await this.stop();
    await this.start();
  }

  /** The client, while its server runs. */
  runningClient(): LanguageClient | undefined {
    return this.client?.isRunning() ? this.client : undefined;
  }

  showOutput(): void {
    this.output.show(true);
  }

  async insertTemplate(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'markdown') {
      void vscode.window.showWarningMessage('dep-ls: open a Markdown file to insert a DEP- entry template.');
      return;
    }
    const picked = await vscode.window.showQuickPick(
      pickerItems(),
      { placeHolder: 'Type of the DEP- entry to insert', title: 'dep-ls: Insert DEP- Entry Template' },
    );
    if (!picked) return;
    const ty = picked.label;
    if (await this.insertFromServer(editor, ty)) return;
    await editor.insertSnippet(new vscode.SnippetString(snippetLines(ty).join('\n')));
  }

  /**
   * Applies the server's "Insert a DEP- <Type> entry" action at the cursor (found by its kind and
   * data, see `pickTemplateAction`). False when there is none.
   */
  private async insertFromServer(editor: vscode.TextEditor, ty: EntryType): Promise<boolean> {
    const client = this.client;
    if (!client?.isRunning()) return false;
    try {
      const c2p = client.code2ProtocolConverter;
      const result = await client.sendRequest(CodeActionRequest.type, {
        textDocument: c2p.asTextDocumentIdentifier(editor.document),
        range: c2p.asRange(editor.selection),
        context: { diagnostics: [], only: [TEMPLATE_ACTION_KIND], triggerKind: CodeActionTriggerKind.Invoked },
      });
      const actions = (result ?? []).filter((a): a is CodeAction => !Command.is(a));
      let action = pickTemplateAction(actions, ty);
      if (!action) {
        this.output.appendLine(`dep-ls: the server offers no ${TEMPLATE_ACTION_KIND} action for ${ty} here; inserting the snippet`);
        return false;
      }
      const cap = client.initializeResult?.capabilities.codeActionProvider;
      if (!action.edit && typeof cap === 'object' && cap.resolveProvider) {
        action = await client.sendRequest(CodeActionResolveRequest.type, action);
      }
      if (action.edit) {
        const edit = await client.protocol2CodeConverter.asWorkspaceEdit(action.edit);
        if (!(await vscode.workspace.applyEdit(edit))) return false;
      }
      if (action.command) {
        await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
      }
      return action.edit !== undefined || action.command !== undefined;
    } catch (e) {
      this.output.appendLine(`dep-ls: asking the server for templates failed: ${errorText(e)}`);
      return false;
    }
  }

  async showReadinessReport(): Promise<void> {
    const client = this.client;
    if (!client?.isRunning()) {
      void vscode.window.showWarningMessage('dep-ls: the language server is not running (see "dep-ls: Show Output").');
      return;
    }
    if (!offersCommand(client.initializeResult, READINESS_COMMAND)) {
      void vscode.window.showInformationMessage(notOfferedMessage(this.serverPath));
      return;
    }
    const uri = vscode.window.activeTextEditor?.document.uri;
    const folder = (uri && vscode.workspace.getWorkspaceFolder(uri)) ?? vscode.workspace.workspaceFolders?.[0];
    try {
      const result: unknown = await client.sendRequest(ExecuteCommandRequest.type, {
        command: READINESS_COMMAND,
        arguments: folder ? [folder.uri.toString()] : [],
      });
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: reportToMarkdown(result) });
      await vscode.window.showTextDocument(doc, { preview: true });
      // Rendered beside its source (tables, links to the entries at fault).
      void vscode.commands.executeCommand('markdown.showPreviewToSide', doc.uri);
    } catch (e) {
      void vscode.window.showErrorMessage(`dep-ls: the readiness report failed: ${errorText(e)}`);
    }
  }

  dispose(): void {
    void this.stop();
    this.started.dispose();
    this.statusItem.dispose();
    this.output.dispose();
  }
}

let ext: DepLsExtension | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  ext = new DepLsExtension(context.extensionPath);
  const e = ext;
  const readiness = new ReadinessTree(() => e.runningClient());
  const graph = new TraceGraphPanel(() => e.runningClient());
  context.subscriptions.push(
    e,
    readiness,
    graph,
    e.onDidStart(() => readiness.schedule(0)),
    vscode.commands.registerCommand('dep-ls.refreshReadiness', () => readiness.refresh()),
    vscode.commands.registerCommand('dep-ls.showTraceGraph', () => graph.show()),
    vscode.commands.registerCommand('dep-ls.restartServer', () => e.restart()),
    vscode.commands.registerCommand('dep-ls.showOutput', () => e.showOutput()),
    vscode.commands.registerCommand('dep-ls.insertTemplate', () => e.insertTemplate()),
    vscode.commands.registerCommand('dep-ls.showReadinessReport', () => e.showReadinessReport()),
    vscode.workspace.onDidChangeConfiguration((ev) => {
      if (ev.affectsConfiguration(`${SECTION}.server.path`)) void e.restart();
    }),
  );
  await e.start();
}

export async function deactivate(): Promise<void> {
  await ext?.stop();
  ext = undefined;
}
