// The lines of an analysed document as its parse kept them (SourceFile.lines): what the requests
// that work line by line read, instead of splitting, lexing or parsing the whole text again.
import type { FlowResult } from '../engine/evaluate';
import type { Analysis } from '../engine/analyze';
import type { FlowDecl, Range, SourceFile } from '../syntax/ast';
import { LINE_IN_FIREWALL_BLOCK, LINE_IN_NETWORK_ACL, LINE_IN_ROUTE_TABLE, LINE_IN_SECURITY_GROUP } from '../syntax/ast';
import { FIREWALL_BLOCK_KEYWORDS } from '../syntax/parser';
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
  if (flags & LINE_IN_FIREWALL_BLOCK) return firewallBlockBefore(file, line);
  return undefined;
}

const FIRST_WORD = /^[ \t\f\v\u00a0\ufeff]*([A-Za-z_][A-Za-z0-9_.-]*)/;

/**
 * Which of the firewall blocks is open where a line starts: the line before is part of it (its
 * header, a line in it, or an empty or comment line while it is open), and its header says which.
 */
function firewallBlockBefore(file: SourceFile, line: number): BlockKind | undefined {
  const header = file.lines.blocks[line - 1] ?? -1;
  const keyword = FIRST_WORD.exec(lineText(file, header))?.[1];
  return FIREWALL_BLOCK_KEYWORDS.find((kind) => kind === keyword);
}

const resultsByDecl = new WeakMap<Analysis, Map<FlowDecl, FlowResult>>();

/** The result of a flow declaration, if it was evaluated; the index is built once per analysis. */
export function flowResultOf(analysis: Analysis, decl: FlowDecl): FlowResult | undefined {
  let index = resultsByDecl.get(analysis);
  if (!index) resultsByDecl.set(analysis, (index = new Map(analysis.flows.map((result) => [result.flow.decl, result]))));
  return index.get(decl);
}
