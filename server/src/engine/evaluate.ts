// Exact evaluation of a flow. A flow covers every connection (src address, src port, dst address,
// dst port). Each end is cut into regions (engine/regions.ts): a pair of regions has one path, the
// list of hops its packets cross. Each region is cut further into "atoms" at every boundary of
// every rule that a hop of the path consults, so that within a pair of atoms every hop decides
// alike. Within it, the admitted connections are a set of port tuples (destination key, source
// port), computed exactly as the intersection of what each hop admits. The verdict follows from the
// sizes of those sets, never from a sample.
import type { Family } from '../syntax/ast';
import { formatAddress } from '../syntax/cidr';
import { formatAddrSet } from './addresses';
import { Box, BoxSet } from './boxes';
import { Hop, hopCuts, judgeHop, KeySource, Remote, Rule, setCuts } from './hops';
import { dropsAt, endpointConnection, firewallAddressSets, judgeFirewallStage, judgeSequence, connectionPackets, SequenceOutcome } from './firewall';
import { examplePath, flowPaths, FlowPath, KEY_DIM, SOURCE_PORT_DIM } from './paths';
import { BigSet, IntervalSet, PortSet } from './intervals';
import { formatKeys, formatPorts } from './keys';
import type { Flow, Model, Region, StatefulRuleModel } from './model';
import { preferredAddress, withServiceGapsFilled } from './witness-address';
import { firewallRuleName } from './explain-firewall';

export type Verdict = 'allow' | 'deny' | 'partial';

export interface Connection {
  protocol: number;
  family: Family;
  srcIp: bigint;
  dstIp: bigint;
  /** Source port; for ICMP, 0 (ICMP has no ports). */
  srcPort: number;
  /** Destination port, or for ICMP type * 256 + code. */
  key: number;
  /** The source port each NAT gateway on the path chooses, in order. */
  natPorts: number[];
}

export interface HopStep {
  hop: Hop;
  action: 'allow' | 'deny';
  /** The deciding rule; undefined when none matches (SG), the implicit `*` decides (NACL), or the hop has no rules. */
  rule?: Rule;
  /** At a firewall stage: the connection's packets through the endpoint, up to the first dropped. */
  firewall?: SequenceOutcome;
}

/** A piece of one path within which every hop decides alike. */
export interface Atom {
  path: number;
  src: BigSet;
  dst: BigSet;
  /** The port tuples (destination key, source port) admitted by every hop. */
  admitted: BoxSet;
}

export interface FlowResult {
  flow: Flow;
  verdict: Verdict;
  ok: boolean;
  paths: FlowPath[];
  /** The hops of the example's path, and where its ends are (the example's own instances). */
  hops: Hop[];
  exampleEnds: [Region, Region];
  atoms: Atom[];
  /** A connection on the failing side, when the verdict is not the expected one. */
  witness?: Connection;
  /** The connection the trace follows: the witness, or a connection that shows the verdict. */
  example: Connection;
  /** The index in `paths` of the example's path. */
  examplePath: number;
  trace: HopStep[];
  /** For partial verdicts: which connections pass and which do not. */
  split?: string;
  /** Every rule that decides some connection of this flow, at some hop. */
  decidingRules: Set<Rule>;
  /** Stateful firewall rules left out of the evaluation whose header matches some packet of this flow: the verdict assumes they do not decide. */
  assumed: StatefulRuleModel[];
  /** The subnets whose network ACLs some path of the flow crosses, by name, sorted. */
  aclSubnets: readonly string[];
}

/** What the evaluation gathers besides the admitted sets. */
interface Gathered {
  deciding: Set<Rule>;
  assumed: Set<StatefulRuleModel>;
}

/** The keys a hop judges for this path: a dimension of the path's box, or a fixed ICMP key. */
function judgedKeys(key: KeySource, box: Box): PortSet {
  return 'dim' in key ? box[key.dim] : IntervalSet.point(key.fixed);
}

/** Cuts a region's addresses wherever a hop of the path, judging them as remote, may decide otherwise. */
function cutRegion(flow: Flow, path: FlowPath, side: 'src' | 'dst'): BigSet[] {
  const region = path[side];
  const set = region.addrs;
  // One address (an instance's, most often), or instances merged as alike, have nothing to cut.
  if ((set.intervals.length === 1 && set.intervals[0][0] === set.intervals[0][1]) || (region.kind === 'instance' && region.alike)) return [set];
  const cutting = path.hops.flatMap((hop) => ((hop.kind === 'sg' || hop.kind === 'nacl') && 'end' in hop.remote && hop.remote.end === side ? [hop] : []));
  const firewallSets = path.hops.flatMap((hop) => (hop.kind === 'firewall' && hop.stage === 'stateless' && hop.phase === 'request' && seesEnd(hop.view, side) ? firewallAddressSets(hop.firewall, flow.family) : []));
  if (cutting.length === 0 && firewallSets.length === 0) return [set];
  const pieces: BigSet[] = [];
  for (const [lo, hi] of set.intervals) {
    const cuts = new Set<bigint>();
    for (const hop of cutting) for (const cut of hopCuts(hop, flow.protocol, flow.family, judgedKeys(hop.key, path.box), lo, hi)) cuts.add(cut);
    for (const cut of setCuts(firewallSets, lo, hi)) cuts.add(cut);
    let start = lo;
    for (const cut of [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
      pieces.push(IntervalSet.of(start, cut - 1n));
      start = cut;
    }
    pieces.push(IntervalSet.of(start, hi));
  }
  return pieces;
}

function seesEnd(view: { initiator: Remote; responder: Remote }, side: 'src' | 'dst'): boolean {
  return [view.initiator, view.responder].some((remote) => 'end' in remote && remote.end === side);
}

function remoteOf(remote: Remote, src: bigint, dst: bigint): bigint {
  return 'fixed' in remote ? remote.fixed : remote.end === 'src' ? src : dst;
}

/** The port tuples of `admitted` that a hop lets through, for one pair of addresses. */
function hopAdmits(flow: Flow, hop: Hop, admitted: BoxSet, src: bigint, dst: bigint, gathered: Gathered): BoxSet {
  const deciding = gathered.deciding;
  switch (hop.kind) {
    case 'firewall': {
      const judged = judgeFirewallStage(hop, flow.protocol, flow.family, flow.reply.kind === 'none', admitted, src, dst);
      for (const outcome of judged.outcomes) {
        for (const rule of outcome.assumed) gathered.assumed.add(rule);
        for (const packet of outcome.packets) {
          if (packet.stateless.rule) deciding.add(packet.stateless.rule);
          if (packet.stateful?.rule) deciding.add(packet.stateful.rule);
        }
      }
      return judged.admitted;
    }
    case 'aws-service': case 'nat':
      return admitted;
    case 'route': case 'gateway': case 'drop':
      if (hop.kind === 'route' && hop.route) deciding.add(hop.route);
      return hop.action === 'allow' ? admitted : BoxSet.empty();
    case 'sg': case 'nacl': {
      const keys = 'dim' in hop.key ? admitted.project(hop.key.dim) : IntervalSet.point(hop.key.fixed);
      const judged = judgeHop(hop, flow.protocol, flow.family, remoteOf(hop.remote, src, dst), keys);
      for (const part of judged.parts) if (part.rule) deciding.add(part.rule);
      if ('dim' in hop.key) return admitted.restrict(hop.key.dim, judged.allowed);
      return judged.allowed.isEmpty() ? BoxSet.empty() : admitted;
    }
  }
}

export type { FlowPath };

export function evaluateFlow(flow: Flow, model: Model): FlowResult {
  const paths = flowPaths(flow, model);
  const decidingRules = new Set<Rule>();
  const gathered: Gathered = { deciding: decidingRules, assumed: new Set() };
  const atoms: Atom[] = [];
  paths.forEach((path, index) => {
    const dstPieces = cutRegion(flow, path, 'dst');
    for (const src of cutRegion(flow, path, 'src')) {
      for (const dst of dstPieces) {
        let admitted = BoxSet.of(path.box);
        for (const hop of path.hops) {
          if (admitted.isEmpty()) break;
          admitted = hopAdmits(flow, hop, admitted, src.min()!, dst.min()!, gathered);
        }
        atoms.push({ path: index, src, dst, admitted });
      }
    }
  });
  const pathSizes = paths.map((path) => BoxSet.of(path.box).size());
  const verdict: Verdict = atoms.every((atom) => atom.admitted.size() === pathSizes[atom.path]) ? 'allow'
    : atoms.every((atom) => atom.admitted.isEmpty()) ? 'deny' : 'partial';
  const ok = verdict === flow.expect;
  const wantDropped = flow.expect === 'allow' ? !ok : verdict === 'deny';
  const chosen = chooseExample(flow, model, paths, atoms, wantDropped);
  const route = examplePath(flow, model, paths[chosen.path], chosen.connection);
  const result: FlowResult = {
    flow, verdict, ok, paths, hops: route.hops, exampleEnds: [route.src, route.dst], atoms, example: chosen.connection, examplePath: chosen.path,
    trace: traceConnection(flow, route.hops, chosen.connection), decidingRules, assumed: [...gathered.assumed], aclSubnets: aclSubnetsOf(paths),
  };
  if (!ok) result.witness = chosen.connection;
  if (verdict === 'partial') result.split = describeSplit(flow, paths, atoms, (set) => withServiceGapsFilled(model, set, flow.family), (atom) => firewallDropOf(flow, model, paths[atom.path], atom));
  pathsOnDemand(result, flow, model);
  return result;
}

function aclSubnetsOf(paths: FlowPath[]): string[] {
  const names = new Set<string>();
  for (const path of paths) for (const hop of path.hops) if (hop.kind === 'nacl') names.add(hop.subnet.name);
  return [...names].sort();
}

/**
 * A flow whose end holds thousands of instances has thousands of paths: they are not kept, but made
 * again (alike, in the same order) the first time a request reads them. A function of its own, so
 * that the getter's closure does not hold the evaluation's variables (the paths among them).
 */
function pathsOnDemand(result: FlowResult, flow: Flow, model: Model): void {
  let made: FlowPath[] | undefined;
  Object.defineProperty(result, 'paths', { get: () => (made ??= flowPaths(flow, model)), enumerable: true, configurable: true });
}

/** " by stateless rule 10 of group g at firewall fw-a": what drops the atom's connections, when a firewall stage does. */
function firewallDropOf(flow: Flow, model: Model, path: FlowPath, atom: Atom): string | undefined {
  const dropped = atom.admitted.complementIn(path.box).first();
  if (!dropped) return undefined;
  const conn = connection(flow, atom.src.min()!, atom.dst.min()!, dropped);
  const steps = traceConnection(flow, examplePath(flow, model, path, conn).hops, conn);
  const last = steps[steps.length - 1];
  if (last?.action !== 'deny' || last.hop.kind !== 'firewall') return undefined;
  return ` by ${firewallRuleName({ ...last, hop: last.hop })} at firewall ${last.hop.firewall.name}`;
}

/**
 * A connection on the wanted side (dropped or admitted) that a real host could make: among the
 * atoms holding one, the one whose addresses are the most plausible, then the first; in it the
 * smallest destination key, then source port.
 */
function chooseExample(flow: Flow, model: Model, paths: FlowPath[], atoms: Atom[], wantDropped: boolean): { path: number; connection: Connection } {
  let best: { rank: number; path: number; connection: Connection } | undefined;
  for (const atom of atoms) {
    const wanted = wantDropped ? atom.admitted.complementIn(paths[atom.path].box) : atom.admitted;
    const point = wanted.first();
    if (!point) continue;
    const src = preferredAddress(model, atom.src, flow.family);
    const dst = preferredAddress(model, atom.dst, flow.family);
    const rank = src.rank + dst.rank;
    if (best && best.rank <= rank) continue;
    best = { rank, path: atom.path, connection: connection(flow, src.address, dst.address, point) };
    if (rank === 0) break;
  }
  return best ?? { path: 0, connection: connection(flow, atoms[0].src.min()!, atoms[0].dst.min()!, paths[0].box.map((set) => set.min()!)) };
}

function connection(flow: Flow, srcIp: bigint, dstIp: bigint, point: readonly number[]): Connection {
  return { protocol: flow.protocol, family: flow.family, srcIp, dstIp, key: point[KEY_DIM], srcPort: point[SOURCE_PORT_DIM], natPorts: point.slice(2) };
}

/** The hops one concrete connection crosses, up to the first that drops it. */
export function traceConnection(flow: Flow, hops: Hop[], conn: Connection): HopStep[] {
  const steps: HopStep[] = [];
  const values = [conn.key, conn.srcPort, ...conn.natPorts];
  for (const hop of hops) {
    const step = traceStep(flow, hop, conn, values);
    steps.push(step);
    if (step.action === 'deny') break;
  }
  return steps;
}

function traceStep(flow: Flow, hop: Hop, conn: Connection, values: number[]): HopStep {
  switch (hop.kind) {
    case 'aws-service': case 'nat':
      return { hop, action: 'allow' };
    case 'route':
      return { hop, action: hop.action, rule: hop.route };
    case 'gateway': case 'drop':
      return { hop, action: hop.action };
    case 'firewall': {
      const policy = hop.firewall.policy;
      if (!policy) return { hop, action: 'allow' };
      const seen = endpointConnection(hop, flow.protocol, flow.family, conn.srcIp, conn.dstIp, values);
      const outcome = judgeSequence(policy, seen, connectionPackets(flow.protocol, flow.reply.kind === 'none'));
      const mine = outcome.packets.filter((line) => line.packet.fromInitiator === (hop.phase === 'request'));
      const deciding = hop.stage === 'stateless'
        ? (mine.find((line) => line.dropped) ?? mine[0])?.stateless.rule
        : (mine.find((line) => line.dropped) ?? mine.find((line) => line.stateful?.how === 'rule'))?.stateful?.rule;
      return { hop, action: dropsAt(hop, outcome) ? 'deny' : 'allow', rule: deciding, firewall: outcome };
    }
    case 'sg': case 'nacl': {
      const key = 'dim' in hop.key ? values[hop.key.dim] : hop.key.fixed;
      const part = judgeHop(hop, flow.protocol, flow.family, remoteOf(hop.remote, conn.srcIp, conn.dstIp), IntervalSet.point(key)).parts[0];
      return { hop, action: part.action, rule: part.rule };
    }
  }
}

function isIcmp(flow: Flow): boolean {
  return flow.protocol === 1 || flow.protocol === 58;
}

/** Which ports of a path's box an admitted set keeps, in words. */
/** What each dimension of a path's port tuples is, in words. */
function dimensionNames(flow: Flow, path: FlowPath): string[] {
  const names = [isIcmp(flow) ? 'ICMP' : 'destination ports', 'source ports'];
  for (const hop of path.hops) if (hop.kind === 'nat') names[hop.dim] = `ports of NAT gateway ${hop.nat.name}`;
  return names;
}

/** Which ports of a path's box an admitted set keeps, in words. */
function describePortsSplit(flow: Flow, path: FlowPath, admitted: BoxSet): string[] {
  const box = path.box;
  const kept = box.map((_, dim) => admitted.project(dim));
  if (admitted.size() !== kept.reduce((product, set) => product * set.size(), 1n)) return ['admitted for some combinations of ports only'];
  const names = dimensionNames(flow, path);
  const clauses: string[] = [];
  kept.forEach((set, dim) => {
    if (set.equals(box[dim])) return;
    const format = (ports: PortSet) => (dim === KEY_DIM ? formatKeys(flow.protocol, ports) : formatPorts(ports));
    clauses.push(`admitted for ${names[dim]} ${format(set)}, dropped for ${format(box[dim].subtract(set))}`);
  });
  return clauses;
}

interface SplitGroup {
  /** The addresses of the group's atoms, merged once all are known. */
  srcParts: (readonly [bigint, bigint])[];
  dstParts: (readonly [bigint, bigint])[];
  src: BigSet;
  dst: BigSet;
  path: FlowPath;
  admitted: BoxSet;
  /** What the group's connections have in common: all admitted, none, or the same ports. */
  signature: string;
  first: Atom;
}

function signature(paths: FlowPath[], atom: Atom): string {
  const box = paths[atom.path].box;
  if (atom.admitted.isEmpty()) return 'none';
  if (atom.admitted.size() === BoxSet.of(box).size()) return 'all';
  return `ports:${atom.admitted.boxes.map((b) => b.map((set) => set.intervals.join(';')).join('x')).join('|')}`;
}

/** "admitted for source ports 32768-65535, dropped for 1024-32767", and the like. */
export function describeSplit(
  flow: Flow, paths: FlowPath[], atoms: Atom[], readable: (set: BigSet) => BigSet = (set) => set, droppedBy: (atom: Atom) => string | undefined = () => undefined,
): string {
  // Merge atoms that decide alike, so the text speaks of address ranges, not rule boundaries.
  const bySignature = new Map<string, SplitGroup>();
  for (const atom of atoms) {
    const sig = signature(paths, atom);
    let group = bySignature.get(sig);
    if (!group) {
      group = { srcParts: [], dstParts: [], src: atom.src, dst: atom.dst, path: paths[atom.path], admitted: atom.admitted, signature: sig, first: atom };
      bySignature.set(sig, group);
    }
    group.srcParts.push(...atom.src.intervals);
    group.dstParts.push(...atom.dst.intervals);
  }
  const groups = [...bySignature.values()];
  for (const group of groups) {
    group.src = IntervalSet.from(group.srcParts);
    group.dst = IntervalSet.from(group.dstParts);
  }
  if (groups.length === 1) return describePortsSplit(flow, groups[0].path, groups[0].admitted).join('; ');
  // Speak of the end whose addresses tell the groups apart.
  const side: 'src' | 'dst' = groups.every((group) => group.src.equals(groups[0].src)) ? 'dst' : 'src';
  const sideName = side === 'src' ? 'source addresses' : 'destination addresses';
  const admitting = groups.filter((group) => group.signature !== 'none');
  const dropping = groups.filter((group) => group.signature === 'none');
  const addresses = (set: BigSet, max?: number) => formatAddrSet(readable(set), flow.family, max);
  const clauses: string[] = [];
  if (admitting.length === 1 && dropping.length === 1) {
    const only = admitting[0];
    clauses.push(`admitted for ${sideName} ${addresses(only[side])}, dropped for ${addresses(dropping[0][side])}${droppedBy(dropping[0].first) ?? ''}`);
    clauses.push(...describePortsSplit(flow, only.path, only.admitted).map((clause) => `from those, ${clause}`));
    return clauses.join('; ');
  }
  for (const group of admitting.slice(0, 3)) {
    const ports = group.signature === 'all' ? [] : describePortsSplit(flow, group.path, group.admitted);
    clauses.push(`${sideName} ${addresses(group[side], 2)}: ${ports.length ? ports.join(', ') : 'admitted'}`);
  }
  if (admitting.length > 3) clauses.push(`and ${admitting.length - 3} more address ranges`);
  if (dropping.length > 0) {
    const by = dropping.length === 1 ? droppedBy(dropping[0].first) ?? '' : '';
    clauses.push(`dropped for ${sideName} ${addresses(dropping.reduce((set, group) => set.union(group[side]), IntervalSet.empty<bigint>()), 2)}${by}`);
  }
  return clauses.join('; ');
}

export function formatConnection(conn: Connection): string {
  const src = formatAddress(conn.srcIp, conn.family);
  const dst = formatAddress(conn.dstIp, conn.family);
  if (conn.protocol === 1 || conn.protocol === 58) {
    return `${conn.protocol === 1 ? 'icmp' : 'icmpv6'} ${src} -> ${dst} type ${conn.key >> 8} code ${conn.key & 255}`;
  }
  const proto = conn.protocol === 6 ? 'tcp' : 'udp';
  const hostPort = (ip: string, port: number) => (conn.family === 6 ? `[${ip}]:${port}` : `${ip}:${port}`);
  return `${proto} ${hostPort(src, conn.srcPort)} -> ${hostPort(dst, conn.key)}`;
}
