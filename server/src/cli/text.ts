// Human-readable CLI output: compiler-style diagnostics, then one line per flow, then for every
// failing flow its split, witness and hop-by-hop trace.
import type { FlowResult } from '../engine/evaluate';
import { formatConnection } from '../engine/evaluate';
import { describeFlowEnds, describeStep, hopTitle, packetSequence } from '../engine/explain';
import { formatKeys } from '../engine/keys';
import type { FileAnalysis } from './report';

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

function verdictText(result: FlowResult, s: Style): string {
  const word = result.verdict.padEnd(7);
  if (!result.ok) return s.red(word);
  return result.verdict === 'allow' ? s.green(word) : result.verdict === 'deny' ? s.yellow(word) : word;
}

function flowShape(result: FlowResult): string {
  const flow = result.flow;
  const proto = flow.decl.protocol!.text;
  return `${describeFlowEnds(flow)} ${proto} ${formatKeys(flow.protocol, flow.keys)}${flow.family === 6 ? ' ipv6' : ''}${flow.reply.kind === 'none' && flow.decl.oneway ? ' oneway' : ''}`;
}

export function traceLines(result: FlowResult, s: Style, indent = '    '): string[] {
  return result.trace.map((step) => {
    const mark = step.action === 'allow' ? s.green('allow') : s.red('deny');
    return `${indent}${hopTitle(step.hop)}: ${mark} ${describeStep(step).replace(/^(allow|deny) /, '')}`;
  });
}

export function formatText(files: FileAnalysis[], s: Style): string {
  const out: string[] = [];
  let errors = 0;
  let warnings = 0;
  let failing = 0;
  let flows = 0;
  for (const { path, analysis } of files) {
    for (const d of analysis.diagnostics) {
      if (d.severity === 'error') errors++;
      if (d.severity === 'warning') warnings++;
      const sev = d.severity === 'error' ? s.red('error') : d.severity === 'warning' ? s.yellow('warning') : s.dim(d.severity);
      out.push(`${s.bold(`${path}:${d.range.start.line + 1}:${d.range.start.character + 1}`)}: ${sev} ${d.code}: ${d.message}`);
    }
  }
  for (const { path, analysis } of files) {
    if (analysis.flows.length === 0) continue;
    out.push('', s.bold(`${path}: ${analysis.flows.length} flow${analysis.flows.length === 1 ? '' : 's'}`));
    const width = Math.max(...analysis.flows.map((r) => r.flow.name.length));
    for (const result of analysis.flows) {
      flows++;
      const status = result.ok ? s.green('ok') : s.red(`FAIL (expected ${result.flow.expect})`);
      out.push(`  ${verdictText(result, s)} ${result.flow.name.padEnd(width)}  ${flowShape(result)}  ${status}`);
      if (result.ok) continue;
      failing++;
      if (result.split) out.push(`    ${result.split}`);
      if (result.witness) out.push(`    witness: ${formatConnection(result.witness)}`);
      out.push(...traceLines(result, s, '      '));
    }
  }
  out.push('', `${files.length} file${files.length === 1 ? '' : 's'}, ${flows} flow${flows === 1 ? '' : 's'}: ${flows - failing} as expected, ${failing} failing; ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
  return out.join('\n');
}

/** The whole story of one flow: verdict, split, witness, trace and packet sequence. */
export function formatExplain(result: FlowResult, s: Style): string {
  const flow = result.flow;
  const out: string[] = [];
  out.push(s.bold(`flow ${flow.name}: ${flowShape(result)}`));
  out.push(`verdict: ${verdictText(result, s).trim()} (expected ${flow.expect}: ${result.ok ? s.green('holds') : s.red('fails')})`);
  if (result.split) out.push(`split: ${result.split}`);
  const exampleKind = result.witness ? 'witness' : result.verdict === 'deny' ? 'example (dropped)' : 'example (admitted)';
  out.push(`${exampleKind}: ${formatConnection(result.example)}`);
  out.push('', s.bold('hops'));
  for (const hop of result.hops) {
    const step = result.trace.find((t) => t.hop === hop);
    out.push(step ? traceLines({ ...result, trace: [step] }, s, '  ')[0] : `  ${hopTitle(hop)}: ${s.dim('not reached')}`);
  }
  if (result.hops.length === 0) out.push('  (no hop: both ends are outside the VPC)');
  out.push('', s.bold('packets'));
  for (const line of packetSequence(result)) {
    out.push(`  ${line.packet}`);
    for (const check of line.checks) {
      const note = check.judged ? (check.action === 'deny' ? s.red(check.note) : check.note) : s.dim(check.note);
      out.push(`      ${check.hop.label} ${check.direction}: ${note}`);
    }
  }
  return out.join('\n');
}
