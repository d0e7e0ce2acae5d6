// A fast-check arbitrary of small VALID .vpcrules models, for the property tests.
//
// The model is built by a plain function from a fixed-length sequence of random numbers (a
// "choice sequence"): every decision takes the next number modulo its number of options. When
// fast-check shrinks a failing case it shrinks those numbers toward 0, and 0 always means the
// first, simplest option (no optional feature, fewest items), so counterexamples shrink toward
// small models while staying valid.
//
// What the models hold: instances with one to three IPv4 and IPv6 addresses, several per subnet,
// some without groups (in the default group, sometimes declared); flows between instances (of one
// subnet or two), and between an instance and an address end: outside the VPC, a CIDR of a subnet
// (instances and hosts), a single address of an instance or of a host, an address in no subnet,
// an Amazon-provided address (metadata, the VPC's base + 2, a subnet's router); ICMP echo with and
// without a code, icmpv6 flows with and without `ipv6`. Rules are partly random near the flows
// and partly written to admit a flow (wholly or in part), so that every verdict is common.
//
// A fraction of the models declare routing (../shared/spec/paths.md): an internet gateway, an
// egress-only gateway when IPv6, NAT gateways (mostly in "public" subnets), instances with a
// `public-ip`, a public route table, a private one per NAT gateway, sometimes an isolated one, one
// of them sometimes `main`, sometimes an edge table; routes to igw, eigw, nat (NAT64 too),
// blackhole and unmodelled near the flows' ends, and now and then a middlebox route (a subnet's
// CIDR to a NAT gateway or to an unmodelled appliance) or one that replaces `local`. Another
// fraction declares gateways and public addresses but no route table, which changes nothing.
// Flows then often cross the VPC's edge, and sometimes name a public address.
//
// Some routed models put AWS Network Firewall endpoints on the way (paths.md, Network Firewall),
// each in a small subnet of its own: ingress and egress inspection (protected subnets whose
// table sends the internet to the endpoint, the endpoint's subnet sending it to the internet
// gateway, and the internet gateway's edge table sending the protected subnets back through the
// endpoint), and east-west inspection between two subnets (each sending the other's CIDR to the
// endpoint); now and then a route is missing, which makes the reply asymmetric. Their policies
// take either stateful order; stateless rules (pass, drop, forward) and stateful Suricata rules
// (every action, `->` and `<>`, lists, negations, variables, `flow` options, and now and then an
// application protocol or an option the model does not have) are drawn near the flows' addresses
// and ports, some written to pass a flow.
//
// Two flavours:
// - small (default): every flow is small enough to enumerate exhaustively (address ends /28-/32
//   or /124-/128, at most 8 destination ports, at most 8 source ports, one ICMP type);
// - large: flows with `internet` ends, wide CIDRs, wide port ranges, default ephemeral ranges,
//   `icmp all`, where only boundary sampling is possible.
// Either may be drawn with `firewall`: every model routed and with firewall endpoints.
import * as fc from 'fast-check';

export interface ModelOptions {
  large?: boolean;
  /**
   * Always routed, always with firewall endpoints, flows mostly through them, and filters that
   * mostly let the flows reach them: models where the firewall decides.
   */
  firewall?: boolean;
}

export interface GeneratedModel {
  text: string;
  hasV6: boolean;
  flowCount: number;
}

const CHOICES = 2600;

class Chooser {
  private index = 0;
  constructor(private readonly choices: readonly number[]) {}
  /** An integer in [min, max]; a shrunk choice (0) gives min. */
  int(min: number, max: number): number {
    const raw = this.choices[this.index++] ?? 0;
    return min + (raw % (max - min + 1));
  }
  /** True with probability p; a shrunk choice gives false. */
  chance(p: number): boolean {
    return this.int(0, 999) >= 1000 - Math.round(p * 1000);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }
  /** Picks by weight; a shrunk choice gives the first item. */
  weighted<T>(items: readonly [number, T][]): T {
    const total = items.reduce((sum, [w]) => sum + w, 0);
    let r = this.int(0, total - 1);
    for (const [w, item] of items) {
      if (r < w) return item;
      r -= w;
    }
    return items[items.length - 1][1];
  }
}

// ---------------------------------------------------------------------------------------------
// Addresses

type Fam = 4 | 6;
const BITS: Record<Fam, number> = { 4: 32, 6: 128 };
const MAX: Record<Fam, bigint> = { 4: (1n << 32n) - 1n, 6: (1n << 128n) - 1n };

export function formatV4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
}

export function formatV6(value: bigint, compress = true): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  if (!compress) return groups.map((g) => g.toString(16)).join(':');
  // RFC 5952: the longest run (>= 2) of zero groups becomes '::'.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

function formatAddr(value: bigint, family: Fam): string {
  return family === 4 ? formatV4(value) : formatV6(value);
}

interface Block {
  family: Fam;
  first: bigint;
  prefix: number;
}

function blockLast(block: Block): bigint {
  return block.first + (1n << BigInt(BITS[block.family] - block.prefix)) - 1n;
}

function blockSize(block: Block): bigint {
  return blockLast(block) - block.first + 1n;
}

function blockOf(address: bigint, prefix: number, family: Fam): Block {
  const size = 1n << BigInt(BITS[family] - prefix);
  const clamped = address < 0n ? 0n : address > MAX[family] ? MAX[family] : address;
  return { family, first: clamped - (clamped % size), prefix };
}

function single(address: bigint, family: Fam): Block {
  return { family, first: address, prefix: BITS[family] };
}

function blockHas(block: Block, address: bigint): boolean {
  return block.first <= address && address <= blockLast(block);
}

function blockText(block: Block): string {
  return `${formatAddr(block.first, block.family)}/${block.prefix}`;
}

const V4_SERVICES = [0xa9fea9fen /* 169.254.169.254 */, 0xa9fea97bn /* .123 */, 0xa9fea9fdn /* .253 */, 0xa9feaa02n /* 169.254.170.2 */, 0xa9fea9fan /* .250 */, 0xa9fea9fbn /* .251 */];
const V6_SERVICE_BASE = (0xfd00n << 112n) | (0xec2n << 96n); // fd00:ec2::
const V6_SERVICES = [V6_SERVICE_BASE + 0x254n, V6_SERVICE_BASE + 0x253n, V6_SERVICE_BASE + 0x123n];
/** 64:ff9b::/96, where AWS's NAT64 routes go. */
const NAT64_PREFIX: Block = { family: 6, first: (0x64n << 112n) | (0xff9bn << 96n), prefix: 96 };

// ---------------------------------------------------------------------------------------------
// The model's parts

interface Subnet {
  name: string;
  v4: Block;
  v6?: Block;
  acl?: string;
  /** `routes TABLE` */
  routes?: string;
  /** Its table sends the internet to the internet gateway (or is meant to). */
  isPublic: boolean;
  used4: Set<number>;
  used6: Set<number>;
}

interface Instance {
  name: string;
  subnet: Subnet;
  ips: bigint[];
  ip6s: bigint[];
  /** As listed; empty: the default group. */
  groups: string[];
  os?: 'linux' | 'windows';
  ephemeral?: [number, number];
  publicIp?: bigint;
}

interface NatGateway {
  name: string;
  subnet: Subnet;
  ip: bigint;
  publicIp: bigint;
}

interface RouteTable {
  name: string;
  main: boolean;
  /** The internet gateway's ingress table. */
  edge: boolean;
  routes: { dest: Block; target: string }[];
}

/** An AWS Network Firewall endpoint and how routes send packets through it. */
interface Firewall {
  name: string;
  subnet: Subnet;
  policy: string;
  /** Ingress and egress inspection of these subnets (their internet traffic through the endpoint). */
  protects: Subnet[];
  /** East-west inspection between these two subnets. */
  between?: [Subnet, Subnet];
  /** Inspection of the private subnets' traffic to this NAT gateway (and of its replies). */
  natInspect?: NatGateway;
}

/** What the model declares of paths.md; `tables` empty: routing is not modelled. */
interface Routing {
  igw?: string;
  eigw?: string;
  nats: NatGateway[];
  tables: RouteTable[];
  firewalls: Firewall[];
}

type End =
  | { kind: 'instance'; instance: Instance }
  /** An address or CIDR; `names` when it is a single address of an instance. */
  | { kind: 'cidr'; block: Block; bare: boolean; names?: Instance }
  | { kind: 'internet' };

interface Flow {
  name: string;
  src: End;
  dst: End;
  family: Fam;
  protocol: 'tcp' | 'udp' | 'icmp' | 'icmpv6';
  ports?: [number, number];
  icmp?: string;
  fromPorts?: [number, number];
  ipv6Keyword: boolean;
  oneway: boolean;
  expect: 'allow' | 'deny';
}

const DST_PORT_BASES = [80, 443, 22, 53, 3306, 8080, 0, 65530];
const SRC_PORT_BASES = [32768, 1024, 49152, 60995, 40000, 65530, 1020, 49148, 32764];
const REPLY_PORTS: [number, [number, number]][] = [[4, [1024, 65535]], [2, [32768, 65535]], [2, [32768, 60999]], [1, [49152, 65535]], [1, [0, 65535]]];
const DEFAULT_GROUP = 'default';

function portsText([from, to]: [number, number]): string {
  if (from === 0 && to === 65535) return 'all';
  return from === to ? `${from}` : `${from}-${to}`;
}

function addressesOf(instance: Instance, family: Fam): bigint[] {
  return family === 4 ? instance.ips : instance.ip6s;
}

function world(family: Fam): string {
  return family === 4 ? '0.0.0.0/0' : '::/0';
}

/** The instance an end names: an instance end, or a single address of an instance. */
function namedInstance(end: End): Instance | undefined {
  return end.kind === 'instance' ? end.instance : end.kind === 'cidr' ? end.names : undefined;
}

class Builder {
  private readonly subnets: Subnet[] = [];
  private readonly instances: Instance[] = [];
  private readonly flows: Flow[] = [];
  private readonly sgNames: string[] = [];
  private readonly plNames: string[] = [];
  private readonly aclNames: string[] = [];
  private vpc4!: Block;
  private vpc6?: Block;
  /** The address ends of the flows, which random rules cut near. */
  private readonly anchors: Block[] = [];
  private declaresDefaultGroup = false;
  private readonly routing: Routing = { nats: [], tables: [], firewalls: [] };
  /** The /24 slots of the VPC's IPv4 block and the /64 slots of its IPv6 block that subnets use. */
  private readonly slots4 = new Set<number>();
  private readonly slots6 = new Set<number>();
  /** The firewall policies, each with the stateless and stateful groups it names. */
  private readonly policies: { name: string; stateless: string[]; stateful: string[] }[] = [];
  private nextSid = 100;
  /** Whether the model declares route tables (decided before the flows, made after them). */
  private routed = false;

  constructor(private readonly c: Chooser, private readonly large: boolean, private readonly firewalled = false) {}

  /** The chance that a rule is written for a flow: higher when the firewall should decide. */
  private get forFlow(): number {
    return this.firewalled ? 0.9 : 0.7;
  }

  build(): GeneratedModel {
    const c = this.c;
    this.makeVpc();
    this.makeSubnets();
    // Security groups, network ACLs, prefix lists: names first, rules later (they refer to flows).
    const sgCount = c.int(1, 4);
    for (let i = 0; i < sgCount; i++) this.sgNames.push(`sg${i}`);
    const aclCount = c.int(1, 3);
    for (let i = 0; i < aclCount; i++) this.aclNames.push(`acl${i}`);
    for (const subnet of this.subnets) if (c.chance(0.55)) subnet.acl = c.pick(this.aclNames);
    const plCount = c.weighted([[3, 0], [2, 1], [1, 2]]);
    for (let i = 0; i < plCount; i++) this.plNames.push(`pl${i}`);
    const instanceCount = c.int(2, 5);
    for (let i = 0; i < instanceCount; i++) this.instances.push(this.makeInstance(i));
    this.declaresDefaultGroup = this.defaultMembers().length > 0 && c.chance(0.35);
    this.makeGateways();
    if (this.routed) this.makeFirewalls();
    const flowCount = c.int(1, 6);
    for (let i = 0; i < flowCount; i++) this.flows.push(this.makeFlow(i));
    if (this.routed) this.makeRouteTables();
    return { text: this.render(), hasV6: this.vpc6 !== undefined, flowCount: this.flows.length };
  }

  private makeVpc(): void {
    const c = this.c;
    const second = c.int(0, 255);
    this.vpc4 = c.weighted<Block>([
      [6, { family: 4, first: (10n << 24n) | (BigInt(second) << 16n), prefix: 16 }],
      [2, { family: 4, first: (172n << 24n) | (BigInt(16 + (second % 16)) << 16n), prefix: 20 }],
      [2, { family: 4, first: (192n << 24n) | (168n << 16n), prefix: 16 }],
    ]);
    if (c.chance(this.firewalled ? 0.7 : 0.5)) {
      const base = (0x2600n << 112n) | (0x1f18n << 96n) | (BigInt(c.int(0, 0xffff)) << 80n) | (BigInt(c.int(0, 255)) << 72n);
      this.vpc6 = { family: 6, first: base, prefix: 56 };
    }
  }

  /** Distinct slots of the VPC block, each a /24 (or smaller) at a different /24. */
  private makeSubnets(): void {
    const c = this.c;
    const subnetCount = c.int(2, 4);
    const slots = [0, 1, 2, 3, 4, 8, 15, 10, 12, 5];
    const used = this.slots4;
    const v6Slots = this.slots6;
    for (let i = 0; i < subnetCount; i++) {
      let slot = c.pick(slots);
      while (used.has(slot)) slot = (slot + 1) % 16;
      used.add(slot);
      const prefix = c.weighted([[6, 24], [2, 25], [2, 26], [1, 28]]);
      const first = this.vpc4.first + (BigInt(slot) << 8n) + (c.chance(0.2) && prefix > 24 ? 128n : 0n);
      const subnet: Subnet = { name: `sub${i}`, v4: blockOf(first, prefix, 4), isPublic: false, used4: new Set(), used6: new Set() };
      if (this.vpc6 && c.chance(0.75)) {
        let s6 = c.int(0, 255);
        while (v6Slots.has(s6)) s6 = (s6 + 1) % 256;
        v6Slots.add(s6);
        subnet.v6 = { family: 6, first: this.vpc6.first + (BigInt(s6) << 64n), prefix: 64 };
      }
      this.subnets.push(subnet);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Instances

  /** The highest host offset instances use in a subnet (never the last address, reserved). */
  private maxOffset(subnet: Subnet, family: Fam): number {
    if (family === 6) return 14;
    return Math.min(Number(blockSize(subnet.v4)) - 2, 14);
  }

  private hasRoom(subnet: Subnet, family: Fam = 4): boolean {
    return (family === 4 ? subnet.used4 : subnet.used6).size < this.maxOffset(subnet, family) - 3;
  }

  private makeInstance(i: number): Instance {
    const c = this.c;
    // Often the subnet of the previous instance: several instances per subnet.
    const previous = this.instances[this.instances.length - 1];
    let subnet = previous && c.chance(0.4) ? previous.subnet : c.pick(this.subnets);
    if (!this.hasRoom(subnet)) subnet = this.subnets.find((s) => this.hasRoom(s))!;
    const instance: Instance = { name: `vm${i}`, subnet, ips: [], ip6s: [], groups: [] };
    const ipCount = c.weighted([[6, 1], [3, 2], [1, 3]]);
    for (let n = 0; n < ipCount && this.hasRoom(subnet); n++) {
      instance.ips.push(subnet.v4.first + BigInt(this.freeOffset(subnet.used4, this.maxOffset(subnet, 4))));
    }
    if (subnet.v6 && c.chance(0.8)) {
      const ip6Count = c.weighted([[5, 1], [3, 2], [2, 3]]);
      for (let n = 0; n < ip6Count && this.hasRoom(subnet, 6); n++) instance.ip6s.push(subnet.v6.first + BigInt(this.freeOffset(subnet.used6, this.maxOffset(subnet, 6))));
    }
    const groupCount = c.weighted([[2, 0], [6, 1], [3, 2]]);
    for (let g = 0; g < groupCount; g++) {
      const name = c.weighted([[8, c.pick(this.sgNames)], [1, DEFAULT_GROUP]]);
      if (!instance.groups.includes(name)) instance.groups.push(name);
    }
    if (c.chance(0.2)) instance.os = c.chance(0.7) ? 'windows' : 'linux';
    if (c.chance(this.large ? 0.2 : 0.35)) {
      const base = c.pick(SRC_PORT_BASES) + c.int(-3, 3);
      const from = Math.max(0, Math.min(65535, base));
      instance.ephemeral = [from, Math.min(65535, from + c.int(0, 7))];
    }
    return instance;
  }

  /** A free host offset in [4, max] (never the four first addresses; max is below the last). */
  private freeOffset(used: Set<number>, max: number): number {
    let offset = this.c.int(4, Math.max(4, max));
    while (used.has(offset)) offset = offset >= max ? 4 : offset + 1;
    used.add(offset);
    return offset;
  }

  private inGroup(instance: Instance, group: string): boolean {
    return instance.groups.includes(group) || (group === DEFAULT_GROUP && instance.groups.length === 0);
  }

  private defaultMembers(): Instance[] {
    return this.instances.filter((inst) => this.inGroup(inst, DEFAULT_GROUP));
  }

  /** The groups whose rules are written: the named ones, and `default` when the file declares it. */
  private declaredGroups(): string[] {
    return this.declaresDefaultGroup ? [...this.sgNames, DEFAULT_GROUP] : this.sgNames;
  }

  // -------------------------------------------------------------------------------------------
  // Amazon-provided addresses, which a CIDR or `internet` end never contains.

  private vpcDns(): bigint {
    return this.vpc4.first + 2n;
  }

  private isAmazonAddress(address: bigint, family: Fam): boolean {
    if (family === 6) return V6_SERVICES.includes(address);
    return V4_SERVICES.includes(address) || address === this.vpcDns() || this.subnets.some((s) => s.v4.first + 1n === address);
  }

  private instanceAt(address: bigint, family: Fam): Instance | undefined {
    return this.instances.find((inst) => addressesOf(inst, family).includes(address));
  }

  /**
   * Whether the end holds an address the flow can reach from (or to) the other end's instance:
   * not removed from the end, not an address of that same instance. Ends too large to list have one.
   */
  private holdsAnotherParty(end: End, other: Instance | undefined, family: Fam): boolean {
    if (end.kind === 'internet') return true;
    if (end.kind === 'instance') return end.instance !== other;
    if (blockSize(end.block) > 64n) return true;
    const isSingle = end.block.prefix === BITS[family];
    for (let a = end.block.first; a <= blockLast(end.block); a++) {
      if (!isSingle && this.isAmazonAddress(a, family)) continue;
      if (other && addressesOf(other, family).includes(a)) continue;
      return true;
    }
    return false;
  }

  // -------------------------------------------------------------------------------------------
  // Flow ends

  private cidrEnd(block: Block): End {
    const isSingle = block.prefix === BITS[block.family];
    this.anchors.push(block);
    return { kind: 'cidr', block, bare: isSingle && this.c.chance(0.5), names: isSingle ? this.instanceAt(block.first, block.family) : undefined };
  }

  private instances6(): Instance[] {
    return this.instances.filter((inst) => inst.ip6s.length > 0);
  }

  private pool(family: Fam): Instance[] {
    return family === 4 ? this.instances : this.instances6();
  }

  private endPrefix(family: Fam): number {
    const c = this.c;
    if (family === 4) return this.large ? c.weighted([[3, 28], [2, 32], [2, 24], [1, 16], [1, 8], [1, 30]]) : c.weighted([[2, 28], [1, 29], [1, 30], [1, 31], [2, 32]]);
    return this.large ? c.weighted([[3, 124], [2, 128], [2, 120], [1, 64], [1, 48]]) : c.weighted([[2, 124], [1, 125], [1, 126], [1, 127], [2, 128]]);
  }

  /** Mostly a block holding several instances and hosts of the subnet. */
  private subnetEndPrefix(family: Fam): number {
    if (this.large) return this.endPrefix(family);
    return BITS[family] - this.c.weighted([[4, 4], [2, 3], [1, 2]]);
  }

  /** An address or CIDR end; `asDestinationOf` allows Amazon-provided addresses (from an instance). */
  private addressEnd(family: Fam, asDestinationOf?: Instance): End {
    const c = this.c;
    // With routing, mostly outside the VPC: through the gateways.
    const outside = this.routed ? 3 : 1;
    const kind = c.weighted([
      [3 * outside, 'outside'], [3, 'subnet'], [2, 'instance'], [2, 'host'], [1, 'nowhere'],
      [asDestinationOf ? 2 : 0, 'amazon'], [asDestinationOf ? 0 : 1, 'amazon-source'],
      [family === 4 && this.publicAddresses.length > 0 ? 2 : 0, 'public'],
    ] as const);
    switch (kind) {
      case 'outside': return this.cidrEnd(blockOf(this.outsideAddress(family), this.endPrefix(family), family));
      case 'subnet': return this.cidrEnd(blockOf(this.subnetAddress(family), this.subnetEndPrefix(family), family));
      case 'instance': {
        const owners = this.pool(family);
        const owner = c.pick(owners);
        return this.cidrEnd(single(c.pick(addressesOf(owner, family)), family));
      }
      case 'host': return this.cidrEnd(single(this.hostAddress(family), family));
      case 'nowhere': {
        const base = family === 4 ? this.vpc4.first + 0xf000n : this.vpc6!.first + (200n << 64n);
        return this.cidrEnd(blockOf(base + BigInt(c.int(0, 40)), this.endPrefix(family), family));
      }
      case 'amazon': return this.cidrEnd(single(this.amazonAddress(family, asDestinationOf!), family));
      case 'amazon-source': return this.cidrEnd(single(family === 4 ? c.pick(V4_SERVICES) : c.pick(V6_SERVICES), family));
      // An instance's or a NAT gateway's public address: an external address like any other.
      case 'public': return this.cidrEnd(single(c.pick(this.publicAddresses), family));
    }
  }

  private outsideAddress(family: Fam): bigint {
    const c = this.c;
    if (family === 4) {
      return c.pick([0xc6336400n /* 198.51.100.0 */, 0xcb007140n /* 203.0.113.64 */, 0xc0000280n /* 192.0.2.128 */, 0x08080800n,
        this.vpc4.first + (1n << BigInt(32 - this.vpc4.prefix)), this.vpc4.first - 256n]);
    }
    const nat64 = this.routed && c.chance(0.15); // an IPv4 address as NAT64 spells it
    if (nat64) return NAT64_PREFIX.first + 0xc6336400n;
    return c.pick([(0x2001n << 112n) | (0xdb8n << 96n), this.vpc6!.first + (1n << 72n), this.vpc6!.first - (1n << 64n)]);
  }

  /** An address near the start of a subnet block: its instances and some of its hosts. */
  private subnetAddress(family: Fam): bigint {
    const c = this.c;
    const blocks = this.subnets.flatMap((s) => (family === 4 ? [s.v4] : s.v6 ? [s.v6] : []));
    const block = c.pick(blocks);
    return block.first + BigInt(c.pick([0, 4, 8, 16]));
  }

  /** An address of a subnet that no instance has. */
  private hostAddress(family: Fam): bigint {
    const c = this.c;
    const subnets = this.subnets.filter((s) => family === 4 || s.v6);
    const subnet = c.pick(subnets);
    const block = family === 4 ? subnet.v4 : subnet.v6!;
    const used = family === 4 ? subnet.used4 : subnet.used6;
    const free = [0, 2, 3, 15, 16, 17, 30].filter((o) => !used.has(o) && BigInt(o) < blockSize(block));
    return block.first + BigInt(c.pick(free));
  }

  private amazonAddress(family: Fam, source: Instance): bigint {
    const c = this.c;
    if (family === 6) return c.pick(V6_SERVICES);
    const otherSubnet = c.pick(this.subnets);
    return c.weighted([
      [3, 0xa9fea9fen], [1, c.pick(V4_SERVICES)], [2, this.vpcDns()], [2, source.subnet.v4.first + 1n], [1, otherSubnet.v4.first + 1n],
    ]);
  }

  // -------------------------------------------------------------------------------------------
  // Gateways, NAT gateways, public addresses and route tables (paths.md)

  /** Routing, or only gateways and public addresses (which then change nothing), or neither. */
  private makeGateways(): void {
    const c = this.c;
    const kind = this.firewalled ? 'routed' : c.weighted([[5, 'none'], [1, 'gateways-only'], [4, 'routed']] as const);
    if (kind === 'none') return;
    this.routed = kind === 'routed';
    const routing = this.routing;
    if (this.firewalled || c.chance(0.9)) routing.igw = 'igw';
    if (this.vpc6 && c.chance(0.75)) routing.eigw = 'eigw';
    for (const subnet of this.subnets) subnet.isPublic = c.chance(0.4);
    if (routing.igw && !this.subnets.some((s) => s.isPublic)) this.subnets[this.subnets.length - 1].isPublic = true;
    const natCount = c.weighted([[1, 0], [4, 1], [2, 2]]);
    for (let i = 0; i < natCount; i++) {
      const roomy = this.subnets.filter((s) => this.hasRoom(s));
      const publicOnes = roomy.filter((s) => s.isPublic);
      if (roomy.length === 0) break;
      const subnet = c.pick(publicOnes.length > 0 && c.chance(0.9) ? publicOnes : roomy);
      const ip = subnet.v4.first + BigInt(this.freeOffset(subnet.used4, this.maxOffset(subnet, 4)));
      routing.nats.push({ name: `nat${i}`, subnet, ip, publicIp: this.newPublicAddress() });
    }
    for (const inst of this.instances) if (c.chance(inst.subnet.isPublic ? 0.6 : 0.25)) inst.publicIp = this.newPublicAddress();
  }

  private readonly publicAddresses: bigint[] = [];

  /** A public IPv4 address no one has: mostly 52.0.0.x, sometimes inside the ranges flow ends use. */
  private newPublicAddress(): bigint {
    const c = this.c;
    let address: bigint;
    do {
      address = c.weighted([[3, 0x34000000n /* 52.0.0.0 */], [1, 0xcb007140n /* 203.0.113.64 */], [1, 0xc6336400n /* 198.51.100.0 */]]) + BigInt(c.int(1, 20));
    } while (this.publicAddresses.includes(address));
    this.publicAddresses.push(address);
    return address;
  }

  /** The tables, made once the flows exist so that their routes can cut near the flows' ends. */
  private makeRouteTables(): void {
    const c = this.c;
    const { igw, eigw, nats } = this.routing;
    const tables: RouteTable[] = [];
    const table = (name: string): RouteTable => {
      const t: RouteTable = { name, main: false, edge: false, routes: [] };
      tables.push(t);
      return t;
    };
    if (igw) {
      const publicTable = table('public-rt');
      if (c.chance(0.9)) this.addRoute(publicTable, blockOf(0n, 0, 4), `igw ${igw}`);
      if (this.vpc6 && c.chance(0.7)) this.addRoute(publicTable, blockOf(0n, 0, 6), `igw ${igw}`);
    }
    for (const nat of nats) {
      const privateTable = table(`private-${nat.name}`);
      if (c.chance(0.9)) this.addRoute(privateTable, blockOf(0n, 0, 4), `nat ${nat.name}`);
      if (!this.vpc6) continue;
      const v6 = c.weighted([[5, eigw ? `eigw ${eigw}` : ''], [1, igw ? `igw ${igw}` : ''], [1, 'nat64'], [1, '']]);
      if (v6 === 'nat64') this.addRoute(privateTable, NAT64_PREFIX, `nat ${nat.name}`);
      else if (v6) this.addRoute(privateTable, blockOf(0n, 0, 6), v6);
    }
    if (tables.length === 0 || c.chance(0.25)) table('isolated-rt');
    for (const t of tables) for (let i = 0, n = c.weighted([[3, 0], [3, 1], [1, 2]]); i < n; i++) this.addExtraRoute(t);
    if (c.chance(0.6)) c.pick(tables).main = true;
    this.assignTables(tables);
    const edgeRoutes = this.firewallRoutes(tables);
    if (igw && (edgeRoutes.length > 0 || c.chance(0.3))) tables.push(this.edgeTable(edgeRoutes));
    this.routing.tables = tables;
  }

  /** Adds the route unless the table has one with that destination already (an error). */
  private addRoute(table: RouteTable, dest: Block, target: string): void {
    if (table.routes.some((r) => r.dest.family === dest.family && r.dest.first === dest.first && r.dest.prefix === dest.prefix)) return;
    table.routes.push({ dest, target });
  }

  /** Whether a route to this block would be more specific than a VPC block's local route. */
  private insideVpc(block: Block): boolean {
    const vpc = block.family === 4 ? this.vpc4 : this.vpc6;
    return vpc !== undefined && blockHas(vpc, block.first) && block.prefix >= vpc.prefix;
  }

  /**
   * A route AWS takes: outside the VPC to any target of its family (near the flows' ends), now and
   * then a subnet's exact CIDR to a NAT gateway, a firewall endpoint or an appliance (middlebox
   * routing), rarely one that replaces a VPC block's local route with an endpoint or an appliance.
   */
  private addExtraRoute(table: RouteTable): void {
    const c = this.c;
    const { igw, eigw, nats } = this.routing;
    const family: Fam = this.vpc6 && c.chance(0.3) ? 6 : 4;
    const kind = c.weighted([[8, 'outside'], [2, 'middlebox'], [1, 'replace-local']] as const);
    const firewalls = this.routing.firewalls;
    const firewall = () => `firewall ${c.pick(firewalls).name}`;
    if (kind === 'replace-local') {
      const vpc = family === 4 ? this.vpc4 : this.vpc6!;
      this.addRoute(table, vpc, firewalls.length > 0 && c.chance(0.5) ? firewall() : 'unmodelled "inspection appliance"');
      return;
    }
    if (kind === 'middlebox') {
      const subnets = this.subnets.filter((s) => family === 4 || s.v6);
      if (subnets.length === 0) return;
      const subnet = c.pick(subnets);
      const target = c.weighted([[nats.length > 0 ? 3 : 0, () => `nat ${c.pick(nats).name}`], [firewalls.length > 0 ? 3 : 0, firewall], [2, () => 'unmodelled "appliance eni-1"']])();
      this.addRoute(table, family === 4 ? subnet.v4 : subnet.v6!, target);
      return;
    }
    const dest = this.outsideRouteBlock(family);
    if (this.insideVpc(dest)) return;
    const target = c.weighted([
      [2, 'blackhole'], [2, 'unmodelled "vpn-0a1"'], [igw ? 3 : 0, `igw ${igw}`],
      // Not in the public table, which NAT gateways' subnets use: that would be a loop.
      [family === 4 && nats.length > 0 && table.name !== 'public-rt' ? 3 : 0, `nat ${nats.length > 0 ? c.pick(nats).name : ''}`],
      [family === 6 && eigw ? 3 : 0, `eigw ${eigw}`],
    ]);
    this.addRoute(table, dest, target);
  }

  /** A block near the flows' ends outside the VPC (or near the outside addresses they use). */
  private outsideRouteBlock(family: Fam): Block {
    const c = this.c;
    const anchors = this.anchors.filter((a) => a.family === family && !this.insideVpc(a));
    const base = anchors.length > 0 && c.chance(0.7) ? c.pick(anchors).first + BigInt(c.weighted([[4, 0], [1, 4], [1, 8]])) : this.outsideAddress(family);
    const prefix = family === 4
      ? c.weighted([[3, 24], [3, 28], [2, 29], [2, 30], [1, 32], [1, 16], [1, 8]])
      : c.weighted([[3, 120], [3, 124], [2, 126], [1, 128], [1, 64], [1, 32]]);
    return blockOf(base, prefix, family);
  }

  /** Public subnets mostly use the public table, private ones a NAT gateway's; some use main or none. */
  private assignTables(tables: RouteTable[]): void {
    const c = this.c;
    const publicTable = tables.find((t) => t.name === 'public-rt');
    const privateTables = tables.filter((t) => t.name.startsWith('private-'));
    const natSubnets = new Set(this.routing.nats.map((nat) => nat.subnet));
    for (const subnet of this.subnets) {
      // A NAT gateway's subnet mostly sends the internet to the internet gateway (else: a loop).
      if ((subnet.isPublic || natSubnets.has(subnet)) && publicTable && c.chance(0.9)) subnet.routes = publicTable.name;
      else if (!subnet.isPublic && privateTables.length > 0 && c.chance(0.85)) subnet.routes = c.pick(privateTables).name;
      else if (c.chance(0.4)) subnet.routes = c.pick(tables).name;
    }
  }

  /** The internet gateway's ingress table: local routes for the VPC or a subnet, or an appliance. */
  private edgeTable(firewallRoutes: { dest: Block; target: string }[]): RouteTable {
    const c = this.c;
    const table: RouteTable = { name: 'edge-rt', main: false, edge: true, routes: [] };
    for (const route of firewallRoutes) this.addRoute(table, route.dest, route.target);
    if (c.chance(0.5)) this.addRoute(table, this.vpc4, 'local');
    if (this.vpc6 && c.chance(0.3)) this.addRoute(table, this.vpc6, 'local');
    for (let i = 0, n = c.int(0, 2); i < n; i++) {
      const subnet = c.pick(this.subnets);
      const block = subnet.v6 && c.chance(0.3) ? subnet.v6 : subnet.v4;
      this.addRoute(table, block, c.weighted([[2, 'local'], [1, 'unmodelled "appliance eni-2"']]));
    }
    return table;
  }

  // -------------------------------------------------------------------------------------------
  // AWS Network Firewall: endpoints, their routes, policies and rule groups

  /** Endpoints, each in a small subnet of its own, with what they inspect (decided before the flows). */
  private makeFirewalls(): void {
    const c = this.c;
    if (!this.firewalled && !c.chance(0.55)) return;
    const { igw, nats } = this.routing;
    const count = c.weighted([[4, 1], [1, 2]]);
    const protectedOnes = new Set<Subnet>();
    for (let i = 0; i < count; i++) {
      const others = this.subnets.filter((s) => !this.isFirewallSubnet(s));
      const subnet = this.firewallSubnet(i);
      if (!subnet) return;
      const layout = c.weighted([[igw ? 3 : 0, 'edge'], [2, 'east-west'], [igw ? 1 : 0, 'both'], [nats.length > 0 ? 1 : 0, 'nat']] as const);
      const firewall: Firewall = { name: `fw${i}`, subnet, policy: '', protects: [] };
      if (layout === 'nat') firewall.natInspect = c.pick(nats);
      if (layout === 'edge' || layout === 'both') {
        // Mostly subnets whose instances reach the internet: public ones and NAT gateways' subnets.
        const natSubnets = nats.map((nat) => nat.subnet);
        const free = others.filter((s) => !protectedOnes.has(s));
        const reaching = free.filter((s) => s.isPublic || natSubnets.includes(s));
        const pool = reaching.length > 0 && c.chance(0.85) ? reaching : free;
        // Often a NAT gateway's subnet: the endpoint then sees the gateway's address and ports.
        const natFree = natSubnets.filter((s) => free.includes(s));
        if (natFree.length > 0 && c.chance(0.5)) {
          const chosen = c.pick(natFree);
          firewall.protects.push(chosen);
          protectedOnes.add(chosen);
        }
        for (let n = 0, want = c.weighted([[3, 1], [1, 2]]); n < want && pool.length > 0; n++) {
          const chosen = c.pick(pool);
          if (!firewall.protects.includes(chosen)) firewall.protects.push(chosen);
          protectedOnes.add(chosen);
        }
      }
      if (layout === 'east-west' || layout === 'both') {
        const a = c.pick(others);
        firewall.between = [a, c.pick(others.filter((s) => s !== a))];
      }
      firewall.policy = this.policies.length > 0 && c.chance(0.3) ? c.pick(this.policies).name : this.newPolicy();
      this.routing.firewalls.push(firewall);
      // Instances behind an endpoint that inspects the internet mostly have a public address.
      if (this.firewalled) {
        for (const inst of this.instances) if (firewall.protects.includes(inst.subnet) && inst.publicIp === undefined && c.chance(0.8)) inst.publicIp = this.newPublicAddress();
      }
    }
  }

  private isFirewallSubnet(subnet: Subnet): boolean {
    return this.routing.firewalls.some((f) => f.subnet === subnet) || subnet.name.startsWith('fwsub');
  }

  /** A /28 at a /24 slot no subnet uses (and a /64 of its own now and then). */
  private firewallSubnet(i: number): Subnet | undefined {
    const c = this.c;
    const free = [6, 7, 9, 11, 13, 14].filter((slot) => !this.slots4.has(slot));
    if (free.length === 0) return undefined;
    const slot = c.pick(free);
    this.slots4.add(slot);
    const subnet: Subnet = {
      name: `fwsub${i}`, v4: { family: 4, first: this.vpc4.first + (BigInt(slot) << 8n), prefix: 28 }, isPublic: false, used4: new Set(), used6: new Set(),
    };
    if (this.vpc6 && c.chance(0.6)) {
      let s6 = c.int(0, 255);
      while (this.slots6.has(s6)) s6 = (s6 + 1) % 256;
      this.slots6.add(s6);
      subnet.v6 = { family: 6, first: this.vpc6.first + (BigInt(s6) << 64n), prefix: 64 };
    }
    if (c.chance(0.25)) subnet.acl = c.pick(this.aclNames);
    this.subnets.push(subnet);
    return subnet;
  }

  /** A policy and the names of its groups (their rules are written with the text, after the flows). */
  private newPolicy(): string {
    const c = this.c;
    const n = this.policies.length;
    const stateless: string[] = [];
    const stateful: string[] = [];
    for (let i = 0, k = c.weighted([[3, 0], [3, 1], [1, 2]]); i < k; i++) stateless.push(`pol${n}-sl${i}`);
    for (let i = 0, k = c.weighted([[1, 0], [4, 1], [2, 2]]); i < k; i++) stateful.push(`pol${n}-sf${i}`);
    this.policies.push({ name: `pol${n}`, stateless, stateful });
    return `pol${n}`;
  }

  /** The table a subnet uses: its own, else the main one, else a new one given to it. */
  private tableOf(subnet: Subnet, tables: RouteTable[]): RouteTable {
    const own = subnet.routes !== undefined ? tables.find((t) => t.name === subnet.routes) : tables.find((t) => t.main);
    if (own) return own;
    const table: RouteTable = { name: `${subnet.name}-rt`, main: false, edge: false, routes: [] };
    tables.push(table);
    subnet.routes = table.name;
    return table;
  }

  /**
   * The routes through the endpoints: the endpoint's subnet to the internet gateway, protected
   * subnets' internet to the endpoint, east-west subnets' CIDRs to it; now and then one missing.
   * Returns the edge table's routes (protected subnets back through their endpoint).
   */
  private firewallRoutes(tables: RouteTable[]): { dest: Block; target: string }[] {
    const c = this.c;
    const { igw } = this.routing;
    const edge: { dest: Block; target: string }[] = [];
    // Those in front of a NAT gateway last: another endpoint may give the NAT gateway's subnet its table.
    const firewalls = [...this.routing.firewalls.filter((f) => !f.natInspect), ...this.routing.firewalls.filter((f) => f.natInspect)];
    for (const firewall of firewalls) {
      const target = `firewall ${firewall.name}`;
      const own: RouteTable = { name: `${firewall.name}-rt`, main: false, edge: false, routes: [] };
      if (firewall.natInspect) this.natInspectRoutes(firewall, firewall.natInspect, own, tables);
      if (igw && c.chance(0.95)) this.addRoute(own, blockOf(0n, 0, 4), `igw ${igw}`);
      // IPv6 out through the egress-only gateway now and then: the replies come back by local routes, around the endpoint.
      const v6Out = c.weighted([[7, igw ? `igw ${igw}` : ''], [this.routing.eigw ? 1 : 0, `eigw ${this.routing.eigw}`], [2, '']]);
      if (this.vpc6 && v6Out) this.addRoute(own, blockOf(0n, 0, 6), v6Out);
      tables.push(own);
      firewall.subnet.routes = own.name;
      if (firewall.protects.length > 0) {
        const protectedTable: RouteTable = { name: `protected-${firewall.name}`, main: false, edge: false, routes: [] };
        if (c.chance(0.95)) this.addRoute(protectedTable, blockOf(0n, 0, 4), target);
        if (this.vpc6 && c.chance(0.85)) this.addRoute(protectedTable, blockOf(0n, 0, 6), target);
        tables.push(protectedTable);
        for (const subnet of firewall.protects) {
          subnet.routes = protectedTable.name;
          if (c.chance(0.92)) edge.push({ dest: subnet.v4, target });
          if (subnet.v6 && c.chance(0.85)) edge.push({ dest: subnet.v6, target });
        }
      }
      if (firewall.between) {
        const [a, b] = firewall.between;
        const [tableA, tableB] = [this.tableOf(a, tables), this.tableOf(b, tables)];
        if (c.chance(0.95)) this.addRoute(tableA, b.v4, target);
        if (c.chance(0.92)) this.addRoute(tableB, a.v4, target);
        if (a.v6 && b.v6 && c.chance(0.8)) {
          this.addRoute(tableA, b.v6, target);
          this.addRoute(tableB, a.v6, target);
        }
      }
    }
    return edge;
  }

  /**
   * An endpoint between private subnets and their NAT gateway: their table sends the internet to
   * the endpoint, the endpoint's subnet sends it to the NAT gateway, and the NAT gateway's subnet
   * sends their CIDRs back through the endpoint.
   */
  private natInspectRoutes(firewall: Firewall, nat: NatGateway, own: RouteTable, tables: RouteTable[]): void {
    const c = this.c;
    const target = `firewall ${firewall.name}`;
    const privateTable = tables.find((t) => t.name === `private-${nat.name}`);
    if (!privateTable) return;
    const internet = privateTable.routes.find((r) => r.dest.family === 4 && r.dest.prefix === 0);
    if (internet && c.chance(0.92)) internet.target = target;
    this.addRoute(own, blockOf(0n, 0, 4), `nat ${nat.name}`);
    let natTable = this.tableOf(nat.subnet, tables);
    if (natTable === privateTable) {
      // The NAT gateway's subnet would send the internet back to the endpoint: a loop through the
      // endpoint and the NAT gateway, each turn adding a NAT port to enumerate. Not drawn.
      natTable = { name: `${nat.subnet.name}-rt`, main: false, edge: false, routes: [] };
      if (this.routing.igw) this.addRoute(natTable, blockOf(0n, 0, 4), `igw ${this.routing.igw}`);
      tables.push(natTable);
      nat.subnet.routes = natTable.name;
    }
    for (const subnet of this.subnets) {
      if (subnet.routes !== privateTable.name || subnet === nat.subnet || this.isFirewallSubnet(subnet)) continue;
      if (c.chance(0.92)) this.addRoute(natTable, subnet.v4, target);
    }
  }

  private firewallLines(): string[][] {
    const blocks: string[][] = [];
    blocks.push(this.routing.firewalls.map((f) => `firewall ${f.name} subnet ${f.subnet.name} policy ${f.policy}`));
    for (const policy of this.policies) {
      blocks.push(this.policyLines(policy));
      for (const group of policy.stateless) blocks.push([`stateless-rule-group ${group} {`, ...this.statelessRules(), '}']);
      for (const group of policy.stateful) blocks.push([`stateful-rule-group ${group} {`, ...this.statefulRules(), '}']);
    }
    return blocks;
  }

  /** Distinct numbers drawn from [1, max]. */
  private distinct(count: number, max: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < count; i++) {
      let n = this.c.int(1, max);
      while (out.includes(n)) n = n >= max ? 1 : n + 1;
      out.push(n);
    }
    return out;
  }

  private policyLines(policy: { name: string; stateless: string[]; stateful: string[] }): string[] {
    const c = this.c;
    const strict = c.chance(0.5);
    const statements = [`  stateless-default ${c.weighted([[6, 'forward'], [2, 'pass'], [1, 'drop']])}`];
    const statelessPriorities = this.distinct(policy.stateless.length, 20);
    policy.stateless.forEach((group, i) => statements.push(`  stateless ${group} priority ${statelessPriorities[i]}`));
    const statefulPriorities = this.distinct(policy.stateful.length, 20);
    policy.stateful.forEach((group, i) => statements.push(`  stateful ${group}${strict ? ` priority ${statefulPriorities[i]}` : ''}`));
    if (strict) statements.push('  stateful-order strict');
    else if (c.chance(0.3)) statements.push('  stateful-order default');
    if (strict) {
      const defaults = [c.weighted([[2, ''], [2, 'drop-strict'], [2, 'drop-established']]), c.weighted([[3, ''], [1, 'alert-strict'], [1, 'alert-established']])];
      const written = defaults.filter((d) => d.length > 0);
      if (written.length > 0) statements.push(`  stateful-default ${(c.chance(0.5) ? written : written.reverse()).join(',')}`);
    }
    // Statements in any order.
    const order = statements.map((line, i) => ({ line, k: c.chance(0.3) ? c.int(0, 99) : i }));
    order.sort((a, b) => a.k - b.k);
    return [`firewall-policy ${policy.name} {`, ...order.map((o) => o.line), '}'];
  }

  /** A port range as a stateless rule writes it. */
  private statelessPortList(): string {
    const items: string[] = [];
    for (let i = 0, n = this.c.weighted([[4, 1], [1, 2]]); i < n; i++) {
      const [from, to] = this.portsNear();
      items.push(from === to ? `${from}` : `${from}-${to}`);
    }
    return items.join(',');
  }

  private statelessProtocols(): string {
    const c = this.c;
    const one = () => c.weighted([[4, 'tcp'], [3, 'udp'], [2, 'icmp'], [this.vpc6 ? 1 : 0, 'icmpv6'], [1, '6'], [1, '17'], [1, '1']]);
    return c.weighted<() => string>([[3, () => 'all'], [5, one], [2, () => [...new Set([one(), one()])].join(',')]])();
  }

  private statelessAddresses(): string {
    const c = this.c;
    if (c.chance(0.45)) return 'any';
    const cidrs = [this.anyCidr()];
    if (c.chance(0.2)) cidrs.push(this.anyCidr());
    return cidrs.join(',');
  }

  private statelessRules(): string[] {
    const c = this.c;
    const rules: { action: string; protocols: string; from: string; fromPorts?: string; to: string; toPorts?: string }[] = [];
    for (let i = 0, n = c.int(1, 4); i < n; i++) {
      rules.push({
        action: c.weighted([[3, 'pass'], [1, 'drop'], [5, 'forward']]), protocols: this.statelessProtocols(),
        from: this.statelessAddresses(), fromPorts: c.chance(0.2) ? this.statelessPortList() : undefined,
        to: this.statelessAddresses(), toPorts: c.chance(0.35) ? this.statelessPortList() : undefined,
      });
    }
    // A NAT gateway's address and some of the ports it chooses: the endpoint sees them after it.
    for (const nat of this.routing.nats) {
      if (!c.chance(0.5)) continue;
      const [from, to] = this.natPortPart();
      const outgoing = c.chance(0.5);
      rules.push({
        action: c.weighted([[3, 'pass'], [2, 'drop'], [2, 'forward']]), protocols: c.pick(['tcp', 'udp', 'tcp,udp', 'all']),
        from: outgoing ? formatV4(nat.ip) : 'any', fromPorts: outgoing ? `${from}-${to}` : undefined,
        to: outgoing ? 'any' : formatV4(nat.ip), toPorts: outgoing ? undefined : `${from}-${to}`,
      });
    }
    // For some flows: their requests (by destination port) and their replies (by source port).
    for (const flow of this.flows) {
      if (!c.chance(0.3)) continue;
      const action = c.weighted([[4, 'forward'], [2, 'pass'], [1, 'drop']]);
      const protocol = flow.protocol;
      const ports = flow.ports ? (flow.ports[0] === flow.ports[1] ? `${flow.ports[0]}` : `${flow.ports[0]}-${flow.ports[1]}`) : undefined;
      rules.push({ action, protocols: protocol, from: 'any', to: 'any', toPorts: ports && c.chance(0.7) ? ports : undefined });
      if (!flow.oneway && c.chance(0.7)) rules.push({ action, protocols: protocol, from: 'any', fromPorts: ports && c.chance(0.7) ? ports : undefined, to: 'any' });
    }
    const priorities = this.distinct(rules.length, 60);
    return rules.map((r, i) => `  rule ${priorities[i]} ${r.action} ${r.protocols} from ${r.from}${r.fromPorts ? ` port ${r.fromPorts}` : ''} to ${r.to}${r.toPorts ? ` port ${r.toPorts}` : ''}`);
  }

  /** A part of the ports a NAT gateway chooses from (1024-65535), cut somewhere. */
  private natPortPart(): [number, number] {
    const c = this.c;
    return c.pick<[number, number]>([[1024, 32767], [32768, 65535], [40000, 50000], [1024, 1100], [60000, 65535], [2000, 65535]]);
  }

  /** A Suricata address: any, a variable, a CIDR, or a list, each maybe negated. */
  private suricataAddress(depth = 0): string {
    const c = this.c;
    const kind = c.weighted([[depth === 0 ? 3 : 0, 'any'], [2, 'home'], [2, 'external'], [6, 'cidr'], [depth < 2 ? 2 : 0, 'list']] as const);
    const not = kind !== 'any' && c.chance(depth > 0 ? 0.3 : 0.12) ? '!' : '';
    switch (kind) {
      case 'any': return 'any';
      case 'home': return `${not}$HOME_NET`;
      case 'external': return `${not}$EXTERNAL_NET`;
      case 'cidr': return `${not}${this.anyCidr()}`;
      case 'list': {
        const items: string[] = [];
        for (let i = 0, n = c.int(1, 3); i < n; i++) items.push(this.suricataAddress(depth + 1));
        return `${not}[${items.join(',')}]`;
      }
    }
  }

  /** A Suricata port: any, N, N:M, N:, N-M, or a list, each maybe negated. */
  private suricataPort(depth = 0): string {
    const c = this.c;
    const kind = c.weighted([[depth === 0 ? 6 : 0, 'any'], [3, 'single'], [2, 'colon'], [1, 'open'], [1, 'dash'], [depth === 0 ? 1 : 0, 'list']] as const);
    const not = kind !== 'any' && c.chance(depth > 0 ? 0.3 : 0.1) ? '!' : '';
    const [from, to] = this.portsNear();
    switch (kind) {
      case 'any': return 'any';
      case 'single': return `${not}${from}`;
      case 'colon': return `${not}${from < to ? `${from}:${to}` : from}`;
      case 'open': return `${not}${from}:`;
      case 'dash': return `${not}${from < to ? `${from}-${to}` : from}`;
      case 'list': {
        const items: string[] = [];
        for (let i = 0, n = c.int(1, 3); i < n; i++) items.push(this.suricataPort(depth + 1));
        return `${not}[${items.join(',')}]`;
      }
    }
  }

  private suricataOptions(extra: string[]): string {
    const c = this.c;
    const options: string[] = [];
    if (c.chance(0.3)) options.push(c.pick(['msg:"inspected"', 'msg:"no #comment; here"', 'msg:"a \\"quoted\\" word"']));
    options.push(...extra);
    options.push(`sid:${this.nextSid++}`);
    if (c.chance(0.2)) options.push('rev:1');
    if (c.chance(0.05)) options.push('metadata:created_at 2024_01_01');
    if (c.chance(0.05)) options.push('classtype:misc-activity');
    if (c.chance(0.04)) options.push('priority:1');
    // An option the model does not have: the rule is left out.
    if (c.chance(0.05)) options.push(c.pick(['content:"GET"', 'dsize:>100', 'threshold:type limit, track by_src, count 1, seconds 60']));
    const spaced = c.chance(0.5);
    return `(${options.join(spaced ? '; ' : ';')};)`;
  }

  private flowKeywords(): string[] {
    const c = this.c;
    if (!c.chance(0.4)) return [];
    const keywords = c.pick([
      'to_server', 'to_client', 'from_client', 'from_server', 'established', 'not_established',
      'to_server,established', 'to_client,established', 'to_server,not_established', 'established,to_client', 'from_server,not_established',
    ]);
    return [`flow:${keywords}`];
  }

  /** Random stateful rules, and for some flows a rule that passes their requests. */
  private statefulRules(): string[] {
    const c = this.c;
    const lines: string[] = [];
    for (let i = 0, n = c.int(1, 5); i < n; i++) {
      const action = c.weighted([[4, 'pass'], [2, 'drop'], [1, 'reject'], [2, 'alert']]);
      const protocol = c.weighted([[3, 'ip'], [4, 'tcp'], [3, 'udp'], [2, 'icmp'], [1, c.pick(['http', 'tls', 'dns'])]]);
      const direction = c.weighted([[4, '->'], [1, '<>']]);
      const header = `${this.suricataAddress()} ${this.suricataPort()} ${direction} ${this.suricataAddress()} ${this.suricataPort()}`;
      lines.push(`  ${action} ${protocol} ${header} ${this.suricataOptions(this.flowKeywords())}`);
    }
    for (const flow of this.flows) {
      for (let n = 0, k = c.weighted([[3, 0], [4, 1], [this.firewalled ? 2 : 0, 2]]); n < k; n++) lines.push(this.statefulRuleFor(flow));
    }
    // A NAT gateway's address and some of the ports it chooses.
    for (const nat of this.routing.nats) {
      if (!c.chance(0.5)) continue;
      const [from, to] = this.natPortPart();
      const ports = c.chance(0.5) ? `${from}:${to}` : `[${from}:${to},!${from + 10}:${from + 20}]`;
      const action = c.weighted([[3, 'pass'], [3, 'drop'], [1, 'alert']]);
      const direction = c.weighted([[3, '->'], [1, '<>']]);
      const header = c.chance(0.5) ? `${formatV4(nat.ip)} ${ports} ${direction} any any` : `any any ${direction} ${formatV4(nat.ip)} ${ports}`;
      lines.push(`  ${action} ${c.pick(['tcp', 'udp', 'ip'])} ${header} ${this.suricataOptions(this.flowKeywords())}`);
    }
    // Rules in any order (the order matters under strict order).
    const order = lines.map((line, i) => ({ line, k: c.chance(0.4) ? c.int(0, 99) : i }));
    order.sort((a, b) => a.k - b.k);
    return order.map((o) => o.line);
  }

  /**
   * A rule whose header matches a flow's packets: its requests (`->`), its replies (the header
   * turned around), or both (`<>`), with the ports of the flow or any, and often a `flow` option.
   */
  private statefulRuleFor(flow: Flow): string {
    const c = this.c;
    const protocol = c.chance(0.25) ? 'ip' : flow.protocol === 'icmpv6' ? 'icmp' : flow.protocol;
    const flowPorts = flow.ports && protocol !== 'ip' && c.chance(0.6) ? (flow.ports[0] === flow.ports[1] ? `${flow.ports[0]}` : `${flow.ports[0]}:${flow.ports[1]}`) : 'any';
    const flowOption = c.weighted<string[]>([
      [4, []], [4, ['flow:to_server']], [1, ['flow:to_client']], [1, ['flow:established']], [1, ['flow:not_established']],
      [1, ['flow:to_server,established']], [1, ['flow:to_client,established']], [1, ['flow:to_server,not_established']],
    ]);
    const src = this.suricataEnd(flow.src, flow.family);
    const dst = this.suricataEnd(flow.dst, flow.family);
    const header = c.weighted([
      [5, () => `${src} any -> ${dst} ${flowPorts}`],
      [2, () => `${src} any <> ${dst} ${flowPorts}`],
      [2, () => `${dst} ${flowPorts} -> ${src} any`],
    ])();
    const action = c.weighted([[5, 'pass'], [2, 'drop'], [1, 'reject'], [1, 'alert']]);
    return `  ${action} ${protocol} ${header} ${this.suricataOptions(flowOption)}`;
  }

  /** A Suricata address that holds a flow's end, all of it or a part (or more). */
  private suricataEnd(end: End, family: Fam): string {
    const c = this.c;
    const choice = c.weighted([[6, 'end'], [2, 'home'], [2, 'any'], [2, 'external'], [1, 'less']] as const);
    if (choice === 'home') return '$HOME_NET';
    if (choice === 'any') return 'any';
    if (choice === 'external') return '$EXTERNAL_NET';
    // The end less a part of it, or something near it.
    if (choice === 'less') return `[${this.naclPeerFor(end, family)},!${c.chance(0.7) ? this.naclPeerFor(end, family) : this.cidr(family)}]`;
    return this.naclPeerFor(end, family);
  }

  // -------------------------------------------------------------------------------------------
  // Flows

  private makeFlow(i: number): Flow {
    const c = this.c;
    const family: Fam = this.vpc6 !== undefined && this.instances6().length > 0 && c.chance(this.routing.eigw || this.firewalled ? 0.45 : 0.3) ? 6 : 4;
    const [src, dst] = this.makeEnds(family);
    const protocol = c.weighted([[4, 'tcp'], [3, 'udp'], [3, 'icmp']] as const);
    const flow: Flow = {
      name: `f${i}`, src, dst, family, protocol, ipv6Keyword: false, oneway: c.chance(0.2), expect: c.chance(0.5) ? 'deny' : 'allow',
    };
    const hasCidrV6End = [src, dst].some((e) => e.kind === 'cidr' && e.block.family === 6);
    if (protocol === 'icmp') {
      if (family === 6) flow.protocol = 'icmpv6';
      flow.icmp = this.flowIcmp(family);
      // icmpv6 alone makes the flow IPv6.
      flow.ipv6Keyword = family === 6 && c.chance(0.4);
      return flow;
    }
    flow.ipv6Keyword = family === 6 && (!hasCidrV6End || c.chance(0.5));
    flow.ports = this.flowPorts();
    // Source ports: small when the flow must be enumerable.
    const srcEphemeral = namedInstance(src)?.ephemeral;
    const needFromPorts = !this.large && !srcEphemeral;
    if (needFromPorts || c.chance(this.large ? 0.25 : 0.4)) {
      if (this.large && c.chance(0.5)) {
        flow.fromPorts = c.pick<[number, number]>([[1024, 65535], [0, 65535], [32768, 65535], [1024, 2047]]);
      } else {
        const from = Math.max(0, Math.min(65535, c.pick(SRC_PORT_BASES) + c.int(-3, 3)));
        flow.fromPorts = [from, Math.min(65535, from + c.int(0, 7))];
      }
    }
    return flow;
  }

  /**
   * With firewall endpoints, mostly ends whose packets cross one: between the two subnets of an
   * east-west endpoint, or between a protected subnet and the outside.
   */
  private throughFirewall(family: Fam): [End, End] | undefined {
    const c = this.c;
    const firewalls = this.routing.firewalls;
    if (firewalls.length === 0 || !c.chance(this.firewalled ? 0.9 : 0.75)) return undefined;
    const pool = this.pool(family);
    const firewall = c.pick(firewalls);
    const inSubnet = (subnet: Subnet) => pool.filter((inst) => inst.subnet === subnet);
    if (firewall.between && (firewall.protects.length === 0 || c.chance(0.5))) {
      const [a, b] = c.chance(0.5) ? firewall.between : [firewall.between[1], firewall.between[0]];
      const [fromA, toB] = [inSubnet(a), inSubnet(b)];
      if (fromA.length === 0) return undefined;
      if (toB.length === 0) {
        if (family === 6 && !b.v6) return undefined;
        return [{ kind: 'instance', instance: c.pick(fromA) }, this.cidrEnd(single(this.hostAddressIn(b, family), family))];
      }
      return [{ kind: 'instance', instance: c.pick(fromA) }, { kind: 'instance', instance: c.pick(toB) }];
    }
    if (firewall.natInspect) {
      const behind = pool.filter((inst) => !inst.subnet.isPublic && inst.subnet !== firewall.natInspect!.subnet);
      if (behind.length === 0 || family === 6) return undefined;
      return [{ kind: 'instance', instance: c.pick(behind) }, this.cidrEnd(blockOf(this.outsideAddress(family), this.endPrefix(family), family))];
    }
    if (firewall.protects.length === 0) return undefined;
    const outside = (): End => this.cidrEnd(blockOf(this.outsideAddress(family), this.endPrefix(family), family));
    // Behind a NAT gateway of a protected subnet: the endpoint sees the gateway's address and port.
    const natsInside = this.routing.nats.filter((nat) => firewall.protects.includes(nat.subnet));
    const behind = pool.filter((inst) => !inst.subnet.isPublic && !firewall.protects.includes(inst.subnet));
    if (family === 4 && natsInside.length > 0 && behind.length > 0 && c.chance(0.5)) return [{ kind: 'instance', instance: c.pick(behind) }, outside()];
    const inside = firewall.protects.flatMap(inSubnet);
    if (inside.length === 0) return undefined;
    if (c.chance(0.5)) {
      const reachable = inside.filter((inst) => inst.publicIp !== undefined || family === 6);
      return [outside(), { kind: 'instance', instance: c.pick(reachable.length > 0 ? reachable : inside) }];
    }
    return [{ kind: 'instance', instance: c.pick(inside) }, outside()];
  }

  /** An address of the subnet's block of the family (which it has) that no instance has. */
  private hostAddressIn(subnet: Subnet, family: Fam): bigint {
    const block = family === 6 ? subnet.v6! : subnet.v4;
    const used = family === 6 ? subnet.used6 : subnet.used4;
    const free = [2, 3, 15, 16, 17, 30].filter((o) => !used.has(o) && BigInt(o) < blockSize(block) - 1n);
    return block.first + BigInt(this.c.pick(free.length > 0 ? free : [2]));
  }

  /** Two ends, one naming an instance, that cover at least one connection. */
  private makeEnds(family: Fam): [End, End] {
    const c = this.c;
    const through = this.throughFirewall(family);
    if (through) return through;
    const pool = this.pool(family);
    // With routing, more flows cross the VPC's edge.
    const edge = this.routed ? 2 : 1;
    const shape = c.weighted([[4, 'ii'], [3 * edge, 'ie'], [3 * edge, 'ei'], [1, 'ae']] as const);
    const external = (asDestinationOf?: Instance): End => (this.large && c.chance(0.4) ? { kind: 'internet' } : this.addressEnd(family, asDestinationOf));
    const fallback = (): End => this.cidrEnd(blockOf(this.outsideAddress(family), this.endPrefix(family), family));
    switch (shape) {
      case 'ii': {
        const src = c.pick(pool);
        const neighbours = pool.filter((inst) => inst !== src && inst.subnet === src.subnet);
        const others = pool.filter((inst) => inst !== src);
        if (others.length === 0) return [{ kind: 'instance', instance: src }, fallback()];
        const dst = neighbours.length > 0 && c.chance(0.4) ? c.pick(neighbours) : c.pick(others);
        return [{ kind: 'instance', instance: src }, { kind: 'instance', instance: dst }];
      }
      case 'ie': {
        // With NAT gateways, often from a private subnet: its table will send the internet to one.
        const behindNat = this.routing.nats.length > 0 ? pool.filter((inst) => !inst.subnet.isPublic) : [];
        const src = behindNat.length > 0 && c.chance(0.5) ? c.pick(behindNat) : c.pick(pool);
        let dst = external(src);
        if (!this.holdsAnotherParty(dst, src, family)) dst = fallback();
        return [{ kind: 'instance', instance: src }, dst];
      }
      case 'ei': {
        // Only an instance's public address is reachable from outside: name one often.
        const reachable = pool.filter((inst) => inst.publicIp !== undefined);
        const dst = reachable.length > 0 && c.chance(0.6) ? c.pick(reachable) : c.pick(pool);
        let src = external();
        if (!this.holdsAnotherParty(src, dst, family)) src = fallback();
        // With routing, sometimes by one of its addresses: only the first is reachable from outside.
        if (this.routed && c.chance(0.3)) return [src, this.cidrEnd(single(c.pick(addressesOf(dst, family)), family))];
        return [src, { kind: 'instance', instance: dst }];
      }
      case 'ae': {
        // A single address of an instance is enough to name it; the other end is an address too.
        const owner = c.pick(pool);
        const src = this.cidrEnd(single(c.pick(addressesOf(owner, family)), family));
        let dst = external(owner);
        if (!this.holdsAnotherParty(dst, owner, family)) dst = fallback();
        return [src, dst];
      }
    }
  }

  private flowIcmp(family: Fam): string {
    const small = family === 4
      ? ['type 8', 'type 8 code 0', 'type 0', 'type 3 code 1', 'type 0 code 0', 'type 3']
      : ['type 128', 'type 128 code 0', 'type 129', 'type 1 code 4', 'type 129 code 0', 'type 1'];
    return this.large && this.c.chance(0.3) ? this.c.pick(['all', '']) : this.c.pick(small);
  }

  private flowPorts(): [number, number] {
    const c = this.c;
    if (this.large && c.chance(0.6)) {
      return c.pick<[number, number]>([[0, 65535], [0, 1023], [1024, 65535], [80, 8080], [443, 443], [20, 30]]);
    }
    const from = Math.max(0, Math.min(65535, c.pick(DST_PORT_BASES) + c.int(-2, 4)));
    return [from, Math.min(65535, from + c.int(0, 7))];
  }

  // -------------------------------------------------------------------------------------------
  // Random rules, drawn near the flows so that partial verdicts happen.

  /** Addresses rules should cut near: instances, flow ends, subnets, the VPC. */
  private interestingAddresses(family: Fam): bigint[] {
    const out: bigint[] = [];
    for (const inst of this.instances) out.push(...addressesOf(inst, family));
    for (const a of this.anchors) if (a.family === family) out.push(a.first, blockLast(a), a.first + (blockLast(a) - a.first) / 2n);
    for (const s of this.subnets) {
      const b = family === 4 ? s.v4 : s.v6;
      if (b) out.push(b.first, b.first + 8n);
    }
    const vpc = family === 4 ? this.vpc4 : this.vpc6;
    if (vpc) out.push(vpc.first);
    if (family === 4) for (const nat of this.routing.nats) out.push(nat.ip);
    return out;
  }

  private cidr(family: Fam): string {
    const c = this.c;
    if (c.chance(0.08)) return world(family);
    const base = c.pick(this.interestingAddresses(family)) + BigInt(c.weighted([[8, 0], [1, -1], [1, 1], [1, 2], [1, -4]]));
    const prefix = family === 4
      ? c.weighted([[3, 32], [3, 31], [3, 30], [3, 29], [3, 28], [2, 24], [2, 26], [2, 16], [1, 20], [1, 8], [1, 1], [1, 0]])
      : c.weighted([[3, 128], [3, 127], [3, 126], [3, 125], [3, 124], [2, 120], [2, 64], [1, 56], [1, 48], [1, 1], [1, 0]]);
    const block = blockOf(base, prefix, family);
    if (prefix === BITS[family] && c.chance(0.4)) return formatAddr(block.first, family); // bare address
    if (prefix < BITS[family] && c.chance(0.04)) {
      // host bits set: a warning, AWS (and both evaluators) use the network address
      const host = block.first + 1n;
      return `${formatAddr(host, family)}/${prefix}`;
    }
    return blockText(block);
  }

  /** A CIDR of a family the model has (IPv6 only when the VPC has an IPv6 block). */
  private anyCidr(): string {
    return this.vpc6 && this.c.chance(0.3) ? this.cidr(6) : this.cidr(4);
  }

  private portsNear(): [number, number] {
    const c = this.c;
    const kind = c.weighted([[4, 'dst'], [4, 'src'], [2, 'wide']] as const);
    if (kind === 'wide') {
      return c.pick<[number, number]>([[0, 65535], [1024, 65535], [32768, 60999], [49152, 65535], [0, 1023], [0, 32767], [1024, 49151]]);
    }
    const ranges: [number, number][] = [];
    for (const flow of this.flows) {
      if (kind === 'dst' && flow.ports) ranges.push(flow.ports);
      if (kind === 'src') {
        const ephemeral = namedInstance(flow.src)?.ephemeral;
        if (flow.fromPorts) ranges.push(flow.fromPorts);
        else if (ephemeral) ranges.push(ephemeral);
      }
    }
    for (const inst of this.instances) if (kind === 'src' && inst.ephemeral) ranges.push(inst.ephemeral);
    if (ranges.length === 0) ranges.push([80, 80]);
    const [lo, hi] = c.pick(ranges);
    const from = Math.max(0, Math.min(65535, c.chance(0.5) ? lo + c.int(-2, hi - lo + 1) : hi + c.int(-4, 2)));
    const to = Math.min(65535, from + c.weighted([[3, 0], [3, c.int(1, 4)], [2, c.int(5, 12)], [1, c.int(100, 40000)]]));
    return [from, to];
  }

  private icmpSpec(protocol: 'icmp' | 'icmpv6'): string {
    const specs = protocol === 'icmp'
      ? ['all', '', 'type 8', 'type 8 code 0', 'type 0', 'type 0 code 0', 'type 3', 'type 3 code 1', 'type 3 code 2', 'type 8 code 1']
      : ['all', '', 'type 128', 'type 128 code 0', 'type 129', 'type 129 code 0', 'type 1', 'type 1 code 4', 'type 1 code 3'];
    return this.c.pick(specs);
  }

  /** PROTO [PORTS|ICMP], as a rule writes it. */
  private protocolText(): string {
    const c = this.c;
    const protocol = c.weighted([[4, 'tcp'], [3, 'udp'], [2, 'icmp'], [2, 'all'], [1, 'icmpv6'], [1, 'num']] as const);
    switch (protocol) {
      case 'tcp':
      case 'udp': {
        const name = c.chance(0.1) ? (protocol === 'tcp' ? '6' : '17') : protocol;
        return `${name} ${portsText(this.portsNear())}`;
      }
      case 'icmp':
      case 'icmpv6': {
        const spec = this.icmpSpec(protocol);
        const name = c.chance(0.1) ? (protocol === 'icmp' ? '1' : '58') : protocol;
        return spec ? `${name} ${spec}` : name;
      }
      case 'all':
        return 'all';
      case 'num':
        return c.pick(['50', '47', '0', '255']);
    }
  }

  private randomSgRule(i: number): string {
    const c = this.c;
    const direction = c.chance(0.5) ? 'outbound' : 'inbound';
    const peer = c.weighted<string>([
      [6, this.anyCidr()],
      [3, `sg ${c.pick(this.sgNames)}`],
      [this.defaultMembers().length > 0 ? 1 : 0, `sg ${DEFAULT_GROUP}`],
      [this.plNames.length ? 2 : 0, `pl ${this.plNames.length ? c.pick(this.plNames) : ''}`],
    ]);
    const description = c.chance(0.15) ? ` "rule ${i}"` : '';
    return `  ${direction} ${this.protocolText()} ${direction === 'inbound' ? 'from' : 'to'} ${peer}${description}`;
  }

  private randomNaclRule(direction: 'inbound' | 'outbound', number: number): string {
    const action = this.c.chance(0.35) ? 'deny' : 'allow';
    return `  ${direction} ${number} ${action} ${this.protocolText()} ${direction === 'inbound' ? 'from' : 'to'} ${this.anyCidr()}`;
  }

  // -------------------------------------------------------------------------------------------
  // Rules written for a flow: they admit its packets, all of them or a part.

  /** The flow's protocol and ports (or ICMP), as written, widened, narrowed, or `all`. */
  private flowProtocolText(flow: Flow): string {
    const c = this.c;
    const how = c.weighted([[4, 'exact'], [2, 'all'], [2, 'wider'], [4, 'part']] as const);
    if (how === 'all') return 'all';
    if (flow.ports) {
      const [from, to] = flow.ports;
      const ports: [number, number] = how === 'exact' ? [from, to]
        : how === 'wider' ? [Math.max(0, from - c.int(0, 100)), Math.min(65535, to + c.int(1, 1000))]
        : [from + Math.floor((to - from) / 2), to];
      return `${flow.protocol} ${portsText(ports)}`;
    }
    const spec = how === 'exact' ? flow.icmp : how === 'wider' ? 'all' : this.icmpPart(flow.icmp ?? '');
    return spec ? `${flow.protocol} ${spec}` : flow.protocol;
  }

  /**
   * A part of the flow's ICMP types and codes: one code of a type, one type of all. An echo type
   * without a code already means code 0 alone: naming code 0 keeps all of it, code 1 none.
   */
  private icmpPart(spec: string): string {
    const c = this.c;
    const type = /^type (\d+)$/.exec(spec);
    if (type && ['0', '8', '128', '129'].includes(type[1])) return `type ${type[1]} code ${c.weighted([[3, 0], [1, 1]])}`;
    if (type) return `type ${type[1]} code ${c.int(0, 4)}`;
    if (spec === 'all' || spec === '') return c.pick(['type 8', 'type 3', 'type 128', 'type 1 code 4']);
    return spec; // a single type and code has no part
  }

  /** A peer (for an SG rule) that holds the end, all of it or a part. */
  private sgPeerFor(end: End, family: Fam): string {
    const c = this.c;
    const instance = namedInstance(end);
    if (instance) {
      const groups = instance.groups.length > 0 ? instance.groups : [DEFAULT_GROUP];
      return c.weighted([[3, `sg ${c.pick(groups)}`], [3, this.naclPeerFor(end, family)]]);
    }
    return this.naclPeerFor(end, family);
  }

  /** A CIDR that holds the end, all of it or a part. */
  private naclPeerFor(end: End, family: Fam): string {
    const c = this.c;
    if (c.chance(0.15)) return world(family);
    switch (end.kind) {
      case 'internet':
        return family === 4 ? c.pick(['0.0.0.0/0', '0.0.0.0/1', '128.0.0.0/1']) : c.pick(['::/0', '::/1', '8000::/1']);
      case 'instance': {
        const addresses = addressesOf(end.instance, family);
        const subnetBlock = family === 4 ? end.instance.subnet.v4 : end.instance.subnet.v6!;
        return c.weighted([[3, formatAddr(c.pick(addresses), family)], [2, blockText(subnetBlock)], [1, blockText(blockOf(addresses[0], BITS[family] - 4, family))]]);
      }
      case 'cidr': {
        const wider = Math.max(0, end.block.prefix - c.int(1, 8));
        const narrower = Math.min(BITS[family], end.block.prefix + 1);
        return c.weighted([[4, blockText(end.block)], [2, blockText(blockOf(end.block.first, wider, family))], [2, blockText(blockOf(end.block.first, narrower, family))]]);
      }
    }
  }

  /** Rules of a group that admit flows of its members: outbound at the source, inbound at the destination. */
  private sgRulesForFlows(group: string): string[] {
    const lines: string[] = [];
    for (const flow of this.flows) {
      const src = namedInstance(flow.src);
      const dst = namedInstance(flow.dst);
      if (src && this.inGroup(src, group) && this.c.chance(this.forFlow)) {
        lines.push(`  outbound ${this.flowProtocolText(flow)} to ${this.sgPeerFor(flow.dst, flow.family)}`);
      }
      if (dst && this.inGroup(dst, group) && this.c.chance(this.forFlow)) {
        lines.push(`  inbound ${this.flowProtocolText(flow)} from ${this.sgPeerFor(flow.src, flow.family)}`);
      }
    }
    return lines;
  }

  /** Subnets an end lies in (wholly or in part), whose NACL may judge its packets. */
  private subnetsOf(end: End, family: Fam): Subnet[] {
    if (end.kind === 'instance') return [end.instance.subnet];
    if (end.kind === 'internet') return [];
    return this.subnets.filter((s) => {
      const b = family === 4 ? s.v4 : s.v6;
      return b !== undefined && (blockHas(b, end.block.first) || blockHas(end.block, b.first));
    });
  }

  /** The reply's protocol and destination ports as a NACL rule writes them, or none. */
  private replyProtocolText(flow: Flow): string | undefined {
    const c = this.c;
    if (flow.oneway) return undefined;
    if (flow.ports) return `${flow.protocol} ${portsText(c.weighted(REPLY_PORTS))}`;
    if (flow.icmp?.startsWith('type 8')) return c.pick(['icmp type 0', 'icmp type 0 code 0', 'icmp all']);
    if (flow.icmp?.startsWith('type 128')) return c.pick(['icmpv6 type 129', 'icmpv6 type 129 code 0', 'icmpv6 all']);
    return undefined;
  }

  /** Allow rules of a NACL for the flows through its subnets: requests, and replies. */
  private naclRulesForFlows(acl: string): { direction: 'inbound' | 'outbound'; text: string }[] {
    const c = this.c;
    const rules: { direction: 'inbound' | 'outbound'; text: string }[] = [];
    const allow = (direction: 'inbound' | 'outbound', protocol: string, peer: string) =>
      rules.push({ direction, text: `allow ${protocol} ${direction === 'inbound' ? 'from' : 'to'} ${peer}` });
    for (const flow of this.flows) {
      const onSource = this.subnetsOf(flow.src, flow.family).some((s) => s.acl === acl);
      const onDestination = this.subnetsOf(flow.dst, flow.family).some((s) => s.acl === acl);
      if (onSource && c.chance(this.forFlow)) {
        allow('outbound', this.flowProtocolText(flow), this.naclPeerFor(flow.dst, flow.family));
        const reply = this.replyProtocolText(flow);
        if (reply) allow('inbound', reply, this.naclPeerFor(flow.dst, flow.family));
      }
      if (onDestination && c.chance(this.forFlow)) {
        allow('inbound', this.flowProtocolText(flow), this.naclPeerFor(flow.src, flow.family));
        const reply = this.replyProtocolText(flow);
        if (reply) allow('outbound', reply, this.naclPeerFor(flow.src, flow.family));
      }
      // A NAT gateway's subnet passes requests both ways, and replies to the ports it chooses; so
      // does a firewall endpoint's.
      const onNatSubnet = this.routing.nats.some((nat) => nat.subnet.acl === acl) && flow.family === 4;
      const onFirewallSubnet = this.routing.firewalls.some((f) => f.subnet.acl === acl);
      if ((onNatSubnet || onFirewallSubnet) && c.chance(0.85)) {
        allow('inbound', this.flowProtocolText(flow), this.naclPeerFor(flow.src, flow.family));
        allow('outbound', this.flowProtocolText(flow), this.naclPeerFor(flow.dst, flow.family));
        const reply = this.replyProtocolText(flow);
        if (reply) {
          allow('inbound', reply, this.naclPeerFor(flow.dst, flow.family));
          allow('outbound', reply, this.naclPeerFor(flow.src, flow.family));
        }
      }
    }
    return rules;
  }

  private sgRules(group: string): string[] {
    const c = this.c;
    const lines: string[] = [];
    for (let i = 0, n = c.weighted([[2, 0], [3, 1], [3, 2], [2, 3], [1, 4]]); i < n; i++) lines.push(this.randomSgRule(i));
    lines.push(...this.sgRulesForFlows(group));
    // Rules in any order: a group is a union.
    return lines.map((line) => ({ line, k: c.int(0, 99) })).sort((a, b) => a.k - b.k).map((o) => o.line);
  }

  private naclRules(acl: string): string[] {
    const c = this.c;
    const numbers = { inbound: new Set<number>(), outbound: new Set<number>() };
    const number = (direction: 'inbound' | 'outbound', wanted: number) => {
      let n = wanted;
      while (numbers[direction].has(n)) n = n >= 32766 ? 1 : n + 1;
      numbers[direction].add(n);
      return n;
    };
    const lines: string[] = [];
    for (const direction of ['inbound', 'outbound'] as const) {
      for (let i = 0, n = c.int(0, 4); i < n; i++) {
        const wanted = c.weighted([[5, c.int(1, 20) * 10], [2, c.int(1, 32766)], [1, 32766], [1, 1]]);
        lines.push(this.randomNaclRule(direction, number(direction, wanted)));
      }
    }
    for (const rule of this.naclRulesForFlows(acl)) {
      lines.push(`  ${rule.direction} ${number(rule.direction, c.int(1, 30) * 10 + c.int(0, 9))} ${rule.text}`);
    }
    if (c.chance(0.25)) {
      // A catch-all after the specific rules, as many real ACLs end.
      for (const direction of ['inbound', 'outbound'] as const) {
        const families: Fam[] = this.vpc6 ? [4, 6] : [4];
        for (const family of families) {
          lines.push(`  ${direction} ${number(direction, 32000 + family)} allow all ${direction === 'inbound' ? 'from' : 'to'} ${world(family)}`);
        }
      }
    }
    // Rules in any textual order: the number decides.
    const order = lines.map((line, i) => ({ line, k: c.int(0, 3) * 1000 + i }));
    order.sort((a, b) => a.k - b.k);
    return order.map((o) => o.line);
  }

  // -------------------------------------------------------------------------------------------
  // The text

  private endText(end: End): string {
    if (end.kind === 'instance') return end.instance.name;
    if (end.kind === 'internet') return 'internet';
    return end.bare ? formatAddr(end.block.first, end.block.family) : blockText(end.block);
  }

  private instanceText(inst: Instance): string {
    const parts = [`instance ${inst.name} subnet ${inst.subnet.name} ip ${inst.ips.map(formatV4).join(',')}`];
    if (inst.ip6s.length > 0) parts.push(`ip6 ${inst.ip6s.map((a) => formatV6(a)).join(',')}`);
    if (inst.publicIp !== undefined) parts.push(`public-ip ${formatV4(inst.publicIp)}`);
    if (inst.groups.length) parts.push(`groups ${inst.groups.join(',')}`);
    if (inst.os) parts.push(`os ${inst.os}`);
    if (inst.ephemeral) parts.push(`ephemeral ${portsText(inst.ephemeral)}`);
    return parts.join(' ');
  }

  private flowText(flow: Flow): string {
    const parts = [`flow ${flow.name} ${this.endText(flow.src)} -> ${this.endText(flow.dst)} ${flow.protocol}`];
    if (flow.ports) parts.push(portsText(flow.ports));
    if (flow.icmp) parts.push(flow.icmp);
    if (flow.fromPorts) parts.push(`from-ports ${portsText(flow.fromPorts)}`);
    if (flow.ipv6Keyword) parts.push('ipv6');
    if (flow.oneway) parts.push('oneway');
    parts.push(`expect ${flow.expect}`);
    return parts.join(' ');
  }

  private gatewayLines(): string[] {
    const { igw, eigw, nats } = this.routing;
    const lines: string[] = [];
    if (igw) lines.push(`internet-gateway ${igw}`);
    if (eigw) lines.push(`egress-only-gateway ${eigw}`);
    for (const nat of nats) lines.push(`nat-gateway ${nat.name} subnet ${nat.subnet.name} ip ${formatV4(nat.ip)} public-ip ${formatV4(nat.publicIp)}`);
    return lines;
  }

  private routeTableLines(table: RouteTable): string[] {
    const kind = table.edge ? ` edge ${this.routing.igw}` : table.main ? ' main' : '';
    return [`route-table ${table.name}${kind} {`, ...table.routes.map((r) => `  route ${blockText(r.dest)} -> ${r.target}`), '}'];
  }

  private render(): string {
    const c = this.c;
    const blocks: string[][] = [];
    const vpcCidrs = [blockText(this.vpc4), ...(this.vpc6 ? [blockText(this.vpc6)] : [])];
    if (this.vpc6 && c.chance(0.3)) vpcCidrs.reverse();
    blocks.push([`vpc main ${vpcCidrs.join(' ')}`]);
    blocks.push(this.subnets.map((s) => `subnet ${s.name} ${blockText(s.v4)}${s.v6 ? ` ${blockText(s.v6)}` : ''}${s.acl ? ` acl ${s.acl}` : ''}${s.routes ? ` routes ${s.routes}` : ''}`));
    blocks.push(this.gatewayLines());
    for (const table of this.routing.tables) blocks.push(this.routeTableLines(table));
    blocks.push(...this.firewallLines());
    blocks.push(this.plNames.map((name) => {
      const cidrs: string[] = [];
      for (let i = 0, n = c.int(1, 3); i < n; i++) cidrs.push(this.anyCidr());
      return `prefix-list ${name} ${cidrs.join(' ')}`;
    }));
    for (const name of this.declaredGroups()) blocks.push([`security-group ${name} {`, ...this.sgRules(name), '}']);
    for (const name of this.aclNames) blocks.push([`network-acl ${name} {`, ...this.naclRules(name), '}']);
    blocks.push(this.instances.map((inst) => this.instanceText(inst)));
    blocks.push(this.flows.map((flow) => this.flowText(flow)));
    // A name may be used before its declaration: sometimes put the flows and instances first.
    if (c.chance(0.2)) blocks.reverse();
    return blocks.map((lines) => lines.join('\n')).filter((s) => s.length > 0).join('\n') + '\n';
  }
}

/** Builds one model from a choice sequence (exported for debugging a failing case by hand). */
export function modelFromChoices(choices: readonly number[], options: ModelOptions = {}): GeneratedModel {
  return new Builder(new Chooser(choices), options.large ?? false, options.firewall ?? false).build();
}

/** Small valid models whose flows can be enumerated (or, with `large`, cannot). */
export function randomModel(options: ModelOptions = {}): fc.Arbitrary<GeneratedModel> {
  return fc
    // Unbiased: fast-check's bias towards small and large numbers would make most choices the
    // first or one fixed option; shrinking still goes towards 0, the simplest option.
    .array(fc.noBias(fc.nat({ max: 1 << 20 })), { minLength: CHOICES, maxLength: CHOICES })
    .map((choices) => modelFromChoices(choices, options));
}
