// Document formatting: the canonical layout of syntax/format.ts, as the fewest lines of edits.
import type { TextEdit } from 'vscode-languageserver';
import { formatEdits } from '../syntax/format';
import type { AnalyzedDocument } from './analysis-source';
import { toLspRange } from './convert';

export function formattingEdits(analyzed: AnalyzedDocument): TextEdit[] {
  return formatEdits(analyzed.document.getText()).map((edit) => ({ range: toLspRange(edit.range), newText: edit.newText }));
}
