// A deliberately simple, independent evaluator of .vpcrules flows, used as an oracle by the
// property tests. It uses the project's parser (server/src/syntax) for the syntax tree and NOTHING
// from server/src/engine: it resolves names itself and decides every CONCRETE connection
// (src ip, src port, dst ip, dst port or ICMP type/code) by walking the hops exactly as the spec
// (../shared/spec/vpcrules.md) lists them, with plain loops and bigint comparisons.
//
// Semantics followed (the spec, and the recorded decisions where it is silent):
// What a flow covers
// - the family is IPv6 when the flow says `ipv6`, its protocol is icmpv6, or an end is an IPv6
//   address or CIDR; IPv4 otherwise;
// - an instance end is every address of the instance of that family (`ip A,B`, `ip6 A,B`);
// - an end that is a single address (bare, /32, /128) is that address, whatever it is;
// - a wider CIDR end, and `internet` (every address of the family outside the VPC's blocks of that
//   family), lose the Amazon-provided addresses (169.254.169.253, .254, .123, 169.254.170.2,
//   169.254.169.250, .251, the VPC's first IPv4 block base + 2, fd00:ec2::253, ::254, ::123) and
//   every declared subnet's IPv4 base + 1 (its router);
// - a connection between two addresses of the same instance belongs to no flow;
// - source ports: `from-ports`, else by the source address's class: an instance's `ephemeral`,
//   else `os windows` 49152-65535, else 32768-60999; a host of a subnet or an external address
//   1024-65535; ICMP has none;
// - ICMP: the stated type/code; echo types (icmp 8 and 0, icmpv6 128 and 129) without a code mean
//   code 0, other types without a code every code, `icmp all` every type and code.
// Who judges a connection
// - each address is classified: the address of a declared instance is that instance (its groups,
//   its subnet's NACL); else an address in a declared subnet's block of the family is a host of
//   that subnet (its NACL, no SG); else it is external (no hop on its side);
// - from an instance to an Amazon-provided address, or to its own subnet's IPv4 base + 1: admitted
//   with no hop (such a destination can only be there because the flow named it);
// - request: source instance's SGs outbound, source subnet's NACL outbound, destination subnet's
//   NACL inbound, destination instance's SGs inbound; reply (unless `oneway`; tcp/udp to the
//   client's source port, icmp 8 -> icmp 0 code 0, icmpv6 128 -> icmpv6 129 code 0, no reply for
//   other ICMP): destination subnet's NACL outbound, then source subnet's NACL inbound;
// - a NACL is crossed only between two different subnets or between a subnet and outside: two
//   addresses of the same subnet (instances or hosts) cross none, request or reply; SGs are stateful
//   and never judge the reply.
// Rules
// - a subnet without `acl` has the default NACL, which allows everything;
// - NACL: the direction's rules in ascending number, the first match decides, else `*` deny;
// - SG: allow-only, any rule of any of the instance's groups admits; no implicit rule;
// - an instance without groups is in group `default`: the file's `security-group default`, else
//   AWS's (inbound all from sg default, outbound all to 0.0.0.0/0 and to ::/0); its members are
//   the instances without groups and those that list `default`;
// - rules match the packet's DESTINATION port (ICMP: type/code); protocol `all` or a number other
//   than 6/17/1/58 matches every port and type; an ICMP rule without a type matches every type,
//   with a type but no code every code of it (the echo code-0 reading is for flows only);
// - a rule's CIDR matches only packets of its family; `sg NAME` is every address of the group's
//   members, `pl NAME` its CIDRs;
// Routing (../shared/spec/paths.md; naive-routing.ts), once the file declares a `route-table`
// (else nothing above changes, and firewalls are not modelled either):
// - every table holds an implicit local route per VPC block, unless a route with that exact DEST
//   replaces it; a subnet uses its `routes` table, else the `main` one, else local routes only;
//   the internet gateway its `edge` table, else local routes; the egress-only gateway local
//   routes; the longest DEST of the packet's family holding its destination wins; no route,
//   `blackhole` or `unmodelled`: dropped;
// - two addresses of one subnet: no route, no NACL; a source in the VPC in no declared subnet has
//   no table: straight to the destination's subnet by local routing;
// - `local`: to the subnet holding the destination (in no subnet: arrived); `igw`: out, for IPv4
//   only from an instance's first `ip` that has a `public-ip` or from a NAT gateway's `ip`, the
//   source rewritten to the public address; `eigw`: IPv6 out, IPv4 dropped; `nat`: the gateway
//   rewrites the source to its `ip` and a port it chooses in 1024-65535 (none for ICMP, which has
//   no port), then routes with its own subnet's table; IPv6 to `nat` (NAT64): dropped;
// - from outside, a request needs the internet gateway; an IPv4 one reaches only an instance's
//   first `ip` that has a `public-ip` (the address the flow names); then the edge table routes it;
// - a move between two subnets crosses the NACL of the one left (outbound) and of the one entered
//   (inbound); between a subnet and a gateway, only the subnet's; the source instance's SGs judge
//   the request as it leaves, the destination instance's SGs as it arrives (with the source it
//   has then);
// - the reply leaves the responder addressed to the address and port the responder saw and is
//   routed the same way, back in through the gateway its request left by (the internet gateway
//   undoing its rewrite); it must meet, in reverse order, exactly the request's NAT gateways, each
//   giving back the address and port it replaced, else it is dropped (asymmetric routing); SGs
//   pass it, NACLs judge it;
// - a packet that visits more than 16 nodes (route lookups) is dropped (routing loop);
// - `firewall NAME`: the packet goes to the endpoint in its subnet (NACLs as for a NAT gateway),
//   is judged there (naive-firewall.ts) and, when it passes, is routed on by that subnet's table;
//   the reply must cross the request's NAT gateways and firewall endpoints in reverse order (else
//   asymmetric routing); a connection is admitted when every packet of its sequence (TCP SYN,
//   SYN-ACK, data, data back; UDP datagram, reply, datagram; ICMP echo request, reply; one-way:
//   the first) gets through, each endpoint's stateful stage following the packets it sees with
//   the addresses and ports it sees them with;
// - a connection through NAT gateways counts once for every port each of them may choose. Only a
//   NACL (as the destination port of the reply on its way back to the gateway) and a firewall rule
//   (the request's source port or the reply's destination port, after the gateway) read that
//   port, and a rule reads a port only by whether it lies in its ranges: ports between two
//   consecutive ends of NACL and firewall port ranges are decided alike, so one port of each such
//   stretch, weighted by the stretch's length, counts every port exactly (natPortChoices).
// Verdict: allow when every covered connection (with every NAT port) is admitted, deny when none
// is, partial otherwise.
import type { Cidr, Family, IcmpSpec, PortRange } from '../../server/src/syntax/ast';
import { isIcmpProtocol, isPortProtocol, naclAdmits, Packet, sgAdmits } from './naive-filters';
import {
  addressesOf, amazonPoints, CLIENT_PORTS, classify, Conn, HopResult, LINUX_EPHEMERAL, MAX_ADDR, NaiveFlow, NaiveModel, NaiveVerdict,
  NEnd, NInstance, sameInstance, subnetBlock, subnetOf, unfilteredBecause, WINDOWS_EPHEMERAL,
} from './naive-model';
import { firewallCidrs, firewallPortRanges } from './naive-firewall';
import { NAT_PORTS, routedTrace } from './naive-routing';

export { naiveKnobs } from './naive-filters';
export { buildNaiveModel, classify } from './naive-model';
export type { AddressClass, Conn, HopResult, NaiveFlow, NaiveModel, NaiveVerdict, NEnd } from './naive-model';
// ---------------------------------------------------------------------------------------------
// What a flow covers.

type Interval = [bigint, bigint];

function compareBigint(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The intervals minus the given single addresses. */
function withoutPoints(intervals: Interval[], points: bigint[]): Interval[] {
  const out: Interval[] = [];
  for (const [lo, hi] of intervals) {
    let start = lo;
    for (const p of [...new Set(points)].sort(compareBigint)) {
      if (p < start || p > hi) continue;
      if (p > start) out.push([start, p - 1n]);
      start = p + 1n;
    }
    if (start <= hi) out.push([start, hi]);
  }
  return out;
}

/** Every address of the family outside the VPC's blocks of that family. */
function outsideVpc(model: NaiveModel, family: Family): Interval[] {
  const blocks = model.vpcBlocks.filter((c) => c.family === family).map((c): Interval => [c.first, c.last]);
  blocks.sort((a, b) => compareBigint(a[0], b[0]));
  const out: Interval[] = [];
  let next = 0n;
  for (const [lo, hi] of blocks) {
    if (lo > next) out.push([next, lo - 1n]);
    if (hi + 1n > next) next = hi + 1n;
  }
  if (next <= MAX_ADDR[family]) out.push([next, MAX_ADDR[family]]);
  return out;
}

/** The end's addresses as inclusive [first, last] intervals, ascending. */
export function endIntervals(model: NaiveModel, flow: NaiveFlow, end: NEnd): Interval[] {
  switch (end.kind) {
    case 'instance': {
      const addresses = [...addressesOf(model.instances.get(end.name)!, flow.family)].sort(compareBigint);
      if (addresses.length === 0) throw new Error(`instance ${end.name} has no IPv${flow.family} address`);
      return addresses.map((a): Interval => [a, a]);
    }
    case 'cidr':
      if (end.cidr.first === end.cidr.last) return [[end.cidr.first, end.cidr.first]];
      return withoutPoints([[end.cidr.first, end.cidr.last]], amazonPoints(model, flow.family));
    case 'internet':
      return withoutPoints(outsideVpc(model, flow.family), amazonPoints(model, flow.family));
  }
}

/** Whether an echo type: a flow naming it without a code means code 0. */
function isEcho(protocol: number, type: number): boolean {
  return protocol === 1 ? type === 8 || type === 0 : type === 128 || type === 129;
}

/** The flow's destination keys as one inclusive range. */
export function flowKeyRange(flow: NaiveFlow): [number, number] {
  if (isPortProtocol(flow.protocol)) return [flow.ports!.from, flow.ports!.to];
  const spec = flow.icmp;
  if (!spec || spec.type === undefined) return [0, 65535];
  const code = spec.code ?? (isEcho(flow.protocol, spec.type) ? 0 : undefined);
  if (code === undefined) return [spec.type * 256, spec.type * 256 + 255];
  return [spec.type * 256 + code, spec.type * 256 + code];
}

function ephemeralRange(instance: NInstance): [number, number] {
  if (instance.ephemeral) return [instance.ephemeral.from, instance.ephemeral.to];
  return instance.os === 'windows' ? WINDOWS_EPHEMERAL : LINUX_EPHEMERAL;
}

/** The source ports of connections from this source address; ICMP has none (the single value 0). */
export function sourcePortRange(model: NaiveModel, flow: NaiveFlow, srcIp: bigint): [number, number] {
  if (isIcmpProtocol(flow.protocol)) return [0, 0];
  if (flow.fromPorts) return [flow.fromPorts.from, flow.fromPorts.to];
  const source = classify(model, flow.family, srcIp);
  return source.kind === 'instance' ? ephemeralRange(source.instance) : CLIENT_PORTS;
}

function inIntervals(intervals: Interval[], value: bigint): boolean {
  for (const [lo, hi] of intervals) if (lo <= value && value <= hi) return true;
  return false;
}

/** Whether the flow covers this concrete connection. */
export function flowCovers(model: NaiveModel, flow: NaiveFlow, conn: Conn): boolean {
  if (conn.protocol !== flow.protocol || conn.family !== flow.family) return false;
  if (!inIntervals(endIntervals(model, flow, flow.src), conn.srcIp)) return false;
  if (!inIntervals(endIntervals(model, flow, flow.dst), conn.dstIp)) return false;
  if (sameInstance(classify(model, flow.family, conn.srcIp), classify(model, flow.family, conn.dstIp))) return false;
  const [k0, k1] = flowKeyRange(flow);
  if (conn.key < k0 || conn.key > k1) return false;
  if (isIcmpProtocol(flow.protocol)) return true; // ICMP has no source port
  const [s0, s1] = sourcePortRange(model, flow, conn.srcIp);
  return s0 <= conn.srcPort && conn.srcPort <= s1;
}

// ---------------------------------------------------------------------------------------------
// The hops one connection crosses.

/** The reply's key: the client's port (as the responder saw it) for TCP/UDP, a fixed ICMP key, or none. */
function replyKey(flow: NaiveFlow, clientPort: number): number | undefined {
  if (flow.oneway) return undefined;
  if (isPortProtocol(flow.protocol)) return clientPort;
  if (flow.protocol === 1 && flow.icmp?.type === 8) return 0 * 256 + 0;
  if (flow.protocol === 58 && flow.icmp?.type === 128) return 129 * 256 + 0;
  return undefined;
}

/** Walks the hops of the spec for one connection; stops at the first that drops it. */
export function traceConnection(model: NaiveModel, flow: NaiveFlow, conn: Conn): HopResult[] {
  return hopsOf(model, flow, conn, true);
}

/** The hops of one connection; without `describe`, routed hops carry no words (for enumeration). */
function hopsOf(model: NaiveModel, flow: NaiveFlow, conn: Conn, describe: boolean): HopResult[] {
  const src = classify(model, flow.family, conn.srcIp);
  const dst = classify(model, flow.family, conn.dstIp);
  const unfiltered = unfilteredBecause(model, src, flow.family, conn.dstIp);
  if (unfiltered) return [{ hop: `not filtered by AWS: ${unfiltered}`, allow: true }];
  if (model.routing) return routedTrace(model, flow, conn, (port) => replyKey(flow, port), describe).steps;
  // A NACL judges only packets that cross its subnet's boundary.
  const crossesBoundary = subnetOf(src) !== subnetOf(dst);
  const srcNacl = crossesBoundary ? subnetOf(src) : undefined;
  const dstNacl = crossesBoundary ? subnetOf(dst) : undefined;
  const srcInstance = src.kind === 'instance' ? src.instance : undefined;
  const dstInstance = dst.kind === 'instance' ? dst.instance : undefined;
  const steps: HopResult[] = [];
  const step = (hop: string, allow: boolean) => {
    steps.push({ hop, allow });
    return allow;
  };
  const request = (remote: bigint): Packet => ({ protocol: flow.protocol, family: flow.family, remote, key: conn.key });
  // 1. source instance's SGs, outbound (remote = the packet's destination)
  if (srcInstance && !step('1 sg out', sgAdmits(model, srcInstance, 'outbound', request(conn.dstIp)))) return steps;
  // 2. source subnet's NACL, outbound
  if (srcNacl && !step('2 nacl out', naclAdmits(model, srcNacl, 'outbound', request(conn.dstIp)))) return steps;
  // 3. destination subnet's NACL, inbound (remote = the packet's source)
  if (dstNacl && !step('3 nacl in', naclAdmits(model, dstNacl, 'inbound', request(conn.srcIp)))) return steps;
  // 4. destination instance's SGs, inbound
  if (dstInstance && !step('4 sg in', sgAdmits(model, dstInstance, 'inbound', request(conn.srcIp)))) return steps;
  const key = replyKey(flow, conn.srcPort);
  if (key === undefined) return steps;
  // The reply: dst:dstPort -> src:srcPort. Its destination is the client.
  const reply = (remote: bigint): Packet => ({ protocol: flow.protocol, family: flow.family, remote, key });
  // 5. destination subnet's NACL, outbound (remote = the reply's destination = the client)
  if (dstNacl && !step('5 nacl out (reply)', naclAdmits(model, dstNacl, 'outbound', reply(conn.srcIp)))) return steps;
  // 6. source subnet's NACL, inbound (remote = the reply's source = the server)
  if (srcNacl && !step('6 nacl in (reply)', naclAdmits(model, srcNacl, 'inbound', reply(conn.dstIp)))) return steps;
  return steps;
}

// ---------------------------------------------------------------------------------------------
// The ports NAT gateways choose.

/** The NAT gateways the request crosses, in order (none without routing). */
function natGatewaysCrossed(model: NaiveModel, flow: NaiveFlow, conn: Conn): string[] {
  if (!model.routing || isUnfiltered(model, flow, conn)) return [];
  return routedTrace(model, flow, conn, () => undefined, false).nats;
}

function isUnfiltered(model: NaiveModel, flow: NaiveFlow, conn: Conn): boolean {
  return unfilteredBecause(model, classify(model, flow.family, conn.srcIp), flow.family, conn.dstIp) !== undefined;
}

const stretchCache = new WeakMap<NaiveModel, Map<number, [number, number][]>>();

/**
 * 1024-65535 cut at every end of the port ranges of the NACL rules of the flow's protocol and of
 * every firewall rule: within one stretch every such rule matches a packet with the NAT port alike.
 */
function natPortStretches(model: NaiveModel, protocol: number): [number, number][] {
  let byProtocol = stretchCache.get(model);
  if (!byProtocol) stretchCache.set(model, (byProtocol = new Map()));
  const known = byProtocol.get(protocol);
  if (known) return known;
  const [lowest, highest] = NAT_PORTS;
  const starts = new Set<number>([lowest]);
  for (const rules of model.acls.values()) {
    for (const rule of rules) {
      if (rule.protocol?.number !== protocol || !rule.ports) continue;
      for (const start of [rule.ports.from, rule.ports.to + 1]) if (lowest < start && start <= highest) starts.add(start);
    }
  }
  for (const [from, to] of firewallPortRanges(model)) for (const start of [from, to + 1]) if (lowest < start && start <= highest) starts.add(start);
  const sorted = [...starts].sort((a, b) => a - b);
  const stretches = sorted.map((from, i): [number, number] => [from, (sorted[i + 1] ?? highest + 1) - 1]);
  byProtocol.set(protocol, stretches);
  return stretches;
}

interface NatChoice {
  /** One port per NAT gateway crossed, each standing for its stretch. */
  ports: number[];
  /** How many port choices it stands for. */
  weight: bigint;
}

/**
 * The NAT ports to try for a connection whose request crosses `crossings` NAT gateways, each
 * weighted by the choices it stands for. Without firewalls only a reply reads them: when there is
 * none (a one-way flow, or a request that never arrives), one port per gateway stands for all.
 * ICMP has no port.
 */
function natPortChoices(model: NaiveModel, flow: NaiveFlow, crossings: number, replied: boolean): NatChoice[] {
  if (crossings === 0 || !isPortProtocol(flow.protocol)) return [{ ports: [], weight: 1n }];
  const noReplyReads = (flow.oneway || !replied) && model.firewalls.size === 0;
  const stretches = noReplyReads ? [NAT_PORTS] : natPortStretches(model, flow.protocol);
  let choices: NatChoice[] = [{ ports: [], weight: 1n }];
  for (let i = 0; i < crossings; i++) {
    choices = choices.flatMap((choice) => stretches.map(([from, to]) => ({ ports: [...choice.ports, from], weight: choice.weight * BigInt(to - from + 1) })));
  }
  return choices;
}

/** How one connection fares over every NAT port it may get (weighted counts), with an example of each side. */
export interface Outcome {
  admitted: bigint;
  dropped: bigint;
  someAdmitted?: Conn;
  someDropped?: Conn;
}

/** One walk of the connection, without words: whether it is admitted, and the NAT gateways its request crosses. */
function walkQuietly(model: NaiveModel, flow: NaiveFlow, conn: Conn): { admitted: boolean; nats: string[]; requestArrived: boolean; requestLooped: boolean } {
  if (!model.routing || isUnfiltered(model, flow, conn)) {
    return { admitted: hopsOf(model, flow, conn, false).every((s) => s.allow), nats: [], requestArrived: true, requestLooped: false };
  }
  const trace = routedTrace(model, flow, conn, (port) => replyKey(flow, port), false);
  return { admitted: trace.steps.every((s) => s.allow), nats: trace.nats, requestArrived: trace.requestArrived, requestLooped: trace.requestLooped };
}

/**
 * One connection over the NAT ports: the ports it names, and every port the other NAT gateways
 * it crosses may choose (one port standing for all when nothing reads them).
 */
export function connectionOutcome(model: NaiveModel, flow: NaiveFlow, conn: Conn): Outcome {
  const outcome: Outcome = { admitted: 0n, dropped: 0n };
  const add = (c: Conn, admitted: boolean, weight: bigint) => {
    if (admitted) {
      outcome.admitted += weight;
      outcome.someAdmitted ??= c;
    } else {
      outcome.dropped += weight;
      outcome.someDropped ??= c;
    }
  };
  // One NAT gateway at a time: a port of each stretch for the next gateway the request crosses
  // without one, then the walk again (a firewall may drop the request before a later gateway for
  // some ports only).
  const explore = (c: Conn, weight: bigint): void => {
    const walk = walkQuietly(model, flow, c);
    const named = c.natPorts ?? [];
    if (walk.nats.length <= named.length || !isPortProtocol(flow.protocol)) {
      add(c, walk.admitted, weight);
      return;
    }
    // A request that loops is dropped whatever the ports: routes do not read them, so with any
    // other ports it is dropped on the way or loops the same way. Every port of every gateway left.
    if (walk.requestLooped) {
      add(c, false, weight * BigInt(NAT_PORTS[1] - NAT_PORTS[0] + 1) ** BigInt(walk.nats.length - named.length));
      return;
    }
    for (const choice of natPortChoices(model, flow, 1, walk.requestArrived)) explore({ ...c, natPorts: [...named, ...choice.ports] }, weight * choice.weight);
  };
  explore(conn, 1n);
  return outcome;
}

/** Whether every hop the connection crosses allows it, whatever port its NAT gateways choose. */
export function admits(model: NaiveModel, flow: NaiveFlow, conn: Conn): boolean {
  return connectionOutcome(model, flow, conn).dropped === 0n;
}

export interface Decision {
  /** Whether the flow covers the connection; the rest means nothing when it does not. */
  covered: boolean;
  /** Admitted: for the NAT ports it names and every port of the NAT gateways it names none for. */
  admitted: boolean;
  /** The hops crossed (with the first NAT ports that drop it, when it names none and some do). */
  trace: HopResult[];
  /** The NAT gateways the request crosses, in order: a concrete connection names a port for each. */
  natGateways: string[];
}

/** One concrete connection: is it the flow's, and is it admitted (with the hops it crossed). */
export function decideConnection(model: NaiveModel, flow: NaiveFlow, conn: Conn): Decision {
  if (!flowCovers(model, flow, conn)) return { covered: false, admitted: false, trace: [], natGateways: [] };
  const outcome = connectionOutcome(model, flow, conn);
  const shown = outcome.someDropped ?? outcome.someAdmitted!;
  return { covered: true, admitted: outcome.dropped === 0n, trace: traceConnection(model, flow, shown), natGateways: natGatewaysCrossed(model, flow, conn) };
}

// ---------------------------------------------------------------------------------------------
// Every connection of a flow.

function intervalCount(intervals: Interval[]): bigint {
  let n = 0n;
  for (const [lo, hi] of intervals) n += hi - lo + 1n;
  return n;
}

function rangeSize([from, to]: [number, number]): bigint {
  return BigInt(to - from + 1);
}

/** The instance addresses (of the flow's family) inside the intervals, with their instance. */
function instanceAddressesIn(model: NaiveModel, family: Family, intervals: Interval[]): { address: bigint; instance: NInstance }[] {
  const out: { address: bigint; instance: NInstance }[] = [];
  for (const instance of model.instances.values()) {
    for (const address of addressesOf(instance, family)) if (inIntervals(intervals, address)) out.push({ address, instance });
  }
  return out;
}

/**
 * How many connections the flow covers, counted without enumerating: every source address with
 * its own source ports, times every destination address and key, minus the pairs of addresses of
 * one instance.
 */
export function coverageSize(model: NaiveModel, flow: NaiveFlow): bigint {
  const src = endIntervals(model, flow, flow.src);
  const dst = endIntervals(model, flow, flow.dst);
  const keys = rangeSize(flowKeyRange(flow));
  const portsOf = (address: bigint) => rangeSize(sourcePortRange(model, flow, address));
  const srcInstances = instanceAddressesIn(model, flow.family, src);
  const clientPorts = isIcmpProtocol(flow.protocol) ? 1n : flow.fromPorts ? rangeSize([flow.fromPorts.from, flow.fromPorts.to]) : rangeSize(CLIENT_PORTS);
  let sources = (intervalCount(src) - BigInt(srcInstances.length)) * clientPorts;
  for (const { address } of srcInstances) sources += portsOf(address);
  let total = sources * intervalCount(dst) * keys;
  const dstInstances = instanceAddressesIn(model, flow.family, dst);
  for (const s of srcInstances) {
    const selfPairs = dstInstances.filter((d) => d.instance === s.instance).length;
    total -= portsOf(s.address) * BigInt(selfPairs) * keys;
  }
  return total;
}

export interface NaiveResult {
  verdict: NaiveVerdict;
  /** Connections covered, each counted once per NAT port choice (exact below 2^53). */
  total: number;
  admitted: number;
  /** The concrete connections walked (NAT port stretches not multiplied). */
  walked: number;
  /** The first admitted and the first dropped connection met (with NAT ports), if any. */
  someAdmitted?: Conn;
  someDropped?: Conn;
}

export class TooManyConnections extends Error {}

/** Every connection the flow covers, one by one. Throws when there are more than `limit`. */
export function* connections(model: NaiveModel, flow: NaiveFlow, limit = 100_000): Generator<Conn> {
  if (coverageSize(model, flow) > BigInt(limit)) throw new TooManyConnections(`flow ${flow.name} covers more than ${limit} connections`);
  const [k0, k1] = flowKeyRange(flow);
  const dstIntervals = endIntervals(model, flow, flow.dst);
  for (const [a0, a1] of endIntervals(model, flow, flow.src)) {
    for (let srcIp = a0; srcIp <= a1; srcIp++) {
      const source = classify(model, flow.family, srcIp);
      const [s0, s1] = sourcePortRange(model, flow, srcIp);
      for (const [b0, b1] of dstIntervals) {
        for (let dstIp = b0; dstIp <= b1; dstIp++) {
          if (sameInstance(source, classify(model, flow.family, dstIp))) continue;
          for (let key = k0; key <= k1; key++) {
            for (let srcPort = s0; srcPort <= s1; srcPort++) {
              yield { protocol: flow.protocol, family: flow.family, srcIp, dstIp, srcPort, key };
            }
          }
        }
      }
    }
  }
}

function verdictOf(someAdmitted: boolean, someDropped: boolean): NaiveVerdict {
  return !someDropped ? 'allow' : !someAdmitted ? 'deny' : 'partial';
}

/** The outcomes of many connections, added up. */
class Tally {
  admitted = 0n;
  dropped = 0n;
  walked = 0;
  someAdmitted?: Conn;
  someDropped?: Conn;

  add(outcome: Outcome): void {
    this.walked++;
    this.admitted += outcome.admitted;
    this.dropped += outcome.dropped;
    this.someAdmitted ??= outcome.someAdmitted;
    this.someDropped ??= outcome.someDropped;
  }

  verdict(flow: NaiveFlow): NaiveVerdict {
    if (this.walked === 0) throw new Error(`flow ${flow.name} covers no connection`);
    return verdictOf(this.admitted > 0n, this.dropped > 0n);
  }
}

/** The exact verdict, by enumerating every connection the flow covers (and every NAT port stretch). */
export function evaluateNaive(model: NaiveModel, flow: NaiveFlow, limit = 100_000): NaiveResult {
  const tally = new Tally();
  for (const conn of connections(model, flow, limit)) tally.add(connectionOutcome(model, flow, conn));
  return {
    verdict: tally.verdict(flow), total: Number(tally.admitted + tally.dropped), admitted: Number(tally.admitted), walked: tally.walked,
    someAdmitted: tally.someAdmitted, someDropped: tally.someDropped,
  };
}

// ---------------------------------------------------------------------------------------------
// Connections at every boundary, for flows too large to enumerate.
//
// Every hop, every route lookup and every choice of who an address is, depends on an address only
// through its membership in CIDRs and blocks and its equality with single addresses (instances,
// public addresses, NAT gateways); likewise for ports and ranges. Taking, for each of these, the values where membership changes (first and last+1) and
// their neighbours (first-1 and last) gives one value of every stretch where nothing changes.

function addressBoundaries(model: NaiveModel, family: Family): bigint[] {
  const points: bigint[] = [];
  const cidr = (c: Cidr | undefined) => {
    if (!c || c.family !== family) return;
    points.push(c.first - 1n, c.first, c.last, c.last + 1n);
  };
  const single = (a: bigint) => points.push(a - 1n, a, a + 1n);
  model.vpcBlocks.forEach(cidr);
  for (const subnet of model.subnets.values()) cidr(subnetBlock(subnet, family));
  for (const cidrs of model.prefixLists.values()) cidrs.forEach(cidr);
  for (const rules of model.acls.values()) for (const rule of rules) cidr(rule.cidr);
  for (const rules of model.groups.values()) for (const rule of rules) if (rule.peer?.kind === 'cidr') cidr(rule.peer.cidr);
  for (const instance of model.instances.values()) addressesOf(instance, family).forEach(single);
  amazonPoints(model, family).forEach(single);
  for (const table of model.routeTables.values()) for (const route of table.routes) cidr(route.dest);
  if (family === 4) {
    for (const instance of model.instances.values()) if (instance.publicIp !== undefined) single(instance.publicIp);
    for (const nat of model.natGateways.values()) [nat.ip, nat.publicIp].forEach(single);
  }
  for (const flow of model.flows) for (const end of [flow.src, flow.dst]) if (end.kind === 'cidr') cidr(end.cidr);
  firewallCidrs(model).forEach(cidr);
  return points;
}

function portBoundaries(model: NaiveModel): number[] {
  const points: number[] = [];
  const range = (r: PortRange | undefined) => {
    if (r) points.push(r.from - 1, r.from, r.to, r.to + 1);
  };
  const icmp = (s: IcmpSpec | undefined) => {
    if (s?.type === undefined) return;
    if (s.code === undefined) points.push(s.type * 256 - 1, s.type * 256, s.type * 256 + 255, s.type * 256 + 256);
    else points.push(s.type * 256 + s.code - 1, s.type * 256 + s.code, s.type * 256 + s.code + 1);
  };
  for (const rules of model.acls.values()) for (const rule of rules) { range(rule.ports); icmp(rule.icmp); }
  for (const rules of model.groups.values()) for (const rule of rules) { range(rule.ports); icmp(rule.icmp); }
  for (const flow of model.flows) { range(flow.ports); range(flow.fromPorts); icmp(flow.icmp); }
  for (const instance of model.instances.values()) range(instance.ephemeral);
  for (const [from, to] of firewallPortRanges(model)) points.push(from - 1, from, to, to + 1);
  points.push(0, 1023, 1024, 32767, 32768, 49151, 49152, 60999, 61000, 65535);
  return points;
}

function uniqueSorted<T extends number | bigint>(values: T[]): T[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The boundary values that lie inside the given intervals, plus each interval's ends. */
function clampToIntervals(points: bigint[], intervals: Interval[]): bigint[] {
  const out: bigint[] = [];
  for (const [lo, hi] of intervals) out.push(lo, hi);
  for (const p of points) if (inIntervals(intervals, p)) out.push(p);
  return uniqueSorted(out);
}

function pointsInRange(points: number[], [from, to]: [number, number]): number[] {
  return uniqueSorted([from, to, ...points.filter((p) => from <= p && p <= to)]);
}

export interface BoundarySample {
  conns: Conn[];
  /** True when every combination of boundary values was taken (no random thinning). */
  complete: boolean;
}

/**
 * Concrete connections of the flow at every boundary: each rule's, block's and end's first/last
 * address and the addresses just outside, every single address (instances, Amazon-provided) and
 * its neighbours, each port range's ends and the ports just outside, only those the flow covers;
 * each source address with the boundaries of its own source ports. When the combinations exceed
 * `max`, a random subset (from `random`) is taken.
 */
export function boundaryConnections(model: NaiveModel, flow: NaiveFlow, max: number, random: () => number): BoundarySample {
  const addrPoints = addressBoundaries(model, flow.family);
  const portPoints = portBoundaries(model);
  const sources: { ip: bigint; port: number }[] = [];
  for (const ip of clampToIntervals(addrPoints, endIntervals(model, flow, flow.src))) {
    for (const port of pointsInRange(portPoints, sourcePortRange(model, flow, ip))) sources.push({ ip, port });
  }
  const dstAddrs = clampToIntervals(addrPoints, endIntervals(model, flow, flow.dst));
  const keys = pointsInRange(portPoints, flowKeyRange(flow));
  const total = sources.length * dstAddrs.length * keys.length;
  const make = (i: number): Conn => {
    const key = keys[i % keys.length];
    const dstIp = dstAddrs[Math.floor(i / keys.length) % dstAddrs.length];
    const source = sources[Math.floor(i / keys.length / dstAddrs.length)];
    return { protocol: flow.protocol, family: flow.family, srcIp: source.ip, dstIp, srcPort: source.port, key };
  };
  const betweenTwoParties = (conn: Conn) => !sameInstance(classify(model, flow.family, conn.srcIp), classify(model, flow.family, conn.dstIp));
  const conns: Conn[] = [];
  if (total <= max) {
    for (let i = 0; i < total; i++) conns.push(make(i));
    return { conns: conns.filter(betweenTwoParties), complete: true };
  }
  for (let n = 0; n < max; n++) conns.push(make(Math.floor(random() * total)));
  return { conns: conns.filter(betweenTwoParties), complete: false };
}

/**
 * The exact verdict of any flow: by enumeration when it covers at most `limit` connections, else
 * from every combination of boundary values (throws when there are more than `maxBoundary`).
 */
export function exactVerdict(model: NaiveModel, flow: NaiveFlow, limit = 20_000, maxBoundary = 1_000_000): NaiveVerdict {
  if (coverageSize(model, flow) <= BigInt(limit)) return evaluateNaive(model, flow, limit).verdict;
  const sample = boundaryConnections(model, flow, maxBoundary, () => 0);
  if (!sample.complete) throw new TooManyConnections(`flow ${flow.name} has more than ${maxBoundary} boundary connections`);
  const tally = new Tally();
  for (const conn of sample.conns) tally.add(connectionOutcome(model, flow, conn));
  return tally.verdict(flow);
}
