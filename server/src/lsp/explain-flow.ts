// vpcrules/explainFlow: one flow's whole story, as the plain text `vpcrules explain` prints and
// as Markdown for a preview.
import type { Connection } from 'vscode-languageserver';
import type { Verdict } from '../engine/evaluate';
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
}

export function registerExplainFlow(connection: Connection, source: AnalysisSource): void {
  connection.onRequest(EXPLAIN_FLOW_METHOD, (params: ExplainFlowParams | undefined, token) =>
    onAnalyzed(connection, source, params?.uri, token, ({ analysis }): FlowExplanation | null => {
      const result = analysis.flows.find((flow) => flow.flow.name === params?.name);
      if (!result) return null;
      return {
        name: result.flow.name,
        verdict: result.verdict,
        expectationHolds: result.ok,
        markdown: flowMarkdown(result),
        text: formatExplain(result, styleFor(false)),
      };
    }));
}
