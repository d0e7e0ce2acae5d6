// Publishing a document's diagnostics, stamped with the version they were computed for.
import type { Connection, Diagnostic as LspDiagnostic } from 'vscode-languageserver';
import type { Diagnostic } from '../diagnostics/diagnostic';
import type { AnalyzedDocument } from './analysis-source';
import { toLspDiagnostic } from './convert';

/**
 * Diagnostics an edit did not change are the same objects from one analysis to the next
 * (engine/incremental.ts), so each is converted once per document.
 */
const converted = new WeakMap<Diagnostic, { uri: string; diagnostic: LspDiagnostic }>();

function convertOnce(diagnostic: Diagnostic, uri: string): LspDiagnostic {
  const known = converted.get(diagnostic);
  if (known?.uri === uri) return known.diagnostic;
  const fresh = toLspDiagnostic(diagnostic, uri);
  converted.set(diagnostic, { uri, diagnostic: fresh });
  return fresh;
}

export function publishDiagnostics(connection: Connection, analyzed: AnalyzedDocument): void {
  void connection.sendDiagnostics({
    uri: analyzed.uri,
    version: analyzed.version,
    diagnostics: analyzed.analysis.diagnostics.map((diagnostic) => convertOnce(diagnostic, analyzed.uri)),
  });
}

/** A closed document keeps no diagnostics in the editor's problem list. */
export function clearDiagnostics(connection: Connection, uri: string): void {
  void connection.sendDiagnostics({ uri, diagnostics: [] });
}
