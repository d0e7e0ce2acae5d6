// vpcrules/flowTally: how many flows of a document are allowed, denied, partial, and failing
// their expectation (for the status bar).
import type { Connection } from 'vscode-languageserver';
import type { Analysis } from '../engine/analyze';
import type { AnalysisSource } from './analysis-source';
import { onAnalyzed } from './requests';

export const FLOW_TALLY_METHOD = 'vpcrules/flowTally';

export interface FlowTallyParams {
  uri: string;
}

export interface FlowTally {
  allow: number;
  deny: number;
  partial: number;
  /** Flows whose verdict is not the expected one. */
  failing: number;
  total: number;
}

export function tallyOf(analysis: Analysis): FlowTally {
  const tally: FlowTally = { allow: 0, deny: 0, partial: 0, failing: 0, total: analysis.flows.length };
  for (const result of analysis.flows) {
    tally[result.verdict]++;
    if (!result.ok) tally.failing++;
  }
  return tally;
}

export function registerFlowTally(connection: Connection, source: AnalysisSource): void {
  connection.onRequest(FLOW_TALLY_METHOD, (params: FlowTallyParams | undefined, token) =>
    onAnalyzed(connection, source, params?.uri, token, ({ analysis }) => tallyOf(analysis)));
}
