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
// Verdict: allow when every covered connection is admitted, deny when none is, partial otherwise.
import type {
  Cidr, Family, FlowDecl, IcmpSpec, NaclRule, Peer, PortRange, Range, SgRule,
} from '../../server/src/syntax/ast';
import { parseCidr } from '../../server/src/syntax/cidr';
import { parse } from '../../server/src/syntax/parser';

export type NaiveVerdict = 'allow' | 'deny' | 'partial';

/** One concrete connection. `key` is the destination port, or for ICMP type * 256 + code. */
export interface Conn {
  protocol: number;
  family: Family;
  srcIp: bigint;
  dstIp: bigint;
  /** The source port; 0 for ICMP, which has none. */
  srcPort: number;
  key: number;
}

interface NInstance {
  name: string;
  subnet: string;
  ips: bigint[];
  ip6s: bigint[];
  /** The groups as listed, or [`default`] when the instance lists none. */
  groups: string[];
  os: 'linux' | 'windows';
  ephemeral?: PortRange;
}

interface NSubnet {
  name: string;
  v4?: Cidr;
  v6?: Cidr;
  acl?: string; // undefined: the default NACL (allows everything)
}

/** An address that AWS does not filter traffic to (from an instance). */
interface AmazonAddress {
  family: Family;
  address: bigint;
  what: string;
  /** Set for a subnet's router (its IPv4 base + 1): unfiltered only from that subnet's instances. */
  routerOf?: string;
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
  amazonAddresses: AmazonAddress[];
  flows: NaiveFlow[];
}

const MAX_ADDR: Record<Family, bigint> = { 4: (1n << 32n) - 1n, 6: (1n << 128n) - 1n };
const LINUX_EPHEMERAL: [number, number] = [32768, 60999];
const WINDOWS_EPHEMERAL: [number, number] = [49152, 65535];
/** Source ports of a host of a subnet or an external client. */
const CLIENT_PORTS: [number, number] = [1024, 65535];
const DEFAULT_GROUP = 'default';

/** AWS's default security group, read by the project's parser like any group. */
const AWS_DEFAULT_GROUP_TEXT = `security-group ${DEFAULT_GROUP} {
  inbound all from sg ${DEFAULT_GROUP}
  outbound all to 0.0.0.0/0
  outbound all to ::/0
}
`;

const AMAZON_SERVICES: [string, string][] = [
  ['169.254.169.253', 'Amazon DNS'],
  ['169.254.169.254', 'instance metadata service'],
  ['169.254.169.123', 'Amazon Time Sync Service'],
  ['169.254.170.2', 'ECS task metadata'],
  ['169.254.169.250', 'Windows license activation'],
  ['169.254.169.251', 'Windows license activation'],
  ['fd00:ec2::253', 'Amazon DNS'],
  ['fd00:ec2::254', 'instance metadata service'],
  ['fd00:ec2::123', 'Amazon Time Sync Service'],
];

const NOWHERE: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

function addressOf(text: string): { family: Family; address: bigint } {
  const parsed = parseCidr(text, NOWHERE);
  if (!parsed.ok) throw new Error(`bad built-in address ${text}`);
  return { family: parsed.cidr.family, address: parsed.cidr.address };
}

// ---------------------------------------------------------------------------------------------
// Reading the model.

/** Reads the syntax tree into plain tables. Assumes a valid model (the generator's job). */
export function buildNaiveModel(text: string): NaiveModel {
  const { file } = parse(text);
  const model: NaiveModel = {
    vpcBlocks: [], subnets: new Map(), instances: new Map(), groups: new Map(), acls: new Map(), prefixLists: new Map(),
    amazonAddresses: [], flows: [],
  };
  let sawVpc = false;
  for (const decl of file.declarations) {
    switch (decl.kind) {
      case 'vpc':
        if (!sawVpc) model.vpcBlocks = decl.cidrs;
        sawVpc = true;
        break;
      case 'subnet':
        if (decl.name) {
          model.subnets.set(decl.name.text, {
            name: decl.name.text, v4: decl.cidrs.find((c) => c.family === 4), v6: decl.cidrs.find((c) => c.family === 6), acl: decl.acl?.text,
          });
        }
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
            ips: decl.ips.map((c) => c.address),
            ip6s: decl.ip6s.map((c) => c.address),
            groups: decl.groups.length > 0 ? decl.groups.map((g) => g.text) : [DEFAULT_GROUP],
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
  if (!model.groups.has(DEFAULT_GROUP)) model.groups.set(DEFAULT_GROUP, awsDefaultGroupRules());
  model.amazonAddresses = amazonAddresses(model);
  return model;
}

function awsDefaultGroupRules(): SgRule[] {
  const decl = parse(AWS_DEFAULT_GROUP_TEXT).file.declarations[0];
  if (decl?.kind !== 'security-group' || decl.rules.length !== 3) throw new Error('the default group did not parse');
  return decl.rules;
}

function amazonAddresses(model: NaiveModel): AmazonAddress[] {
  const out: AmazonAddress[] = AMAZON_SERVICES.map(([text, what]) => ({ ...addressOf(text), what }));
  const firstV4 = model.vpcBlocks.find((c) => c.family === 4);
  if (firstV4) out.push({ family: 4, address: firstV4.first + 2n, what: 'Amazon DNS (VPC base + 2)' });
  for (const subnet of model.subnets.values()) {
    if (subnet.v4) out.push({ family: 4, address: subnet.v4.first + 1n, what: `the router of subnet ${subnet.name}`, routerOf: subnet.name });
  }
  return out;
}

function naiveFlow(decl: FlowDecl): NaiveFlow | undefined {
  if (!decl.name || !decl.src || !decl.dst || !decl.protocol || !decl.expect) return undefined;
  const end = (e: NonNullable<FlowDecl['src']>): NEnd =>
    e.kind === 'instance' ? { kind: 'instance', name: e.name.text } : e.kind === 'cidr' ? { kind: 'cidr', cidr: e.cidr } : { kind: 'internet' };
  const src = end(decl.src);
  const dst = end(decl.dst);
  const hasV6End = [src, dst].some((e) => e.kind === 'cidr' && e.cidr.family === 6);
  const family: Family = decl.ipv6 || decl.protocol.number === 58 || hasV6End ? 6 : 4;
  return {
    name: decl.name.text, line: decl.range.start.line, src, dst, protocol: decl.protocol.number, family,
    ports: decl.ports, icmp: decl.icmp, fromPorts: decl.fromPorts, oneway: decl.oneway !== undefined, expect: decl.expect.value,
  };
}

// ---------------------------------------------------------------------------------------------
// Who an address is.

export type AddressClass =
  | { kind: 'instance'; instance: NInstance }
  | { kind: 'host'; subnet: NSubnet }
  | { kind: 'external' };

function addressesOf(instance: NInstance, family: Family): bigint[] {
  return family === 4 ? instance.ips : instance.ip6s;
}

function subnetBlock(subnet: NSubnet, family: Family): Cidr | undefined {
  return family === 4 ? subnet.v4 : subnet.v6;
}

/** In this order: a declared instance's address, an address of a declared subnet, external. */
export function classify(model: NaiveModel, family: Family, address: bigint): AddressClass {
  for (const instance of model.instances.values()) {
    if (addressesOf(instance, family).includes(address)) return { kind: 'instance', instance };
  }
  for (const subnet of model.subnets.values()) {
    const block = subnetBlock(subnet, family);
    if (block && block.first <= address && address <= block.last) return { kind: 'host', subnet };
  }
  return { kind: 'external' };
}

/** The subnet an address sits in (an instance's or a host's), undefined outside every subnet. */
function subnetOf(cls: AddressClass): string | undefined {
  return cls.kind === 'instance' ? cls.instance.subnet : cls.kind === 'host' ? cls.subnet.name : undefined;
}

function sameInstance(a: AddressClass, b: AddressClass): boolean {
  return a.kind === 'instance' && b.kind === 'instance' && a.instance === b.instance;
}

/** Why AWS does not filter a packet from this source to this address, if it does not. */
function unfilteredBecause(model: NaiveModel, source: AddressClass, family: Family, dstIp: bigint): string | undefined {
  if (source.kind !== 'instance') return undefined;
  for (const amazon of model.amazonAddresses) {
    if (amazon.family !== family || amazon.address !== dstIp) continue;
    if (amazon.routerOf === undefined || amazon.routerOf === source.instance.subnet) return amazon.what;
  }
  return undefined;
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

function isMember(instance: NInstance, group: string): boolean {
  return instance.groups.includes(group);
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
        if (isMember(instance, peer.name.text) && addressesOf(instance, family).includes(address)) return true;
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

/** The addresses a CIDR or `internet` end never contains (a single-address end may name them). */
function amazonPoints(model: NaiveModel, family: Family): bigint[] {
  return model.amazonAddresses.filter((a) => a.family === family).map((a) => a.address);
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

export interface HopResult {
  hop: string;
  allow: boolean;
}

/** The reply's key: the client's port for TCP/UDP, a fixed ICMP key, or none. */
function replyKey(flow: NaiveFlow, conn: Conn): number | undefined {
  if (flow.oneway) return undefined;
  if (isPortProtocol(flow.protocol)) return conn.srcPort;
  if (flow.protocol === 1 && flow.icmp?.type === 8) return 0 * 256 + 0;
  if (flow.protocol === 58 && flow.icmp?.type === 128) return 129 * 256 + 0;
  return undefined;
}

/** Walks the hops of the spec for one connection; stops at the first that drops it. */
export function traceConnection(model: NaiveModel, flow: NaiveFlow, conn: Conn): HopResult[] {
  const src = classify(model, flow.family, conn.srcIp);
  const dst = classify(model, flow.family, conn.dstIp);
  const unfiltered = unfilteredBecause(model, src, flow.family, conn.dstIp);
  if (unfiltered) return [{ hop: `not filtered by AWS: ${unfiltered}`, allow: true }];
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
  const key = replyKey(flow, conn);
  if (key === undefined) return steps;
  // The reply: dst:dstPort -> src:srcPort. Its destination is the client.
  const reply = (remote: bigint): Packet => ({ protocol: flow.protocol, family: flow.family, remote, key });
  // 5. destination subnet's NACL, outbound (remote = the reply's destination = the client)
  if (dstNacl && !step('5 nacl out (reply)', naclAdmits(model, dstNacl, 'outbound', reply(conn.srcIp)))) return steps;
  // 6. source subnet's NACL, inbound (remote = the reply's source = the server)
  if (srcNacl && !step('6 nacl in (reply)', naclAdmits(model, srcNacl, 'inbound', reply(conn.dstIp)))) return steps;
  return steps;
}

/** Whether every hop the connection crosses allows it. */
export function admits(model: NaiveModel, flow: NaiveFlow, conn: Conn): boolean {
  return traceConnection(model, flow, conn).every((s) => s.allow);
}

export interface Decision {
  /** Whether the flow covers the connection; the rest means nothing when it does not. */
  covered: boolean;
  admitted: boolean;
  trace: HopResult[];
}

/** One concrete connection: is it the flow's, and is it admitted (with the hops it crossed). */
export function decideConnection(model: NaiveModel, flow: NaiveFlow, conn: Conn): Decision {
  if (!flowCovers(model, flow, conn)) return { covered: false, admitted: false, trace: [] };
  const trace = traceConnection(model, flow, conn);
  return { covered: true, admitted: trace.every((s) => s.allow), trace };
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
  if (total === 0) throw new Error(`flow ${flow.name} covers no connection`);
  return { verdict: verdictOf(admitted, total), total, admitted, someAdmitted, someDropped };
}

// ---------------------------------------------------------------------------------------------
// Connections at every boundary, for flows too large to enumerate.
//
// Every hop, and every choice of who an address is, depends on an address only through its
// membership in CIDRs and blocks and its equality with single addresses; likewise for ports and
// ranges. Taking, for each of these, the values where membership changes (first and last+1) and
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
  let admitted = 0;
  for (const conn of sample.conns) if (admits(model, flow, conn)) admitted++;
  if (sample.conns.length === 0) throw new Error(`flow ${flow.name} covers no connection`);
  return verdictOf(admitted, sample.conns.length);
}
