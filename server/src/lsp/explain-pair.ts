// vpcrules/explainPair: the explain report of one cell of the reachability matrix, the flow
// `src -> dst` on the matrix's protocol and ports as a file would declare it (expect allow),
// judged on the document's current analysis.
import type { Connection } from 'vscode-languageserver';
import { evaluateFlow } from '../engine/evaluate';
import { cellFlow, MatrixProtocol } from '../engine/matrix';
import type { AnalysisSource } from './analysis-source';
import { FlowExplanation, flowExplanation } from './explain-flow';
import { matrixSelection } from './matrix-request';
import { onAnalyzed } from './requests';

export const EXPLAIN_PAIR_METHOD = 'vpcrules/explainPair';

export interface ExplainPairParams {
  uri: string;
  /** An instance's name, or `internet`. */
  src: string;
  dst: string;
  protocol: MatrixProtocol;
  ports?: string;
}

export function registerExplainPair(connection: Connection, source: AnalysisSource): void {
  connection.onRequest(EXPLAIN_PAIR_METHOD, (params: ExplainPairParams | undefined, token) => {
    const selection = matrixSelection(params);
    return onAnalyzed(connection, source, params?.uri, token, ({ analysis }): FlowExplanation | null => {
      if (typeof params?.src !== 'string' || typeof params.dst !== 'string') return null;
      // A cell on the diagonal, or of an instance the flow cannot name, has nothing to explain.
      const flow = cellFlow(analysis.model, params.src, params.dst, selection);
      return typeof flow === 'string' ? null : flowExplanation(evaluateFlow(flow, analysis.model));
    });
  });
}
