// The VS Code extension: starts the bundled vpcrules language server for .vpcrules files and adds
// the flow tally in the status bar, the explain report and the commands. Activation only wires
// things up; the analysis runs in the server's own process.
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, State, TransportKind, WorkDoneProgress } from 'vscode-languageclient/node';
import { checkAll, explainFlow } from './commands';
import { importJson, ImportResult } from './import';
import { MatrixViews, showMatrix } from './matrix';
import { MatrixAnswer, MatrixChoice } from './matrix-page';
import { ExplainReports, REVEAL_LINE_COMMAND, revealLine } from './report';
import { ExplainResult } from './report-page';
import { TallyStatus } from './status';
import { FlowTally } from './tally';
import { WORKSPACE_DIAGNOSTICS_SETTING, WorkspaceSync } from './workspace-sync';
import type { WorkspaceTally } from '../../server/src/lsp/workspace-files';

const CHECK_ALL_COMMAND = 'vpcrules.checkAll';

let client: LanguageClient | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('vpcrules');
  const importOutput = vscode.window.createOutputChannel('vpcrules import');
  const serverModule = context.asAbsolutePath('dist/server.js');

  async function request<R>(method: string, params: object): Promise<R> {
    await starting; // a command run right after activation waits for the server
    if (!client) throw new Error('the vpcrules language server is not running');
    return client.sendRequest<R>(method, params);
  }
  const requestTally = (uri: string) => request<FlowTally | null>('vpcrules/flowTally', { uri });
  const status = new TallyStatus(requestTally, CHECK_ALL_COMMAND);
  const reports = new ExplainReports(
    (uri, name) => request<ExplainResult | null>('vpcrules/explainFlow', { uri, name }),
    vscode.Uri.joinPath(context.extensionUri, 'images', 'icon.png'),
    (uri, pair) => request<ExplainResult | null>('vpcrules/explainPair', { uri, ...pair }),
  );

  const workspaceSync = new WorkspaceSync(output);
  const workspaceTallies = {
    rescan: async () => {
      await starting; // the files go to the server that is starting, if any
      await workspaceSync.rescan();
    },
    tally: () => request<WorkspaceTally>('vpcrules/workspaceTally', {}),
  };

  async function startServer(): Promise<void> {
    try {
      const started = (client = createClient(serverModule, output));
      client.onDidChangeState((event) => {
        if (event.newState === State.Running) void status.refresh();
        // The workspace's files on disk, for the problems of those that are not open.
        if (event.newState === State.Running) workspaceSync.connect((method, params) => started.sendNotification(method, params));
        else if (event.newState === State.Stopped) workspaceSync.disconnect();
      });
      await client.start();
    } catch (error) {
      // A failed start is also reported to the user by the client itself.
      output.appendLine(`The language server did not start: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    }
  }

  // Never rejects: startServer reports its own failures.
  let starting = startServer();

  async function restartServer(): Promise<void> {
    await starting; // a client can only be stopped once its start has settled
    const previous = client;
    client = undefined;
    // A client that never got running cannot be restarted in place, so a new one replaces it.
    await previous?.dispose().catch((error: unknown) => output.appendLine(`Stopping the language server: ${String(error)}`));
    starting = startServer();
    await starting;
  }

  // The reachability matrix of a file, beside it.
  let progressTokens = 0;
  const matrices = new MatrixViews({
    defaults: (uri) => request<MatrixChoice[] | null>('vpcrules/matrixDefaults', { uri }),
    matrix: async (uri, selection, onProgress, token) => {
      await starting;
      const running = client;
      if (!running) throw new Error('the vpcrules language server is not running');
      // The server reports its progress on this token; the matrix page shows it.
      const workDoneToken = `vpcrules-matrix-${++progressTokens}`;
      const listening = running.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
        if (value.kind !== 'end' && value.message) onProgress(value.message);
      });
      try {
        const ports = selection.protocol === 'icmp' ? undefined : selection.ports;
        return await running.sendRequest<MatrixAnswer | null>('vpcrules/matrix', { uri, protocol: selection.protocol, ports, workDoneToken }, token);
      } finally {
        listening.dispose();
      }
    },
  }, reports, vscode.Uri.joinPath(context.extensionUri, 'images', 'icon.png'));
  context.subscriptions.push(matrices, vscode.commands.registerCommand('vpcrules.showMatrix', (uri?: unknown) => showMatrix(matrices, uri)));

  context.subscriptions.push(
    output,
    status,
    reports,
    vscode.commands.registerCommand(CHECK_ALL_COMMAND, () => checkAll(requestTally, workspaceSync.enabled ? workspaceTallies : undefined)),
    vscode.commands.registerCommand('vpcrules.explainFlow', (uri?: unknown, flowName?: unknown) =>
      explainFlow(reports, uri, flowName),
    ),
    vscode.commands.registerCommand('vpcrules.restartServer', restartServer),
    vscode.commands.registerCommand('vpcrules.importJson', () => importJson((params) => request<ImportResult>('vpcrules/import', params), importOutput)),
    importOutput,
    vscode.commands.registerCommand(REVEAL_LINE_COMMAND, revealLine),
    vscode.window.onDidChangeActiveTextEditor(() => void status.refresh()),
    vscode.languages.onDidChangeDiagnostics((event) => {
      const active = vscode.window.activeTextEditor?.document.uri.toString();
      for (const uri of event.uris.map((changed) => changed.toString())) {
        if (uri === active) void status.refresh();
        void reports.refresh(uri);
        void matrices.refresh(uri);
      }
    }),
  );

  // The problems of every workspace file, open or not: the server gets their text on disk.
  context.subscriptions.push(
    workspaceSync,
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`vpcrules.${WORKSPACE_DIAGNOSTICS_SETTING}`) || event.affectsConfiguration('files.exclude')) workspaceSync.restart();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => workspaceSync.restart()),
  );
}

export async function deactivate(): Promise<void> {
  if (client?.isRunning()) await client.stop();
}

function createClient(serverModule: string, output: vscode.OutputChannel): LanguageClient {
  const server = { module: serverModule, transport: TransportKind.ipc };
  const serverOptions: ServerOptions = { run: server, debug: server };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'vpcrules' },
      { scheme: 'untitled', language: 'vpcrules' },
    ],
    synchronize: { configurationSection: 'vpcrules' },
    // A function, so that a restart picks up a changed setting.
    initializationOptions: () => {
      const settings = vscode.workspace.getConfiguration('vpcrules');
      return {
        debounceMs: settings.get<number>('debounceMs', 150),
        externalEphemeralPorts: settings.get<string>('externalEphemeralPorts', '1024-65535'),
      };
    },
    outputChannel: output,
  };
  return new LanguageClient('vpcrules', 'vpcrules', serverOptions, clientOptions);
}
