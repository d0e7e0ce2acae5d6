// What every request handler needs: the analysis of an open document, current for its version.
import type { CancellationToken } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analysis } from '../engine/analyze';

export interface AnalyzedDocument {
  uri: string;
  version: number;
  document: TextDocument;
  analysis: Analysis;
}

export interface AnalysisSource {
  /**
   * The analysis of the open document's current version, computed (or awaited) if it is not ready.
   * Undefined for a document that is not open, or when the token is cancelled first.
   */
  get(uri: string, token?: CancellationToken): Promise<AnalyzedDocument | undefined>;
  /** The latest finished analysis of every open document (for workspace-wide requests). */
  all(): AnalyzedDocument[];
}
