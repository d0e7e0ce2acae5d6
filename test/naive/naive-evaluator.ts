// A deliberately simple, independent evaluator of .vpcrules flows, used as an oracle by the
// property tests. It uses the project's parser for the syntax tree and NOTHING from
// server/src/engine: it resolves names itself and decides every CONCRETE connection
// (src ip, src port, dst ip, dst port or ICMP type/code) by walking the hops exactly as the spec
// (/work/shared/spec/vpcrules.md) lists them, with plain loops and bigint comparisons.
//
// Semantics followed (the spec, plus docs/semantics.md where the spec is silent):
// - an address/CIDR/`internet` end is external: no SG and no NACL hop on its side;
// - a subnet without `acl` uses the default NACL, which allows everything;
// - NACL and SG rules match the packet's DESTINATION port (ICMP: type/code);
// - protocol `all` or a number other than 6/17/1/58 matches every port and type;
// - an ICMP rule without `all`/`type` means every type;
// - a rule's CIDR matches only packets of its family;
// - `sg NAME` = the ip and ip6 of the instances in group NAME; no groups = SG hop denies;
// - `internet` = every address of the flow's family outside the VPC's blocks of that family;
// - source ports: from-ports, else the source instance's ephemeral/os range, else 1024-65535;
// - replies: tcp/udp reply to the client's source port; `icmp type 8` -> `icmp type 0 code 0`,
//   `icmpv6 type 128` -> `icmpv6 type 129 code 0`; other ICMP flows are one way.
import type {
  Cidr, Family, FlowDecl, IcmpSpec, NaclRule, Peer, PortRange, SgRule,
} from '../../server/src/syntax/ast';
import { parse } from '../../server/src/syntax/parser';

export type NaiveVerdict = 'allow' | 'deny' | 'partial';

/** One concrete connection. `key` is the destination port, or for ICMP type * 256 + code. */
export interface Conn {
  protocol: number;
  family: Family;
  srcIp: bigint;
  dstIp: bigint;
  srcPort: number;
  key: number;
}

interface NInstance {
  name: string;
  subnet: string;
  ip?: bigint;
  ip6?: bigint;
  groups: string[];
  os: 'linux' | 'windows';
  ephemeral?: PortRange;
}

interface NSubnet {
  name: string;
  acl?: string; // undefined: the default NACL (allows everything)
}

export type NEnd =
  | { kind: 'instance'; name: string }
  | { kind: 'cidr'; cidr: Cidr }
  | { kind: 'internet' };

export interface NaiveFlow {
  name: string;
  line: number;
  src: NEnd;
  dst: NEnd;
  protocol: number;
  family: Family;
  ports?: PortRange;
  icmp?: IcmpSpec;
  fromPorts?: PortRange;
  oneway: boolean;
  expect: 'allow' | 'deny';
}

export interface NaiveModel {
  vpcBlocks: Cidr[];
  subnets: Map<string, NSubnet>;
  instances: Map<string, NInstance>;
  groups: Map<string, SgRule[]>;
  acls: Map<string, NaclRule[]>;
  prefixLists: Map<string, Cidr[]>;
  flows: NaiveFlow[];
}

const MAX_ADDR: Record<Family, bigint> = { 4: (1n << 32n) - 1n, 6: (1n << 128n) - 1n };

/** Reads the syntax tree into plain tables. Assumes a valid model (the generator's job). */
export function buildNaiveModel(text: string): NaiveModel {
  const { file } = parse(text);
  const model: NaiveModel = {
    vpcBlocks: [], subnets: new Map(), instances: new Map(), groups: new Map(), acls: new Map(), prefixLists: new Map(), flows: [],
  };
  let sawVpc = false;
  for (const decl of file.declarations) {
    switch (decl.kind) {
      case 'vpc':
        if (!sawVpc) model.vpcBlocks = decl.cidrs;
        sawVpc = true;
        break;
      case 'subnet':
        if (decl.name) model.subnets.set(decl.name.text, { name: decl.name.text, acl: decl.acl?.text });
        break;
      case 'prefix-list':
        if (decl.name) model.prefixLists.set(decl.name.text, decl.cidrs);
        break;
      case 'security-group':
        if (decl.name) model.groups.set(decl.name.text, decl.rules);
        break;
      case 'network-acl':
        if (decl.name) model.acls.set(decl.name.text, decl.rules);
        break;
      case 'instance':
        if (decl.name && decl.subnet) {
          model.instances.set(decl.name.text, {
            name: decl.name.text,
            subnet: decl.subnet.text,
            ip: decl.ips[0]?.address,
            ip6: decl.ip6s[0]?.address,
            groups: decl.groups.map((g) => g.text),
            os: decl.os?.value ?? 'linux',
            ephemeral: decl.ephemeral,
          });
        }
        break;
      case 'flow': {
        const flow = naiveFlow(decl);
        if (flow) model.flows.push(flow);
        break;
      }
    }
  }
  return model;
}

function naiveFlow(decl: FlowDecl): NaiveFlow | undefined {
  if (!decl.name || !decl.src || !decl.dst || !decl.protocol || !decl.expect) return undefined;
  const end = (e: NonNullable<FlowDecl['src']>): NEnd =>
    e.kind === 'instance' ? { kind: 'instance', name: e.name.text } : e.kind === 'cidr' ? { kind: 'cidr', cidr: e.cidr } : { kind: 'internet' };
  const src = end(decl.src);
  const dst = end(decl.dst);
  let family: Family = decl.ipv6 ? 6 : 4;
  if (src.kind === 'cidr' && src.cidr.family === 6) family = 6;
  if (dst.kind === 'cidr' && dst.cidr.family === 6) family = 6;
  return {
    name: decl.name.text, line: decl.range.start.line, src, dst, protocol: decl.protocol.number, family,
    ports: decl.ports, icmp: decl.icmp, fromPorts: decl.fromPorts, oneway: decl.oneway !== undefined, expect: decl.expect.value,
  };
}

// ---------------------------------------------------------------------------------------------
// Matching, one rule and one packet at a time.

interface Packet {
  protocol: number;
  family: Family;
  /** The remote address the rule's CIDR/peer is compared with. */
  remote: bigint;
  /** Destination port, or ICMP type * 256 + code. */
  key: number;
}

function isPortProtocol(p: number): boolean {
  return p === 6 || p === 17;
}

function isIcmpProtocol(p: number): boolean {
  return p === 1 || p === 58;
}

function cidrHas(cidr: Cidr, family: Family, address: bigint): boolean {
  return cidr.family === family && cidr.first <= address && address <= cidr.last;
}

function ruleProtocolAndKeyMatch(rule: { protocol?: { number: number }; ports?: PortRange; icmp?: IcmpSpec }, packet: Packet): boolean {
  const p = rule.protocol!.number;
  if (p !== -1 && p !== packet.protocol) return false;
  if (isPortProtocol(p)) return rule.ports!.from <= packet.key && packet.key <= rule.ports!.to;
  if (isIcmpProtocol(p)) {
    const spec = rule.icmp;
    if (!spec || spec.type === undefined) return true; // `all` or nothing: every type
    if (Math.floor(packet.key / 256) !== spec.type) return false;
    return spec.code === undefined || packet.key % 256 === spec.code;
  }
  return true; // `all` or another protocol number: every port and type
}

function peerHas(model: NaiveModel, peer: Peer, family: Family, address: bigint): boolean {
  switch (peer.kind) {
    case 'cidr':
      return cidrHas(peer.cidr, family, address);
    case 'pl': {
      const cidrs = model.prefixLists.get(peer.name.text) ?? [];
      for (const cidr of cidrs) if (cidrHas(cidr, family, address)) return true;
      return false;
    }
    case 'sg':
      for (const instance of model.instances.values()) {
        if (!instance.groups.includes(peer.name.text)) continue;
        const own = family === 4 ? instance.ip : instance.ip6;
        if (own !== undefined && own === address) return true;
      }
      return false;
  }
}

/** Security groups: allow-only; any rule of any group of the instance admits. */
function sgAdmits(model: NaiveModel, instance: NInstance, direction: 'inbound' | 'outbound', packet: Packet): boolean {
  for (const groupName of instance.groups) {
    for (const rule of model.groups.get(groupName) ?? []) {
      if (rule.direction !== direction || !rule.protocol || !rule.peer) continue;
      if (ruleProtocolAndKeyMatch(rule, packet) && peerHas(model, rule.peer, packet.family, packet.remote)) return true;
    }
  }
  return false;
}

/** Set by tests that prove the property can fail: ignore the rule numbers' order. */
export const naiveKnobs = { ignoreNaclOrder: false };

/** Network ACL: rules of the direction in ascending number, the first match decides, else deny. */
function naclAdmits(model: NaiveModel, subnetName: string, direction: 'inbound' | 'outbound', packet: Packet): boolean {
  const subnet = model.subnets.get(subnetName)!;
  if (subnet.acl === undefined) return true; // the default NACL allows everything
  const rules = (model.acls.get(subnet.acl) ?? []).filter((rule) => rule.direction === direction && rule.number && rule.action && rule.protocol && rule.cidr);
  // Plain selection of the lowest remaining number, again and again.
  const remaining = [...rules];
  while (remaining.length > 0) {
    let best = 0;
    if (!naiveKnobs.ignoreNaclOrder) {
      for (let i = 1; i < remaining.length; i++) if (remaining[i].number!.value < remaining[best].number!.value) best = i;
    } else {
      best = remaining.length - 1;
    }
    const rule = remaining.splice(best, 1)[0];
    if (ruleProtocolAndKeyMatch(rule, packet) && cidrHas(rule.cidr!, packet.family, packet.remote)) {
      return rule.action!.value === 'allow';
    }
  }
  return false; // the implicit `*` deny
}

// ---------------------------------------------------------------------------------------------
// Flows: what they cover, and the hops one connection crosses.

function instanceOf(model: NaiveModel, end: NEnd): NInstance | undefined {
  return end.kind === 'instance' ? model.instances.get(end.name) : undefined;
}

function instanceAddress(instance: NInstance, family: Family): bigint {
  const address = family === 4 ? instance.ip : instance.ip6;
  if (address === undefined) throw new Error(`instance ${instance.name} has no IPv${family} address`);
  return address;
}

/** The end's addresses as inclusive [first, last] intervals, ascending. */
export function endIntervals(model: NaiveModel, flow: NaiveFlow, end: NEnd): [bigint, bigint][] {
  if (end.kind === 'instance') {
    const a = instanceAddress(model.instances.get(end.name)!, flow.family);
    return [[a, a]];
  }
  if (end.kind === 'cidr') return [[end.cidr.first, end.cidr.last]];
  // internet: the gaps between the VPC's blocks of the flow's family
  const blocks = model.vpcBlocks.filter((c) => c.family === flow.family).map((c) => [c.first, c.last] as [bigint, bigint]);
  blocks.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: [bigint, bigint][] = [];
  let next = 0n;
  for (const [lo, hi] of blocks) {
    if (lo > next) out.push([next, lo - 1n]);
    if (hi + 1n > next) next = hi + 1n;
  }
  if (next <= MAX_ADDR[flow.family]) out.push([next, MAX_ADDR[flow.family]]);
  return out;
}

/** The flow's destination keys as one inclusive range. */
export function flowKeyRange(flow: NaiveFlow): [number, number] {
  if (isPortProtocol(flow.protocol)) return [flow.ports!.from, flow.ports!.to];
  const spec = flow.icmp;
  if (!spec || spec.type === undefined) return [0, 65535];
  if (spec.code === undefined) return [spec.type * 256, spec.type * 256 + 255];
  return [spec.type * 256 + spec.code, spec.type * 256 + spec.code];
}

/** The flow's source ports as one inclusive range; ICMP has none (the single value 0). */
export function flowSrcPortRange(model: NaiveModel, flow: NaiveFlow): [number, number] {
  if (isIcmpProtocol(flow.protocol)) return [0, 0];
  if (flow.fromPorts) return [flow.fromPorts.from, flow.fromPorts.to];
  const src = instanceOf(model, flow.src);
  if (src) {
    if (src.ephemeral) return [src.ephemeral.from, src.ephemeral.to];
    return src.os === 'windows' ? [49152, 65535] : [32768, 60999];
  }
  return [1024, 65535];
}

/** The reply's key: 'srcPort' for TCP/UDP, a fixed ICMP key, or none. */
function replyKey(flow: NaiveFlow, conn: Conn): number | undefined {
  if (flow.oneway) return undefined;
  if (isPortProtocol(flow.protocol)) return conn.srcPort;
  if (flow.protocol === 1 && flow.icmp?.type === 8) return 0 * 256 + 0;
  if (flow.protocol === 58 && flow.icmp?.type === 128) return 129 * 256 + 0;
  return undefined;
}

function inIntervals(intervals: [bigint, bigint][], value: bigint): boolean {
  for (const [lo, hi] of intervals) if (lo <= value && value <= hi) return true;
  return false;
}

/** Whether the flow covers this concrete connection. */
export function flowCovers(model: NaiveModel, flow: NaiveFlow, conn: Conn): boolean {
  if (conn.protocol !== flow.protocol || conn.family !== flow.family) return false;
  if (!inIntervals(endIntervals(model, flow, flow.src), conn.srcIp)) return false;
  if (!inIntervals(endIntervals(model, flow, flow.dst), conn.dstIp)) return false;
  const [k0, k1] = flowKeyRange(flow);
  if (conn.key < k0 || conn.key > k1) return false;
  if (isIcmpProtocol(flow.protocol)) return true; // ICMP has no source port
  const [s0, s1] = flowSrcPortRange(model, flow);
  return s0 <= conn.srcPort && conn.srcPort <= s1;
}

export interface HopResult {
  hop: string;
  allow: boolean;
}

/** Walks the hops of the spec for one connection; stops at the first that drops it. */
export function traceConnection(model: NaiveModel, flow: NaiveFlow, conn: Conn): HopResult[] {
  const src = instanceOf(model, flow.src);
  const dst = instanceOf(model, flow.dst);
  const sameSubnet = src !== undefined && dst !== undefined && src.subnet === dst.subnet;
  const steps: HopResult[] = [];
  const step = (hop: string, allow: boolean) => {
    steps.push({ hop, allow });
    return allow;
  };
  const request = (remote: bigint): Packet => ({ protocol: flow.protocol, family: flow.family, remote, key: conn.key });
  // 1. source instance's SGs, outbound (remote = the packet's destination)
  if (src && !step('1 sg out', sgAdmits(model, src, 'outbound', request(conn.dstIp)))) return steps;
  // 2. source subnet's NACL, outbound
  if (src && !sameSubnet && !step('2 nacl out', naclAdmits(model, src.subnet, 'outbound', request(conn.dstIp)))) return steps;
  // 3. destination subnet's NACL, inbound (remote = the packet's source)
  if (dst && !sameSubnet && !step('3 nacl in', naclAdmits(model, dst.subnet, 'inbound', request(conn.srcIp)))) return steps;
  // 4. destination instance's SGs, inbound
  if (dst && !step('4 sg in', sgAdmits(model, dst, 'inbound', request(conn.srcIp)))) return steps;
  const key = replyKey(flow, conn);
  if (key === undefined) return steps;
  // The reply: dst:dstPort -> src:srcPort. Its destination is the client.
  const reply = (remote: bigint): Packet => ({ protocol: flow.protocol, family: flow.family, remote, key });
  // 5. destination subnet's NACL, outbound (remote = the reply's destination = the client)
  if (dst && !sameSubnet && !step('5 nacl out (reply)', naclAdmits(model, dst.subnet, 'outbound', reply(conn.srcIp)))) return steps;
  // 6. source subnet's NACL, inbound (remote = the reply's source = the server)
  if (src && !sameSubnet && !step('6 nacl in (reply)', naclAdmits(model, src.subnet, 'inbound', reply(conn.dstIp)))) return steps;
  return steps;
}

/** Whether every hop the connection crosses allows it. */
export function admits(model: NaiveModel, flow: NaiveFlow, conn: Conn): boolean {
  return traceConnection(model, flow, conn).every((s) => s.allow);
}

function intervalCount(intervals: [bigint, bigint][]): bigint {
  let n = 0n;
  for (const [lo, hi] of intervals) n += hi - lo + 1n;
  return n;
}

/** How many connections the flow covers (ICMP: no source port). */
export function coverageSize(model: NaiveModel, flow: NaiveFlow): bigint {
  const [k0, k1] = flowKeyRange(flow);
  const [s0, s1] = flowSrcPortRange(model, flow);
  return intervalCount(endIntervals(model, flow, flow.src)) * intervalCount(endIntervals(model, flow, flow.dst)) *
    BigInt(k1 - k0 + 1) * BigInt(s1 - s0 + 1);
}

export interface NaiveResult {
  verdict: NaiveVerdict;
  total: number;
  admitted: number;
  /** The first admitted and the first dropped connection met, if any. */
  someAdmitted?: Conn;
  someDropped?: Conn;
}

export class TooManyConnections extends Error {}

/** Every connection the flow covers, one by one. Throws when there are more than `limit`. */
export function* connections(model: NaiveModel, flow: NaiveFlow, limit = 100_000): Generator<Conn> {
  if (coverageSize(model, flow) > BigInt(limit)) throw new TooManyConnections(`flow ${flow.name} covers more than ${limit} connections`);
  const [k0, k1] = flowKeyRange(flow);
  const [s0, s1] = flowSrcPortRange(model, flow);
  for (const [a0, a1] of endIntervals(model, flow, flow.src)) {
    for (let srcIp = a0; srcIp <= a1; srcIp++) {
      for (const [b0, b1] of endIntervals(model, flow, flow.dst)) {
        for (let dstIp = b0; dstIp <= b1; dstIp++) {
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

function verdictOf(admitted: number, total: number): NaiveVerdict {
  return admitted === total ? 'allow' : admitted === 0 ? 'deny' : 'partial';
}

/** The exact verdict, by enumerating every connection the flow covers. */
export function evaluateNaive(model: NaiveModel, flow: NaiveFlow, limit = 100_000): NaiveResult {
  let total = 0;
  let admitted = 0;
  let someAdmitted: Conn | undefined;
  let someDropped: Conn | undefined;
  for (const conn of connections(model, flow, limit)) {
    total++;
    if (admits(model, flow, conn)) {
      admitted++;
      someAdmitted ??= conn;
    } else {
      someDropped ??= conn;
    }
  }
  return { verdict: verdictOf(admitted, total), total, admitted, someAdmitted, someDropped };
}

// ---------------------------------------------------------------------------------------------
// Sampling at rule boundaries, for flows too large to enumerate.

function addressBoundaries(model: NaiveModel, family: Family): bigint[] {
  const points: bigint[] = [];
  const cidr = (c: Cidr | undefined) => {
    if (!c || c.family !== family) return;
    points.push(c.first - 1n, c.first, c.last, c.last + 1n);
  };
  model.vpcBlocks.forEach(cidr);
  for (const cidrs of model.prefixLists.values()) cidrs.forEach(cidr);
  for (const rules of model.acls.values()) for (const rule of rules) cidr(rule.cidr);
  for (const rules of model.groups.values()) for (const rule of rules) if (rule.peer?.kind === 'cidr') cidr(rule.peer.cidr);
  for (const instance of model.instances.values()) {
    const a = family === 4 ? instance.ip : instance.ip6;
    if (a !== undefined) points.push(a - 1n, a, a + 1n);
  }
  for (const flow of model.flows) for (const end of [flow.src, flow.dst]) if (end.kind === 'cidr') cidr(end.cidr);
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
  points.push(0, 1023, 1024, 32767, 32768, 49151, 49152, 60999, 61000, 65535);
  return points;
}

function uniqueSorted<T extends number | bigint>(values: T[]): T[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The boundary values that lie inside the given intervals, plus each interval's ends. */
function clampToIntervals(points: bigint[], intervals: [bigint, bigint][]): bigint[] {
  const out: bigint[] = [];
  for (const [lo, hi] of intervals) out.push(lo, hi);
  for (const p of points) if (inIntervals(intervals, p)) out.push(p);
  return uniqueSorted(out);
}

export interface BoundarySample {
  conns: Conn[];
  /** True when every combination of boundary values was taken (no random thinning). */
  complete: boolean;
}

/**
 * Concrete connections of the flow at every rule boundary: each rule's CIDR first/last address
 * and the addresses just outside, each port range's ends and the ports just outside (only those
 * the flow covers). When the combinations exceed `max`, a random subset (from `random`) is taken.
 */
export function boundaryConnections(model: NaiveModel, flow: NaiveFlow, max: number, random: () => number): BoundarySample {
  const addrPoints = addressBoundaries(model, flow.family);
  const srcAddrs = clampToIntervals(addrPoints, endIntervals(model, flow, flow.src));
  const dstAddrs = clampToIntervals(addrPoints, endIntervals(model, flow, flow.dst));
  const portPoints = portBoundaries(model);
  const [k0, k1] = flowKeyRange(flow);
  const [s0, s1] = flowSrcPortRange(model, flow);
  const keys = uniqueSorted([k0, k1, ...portPoints.filter((p) => k0 <= p && p <= k1)]);
  const srcPorts = uniqueSorted([s0, s1, ...portPoints.filter((p) => s0 <= p && p <= s1)]);
  const total = srcAddrs.length * dstAddrs.length * keys.length * srcPorts.length;
  const make = (i: number): Conn => {
    let rest = i;
    const sp = srcPorts[rest % srcPorts.length]; rest = Math.floor(rest / srcPorts.length);
    const key = keys[rest % keys.length]; rest = Math.floor(rest / keys.length);
    const dstIp = dstAddrs[rest % dstAddrs.length]; rest = Math.floor(rest / dstAddrs.length);
    const srcIp = srcAddrs[rest];
    return { protocol: flow.protocol, family: flow.family, srcIp, dstIp, srcPort: sp, key };
  };
  const conns: Conn[] = [];
  if (total <= max) {
    for (let i = 0; i < total; i++) conns.push(make(i));
    return { conns, complete: true };
  }
  for (let n = 0; n < max; n++) conns.push(make(Math.floor(random() * total)));
  return { conns, complete: false };
}
