// A lens above every evaluated flow: its verdict, marked by whether the expectation holds, that
// opens the flow's explanation.
import type { CodeLens, Connection } from 'vscode-languageserver';
import type { FlowResult } from '../engine/evaluate';
import type { FlowDecl } from '../syntax/ast';
import type { AnalysisSource, AnalyzedDocument } from './analysis-source';
import { toLspRange } from './convert';
import { onAnalyzed } from './requests';

export const EXPLAIN_FLOW_COMMAND = 'vpcrules.explainFlow';

const MAX_DETAIL = 40;

/** What a partial verdict drops, in a few words: "1024-32767 dropped". */
function droppedPart(result: FlowResult): string | undefined {
  if (!result.split) return undefined;
  const dropped = /dropped for ([^;]+)/.exec(result.split);
  const detail = dropped ? `${dropped[1]} dropped` : result.split;
  return detail.length > MAX_DETAIL ? `${detail.slice(0, MAX_DETAIL - 1)}…` : detail;
}

export function lensTitle(result: FlowResult): string {
  const detail = droppedPart(result);
  return `${result.ok ? '✓' : '✗'} ${result.verdict}${detail ? `: ${detail}` : ''}`;
}

interface KeptLens {
  uri: string;
  verdict: FlowResult['verdict'];
  ok: boolean;
  split?: string;
  lens: CodeLens;
}

/**
 * The lens of each flow declaration that successive parses share (its line did not change), kept
 * while what its title says is unchanged. Answers share these objects; nothing changes them.
 */
const keptLenses = new WeakMap<FlowDecl, KeptLens>();

function lensOf(uri: string, result: FlowResult): CodeLens {
  const { decl } = result.flow;
  const kept = keptLenses.get(decl);
  if (kept && kept.uri === uri && kept.verdict === result.verdict && kept.ok === result.ok && kept.split === result.split) return kept.lens;
  const lens: CodeLens = {
    range: toLspRange(decl.range),
    command: { title: lensTitle(result), command: EXPLAIN_FLOW_COMMAND, arguments: [uri, result.flow.name] },
  };
  keptLenses.set(decl, { uri, verdict: result.verdict, ok: result.ok, split: result.split, lens });
  return lens;
}

/** The lenses of a document: one per evaluated flow, from the flow results of its analysis. */
export function codeLenses({ uri, analysis }: AnalyzedDocument): CodeLens[] {
  return analysis.flows.map((result) => lensOf(uri, result));
}

export function registerCodeLens(connection: Connection, source: AnalysisSource): void {
  connection.onCodeLens((params, token) => onAnalyzed(connection, source, params?.textDocument?.uri, token, codeLenses));
}
