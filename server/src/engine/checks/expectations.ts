import { Diagnostic, makeDiagnostic, RelatedInfo } from '../../diagnostics/diagnostic';
import type { FlowResult } from '../evaluate';
import { describeStep, ruleRange, witnessSentence } from '../explain';
import { LineLabel, lineLabel } from '../line-map';

/** Every flow whose verdict is not the expected one is an error on the flow, with its witness. */
export function expectationChecks(results: FlowResult[]): Diagnostic[] {
  return results.filter((result) => !result.ok).map((result) => expectationDiagnostic(result));
}

/** The error of a flow whose verdict is not the expected one; `label` writes the lines its words name. */
export function expectationDiagnostic(result: FlowResult, label: LineLabel = lineLabel): Diagnostic {
  const flow = result.flow;
  const split = result.split ? ` (${result.split})` : '';
  const related: RelatedInfo[] = [];
  for (const step of [...result.trace].reverse()) {
    const range = ruleRange(step);
    if (range) related.push({ range, message: `${step.hop.label} ${step.hop.direction}${step.hop.phase === 'reply' ? ' (reply)' : ''}: ${describeStep(step, label)}` });
  }
  return makeDiagnostic('expectationFailed', flow.decl.range,
    `flow '${flow.name}' expects ${flow.expect} but is ${result.verdict}${split}; ${witnessSentence(result, label)}`, { related });
}
