// Folding: blocks (security groups, network ACLs, route tables) and runs of comment lines, read
// from the lines the parse kept: which block each line is part of, which lines hold tokens or only
// a comment.
import { FoldingRange, FoldingRangeKind } from 'vscode-languageserver';
import { LINE_CLOSES_BLOCK, LINE_HAS_COMMENT, LINE_HAS_TOKENS } from '../syntax/ast';
import type { AnalyzedDocument } from './analysis-source';

export function foldingRanges(analyzed: AnalyzedDocument): FoldingRange[] {
  const { flags, blocks } = analyzed.analysis.file.lines;
  const count = flags.length;
  const ranges: FoldingRange[] = [];
  // A block runs from its header to its last line with tokens; the closing brace stays visible, as
  // in other brace languages. Comment runs are lines that hold a comment and nothing else.
  let blockStart = -1;
  let blockLast = -1;
  let runStart = -1;
  const endBlock = () => {
    if (blockStart < 0) return;
    const end = flags[blockLast] & LINE_CLOSES_BLOCK && blockLast > blockStart ? blockLast - 1 : blockLast;
    if (end > blockStart) ranges.push({ startLine: blockStart, endLine: end });
    blockStart = -1;
  };
  for (let line = 0; line < count; line++) {
    const lineFlags = flags[line];
    const hasTokens = (lineFlags & LINE_HAS_TOKENS) !== 0;
    if (hasTokens && blocks[line] !== blockStart) {
      endBlock();
      if (blocks[line] >= 0) blockStart = blocks[line];
    }
    if (hasTokens && blockStart >= 0) blockLast = line;
    const isComment = !hasTokens && (lineFlags & LINE_HAS_COMMENT) !== 0;
    if (isComment && runStart < 0) runStart = line;
    if (runStart >= 0 && (!isComment || line === count - 1)) {
      const end = isComment ? line : line - 1;
      if (end > runStart) ranges.push({ startLine: runStart, endLine: end, kind: FoldingRangeKind.Comment });
      runStart = -1;
    }
  }
  endBlock();
  return ranges.sort((a, b) => a.startLine - b.startLine);
}
