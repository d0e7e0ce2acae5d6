// The plain-text story of one flow (verdict, split, witness, hop-by-hop trace, packet sequence),
// shared by `vpcrules explain` and the language server's explain report. Pure: the caller decides
// where the text goes and whether it is coloured.
import type { FlowResult } from './evaluate';
import { formatConnection } from './evaluate';
import { assumptionLines, checkPlace, describeFlowEnds, describeStep, exampleEnds, hopTitle, packetSequence, rewriteLines } from './explain';
import { formatKeys } from './keys';

export interface Style {
  bold(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
}

const plain: Style = { bold: (t) => t, red: (t) => t, green: (t) => t, yellow: (t) => t, dim: (t) => t };
const ansi = (code: number) => (text: string) => `\u001b[${code}m${text}\u001b[0m`;
const colored: Style = { bold: ansi(1), red: ansi(31), green: ansi(32), yellow: ansi(33), dim: ansi(2) };

export function styleFor(useColor: boolean): Style {
  return useColor ? colored : plain;
}

export function verdictText(result: FlowResult, s: Style): string {
  const word = result.verdict.padEnd(7);
  if (!result.ok) return s.red(word);
  return result.verdict === 'allow' ? s.green(word) : result.verdict === 'deny' ? s.yellow(word) : word;
}

/** "internet -> web-1 tcp 443": the flow's ends, protocol and ports. */
export function flowShape(result: FlowResult): string {
  const flow = result.flow;
  const proto = flow.decl.protocol!.text;
  return `${describeFlowEnds(flow)} ${proto} ${formatKeys(flow.protocol, flow.keys)}${flow.family === 6 ? ' ipv6' : ''}${flow.reply.kind === 'none' && flow.decl.oneway ? ' oneway' : ''}`;
}

export function traceLines(result: Pick<FlowResult, 'trace'>, s: Style, indent = '    '): string[] {
  return result.trace.map((step) => {
    const mark = step.action === 'allow' ? s.green('allow') : s.red('deny');
    return `${indent}${hopTitle(step.hop)}: ${mark} ${describeStep(step).replace(/^(allow|deny) /, '')}`;
  });
}

/** "witness", or what the example connection shows when the expectation holds. */
export function exampleKind(result: FlowResult): string {
  return result.witness ? 'witness' : result.verdict === 'deny' ? 'example (dropped)' : 'example (admitted)';
}

/** The whole story of one flow: verdict, split, witness, trace and packet sequence. */
export function formatExplain(result: FlowResult, s: Style): string {
  const flow = result.flow;
  const out: string[] = [];
  out.push(s.bold(`flow ${flow.name}: ${flowShape(result)}`));
  out.push(`verdict: ${verdictText(result, s).trim()} (expected ${flow.expect}: ${result.ok ? s.green('holds') : s.red('fails')})`);
  if (result.split) out.push(`split: ${result.split}`);
  for (const line of assumptionLines(result)) out.push(`note: ${s.yellow(line)}`);
  out.push(`${exampleKind(result)}: ${formatConnection(result.example)}`);
  const ends = exampleEnds(result);
  if (ends) out.push(`between: ${ends}`);
  for (const line of rewriteLines(result)) out.push(`  leaves ${line}`);
  out.push('', s.bold('hops'));
  for (const hop of result.hops) {
    const step = result.trace.find((t) => t.hop === hop);
    out.push(step ? traceLines({ trace: [step] }, s, '  ')[0] : `  ${hopTitle(hop)}: ${s.dim('not reached')}`);
  }
  if (result.hops.length === 0) out.push('  (no hop filters this connection)');
  out.push('', s.bold('packets'));
  for (const line of packetSequence(result)) {
    out.push(`  ${line.packet}`);
    for (const check of line.checks) {
      const note = check.judged ? (check.action === 'deny' ? s.red(check.note) : check.note) : s.dim(check.note);
      out.push(`      ${checkPlace(check.hop, check.direction)}: ${note}`);
    }
  }
  return out.join('\n');
}
