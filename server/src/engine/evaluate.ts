// Exact evaluation of a flow. A flow covers every connection (src address, src port, dst address,
// dst port). At least one end is an instance (a single address), so at most one address varies:
// we cut that end's address set into "atoms" at every rule boundary, so that within an atom every
// hop decides alike. Within an atom the request hops depend only on the destination key and the
// reply hops only on the source port, so the admitted connections of an atom are exactly
// (admitted keys) x (admitted source ports). The verdict follows from the atoms, never a sample.
import type { Family } from '../syntax/ast';
import { formatAddress } from '../syntax/cidr';
import { formatAddrSet } from './addresses';
import { Hop, hopCuts, judgeHop } from './hops';
import { BigSet, IntervalSet, PortSet } from './intervals';
import { formatKeys, formatPorts } from './keys';
import type { Flow, FlowEnd, NaclRuleModel, SgRuleModel } from './model';

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
}

export interface HopStep {
  hop: Hop;
  action: 'allow' | 'deny';
  /** The deciding rule; undefined when none matches (SG) or the implicit `*` decides (NACL). */
  rule?: SgRuleModel | NaclRuleModel;
}

/** One piece of the flow's address range within which every hop decides alike. */
export interface Atom {
  addrs: BigSet;
  /** Destination keys admitted by every request hop. */
  keys: PortSet;
  /** Source ports whose replies come back (all of them when the reply is not checked). */
  srcPorts: PortSet;
}

export interface FlowResult {
  flow: Flow;
  verdict: Verdict;
  ok: boolean;
  hops: Hop[];
  atoms: Atom[];
  /** A connection on the failing side, when the verdict is not the expected one. */
  witness?: Connection;
  /** The connection the trace follows: the witness, or a connection that shows the verdict. */
  example: Connection;
  trace: HopStep[];
  /** For partial verdicts: which connections pass and which do not. */
  split?: string;
  /** Every rule that decides some connection of this flow, at some hop. */
  decidingRules: Set<SgRuleModel | NaclRuleModel>;
}

export function flowHops(flow: Flow): Hop[] {
  const src = flow.src.kind === 'instance' ? flow.src.instance : undefined;
  const dst = flow.dst.kind === 'instance' ? flow.dst.instance : undefined;
  const crossesNacls = !(src && dst && src.subnet === dst.subnet);
  const hops: Hop[] = [];
  const nacl = (step: number, instance: NonNullable<typeof src>, direction: 'inbound' | 'outbound', phase: 'request' | 'reply', remote: 'src' | 'dst'): Hop => ({
    step, kind: 'nacl', direction, phase, subnet: instance.subnet, acl: instance.subnet!.acl, remote,
    label: `network ACL ${instance.subnet!.acl.name} of subnet ${instance.subnet!.name}`,
  });
  if (src) hops.push({ step: 1, kind: 'sg', direction: 'outbound', phase: 'request', instance: src, remote: 'dst', label: `security groups of ${src.name}` });
  if (src && crossesNacls) hops.push(nacl(2, src, 'outbound', 'request', 'dst'));
  if (dst && crossesNacls) hops.push(nacl(3, dst, 'inbound', 'request', 'src'));
  if (dst) hops.push({ step: 4, kind: 'sg', direction: 'inbound', phase: 'request', instance: dst, remote: 'src', label: `security groups of ${dst.name}` });
  if (flow.reply.kind !== 'none' && crossesNacls) {
    if (dst) hops.push(nacl(5, dst, 'outbound', 'reply', 'src'));
    if (src) hops.push(nacl(6, src, 'inbound', 'reply', 'dst'));
  }
  return hops;
}

function endAddrs(end: FlowEnd): BigSet {
  return end.kind === 'instance' ? IntervalSet.point(end.address) : end.addrs;
}

function replyProtocol(flow: Flow): number {
  return flow.protocol;
}

/** Cuts the varying end's addresses wherever some hop's decision on the flow's keys may change. */
function addressAtoms(flow: Flow, hops: Hop[], variable: 'src' | 'dst' | undefined): BigSet[] {
  if (!variable) return [endAddrs(flow.src)];
  const set = endAddrs(flow[variable]);
  const cutting = hops.filter((hop) => hop.remote === variable);
  const atoms: BigSet[] = [];
  for (const [lo, hi] of set.intervals) {
    const cuts = new Set<bigint>();
    for (const hop of cutting) for (const cut of hopCuts(hop, flow.protocol, flow.family, hopKeys(flow, hop), lo, hi)) cuts.add(cut);
    let start = lo;
    for (const cut of [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
      atoms.push(IntervalSet.of(start, cut - 1n));
      start = cut;
    }
    atoms.push(IntervalSet.of(start, hi));
  }
  return atoms;
}

/** The keys a hop judges for this flow: destination keys on the request, the reply's keys after. */
function hopKeys(flow: Flow, hop: Hop): PortSet {
  if (hop.phase === 'request') return flow.keys;
  return flow.reply.kind === 'icmp' ? IntervalSet.point(flow.reply.key) : flow.srcPorts;
}

function remoteAddress(flow: Flow, hop: Hop, representative: bigint, variable: 'src' | 'dst' | undefined): bigint {
  if (hop.remote === variable) return representative;
  const end = flow[hop.remote];
  return end.kind === 'instance' ? end.address : end.addrs.min()!;
}

export function evaluateFlow(flow: Flow): FlowResult {
  const hops = flowHops(flow);
  const variable = flow.src.kind === 'external' ? 'src' : flow.dst.kind === 'external' ? 'dst' : undefined;
  const requestHops = hops.filter((hop) => hop.phase === 'request');
  const replyHops = hops.filter((hop) => hop.phase === 'reply');
  const decidingRules = new Set<SgRuleModel | NaclRuleModel>();
  const atoms: Atom[] = [];
  for (const addrs of addressAtoms(flow, hops, variable)) {
    const representative = addrs.min()!;
    let keys = flow.keys;
    for (const hop of requestHops) {
      if (keys.isEmpty()) break;
      const judged = judgeHop(hop, flow.protocol, flow.family, remoteAddress(flow, hop, representative, variable), keys);
      for (const part of judged.parts) if (part.rule) decidingRules.add(part.rule);
      keys = judged.allowed;
    }
    let srcPorts = flow.srcPorts;
    if (replyHops.length > 0 && !keys.isEmpty()) {
      let replyKeys = hopKeys(flow, replyHops[0]);
      for (const hop of replyHops) {
        if (replyKeys.isEmpty()) break;
        const judged = judgeHop(hop, replyProtocol(flow), flow.family, remoteAddress(flow, hop, representative, variable), replyKeys);
        for (const part of judged.parts) if (part.rule) decidingRules.add(part.rule);
        replyKeys = judged.allowed;
      }
      srcPorts = flow.reply.kind === 'icmp' ? (replyKeys.isEmpty() ? IntervalSet.empty() : flow.srcPorts) : replyKeys;
    }
    atoms.push({ addrs, keys, srcPorts });
  }
  const admitsAll = (atom: Atom) => atom.keys.equals(flow.keys) && atom.srcPorts.equals(flow.srcPorts);
  const admitsNone = (atom: Atom) => atom.keys.isEmpty() || atom.srcPorts.isEmpty();
  const verdict: Verdict = atoms.every(admitsAll) ? 'allow' : atoms.every(admitsNone) ? 'deny' : 'partial';
  const ok = verdict === flow.expect;
  const wantDropped = flow.expect === 'allow' ? !ok : verdict === 'deny';
  const example = wantDropped ? smallestDropped(flow, variable, atoms) : smallestAdmitted(flow, variable, atoms);
  const result: FlowResult = {
    flow, verdict, ok, hops, atoms, example: example!, trace: traceConnection(flow, hops, example!), decidingRules,
  };
  if (!ok) result.witness = example;
  if (verdict === 'partial') result.split = describeSplit(flow, variable, atoms);
  return result;
}

function connection(flow: Flow, variable: 'src' | 'dst' | undefined, address: bigint, key: number, srcPort: number): Connection {
  const fixed = (end: FlowEnd) => (end.kind === 'instance' ? end.address : end.addrs.min()!);
  return {
    protocol: flow.protocol, family: flow.family, key, srcPort,
    srcIp: variable === 'src' ? address : fixed(flow.src),
    dstIp: variable === 'dst' ? address : fixed(flow.dst),
  };
}

/** The lowest dropped connection: lowest address, then destination key, then source port. */
function smallestDropped(flow: Flow, variable: 'src' | 'dst' | undefined, atoms: Atom[]): Connection | undefined {
  const k0 = flow.keys.min()!;
  const s0 = flow.srcPorts.min()!;
  for (const atom of atoms) {
    const address = atom.addrs.min()!;
    if (!atom.keys.has(k0)) return connection(flow, variable, address, k0, s0);
    const droppedPorts = atom.srcPorts.isEmpty() ? flow.srcPorts : flow.srcPorts.subtract(atom.srcPorts);
    if (!droppedPorts.isEmpty()) return connection(flow, variable, address, k0, droppedPorts.min()!);
    const droppedKeys = flow.keys.subtract(atom.keys);
    if (!droppedKeys.isEmpty()) return connection(flow, variable, address, droppedKeys.min()!, s0);
  }
  return undefined;
}

function smallestAdmitted(flow: Flow, variable: 'src' | 'dst' | undefined, atoms: Atom[]): Connection | undefined {
  for (const atom of atoms) {
    if (atom.keys.isEmpty() || atom.srcPorts.isEmpty()) continue;
    return connection(flow, variable, atom.addrs.min()!, atom.keys.min()!, atom.srcPorts.min()!);
  }
  return undefined;
}

/** The hops one concrete connection crosses, up to the first that drops it. */
export function traceConnection(flow: Flow, hops: Hop[], conn: Connection): HopStep[] {
  const steps: HopStep[] = [];
  for (const hop of hops) {
    const remote = hop.remote === 'src' ? conn.srcIp : conn.dstIp;
    const key = hop.phase === 'request' ? conn.key : flow.reply.kind === 'icmp' ? flow.reply.key : conn.srcPort;
    const protocol = hop.phase === 'request' ? flow.protocol : replyProtocol(flow);
    const part = judgeHop(hop, protocol, flow.family, remote, IntervalSet.point(key)).parts[0];
    steps.push({ hop, action: part.action, rule: part.rule });
    if (part.action === 'deny') break;
  }
  return steps;
}

function describePortsSplit(flow: Flow, atom: Atom): string[] {
  const clauses: string[] = [];
  const isIcmp = flow.protocol === 1 || flow.protocol === 58;
  if (!atom.keys.equals(flow.keys)) {
    const what = isIcmp ? 'ICMP' : 'destination ports';
    clauses.push(`admitted for ${what} ${formatKeys(flow.protocol, atom.keys)}, dropped for ${formatKeys(flow.protocol, flow.keys.subtract(atom.keys))}`);
  }
  if (!atom.srcPorts.equals(flow.srcPorts)) {
    clauses.push(isIcmp
      ? 'echo replies dropped'
      : `admitted for source ports ${formatPorts(atom.srcPorts)}, dropped for ${formatPorts(flow.srcPorts.subtract(atom.srcPorts))}`);
  }
  return clauses;
}

/** "admitted for source ports 32768-65535, dropped for 1024-32767", and the like. */
export function describeSplit(flow: Flow, variable: 'src' | 'dst' | undefined, atoms: Atom[]): string {
  // Merge atoms that decide alike, so the text speaks of address ranges, not rule boundaries.
  const groups: Atom[] = [];
  for (const atom of atoms) {
    const empty = atom.keys.isEmpty() || atom.srcPorts.isEmpty();
    const same = groups.find((g) => (empty ? g.keys.isEmpty() || g.srcPorts.isEmpty() : g.keys.equals(atom.keys) && g.srcPorts.equals(atom.srcPorts)));
    if (same) same.addrs = same.addrs.union(atom.addrs);
    else groups.push({ ...atom });
  }
  const admitting = groups.filter((g) => !g.keys.isEmpty() && !g.srcPorts.isEmpty());
  const dropping = groups.filter((g) => g.keys.isEmpty() || g.srcPorts.isEmpty());
  const side = variable === 'src' ? 'source addresses' : 'destination addresses';
  if (groups.length === 1 || !variable) return describePortsSplit(flow, groups[0]).join('; ');
  const clauses: string[] = [];
  if (admitting.length === 1 && dropping.length === 1) {
    const only = admitting[0];
    clauses.push(`admitted for ${side} ${formatAddrSet(only.addrs, flow.family)}, dropped for ${formatAddrSet(dropping[0].addrs, flow.family)}`);
    clauses.push(...describePortsSplit(flow, only).map((clause) => `from those, ${clause}`));
    return clauses.join('; ');
  }
  for (const group of admitting.slice(0, 3)) {
    const ports = describePortsSplit(flow, group);
    clauses.push(`${side} ${formatAddrSet(group.addrs, flow.family, 2)}: ${ports.length ? ports.join(', ') : 'admitted'}`);
  }
  if (admitting.length > 3) clauses.push(`and ${admitting.length - 3} more address ranges`);
  if (dropping.length > 0) clauses.push(`dropped for ${side} ${formatAddrSet(dropping.reduce((set, g) => set.union(g.addrs), IntervalSet.empty<bigint>()), flow.family, 2)}`);
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
