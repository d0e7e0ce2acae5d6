// The engine's entry point: text in, syntax tree, model, diagnostics and flow verdicts out.
import type { SourceFile } from '../syntax/ast';
import { parseSteps } from '../syntax/parser';
import { compareDiagnostics, Diagnostic } from '../diagnostics/diagnostic';
import { buildModelSteps, ModelOptions } from './build-model';
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

export interface AnalyzeOptions extends ModelOptions {
  /** Asked between units of work; when it answers true the analysis stops early. */
  isCancelled?: () => boolean;
}

export class AnalysisCancelled extends Error {
  constructor() {
    super('analysis cancelled');
  }
}

/**
 * The analysis as a sequence of steps: the generator yields between units of work (the parse, each
 * check, each flow), so that a caller can interleave other work or abandon a stale analysis.
 */
export function* analysisSteps(text: string, options: ModelOptions = {}): Generator<void, Analysis, void> {
  const parsed = yield* parseSteps(text);
  yield;
  const built = yield* buildModelSteps(parsed.file, options);
  const diagnostics = [...parsed.diagnostics, ...built.diagnostics];
  for (const check of MODEL_CHECKS) {
    yield;
    diagnostics.push(...check(built.model));
  }
  const flows: FlowResult[] = [];
  for (const flow of built.model.flows) {
    yield;
    flows.push(evaluateFlow(flow, built.model));
  }
  diagnostics.push(...expectationChecks(flows));
  diagnostics.sort(compareDiagnostics);
  return { text, file: parsed.file, model: built.model, diagnostics, flows };
}

export function analyze(text: string, options: AnalyzeOptions = {}): Analysis {
  const steps = analysisSteps(text, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (options.isCancelled?.()) throw new AnalysisCancelled();
  }
}
