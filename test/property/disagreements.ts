// Where the engine and the naive evaluator disagree, counted by kind over the property test's
// random models instead of stopping at the first one. Not a test: a report for whoever changes
// the engine or the language.
//
//   npm run build && node out/test/property/disagreements.js [--examples] [--firewall-only]
//
// FC_SEED and FC_RUNS as in engine-vs-naive.test.ts. Prints the naive verdict mix, then each kind
// of disagreement with its count (and with --examples the smallest model that shows it), for small
// models, large ones, and small ones with AWS Network Firewall endpoints on the flows' way (with
// --firewall-only, those alone: FC_RUNS small ones and a third as many large ones).
import * as fc from 'fast-check';
import { analyze } from '../../server/src/engine/analyze';
import {
  boundaryConnections, buildNaiveModel, Conn, connectionOutcome, coverageSize, decideConnection, exactVerdict, NaiveFlow, NaiveModel,
  NaiveVerdict, NEnd, TooManyConnections, traceConnection,
} from '../naive/naive-evaluator';
import { randomModel } from '../naive/random-model';

const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : 424242;
const RUNS = process.env.FC_RUNS !== undefined ? Number(process.env.FC_RUNS) : 300;
const SHOW_EXAMPLES = process.argv.includes('--examples');
const FIREWALL_ONLY = process.argv.includes('--firewall-only');

function addressesOf(model: NaiveModel, name: string, family: 4 | 6): bigint[] {
  const instance = model.instances.get(name)!;
  return family === 4 ? instance.ips : instance.ip6s;
}

/** The instances whose addresses the end holds. */
function instancesIn(model: NaiveModel, flow: NaiveFlow, end: NEnd): string[] {
  if (end.kind === 'instance') return [end.name];
  if (end.kind === 'internet') return [];
  const { first, last } = end.cidr;
  return [...model.instances.keys()].filter((name) => addressesOf(model, name, flow.family).some((a) => first <= a && a <= last));
}

function isAmazonAddress(model: NaiveModel, end: NEnd): boolean {
  return end.kind === 'cidr' && end.cidr.first === end.cidr.last &&
    model.amazonAddresses.some((a) => a.family === end.cidr.family && a.address === end.cidr.first);
}

function holdsSubnetHosts(model: NaiveModel, flow: NaiveFlow, end: NEnd): boolean {
  if (end.kind !== 'cidr') return false;
  return [...model.subnets.values()].some((s) => {
    const b = flow.family === 4 ? s.v4 : s.v6;
    return b !== undefined && b.first <= end.cidr.last && end.cidr.first <= b.last;
  });
}

/** What the hops of a routed connection meet, most telling first. */
const ROUTING_STEPS: [RegExp, string][] = [
  [/asymmetric routing/, 'an asymmetric reply'],
  [/firewall \S+ stateful .*: (dropped by|no rule decides.*stateful-default drop-)/, "a firewall's stateful stage dropping"],
  [/firewall \S+ stateless .*: drop/, "a firewall's stateless stage dropping"],
  [/firewall \S+ stateful/, "a firewall's stateful stage"],
  [/firewall \S+ stateless/, "a firewall's stateless stage"],
  [/routing loop/, 'a routing loop'],
  [/NAT64/, 'NAT64'],
  [/NAT gateway .*: destination/, 'a reply back through a NAT gateway'],
  [/NAT gateway .*: source/, 'a NAT gateway'],
  [/egress-only gateway/, 'the egress-only gateway'],
  [/internet gateway \S+, route table (?!\(local)/, 'an edge table'],
  [/no public IPv4 address|no internet gateway/, 'no public address or gateway'],
  [/internet gateway/, 'the internet gateway'],
  [/blackhole|not modelled|no route/, 'a dropping route'],
  [/route table/, 'local routing'],
];

/** Connections of the flow to look at: every one when few, else those at the boundaries. */
function someConnections(model: NaiveModel, flow: NaiveFlow): Conn[] {
  const conns = boundaryConnections(model, flow, 400, () => 0.5).conns;
  return conns.flatMap((conn) => {
    const outcome = connectionOutcome(model, flow, conn);
    return [outcome.someAdmitted, outcome.someDropped].filter((c): c is Conn => c !== undefined);
  });
}

/** The most telling routing step any connection of the flow meets: a rough, stable cause. */
function routingFeature(model: NaiveModel, flow: NaiveFlow): string {
  const hops = someConnections(model, flow).flatMap((conn) => traceConnection(model, flow, conn).map((s) => s.hop));
  for (const [pattern, name] of ROUTING_STEPS) if (hops.some((hop) => pattern.test(hop))) return `routing: ${name}`;
  return 'routing: no route met';
}

/**
 * The first feature of the amended language that the flow involves, in a fixed order: a rough
 * but stable cause for a disagreement, to group them.
 */
function amendedFeature(model: NaiveModel, flow: NaiveFlow, text: string): string {
  if (model.routing) return routingFeature(model, flow);
  const ends = [flow.src, flow.dst];
  const involved = ends.flatMap((end) => instancesIn(model, flow, end));
  const flowLine = text.split('\n')[flow.line] ?? '';
  if (ends.some((end) => isAmazonAddress(model, end))) return 'an Amazon-provided address end';
  if (ends.every((end) => end.kind !== 'instance')) return 'no instance name: a single instance address names it';
  if (flow.protocol === 58 && !/ ipv6( |$)/.test(flowLine)) return 'icmpv6 without the ipv6 keyword';
  if (involved.some((name) => model.instances.get(name)!.groups.includes('default'))) return 'an instance in the default group';
  if (ends.some((end) => end.kind === 'cidr' && instancesIn(model, flow, end).length > 0)) return 'an address end holding an instance address';
  if (ends.some((end) => holdsSubnetHosts(model, flow, end))) return 'an address end holding subnet hosts';
  if (involved.some((name) => addressesOf(model, name, flow.family).length > 1)) return 'an instance with several addresses';
  if (flow.icmp?.type !== undefined && flow.icmp.code === undefined && [0, 8, 128, 129].includes(flow.icmp.type)) return 'echo without a code';
  if (ends.some((end) => end.kind === 'internet')) return 'internet (Amazon addresses removed)';
  return 'none of the amended features';
}

class Tally {
  readonly counts = new Map<string, { n: number; example: string }>();
  add(kind: string, example: string): void {
    const entry = this.counts.get(kind);
    if (!entry) this.counts.set(kind, { n: 1, example });
    else {
      entry.n++;
      if (example.length < entry.example.length) entry.example = example;
    }
  }
  print(title: string): void {
    const total = [...this.counts.values()].reduce((sum, e) => sum + e.n, 0);
    console.log(`\n${title}: ${total}`);
    for (const [kind, { n, example }] of [...this.counts].sort((a, b) => b[1].n - a[1].n)) {
      console.log(`  ${String(n).padStart(5)}  ${kind}`);
      if (SHOW_EXAMPLES) console.log(example.split('\n').map((line) => `           | ${line}`).join('\n'));
    }
  }
}

/** The naive verdict, or undefined when the flow has too many boundary connections to try them all. */
function verdictOrSkip(naive: NaiveModel, flow: NaiveFlow, large: boolean): NaiveVerdict | undefined {
  try {
    return exactVerdict(naive, flow, 20_000, large ? 200_000 : 1_000_000);
  } catch (error) {
    if (error instanceof TooManyConnections) return undefined;
    throw error;
  }
}

function report(large: boolean, runs: number, seed: number, firewall = false): void {
  const mix = new Tally();
  const errors = new Tally();
  const verdicts = new Tally();
  const witnesses = new Tally();
  let flows = 0;
  let routedModels = 0;
  let firewallModels = 0;
  let naiveNs = 0n;
  for (const generated of fc.sample(randomModel({ large, firewall }), { numRuns: runs, seed })) {
    const analysis = analyze(generated.text);
    const naive = buildNaiveModel(generated.text);
    if (naive.routing) routedModels++;
    if (naive.routing && naive.firewalls.size > 0) firewallModels++;
    for (const d of analysis.diagnostics) {
      if (d.severity !== 'error' || d.code === 'VR500') continue;
      errors.add(`${d.code} ${d.message.replace(/'[^']*'/g, "'…'").replace(/\d+(\.\d+){3}(\/\d+)?|[0-9a-f]*:[0-9a-f:]+(\/\d+)?/g, 'ADDR')}`, generated.text);
    }
    for (const flow of naive.flows) {
      flows++;
      const started = process.hrtime.bigint();
      const expected = verdictOrSkip(naive, flow, large);
      naiveNs += process.hrtime.bigint() - started;
      mix.add(expected ?? 'skipped: too many boundary connections', '');
      if (!expected) continue;
      const result = analysis.flows.find((r) => r.flow.name === flow.name);
      const example = `${generated.text}# flow ${flow.name}: engine ${result?.verdict ?? 'none'}, naive ${expected}${coverageSize(naive, flow) > 20_000n ? ' (boundaries)' : ''}`;
      if (!result) {
        verdicts.add(`${amendedFeature(naive, flow, generated.text)}: engine gives no verdict`, example);
        continue;
      }
      const feature = amendedFeature(naive, flow, generated.text);
      if (result.verdict !== expected) verdicts.add(`${feature}: engine ${result.verdict}, naive ${expected}`, example);
      if (result.witness) {
        const decision = decideConnection(naive, flow, result.witness);
        const namedPorts = result.witness.natPorts?.length ?? 0;
        if (!decision.covered) witnesses.add(`${feature}: witness not covered`, example);
        else if (decision.admitted !== (flow.expect === 'deny')) witnesses.add(`${feature}: witness does not contradict the expectation`, example);
        else if ((flow.protocol === 6 || flow.protocol === 17) && (decision.admitted ? namedPorts !== decision.natGateways.length : namedPorts < decision.natGateways.length)) {
          witnesses.add(`${feature}: witness names ${namedPorts} NAT ports for ${decision.natGateways.length} NAT gateways`, example);
        }
      }
    }
  }
  console.log(`\n=== ${large ? 'large' : 'small'}${firewall ? ' firewall' : ''} models: ${runs} models (${routedModels} with routing, ${firewallModels} with firewalls), ${flows} flows, seed ${seed}`);
  mix.print(`naive verdicts (${Number(naiveNs / 1_000_000n)} ms)`);
  errors.print('engine errors on valid models (by message)');
  verdicts.print('verdict disagreements');
  witnesses.print('dishonest witnesses');
}

if (FIREWALL_ONLY) {
  report(false, RUNS, SEED + 2, true);
  report(true, Math.max(1, Math.round(RUNS / 3)), SEED + 3, true);
} else {
  report(false, RUNS, SEED);
  report(true, Math.max(1, Math.round(RUNS / 3)), SEED + 1);
  report(false, Math.max(1, Math.round(RUNS / 3)), SEED + 2, true);
}
