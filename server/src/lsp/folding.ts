// Folding: security-group and network-acl blocks, and runs of comment lines.
import { FoldingRange, FoldingRangeKind } from 'vscode-languageserver';
import { lineLayout } from '../syntax/format';
import type { AnalyzedDocument } from './analysis-source';

export function foldingRanges(analyzed: AnalyzedDocument): FoldingRange[] {
  const lines = lineLayout(analyzed.analysis.text);
  const ranges: FoldingRange[] = [];
  // The last line of each block, found from the lines that belong to it.
  const blockEnds = new Map<number, { last: number; closed: boolean }>();
  lines.forEach((line, index) => {
    if (line.blockLine === undefined || line.tokens.length === 0) return;
    blockEnds.set(line.blockLine, { last: index, closed: line.closesBlock });
  });
  for (const [start, { last, closed }] of blockEnds) {
    // The closing brace stays visible, as in other brace languages.
    const end = closed && last > start ? last - 1 : last;
    if (end > start) ranges.push({ startLine: start, endLine: end });
  }
  let runStart = -1;
  lines.forEach((line, index) => {
    const isComment = line.tokens.length === 0 && line.comment !== undefined;
    if (isComment && runStart < 0) runStart = index;
    const runEnds = !isComment || index === lines.length - 1;
    if (runStart >= 0 && runEnds) {
      const end = isComment ? index : index - 1;
      if (end > runStart) ranges.push({ startLine: runStart, endLine: end, kind: FoldingRangeKind.Comment });
      runStart = -1;
    }
  });
  return ranges.sort((a, b) => a.startLine - b.startLine);
}
