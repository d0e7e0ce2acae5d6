// Publishing a document's diagnostics, stamped with the version they were computed for.
import type { Connection } from 'vscode-languageserver';
import type { AnalyzedDocument } from './analysis-source';
import { toLspDiagnostic } from './convert';

export function publishDiagnostics(connection: Connection, analyzed: AnalyzedDocument): void {
  void connection.sendDiagnostics({
    uri: analyzed.uri,
    version: analyzed.version,
    diagnostics: analyzed.analysis.diagnostics.map((diagnostic) => toLspDiagnostic(diagnostic, analyzed.uri)),
  });
}

/** A closed document keeps no diagnostics in the editor's problem list. */
export function clearDiagnostics(connection: Connection, uri: string): void {
  void connection.sendDiagnostics({ uri, diagnostics: [] });
}
