// The VS Code client: starts the vpcrules language server for .vpcrules files, shows the active
// file's flow tally in the status bar, and adds the "check all", "explain flow" and "restart
// server" commands.
import * as vscode from 'vscode';
import {
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
  TransportKind,
} from 'vscode-languageclient/node';
import { ExplainReports, ExplainResult } from './report';
import { FlowTally, TallyStatus } from './status';

const LANGUAGE_ID = 'vpcrules';
const FLOW_LINE = /^\s*flow\s+([A-Za-z_][A-Za-z0-9_.-]*)/;

export const COMMANDS = {
  checkAll: 'vpcrules.checkAll',
  explainFlow: 'vpcrules.explainFlow',
  restartServer: 'vpcrules.restartServer',
} as const;

let client: LanguageClient | undefined;
let starting: Promise<void> | undefined;

function settings() {
  const config = vscode.workspace.getConfiguration('vpcrules');
  const debounceMs = Math.max(0, Number(config.get<number>('debounceMs', 150)) || 0);
  const externalEphemeralPorts = config.get<string>('externalEphemeralPorts', '1024-65535');
  return { debounceMs, externalEphemeralPorts };
}

function isVpcrules(document: vscode.TextDocument): boolean {
  return document.languageId === LANGUAGE_ID;
}

function normalizeUri(uri: string | vscode.Uri): string {
  return (typeof uri === 'string' ? vscode.Uri.parse(uri) : uri).toString();
}

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('vpcrules');
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.stdio },
    debug: {
      module: serverModule,
      transport: TransportKind.stdio,
      options: { execArgv: ['--nolazy', '--inspect=6019'] },
    },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: LANGUAGE_ID },
      { scheme: 'untitled', language: LANGUAGE_ID },
    ],
    synchronize: { configurationSection: 'vpcrules' },
    initializationOptions: () => settings(),
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
  };
  const languageClient = new LanguageClient('vpcrules', 'vpcrules', serverOptions, clientOptions);
  client = languageClient;

  const start = (): Promise<void> => {
    starting = languageClient.start().catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      output.appendLine(`The vpcrules language server failed to start: ${message}`);
      void vscode.window
        .showErrorMessage(`vpcrules: the language server failed to start (${message}).`, 'Show Output')
        .then((choice) => choice && output.show(true));
    });
    return starting;
  };

  /** Sends a request once the server runs. */
  async function request<R>(method: string, params: object): Promise<R> {
    if (starting) await starting;
    if (!languageClient.isRunning()) throw new Error('the language server is not running');
    return languageClient.sendRequest<R>(method, params);
  }

  const status = new TallyStatus(
    (uri) => request<FlowTally | null>('vpcrules/flowTally', { uri }),
    isVpcrules,
    COMMANDS.checkAll,
  );
  const reports = new ExplainReports(async (uri, name) => {
    await vscode.workspace.openTextDocument(vscode.Uri.parse(uri)); // make sure the server has it
    return request<ExplainResult | null>('vpcrules/explainFlow', { uri, name });
  }, vscode.Uri.joinPath(context.extensionUri, 'images', 'icon.png'));

  context.subscriptions.push(
    output,
    status,
    reports,

    vscode.commands.registerCommand(COMMANDS.checkAll, () => checkAll(request)),
    vscode.commands.registerCommand(COMMANDS.explainFlow, (uri?: unknown, flowName?: unknown) =>
      explainFlow(reports, uri, flowName),
    ),
    vscode.commands.registerCommand(COMMANDS.restartServer, async () => {
      if (starting) await starting;
      if (languageClient.state === State.Running) {
        starting = languageClient.restart();
        await starting.catch((error: unknown) => {
          output.appendLine(`Restart failed: ${error instanceof Error ? error.message : String(error)}`);
        });
      } else {
        await start();
      }
      vscode.window.setStatusBarMessage('vpcrules: language server restarted', 3000);
      status.schedule(0);
    }),

    languageClient.onDidChangeState((event) => {
      if (event.newState === State.Running) status.schedule(0);
    }),
    vscode.window.onDidChangeActiveTextEditor(() => status.schedule(0)),
    vscode.languages.onDidChangeDiagnostics((event) => {
      const active = vscode.window.activeTextEditor?.document;
      const changed = new Set(event.uris.map((uri) => uri.toString()));
      if (active && isVpcrules(active) && changed.has(active.uri.toString())) status.schedule();
      for (const uri of changed) if (reports.hasReportsFor(uri)) void reports.refresh(uri);
    }),
    // Fallback when an edit leaves the diagnostics as they were (no diagnostics event).
    vscode.workspace.onDidChangeTextDocument((event) => {
      if (!isVpcrules(event.document) || event.contentChanges.length === 0) return;
      if (vscode.window.activeTextEditor?.document === event.document) status.schedule(settings().debounceMs + 400);
    }),
  );

  void start();
  status.schedule(0);
}

export function deactivate(): Thenable<void> | undefined {
  const running = client;
  client = undefined;
  return running?.stop();
}

type Request = <R>(method: string, params: object) => Promise<R>;

/** Opens every .vpcrules file of the workspace so the server analyzes it, then shows Problems. */
async function checkAll(request: Request): Promise<void> {
  const documents = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'vpcrules: checking files' },
    async () => {
      const uris = await vscode.workspace.findFiles('**/*.vpcrules', '**/{node_modules,.git}/**');
      const opened: vscode.TextDocument[] = [];
      for (const uri of uris) {
        try {
          opened.push(await vscode.workspace.openTextDocument(uri));
        } catch {
          // unreadable file: the Problems view will not list it
        }
      }
      for (const document of vscode.workspace.textDocuments) {
        if (isVpcrules(document) && !opened.includes(document)) opened.push(document);
      }
      return opened;
    },
  );
  await vscode.commands.executeCommand('workbench.actions.view.problems');

  let flows = 0;
  let failing = 0;
  await Promise.all(
    documents.map(async (document) => {
      try {
        const tally = await request<FlowTally | null>('vpcrules/flowTally', { uri: document.uri.toString() });
        flows += tally?.total ?? 0;
        failing += tally?.failing ?? 0;
      } catch {
        // the server reports this file's problems through diagnostics
      }
    }),
  );
  const files = `${documents.length} file${documents.length === 1 ? '' : 's'}`;
  const summary = failing > 0 ? `${flows} flows, ${failing} failing` : `${flows} flows, all expectations hold`;
  vscode.window.setStatusBarMessage(`vpcrules: checked ${files}: ${summary}`, 8000);
}

/** The flows of a document, by line. */
function flowsOf(document: vscode.TextDocument): { name: string; line: number }[] {
  const flows: { name: string; line: number }[] = [];
  for (let line = 0; line < document.lineCount; line++) {
    const match = FLOW_LINE.exec(document.lineAt(line).text);
    if (match) flows.push({ name: match[1], line });
  }
  return flows;
}

async function explainFlow(reports: ExplainReports, uriArg: unknown, nameArg: unknown): Promise<void> {
  if ((typeof uriArg === 'string' || uriArg instanceof vscode.Uri) && typeof nameArg === 'string' && nameArg) {
    await reports.show(normalizeUri(uriArg), nameArg);
    return;
  }
  const editor =
    vscode.window.activeTextEditor && isVpcrules(vscode.window.activeTextEditor.document)
      ? vscode.window.activeTextEditor
      : vscode.window.visibleTextEditors.find((candidate) => isVpcrules(candidate.document));
  if (!editor) {
    void vscode.window.showInformationMessage('vpcrules: open a .vpcrules file and put the cursor on a flow to explain it.');
    return;
  }
  const document = editor.document;
  const onLine = FLOW_LINE.exec(document.lineAt(editor.selection.active.line).text);
  if (onLine) {
    await reports.show(normalizeUri(document.uri), onLine[1]);
    return;
  }
  const flows = flowsOf(document);
  if (flows.length === 0) {
    void vscode.window.showInformationMessage('vpcrules: this file declares no flow to explain.');
    return;
  }
  const picked = await vscode.window.showQuickPick(
    flows.map((flow) => ({
      label: flow.name,
      description: `line ${flow.line + 1}`,
      detail: document.lineAt(flow.line).text.trim(),
    })),
    { placeHolder: 'The cursor is not on a flow line: pick the flow to explain' },
  );
  if (picked) await reports.show(normalizeUri(document.uri), picked.label);
}
