// Workspace symbols: the declarations of every open document whose name matches the query.
import type { SymbolInformation } from 'vscode-languageserver';
import type { AnalyzedDocument } from './analysis-source';
import { toLspRange } from './convert';
import { LSP_SYMBOL_KINDS } from './document-symbols';
import { namedDeclarations } from './symbol-index';

/** Whether the query's characters appear in the name in order, ignoring case (as editors filter). */
export function matchesQuery(name: string, query: string): boolean {
  const lower = name.toLowerCase();
  let from = 0;
  for (const ch of query.toLowerCase()) {
    from = lower.indexOf(ch, from) + 1;
    if (from === 0) return false;
  }
  return true;
}

export function workspaceSymbols(documents: readonly AnalyzedDocument[], query: string): SymbolInformation[] {
  return documents.flatMap((analyzed) =>
    namedDeclarations(analyzed.analysis.file)
      .filter(({ name }) => matchesQuery(name.text, query))
      .map(({ kind, name }) => ({
        name: name.text,
        kind: LSP_SYMBOL_KINDS[kind],
        location: { uri: analyzed.uri, range: toLspRange(name.range) },
        containerName: kind,
      })));
}
