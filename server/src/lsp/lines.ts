// The lines of an analysed document as its parse kept them (SourceFile.lines): what the requests
// that work line by line read, instead of splitting, lexing or parsing the whole text again.
import type { FlowResult } from '../engine/evaluate';
import type { Analysis } from '../engine/analyze';
import type { FlowDecl, Range, SourceFile } from '../syntax/ast';
import { LINE_IN_NETWORK_ACL, LINE_IN_ROUTE_TABLE, LINE_IN_SECURITY_GROUP } from '../syntax/ast';
import type { BlockKind } from '../syntax/format';

/** A line's text without its line break; empty past the last line. */
export function lineText(file: SourceFile, line: number): string {
  return file.lines.texts[line] ?? '';
}

/** The text of a range, cut from its first line, with runs of spaces collapsed. */
export function rangeText(file: SourceFile, range: Range): string {
  const line = lineText(file, range.start.line);
  const end = range.end.line === range.start.line ? range.end.character : line.length;
  return line.slice(range.start.character, end).replace(/\s+/g, ' ').trim();
}

/** The block open where the line starts, as the parser tracked it. */
export function blockBefore(file: SourceFile, line: number): BlockKind | undefined {
  const flags = file.lines.flags[line] ?? 0;
  if (flags & LINE_IN_SECURITY_GROUP) return 'security-group';
  if (flags & LINE_IN_NETWORK_ACL) return 'network-acl';
  if (flags & LINE_IN_ROUTE_TABLE) return 'route-table';
  return undefined;
}

const resultsByDecl = new WeakMap<Analysis, Map<FlowDecl, FlowResult>>();

/** The result of a flow declaration, if it was evaluated; the index is built once per analysis. */
export function flowResultOf(analysis: Analysis, decl: FlowDecl): FlowResult | undefined {
  let index = resultsByDecl.get(analysis);
  if (!index) resultsByDecl.set(analysis, (index = new Map(analysis.flows.map((result) => [result.flow.decl, result]))));
  return index.get(decl);
}
