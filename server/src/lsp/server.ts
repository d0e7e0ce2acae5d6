// The language server: keeps the open documents, analyses them as they change, publishes their
// diagnostics and answers the requests. Transport-free: main.ts and the tests bring the connection.
import {
  Connection, DidChangeConfigurationNotification, InitializeResult, TextDocuments, TextDocumentSyncKind,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { VERSION } from '../cli/version';
import { registerCodeLens } from './code-lens';
import { clearDiagnostics, publishDiagnostics } from './diagnostics';
import { DocumentAnalyses } from './document-analyses';
import { EDITING_CAPABILITIES, registerEditingFeatures } from './editing';
import { registerExplainFlow } from './explain-flow';
import { registerExplainPair } from './explain-pair';
import { registerFlowTally } from './flow-tally';
import { registerHover } from './hover';
import { registerImport } from './import-json';
import { registerMatrixDefaults } from './matrix-defaults';
import { registerMatrix } from './matrix-request';
import { Settings, SETTINGS_SECTION } from './settings';
import { registerWorkspaceFiles, WorkspaceFiles } from './workspace-files';

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const settings = new Settings(connection, () => {
    analyses.reconfigured();
    workspaceFiles.reconfigured();
  });
  let registersConfiguration = false;
  const analyses = new DocumentAnalyses(documents, () => settings.debounceMs(), () => settings.modelOptions(), {
    analyzed: (analyzed) => {
      // A result that a newer version overtook is never shown.
      if (documents.get(analyzed.uri)?.version === analyzed.version) publishDiagnostics(connection, analyzed);
    },
    failed: (uri, version, error) => {
      connection.console.error(`vpcrules: analysis of ${uri} (version ${version}) failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    },
  });

  // The workspace's files as they are on disk, for those not open in the editor.
  const workspaceFiles = new WorkspaceFiles((uri) => documents.get(uri) !== undefined, () => settings.modelOptions(), {
    publish: (uri, diagnostics) => void connection.sendDiagnostics({ uri, diagnostics }),
    failed: (uri, error) => {
      connection.console.error(`vpcrules: analysis of ${uri} (on disk) failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    },
  });

  connection.onInitialize((params): InitializeResult => {
    settings.initialize(params);
    registersConfiguration = settings.supportsPull && params.capabilities?.workspace?.didChangeConfiguration?.dynamicRegistration === true;
    return {
      capabilities: {
        ...EDITING_CAPABILITIES,
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        codeLensProvider: { resolveProvider: false },
      },
      serverInfo: { name: 'vpcrules-language-server', version: VERSION },
    };
  });
  connection.onInitialized(() => {
    if (registersConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION });
    settings.refresh();
  });
  connection.onDidChangeConfiguration((params) => settings.refresh(params.settings));

  connection.onShutdown(() => {
    analyses.dispose();
    workspaceFiles.dispose();
  });

  documents.onDidChangeContent((event) => void analyses.edited(event.document.uri));
  documents.onDidOpen((event) => workspaceFiles.opened(event.document.uri));
  documents.onDidClose((event) => {
    const uri = event.document.uri;
    const editorAnalysis = analyses.all().find((analyzed) => analyzed.uri === uri)?.analysis;
    analyses.closed(uri);
    // A workspace file shows its disk text's problems again; any other document shows none.
    if (!workspaceFiles.closed(uri, editorAnalysis)) clearDiagnostics(connection, uri);
  });

  registerHover(connection, analyses);
  registerCodeLens(connection, analyses);
  registerExplainFlow(connection, analyses);
  registerFlowTally(connection, analyses);
  registerMatrix(connection, analyses, documents);
  registerMatrixDefaults(connection, analyses);
  registerExplainPair(connection, analyses);
  registerEditingFeatures(connection, analyses);
  registerImport(connection);
  registerWorkspaceFiles(connection, workspaceFiles, analyses, () => documents.keys());

  documents.listen(connection);
  connection.listen();
}
