// The engine against an independent naive evaluator (test/naive/naive-evaluator.ts), over random
// valid models (test/naive/random-model.ts).
//
// Seeds are fixed so that runs are reproducible; override with FC_SEED=<n> (and FC_RUNS=<n> for
// more or fewer runs). A failure prints the model text, the flow, both verdicts and connections
// the naive evaluator admits and drops.
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { analyze, Analysis } from '../../server/src/engine/analyze';
import type { FlowResult } from '../../server/src/engine/evaluate';
import { jsonFlow } from '../../server/src/cli/report';
import {
  boundaryConnections, buildNaiveModel, Conn, connectionOutcome, coverageSize, decideConnection, evaluateNaive, flowCovers,
  NaiveFlow, NaiveModel, NaiveVerdict, traceConnection,
} from '../naive/naive-evaluator';
import { connectionOfJsonWitness } from '../naive/json-witness';
import { formatV4, formatV6, GeneratedModel, ModelOptions, randomModel } from '../naive/random-model';
import { randomStream } from '../naive/random-stream';

const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : 424242;
const RUNS = process.env.FC_RUNS !== undefined ? Number(process.env.FC_RUNS) : 300;
/** Flows in the small models never cover more connections than this (the generator's promise). */
const ENUMERATION_LIMIT = 20_000;
/** Boundary connections evaluated per flow in the large models. */
const SAMPLES_PER_FLOW = 3_000;

function formatConn(conn: Conn): string {
  const addr = (a: bigint) => (conn.family === 4 ? formatV4(a) : `[${formatV6(a)}]`);
  if (conn.protocol === 1 || conn.protocol === 58) {
    return `${conn.protocol === 1 ? 'icmp' : 'icmpv6'} ${addr(conn.srcIp)} -> ${addr(conn.dstIp)} type ${conn.key >> 8} code ${conn.key & 255}`;
  }
  const nat = conn.natPorts?.length ? ` NAT ports ${conn.natPorts.join(', ')}` : '';
  return `${conn.protocol === 6 ? 'tcp' : 'udp'} ${addr(conn.srcIp)}:${conn.srcPort} -> ${addr(conn.dstIp)}:${conn.key}${nat}`;
}

function describeConn(model: NaiveModel, flow: NaiveFlow, conn: Conn | undefined): string {
  if (!conn) return 'none';
  const trace = traceConnection(model, flow, conn).map((s) => `${s.hop}: ${s.allow ? 'allow' : 'deny'}`).join(', ');
  return `${formatConn(conn)} [${trace}]`;
}

function numbered(text: string): string {
  return text.split('\n').map((line, i) => `${String(i + 1).padStart(3)}  ${line}`).join('\n');
}

/** Every generated model is valid: no error diagnostic except failed expectations (VR500). */
function assertValidModel(generated: GeneratedModel, analysis: Analysis): void {
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error' && d.code !== 'VR500');
  assert.deepEqual(
    errors.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code} ${d.message}`), [],
    `the engine reports errors on a valid model:\n${numbered(generated.text)}`,
  );
  const failed = analysis.flows.filter((f) => !f.ok).length;
  const vr500 = analysis.diagnostics.filter((d) => d.code === 'VR500').length;
  assert.equal(vr500, failed, `one VR500 per failed expectation:\n${numbered(generated.text)}`);
}

function pairFlows(generated: GeneratedModel, analysis: Analysis, naive: NaiveModel): [FlowResult, NaiveFlow][] {
  assert.equal(analysis.flows.length, generated.flowCount, `the engine evaluates every flow:\n${numbered(generated.text)}`);
  assert.equal(naive.flows.length, generated.flowCount, 'the naive model reads every flow');
  return analysis.flows.map((result) => {
    const flow = naive.flows.find((f) => f.name === result.flow.name);
    assert.ok(flow, `naive flow ${result.flow.name}`);
    return [result, flow];
  });
}

/** ok, witness presence, and the witness (as the engine gives it and as the JSON prints it). */
function checkOkAndWitness(generated: GeneratedModel, naive: NaiveModel, result: FlowResult, flow: NaiveFlow): void {
  const context = () => `flow ${flow.name} (line ${flow.line + 1}), engine verdict ${result.verdict}, expect ${flow.expect}:\n${numbered(generated.text)}`;
  assert.equal(result.flow.expect, flow.expect, `expect of ${context()}`);
  assert.equal(result.ok, result.verdict === flow.expect, `ok of ${context()}`);
  if (!result.ok) assert.ok(result.witness, `no witness for a failed expectation: ${context()}`);
  if (!result.witness) return;
  checkWitness(naive, flow, result.witness, 'the witness', context);
  const json = jsonFlow('model.vpcrules', result).witness;
  assert.ok(json, `no JSON witness: ${context()}`);
  checkWitness(naive, flow, connectionOfJsonWitness(json), 'the JSON witness', context);
}

/** A witness is a connection of the flow, with a port for each NAT gateway it crosses, whose outcome contradicts the expectation. */
function checkWitness(naive: NaiveModel, flow: NaiveFlow, witness: Conn, what: string, context: () => string): void {
  const decision = decideConnection(naive, flow, witness);
  assert.ok(decision.covered, `${what} ${formatConn(witness)} is not covered by ${context()}`);
  // ICMP has no NAT port; ports for NAT gateways a dropped request never reaches change nothing.
  if (flow.protocol === 6 || flow.protocol === 17) {
    const named = witness.natPorts?.length ?? 0;
    const crossed = decision.natGateways.length;
    assert.ok(decision.admitted ? named === crossed : named >= crossed,
      `${what} ${formatConn(witness)} names ${named} NAT ports, its request crosses NAT gateways [${decision.natGateways.join(', ')}]: ${context()}`);
  }
  const wantAdmitted = flow.expect === 'deny';
  assert.equal(decision.admitted, wantAdmitted,
    `${what} ${describeConn(naive, flow, witness)} is ${decision.admitted ? 'admitted' : 'dropped'}, so it does not show the failure of ${context()}`);
}

/** The stats key's prefix: what the model models beyond filters. */
function kind(naive: NaiveModel): string {
  if (!naive.routing) return '';
  return naive.firewalls.size > 0 ? 'firewall-' : 'routed-';
}

function tally(stats: Record<string, number>, key: string): void {
  stats[key] = (stats[key] ?? 0) + 1;
}


describe('engine vs naive evaluator (property)', function () {
  this.timeout(120_000);

  /** Every flow of small models against exhaustive enumeration. */
  function enumerated(options: ModelOptions, runs: number, seed: number): void {
    const stats: Record<string, number> = {};
    let connections = 0;
    const started = Date.now();
    fc.assert(
      fc.property(randomModel(options), (generated) => {
        const analysis = analyze(generated.text);
        assertValidModel(generated, analysis);
        const naive = buildNaiveModel(generated.text);
        for (const [result, flow] of pairFlows(generated, analysis, naive)) {
          const expected = evaluateNaive(naive, flow, ENUMERATION_LIMIT);
          connections += expected.walked;
          tally(stats, `${kind(naive)}${expected.verdict}`);
          assert.equal(result.verdict, expected.verdict,
            `flow ${flow.name} (line ${flow.line + 1}): engine says ${result.verdict}, naive enumeration says ${expected.verdict} ` +
            `(${expected.admitted} of ${expected.total} connections admitted)\n` +
            `  admitted e.g. ${describeConn(naive, flow, expected.someAdmitted)}\n` +
            `  dropped e.g. ${describeConn(naive, flow, expected.someDropped)}\n` +
            `  engine witness: ${result.witness ? formatConn(result.witness) : 'none'}\n${numbered(generated.text)}`);
          checkOkAndWitness(generated, naive, result, flow);
        }
      }),
      { numRuns: runs, seed },
    );
    const flows = Object.values(stats).reduce((a, b) => a + b, 0);
    console.log(`      ${runs} models, ${flows} flows (${JSON.stringify(stats)}), ${connections} connections enumerated, ${Date.now() - started} ms, seed ${seed}`);
  }

  it('small models: every flow has the exact verdict of exhaustive enumeration, and honest witnesses', () => {
    enumerated({}, RUNS, SEED);
  });

  it('small models with AWS Network Firewall endpoints on the flows\' way: exact verdicts by enumeration, honest witnesses', () => {
    enumerated({ firewall: true }, Math.max(1, Math.round(RUNS / 3)), SEED + 2);
  });

  it('large models (internet ends, wide ranges): verdicts consistent with every rule boundary, honest witnesses', () => {
    const stats: Record<string, number> = {};
    let samples = 0;
    const started = Date.now();
    fc.assert(
      fc.property(randomModel({ large: true }), fc.nat(), (generated, sampleSeed) => {
        const analysis = analyze(generated.text);
        assertValidModel(generated, analysis);
        const naive = buildNaiveModel(generated.text);
        const random = randomStream(sampleSeed);
        for (const [result, flow] of pairFlows(generated, analysis, naive)) {
          checkOkAndWitness(generated, naive, result, flow);
          const context = `flow ${flow.name} (line ${flow.line + 1}), engine verdict ${result.verdict}`;
          if (coverageSize(naive, flow) <= BigInt(ENUMERATION_LIMIT)) {
            const expected = evaluateNaive(naive, flow, ENUMERATION_LIMIT);
            tally(stats, `${kind(naive)}enumerated-${expected.verdict}`);
            assert.equal(result.verdict, expected.verdict, `${context}: naive enumeration says ${expected.verdict}\n` +
              `  admitted e.g. ${describeConn(naive, flow, expected.someAdmitted)}\n  dropped e.g. ${describeConn(naive, flow, expected.someDropped)}\n${numbered(generated.text)}`);
            continue;
          }
          const sample = boundaryConnections(naive, flow, SAMPLES_PER_FLOW, random);
          samples += sample.conns.length;
          let someAdmitted: Conn | undefined;
          let someDropped: Conn | undefined;
          for (const conn of sample.conns) {
            assert.ok(flowCovers(naive, flow, conn), `sampled ${formatConn(conn)} is not covered by ${flow.name}`);
            // Every NAT port the connection may get (by stretches of NACL port ranges).
            const outcome = connectionOutcome(naive, flow, conn);
            someAdmitted ??= outcome.someAdmitted;
            someDropped ??= outcome.someDropped;
          }
          const sampled: NaiveVerdict = someAdmitted && someDropped ? 'partial' : someAdmitted ? 'allow' : 'deny';
          tally(stats, `${kind(naive)}${sample.complete ? 'boundary-complete' : 'boundary-sampled'}-${sampled}`);
          const details = `\n  admitted e.g. ${describeConn(naive, flow, someAdmitted)}\n  dropped e.g. ${describeConn(naive, flow, someDropped)}\n${numbered(generated.text)}`;
          if (sample.complete) {
            // Every combination of boundary values: one connection in every cell where all hops
            // decide alike, so the sampled verdict is exact.
            assert.equal(result.verdict, sampled, `${context}: the connections at every rule boundary give ${sampled}${details}`);
          } else {
            if (someAdmitted && someDropped) assert.equal(result.verdict, 'partial', `${context}: sampled connections are admitted and dropped${details}`);
            if (result.verdict === 'allow') assert.ok(!someDropped, `${context}: a sampled connection is dropped${details}`);
            if (result.verdict === 'deny') assert.ok(!someAdmitted, `${context}: a sampled connection is admitted${details}`);
          }
        }
      }),
      { numRuns: Math.max(1, Math.round(RUNS / 3)), seed: SEED + 1 },
    );
    const flows = Object.values(stats).reduce((a, b) => a + b, 0);
    console.log(`      ${Math.max(1, Math.round(RUNS / 3))} models, ${flows} flows (${JSON.stringify(stats)}), ${samples} boundary connections, ${Date.now() - started} ms, seed ${SEED + 1}`);
  });
});
