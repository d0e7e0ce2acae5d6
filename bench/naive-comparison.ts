// The engine against the naive evaluator (test/naive/) on the same small random models: both must
// agree on every verdict; the times show what exact interval arithmetic saves over enumeration.
import * as fc from 'fast-check';
import { analyze } from '../server/src/engine/analyze';
import { evaluateFlow } from '../server/src/engine/evaluate';
import { buildNaiveModel, evaluateNaive } from '../test/naive/naive-evaluator';
import { randomModel } from '../test/naive/random-model';
import { elapsedMs } from './stats';

export interface NaiveComparison {
  models: number;
  flows: number;
  /** The whole analysis: parse, model, checks, verdicts with witnesses and traces. */
  engineMs: number;
  /** Verdicts alone, on the built model. */
  engineVerdictsMs: number;
  /** Reading the model and enumerating every connection. */
  naiveMs: number;
  /** Enumeration alone. */
  naiveVerdictsMs: number;
}

/** Flows of the small models never cover more connections than this (the generator's promise). */
const ENUMERATION_LIMIT = 20_000;

export function compareWithNaive(models: number, seed: number): NaiveComparison {
  const samples = fc.sample(randomModel(), { numRuns: models, seed });
  let engineMs = 0;
  let engineVerdictsMs = 0;
  let naiveMs = 0;
  let naiveVerdictsMs = 0;
  let flows = 0;
  for (const generated of samples) {
    let start = process.hrtime.bigint();
    const analysis = analyze(generated.text);
    engineMs += elapsedMs(start);
    start = process.hrtime.bigint();
    for (const flow of analysis.model.flows) evaluateFlow(flow, analysis.model);
    engineVerdictsMs += elapsedMs(start);
    start = process.hrtime.bigint();
    const naive = buildNaiveModel(generated.text);
    const enumeration = process.hrtime.bigint();
    const verdicts = new Map(naive.flows.map((flow) => [flow.name, evaluateNaive(naive, flow, ENUMERATION_LIMIT).verdict]));
    naiveVerdictsMs += elapsedMs(enumeration);
    naiveMs += elapsedMs(start);
    for (const result of analysis.flows) {
      flows++;
      if (verdicts.get(result.flow.name) !== result.verdict) {
        throw new Error(`engine and naive evaluator disagree on flow ${result.flow.name}:\n${generated.text}`);
      }
    }
  }
  return { models, flows, engineMs, engineVerdictsMs, naiveMs, naiveVerdictsMs };
}
