// vpcrules/explainFlow: one flow's whole story, as the plain text `vpcrules explain` prints and
// as Markdown for a preview, with the diagram of its path.
import type { Connection } from 'vscode-languageserver';
import { pathDiagram } from '../engine/diagram';
import type { FlowResult, Verdict } from '../engine/evaluate';
import { formatExplain, styleFor } from '../engine/report-text';
import type { AnalysisSource } from './analysis-source';
import { flowMarkdown } from './flow-markdown';
import { onAnalyzed } from './requests';

export const EXPLAIN_FLOW_METHOD = 'vpcrules/explainFlow';

export interface ExplainFlowParams {
  uri: string;
  name: string;
}

export interface FlowExplanation {
  name: string;
  verdict: Verdict;
  expectationHolds: boolean;
  markdown: string;
  text: string;
  /** The diagram of the example's path (`vpcrules explain --svg`): an SVG image, no script. */
  svg: string;
}

/** What the explain report shows of a flow's result. */
export function flowExplanation(result: FlowResult): FlowExplanation {
  return {
    name: result.flow.name,
    verdict: result.verdict,
    expectationHolds: result.ok,
    markdown: flowMarkdown(result),
    text: formatExplain(result, styleFor(false)),
    svg: pathDiagram(result),
  };
}

export function registerExplainFlow(connection: Connection, source: AnalysisSource): void {
  connection.onRequest(EXPLAIN_FLOW_METHOD, (params: ExplainFlowParams | undefined, token) =>
    onAnalyzed(connection, source, params?.uri, token, ({ analysis }): FlowExplanation | null => {
      const result = analysis.flows.find((flow) => flow.flow.name === params?.name);
      return result ? flowExplanation(result) : null;
    }));
}
