// Navigation and editing requests: registered on the connection by the server.
import { CancellationToken, CodeActionKind, Connection, ServerCapabilities } from 'vscode-languageserver';
import type { AnalysisSource, AnalyzedDocument } from './analysis-source';
import { codeActions } from './code-actions';
import { completionList } from './completion';
import { definitionLocations } from './definition';
import { documentSymbols } from './document-symbols';
import { foldingRanges } from './folding';
import { formattingEdits } from './formatting';
import { referenceLocations } from './references';
import { prepareRename, renameEdits } from './rename';
import { workspaceSymbols } from './workspace-symbols';

export const EDITING_CAPABILITIES: ServerCapabilities = {
  definitionProvider: true,
  referencesProvider: true,
  renameProvider: { prepareProvider: true },
  documentSymbolProvider: true,
  workspaceSymbolProvider: true,
  completionProvider: { triggerCharacters: [' ', ','] },
  codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
  documentFormattingProvider: true,
  foldingRangeProvider: true,
};

/**
 * Wraps a handler of a document request: it runs on the document's current analysis, and answers
 * null for a document that is not open or a request cancelled meanwhile.
 */
function onDocument<P extends { textDocument: { uri: string } }, R>(source: AnalysisSource, run: (analyzed: AnalyzedDocument, params: P) => R) {
  return async (params: P, token: CancellationToken): Promise<R | null> => {
    const analyzed = await source.get(params.textDocument.uri, token);
    if (!analyzed || token.isCancellationRequested) return null;
    return run(analyzed, params);
  };
}

export function registerEditingFeatures(connection: Connection, source: AnalysisSource): void {
  connection.onDefinition(onDocument(source, (analyzed, params) => definitionLocations(analyzed, params.position)));
  connection.onReferences(onDocument(source, (analyzed, params) => referenceLocations(analyzed, params.position, params.context.includeDeclaration)));
  connection.onPrepareRename(onDocument(source, (analyzed, params) => prepareRename(analyzed, params.position)));
  connection.onRenameRequest(onDocument(source, (analyzed, params) => renameEdits(analyzed, params.position, params.newName)));
  connection.onDocumentSymbol(onDocument(source, (analyzed) => documentSymbols(analyzed)));
  connection.onWorkspaceSymbol((params, token) => (token.isCancellationRequested ? null : workspaceSymbols(source.all(), params.query)));
  connection.onCompletion(onDocument(source, (analyzed, params) => completionList(analyzed, params.position)));
  connection.onCodeAction(async (params, token) => {
    const analyzed = await source.get(params.textDocument.uri, token);
    if (!analyzed || token.isCancellationRequested) return null;
    return codeActions(analyzed, params, token);
  });
  connection.onDocumentFormatting(onDocument(source, (analyzed) => formattingEdits(analyzed)));
  connection.onFoldingRanges(onDocument(source, (analyzed) => foldingRanges(analyzed)));
}
