// Words for a file's flow tally (status bar) and for the totals of "check all". No `vscode`
// import, so that it is unit tested in plain Node.

import type { FlowTally } from '../../server/src/lsp/flow-tally';

export type { FlowTally };

export const EMPTY_TALLY: FlowTally = { allow: 0, deny: 0, partial: 0, failing: 0, total: 0 };

export function addTallies(a: FlowTally, b: FlowTally): FlowTally {
  return {
    allow: a.allow + b.allow,
    deny: a.deny + b.deny,
    partial: a.partial + b.partial,
    failing: a.failing + b.failing,
    total: a.total + b.total,
  };
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** "3 allow, 1 partial, 1 failing": zero counts left out. */
function verdictCounts(tally: FlowTally): string {
  const parts = [
    tally.allow > 0 ? `${tally.allow} allow` : '',
    tally.deny > 0 ? `${tally.deny} deny` : '',
    tally.partial > 0 ? `${tally.partial} partial` : '',
    tally.failing > 0 ? `${tally.failing} failing` : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'no flows';
}

/** Status bar text with a codicon: `$(error)` as soon as one expectation fails. */
export function tallyText(tally: FlowTally): string {
  return `${tally.failing > 0 ? '$(error)' : '$(check)'} ${verdictCounts(tally)}`;
}

export function tallyTooltip(tally: FlowTally, fileName: string): string {
  const expectations =
    tally.failing > 0 ? `${plural(tally.failing, 'expectation')} not met` : 'every expectation holds';
  return `vpcrules: ${plural(tally.total, 'flow')} in ${fileName}, ${expectations}. Click to check all files.`;
}

/** After "check all": "vpcrules checked 4 files, 12 flows: 9 allow, 2 deny, 1 partial, 1 failing." */
export function checkAllSummary(files: number, tally: FlowTally): string {
  const counts = tally.total > 0 ? `: ${verdictCounts(tally)}` : '';
  const holds = tally.total > 0 && tally.failing === 0 ? ', every expectation holds' : '';
  return `vpcrules checked ${plural(files, 'file')}, ${plural(tally.total, 'flow')}${counts}${holds}.`;
}
