// The engine's entry point: text in, syntax tree, model, diagnostics and flow verdicts out.
import type { SourceFile } from '../syntax/ast';
import { parse } from '../syntax/parser';
import { compareDiagnostics, Diagnostic } from '../diagnostics/diagnostic';
import { buildModel } from './build-model';
import { expectationChecks, MODEL_CHECKS } from './checks';
import { evaluateFlow, FlowResult } from './evaluate';
import type { Model } from './model';

export interface Analysis {
  text: string;
  file: SourceFile;
  model: Model;
  diagnostics: Diagnostic[];
  flows: FlowResult[];
}

export interface AnalyzeOptions {
  /** Asked between units of work; when it answers true the analysis stops early. */
  isCancelled?: () => boolean;
}

export class AnalysisCancelled extends Error {
  constructor() {
    super('analysis cancelled');
  }
}

export function analyze(text: string, options: AnalyzeOptions = {}): Analysis {
  const checkpoint = () => {
    if (options.isCancelled?.()) throw new AnalysisCancelled();
  };
  const parsed = parse(text);
  checkpoint();
  const built = buildModel(parsed.file, text);
  const diagnostics = [...parsed.diagnostics, ...built.diagnostics];
  for (const check of MODEL_CHECKS) {
    checkpoint();
    diagnostics.push(...check(built.model));
  }
  const flows: FlowResult[] = [];
  for (const flow of built.model.flows) {
    checkpoint();
    flows.push(evaluateFlow(flow));
  }
  diagnostics.push(...expectationChecks(flows));
  diagnostics.sort(compareDiagnostics);
  return { text, file: parsed.file, model: built.model, diagnostics, flows };
}
