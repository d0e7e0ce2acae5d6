// Go to definition: from a name to where it is declared.
import type { Location, Position } from 'vscode-languageserver';
import type { AnalyzedDocument } from './analysis-source';
import { toLspRange } from './convert';
import { occurrenceAt, occurrencesOf } from './symbol-index';

export function definitionLocations(analyzed: AnalyzedDocument, position: Position): Location[] {
  const symbol = occurrenceAt(analyzed.analysis, position);
  if (!symbol) return [];
  return occurrencesOf(analyzed.analysis, symbol)
    .filter((occurrence) => occurrence.isDeclaration)
    .map((occurrence) => ({ uri: analyzed.uri, range: toLspRange(occurrence.range) }));
}
