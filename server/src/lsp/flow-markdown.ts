// A flow's verdict, split, witness, hop-by-hop trace and packet sequence as Markdown: the hover
// on a flow and the explain report show the same story as `vpcrules explain`.
import type { FlowResult } from '../engine/evaluate';
import { formatConnection } from '../engine/evaluate';
import { assumptionLines, checkPlace, describeStep, exampleEnds, hopTitle, packetSequence, rewriteLines } from '../engine/explain';
import { exampleKind, flowShape } from '../engine/report-text';
import { code, escapeMarkdown } from './markdown';

/** "1. security groups of web-1, outbound" must stay text, not become an ordered list. */
function hopText(title: string): string {
  return escapeMarkdown(title).replace(/^(\d+)\./, '$1\\.');
}

export function verdictLine(result: FlowResult): string {
  const holds = result.ok ? '✓ holds' : '✗ fails';
  return `**${result.verdict}**; expected ${result.flow.expect}: ${holds}`;
}

export function flowMarkdown(result: FlowResult): string {
  const out: string[] = [];
  out.push(`**flow ${escapeMarkdown(result.flow.name)}**: ${code(flowShape(result))}`, '');
  out.push(verdictLine(result), '');
  if (result.split) out.push(`split: ${escapeMarkdown(result.split)}`, '');
  for (const line of assumptionLines(result)) out.push(`_note: ${escapeMarkdown(line)}_`, '');
  out.push(`${exampleKind(result)}: ${code(formatConnection(result.example))}`, '');
  const ends = exampleEnds(result);
  if (ends) out.push(`between: ${escapeMarkdown(ends)}`, '');
  const rewrites = rewriteLines(result);
  if (rewrites.length > 0) out.push(...rewrites.map((line) => `- leaves ${escapeMarkdown(line)}`), '');
  out.push('**hops**', '');
  for (const hop of result.hops) {
    const step = result.trace.find((t) => t.hop === hop);
    const what = step ? `${step.action === 'deny' ? '**deny**' : 'allow'}${escapeMarkdown(describeStep(step).replace(/^(allow|deny)/, ''))}` : '_not reached_';
    out.push(`- ${hopText(hopTitle(hop))}: ${what}`);
  }
  if (result.hops.length === 0) out.push('- no hop filters this connection');
  out.push('', '**packets**', '');
  for (const line of packetSequence(result)) {
    out.push(`- ${code(line.packet)}`);
    for (const check of line.checks) {
      const note = check.judged ? (check.action === 'deny' ? `**${escapeMarkdown(check.note)}**` : escapeMarkdown(check.note)) : `_${escapeMarkdown(check.note)}_`;
      out.push(`  - ${escapeMarkdown(checkPlace(check.hop, check.direction))}: ${note}`);
    }
  }
  return out.join('\n');
}
