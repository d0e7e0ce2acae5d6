// What a person sees of a document's outline, folding ranges and code lenses, as text: the
// expected views of the examples and fixtures are kept in test/lsp-features/views/ and compared
// with the server's answers.
import type { CodeLens, DocumentSymbol, FoldingRange, Range } from 'vscode-languageserver';
import { SymbolKind } from 'vscode-languageserver';

const KIND_NAMES = new Map(Object.entries(SymbolKind).map(([name, value]) => [value, name]));

function at(range: Range): string {
  const { start, end } = range;
  return `${start.line + 1}:${start.character}-${end.line + 1}:${end.character}`;
}

function symbolLines(symbol: DocumentSymbol, depth: number): string[] {
  const detail = symbol.detail ? ` "${symbol.detail}"` : '';
  const line = `${'  '.repeat(depth)}${symbol.name} (${KIND_NAMES.get(symbol.kind)})${detail} ${at(symbol.range)} name ${at(symbol.selectionRange)}`;
  return [line, ...(symbol.children ?? []).flatMap((child) => symbolLines(child, depth + 1))];
}

/** The three views, 1-based lines, one entry per line. */
export function renderViews(symbols: DocumentSymbol[], folding: FoldingRange[], lenses: CodeLens[]): string {
  return [
    '# outline',
    ...symbols.flatMap((symbol) => symbolLines(symbol, 0)),
    '# folding',
    ...folding.map((range) => `${range.startLine + 1}-${range.endLine + 1}${range.kind ? ` ${range.kind}` : ''}`),
    '# code lenses',
    ...lenses.map((lens) => `${at(lens.range)} ${lens.command?.title} -> ${lens.command?.command} ${JSON.stringify(lens.command?.arguments)}`),
    '',
  ].join('\n');
}
