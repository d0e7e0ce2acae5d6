// Every cell of the reachability matrix has the verdict of the same flow written in the file and
// analysed as usual, over random valid models (test/naive/random-model.ts); a cell left out
// (itself, or an instance the flow cannot name) is a flow the file could not evaluate either.
//
// Seeds are fixed; override with FC_SEED=<n> and FC_RUNS=<n>.
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { analyze } from '../../server/src/engine/analyze';
import { MatrixProtocol, reachabilityMatrix } from '../../server/src/engine/matrix';
import { GeneratedModel, randomModel } from '../naive/random-model';

const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : 31337;
const RUNS = process.env.FC_RUNS !== undefined ? Number(process.env.FC_RUNS) : 40;

/** The TCP and UDP ports the model's rules and flows name, so that the matrix meets its rules. */
function portsOf(text: string): string[] {
  return [...new Set([...text.matchAll(/\b(?:tcp|udp) (\d+(?:-\d+)?)\b/g)].map((match) => match[1]))].sort();
}

function check(generated: GeneratedModel, protocol: MatrixProtocol, pick: number): void {
  const ports = portsOf(generated.text);
  const portText = ports.length === 0 ? '443' : ports[pick % ports.length];
  const [from, to = from] = portText.split('-').map(Number);
  const base = analyze(generated.text);
  const matrix = reachabilityMatrix(base.model, { protocol, ports: protocol === 'icmp' ? undefined : { from, to } });
  const written = matrix.cells.map((cell, i) =>
    `flow matrix-cell-${i} ${cell.src} -> ${cell.dst} ${protocol === 'icmp' ? 'icmp type 8' : `${protocol} ${portText}`} expect allow`);
  const analysis = analyze(`${generated.text}\n${written.join('\n')}\n`);
  const verdicts = new Map(analysis.flows.map((result) => [result.flow.name, result.verdict]));
  matrix.cells.forEach((cell, i) => {
    const context = `${written[i]}: matrix says ${cell.verdict}\n${generated.text}`;
    if (cell.verdict === 'self' || cell.verdict === 'none') assert.equal(verdicts.get(`matrix-cell-${i}`), undefined, context);
    else assert.equal(verdicts.get(`matrix-cell-${i}`), cell.verdict, context);
  });
}

describe('reachability matrix vs written flows (property)', function () {
  this.timeout(300_000);

  it('small models: every cell is the written flow\'s verdict', () => {
    fc.assert(
      fc.property(randomModel(), fc.constantFrom<MatrixProtocol>('tcp', 'udp', 'icmp'), fc.nat(), (generated, protocol, pick) => check(generated, protocol, pick)),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('large models (wide ranges, internet ends): every cell is the written flow\'s verdict', () => {
    fc.assert(
      fc.property(randomModel({ large: true }), fc.constantFrom<MatrixProtocol>('tcp', 'udp', 'icmp'), fc.nat(), (generated, protocol, pick) => check(generated, protocol, pick)),
      { seed: SEED + 1, numRuns: Math.max(1, Math.round(RUNS / 4)) },
    );
  });
});
