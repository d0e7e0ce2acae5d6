// Rename: a declared name and every use of it, refused when the new name is not a valid name or
// already names another thing of the same kind.
import { LSPErrorCodes, Position, Range, ResponseError, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import { SYMBOL_KIND_LABELS } from '../engine/model';
import type { AnalyzedDocument } from './analysis-source';
import { toLspRange } from './convert';
import { ALL_KEYWORDS, NAME_PATTERN } from './keywords';
import { occurrenceAt, occurrencesOf } from './symbol-index';

/** The range of the name under the cursor and its text, or null where there is no name to rename. */
export function prepareRename(analyzed: AnalyzedDocument, position: Position): { range: Range; placeholder: string } | null {
  const symbol = occurrenceAt(analyzed.analysis, position);
  return symbol ? { range: toLspRange(symbol.range), placeholder: symbol.name } : null;
}

function refuse(message: string): never {
  throw new ResponseError(LSPErrorCodes.RequestFailed, message);
}

export function renameEdits(analyzed: AnalyzedDocument, position: Position, newName: string): WorkspaceEdit | null {
  const symbol = occurrenceAt(analyzed.analysis, position);
  if (!symbol) return null;
  if (!NAME_PATTERN.test(newName)) refuse(`'${newName}' is not a valid name: a name starts with a letter or '_' and goes on with letters, digits, '_', '.' or '-'`);
  if (ALL_KEYWORDS.has(newName)) refuse(`'${newName}' is a keyword of the language`);
  const label = SYMBOL_KIND_LABELS[symbol.kind];
  if (newName !== symbol.name && occurrencesOf(analyzed.analysis, { kind: symbol.kind, name: newName }).some((other) => other.isDeclaration)) {
    refuse(`${/^[aeiou]/.test(label) ? 'an' : 'a'} ${label} named '${newName}' already exists`);
  }
  const edits: TextEdit[] = occurrencesOf(analyzed.analysis, symbol).map((occurrence) => ({ range: toLspRange(occurrence.range), newText: newName }));
  return { changes: { [analyzed.uri]: edits } };
}
