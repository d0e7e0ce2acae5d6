// Find references: every use of the name under the cursor, with its declaration when asked.
import type { Location, Position } from 'vscode-languageserver';
import type { AnalyzedDocument } from './analysis-source';
import { toLspRange } from './convert';
import { occurrenceAt, occurrencesOf } from './symbol-index';

export function referenceLocations(analyzed: AnalyzedDocument, position: Position, includeDeclaration: boolean): Location[] {
  const symbol = occurrenceAt(analyzed.analysis, position);
  if (!symbol) return [];
  return occurrencesOf(analyzed.analysis, symbol)
    .filter((occurrence) => includeDeclaration || !occurrence.isDeclaration)
    .map((occurrence) => ({ uri: analyzed.uri, range: toLspRange(occurrence.range) }));
}
