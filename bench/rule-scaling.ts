// How the analysis grows with the number of rules when the flows stay the same: the model's
// structure and flows are fixed, and every security group and network ACL gets k times the rules.
import { analyze } from '../server/src/engine/analyze';
import { generateModel } from './generate';
import { elapsedMs, median } from './stats';

export interface ScalingPoint {
  factor: number;
  rules: number;
  flows: number;
  ms: number;
}

export function ruleScaling(lines: number, factors: number[], runs: number): ScalingPoint[] {
  return factors.map((factor) => {
    const model = generateModel({ lines, ruleFactor: factor, sgRules: [3, 5], naclRules: [4, 6] });
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = process.hrtime.bigint();
      analyze(model.text);
      times.push(elapsedMs(start));
    }
    return { factor, rules: model.rules, flows: model.flows, ms: median(times) };
  });
}

/**
 * Whether growth stays within n log n: from the first point to each later one, the time ratio may
 * not exceed (n2 log n2) / (n1 log n1), with 25% slack for a noisy shared machine.
 */
export function withinNLogN(points: ScalingPoint[]): boolean {
  const [base] = points;
  const nLogN = (n: number) => n * Math.log2(n);
  return points.every((point) => point.ms / base.ms <= 1.25 * (nLogN(point.rules) / nLogN(base.rules)));
}
