// Every repair offered for a failing flow of a random valid model (test/naive/random-model.ts)
// makes the flow hold on the edited text, adds no error, and changes the other flows exactly as
// it announces.
//
// Seeds are fixed; override with FC_SEED=<n> and FC_RUNS=<n>.
import * as fc from 'fast-check';
import { analyze } from '../../server/src/engine/analyze';
import { repairAll } from '../../server/src/engine/repairs';
import { GeneratedModel, randomModel } from '../naive/random-model';
import { assertRepairHolds } from '../repair-check';

const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : 4242;
const RUNS = process.env.FC_RUNS !== undefined ? Number(process.env.FC_RUNS) : 30;

function check(generated: GeneratedModel): void {
  const analysis = analyze(generated.text);
  for (const repairs of repairAll(analysis)) {
    for (const repair of repairs.repairs) assertRepairHolds(analysis, repairs.flow, repair, `flow ${repairs.flow}\n${generated.text}\n`);
  }
}

describe('repairs of random models (property)', function () {
  this.timeout(300_000);

  it('small models: every repair holds as announced', () => {
    fc.assert(fc.property(randomModel(), check), { seed: SEED, numRuns: RUNS });
  });

  it('large and firewall models: every repair holds as announced', () => {
    fc.assert(fc.property(randomModel({ large: true }), check), { seed: SEED + 1, numRuns: Math.max(1, Math.round(RUNS / 3)) });
    fc.assert(fc.property(randomModel({ firewall: true }), check), { seed: SEED + 2, numRuns: Math.max(1, Math.round(RUNS / 3)) });
  });
});
