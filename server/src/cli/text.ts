// Human-readable CLI output: compiler-style diagnostics, then one line per flow, then for every
// failing flow its split, witness and hop-by-hop trace.
import { formatConnection } from '../engine/evaluate';
import { flowShape, Style, traceLines, verdictText } from '../engine/report-text';
import type { FileAnalysis } from './report';
import type { Analysis } from '../engine/analyze';
import { closest } from '../syntax/suggest';

export { formatExplain, styleFor } from '../engine/report-text';

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

/** Why `vpcrules explain` or `fix` has no flow by that name: one it cannot evaluate, or none declared (with the closest name). */
export function unknownFlowMessage(analysis: Analysis, name: string, path: string): string {
  const declared = analysis.file.declarations.some((decl) => decl.kind === 'flow' && decl.name?.text === name);
  const suggestion = closest(name, analysis.flows.map((flow) => flow.flow.name));
  return declared
    ? `vpcrules: flow '${name}' cannot be evaluated; run 'vpcrules check ${path}' to see why`
    : `vpcrules: no flow '${name}' in ${path}${suggestion ? `; did you mean '${suggestion}'?` : ''}`;
}
