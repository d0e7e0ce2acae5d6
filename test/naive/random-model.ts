// A fast-check arbitrary of small VALID .vpcrules models, for the property tests.
//
// The model is built by a plain function from a fixed-length sequence of random numbers (a
// "choice sequence"): every decision takes the next number modulo its number of options. When
// fast-check shrinks a failing case it shrinks those numbers toward 0, and 0 always means the
// first, simplest option (no optional feature, fewest items), so counterexamples shrink toward
// small models while staying valid.
//
// Two flavours:
// - small (default): every flow is small enough to enumerate exhaustively (external ends /28-/32
//   or /124-/128, at most 8 destination ports, at most 8 source ports, ICMP type 8 or a single
//   type/code);
// - large: flows with `internet` ends, wide CIDRs, wide port ranges, default ephemeral ranges,
//   `icmp all`, where only boundary sampling is possible.
import * as fc from 'fast-check';

export interface ModelOptions {
  large?: boolean;
}

export interface GeneratedModel {
  text: string;
  hasV6: boolean;
  flowCount: number;
}

const CHOICES = 1200;

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

function blockOf(address: bigint, prefix: number, family: Fam): Block {
  const size = 1n << BigInt(BITS[family] - prefix);
  const clamped = address < 0n ? 0n : address > MAX[family] ? MAX[family] : address;
  return { family, first: clamped - (clamped % size), prefix };
}

function blockText(block: Block): string {
  return `${formatAddr(block.first, block.family)}/${block.prefix}`;
}

// ---------------------------------------------------------------------------------------------
// The model's parts

interface Subnet {
  name: string;
  v4: Block;
  v6?: Block;
  acl?: string;
  used4: Set<number>;
  used6: Set<number>;
}

interface Instance {
  name: string;
  subnet: Subnet;
  ip: bigint;
  ip6?: bigint;
  groups: string[];
  os?: 'linux' | 'windows';
  ephemeral?: [number, number];
}

type End = { kind: 'instance'; instance: Instance } | { kind: 'cidr'; block: Block } | { kind: 'internet' };

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

function portsText([from, to]: [number, number]): string {
  if (from === 0 && to === 65535) return 'all';
  return from === to ? `${from}` : `${from}-${to}`;
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
  private readonly anchors4: Block[] = [];
  private readonly anchors6: Block[] = [];

  constructor(private readonly c: Chooser, private readonly large: boolean) {}

  build(): GeneratedModel {
    const c = this.c;
    // VPC
    const second = c.int(0, 255);
    this.vpc4 = c.weighted<Block>([
      [6, { family: 4, first: (10n << 24n) | (BigInt(second) << 16n), prefix: 16 }],
      [2, { family: 4, first: (172n << 24n) | (BigInt(16 + (second % 16)) << 16n), prefix: 20 }],
      [2, { family: 4, first: (192n << 24n) | (168n << 16n), prefix: 16 }],
    ]);
    const withV6 = c.chance(0.5);
    if (withV6) {
      const base = (0x2600n << 112n) | (0x1f18n << 96n) | (BigInt(c.int(0, 0xffff)) << 80n) | (BigInt(c.int(0, 255)) << 72n);
      this.vpc6 = { family: 6, first: base, prefix: 56 };
    }
    // Subnets: distinct slots of the VPC block, each a /24 (or smaller) at a different /24.
    const subnetCount = c.int(2, 4);
    const slots = [0, 1, 2, 3, 4, 8, 15, 10, 12, 5];
    const used = new Set<number>();
    const v6Slots = new Set<number>();
    for (let i = 0; i < subnetCount; i++) {
      let slot = c.pick(slots);
      while (used.has(slot)) slot = (slot + 1) % 16;
      used.add(slot);
      const prefix = c.weighted([[6, 24], [2, 25], [2, 26], [1, 28]]);
      const first = this.vpc4.first + (BigInt(slot) << 8n) + (c.chance(0.2) && prefix > 24 ? 128n : 0n);
      const subnet: Subnet = { name: `sub${i}`, v4: blockOf(first, prefix, 4), used4: new Set(), used6: new Set() };
      if (this.vpc6 && c.chance(0.75)) {
        let s6 = c.int(0, 255);
        while (v6Slots.has(s6)) s6 = (s6 + 1) % 256;
        v6Slots.add(s6);
        subnet.v6 = { family: 6, first: this.vpc6.first + (BigInt(s6) << 64n), prefix: 64 };
      }
      this.subnets.push(subnet);
    }
    // Security groups, network ACLs, prefix lists: names first, rules later (they refer to flows).
    const sgCount = c.int(1, 4);
    for (let i = 0; i < sgCount; i++) this.sgNames.push(`sg${i}`);
    const aclCount = c.int(1, 3);
    for (let i = 0; i < aclCount; i++) this.aclNames.push(`acl${i}`);
    for (const subnet of this.subnets) if (c.chance(0.7)) subnet.acl = c.pick(this.aclNames);
    const plCount = c.weighted([[3, 0], [2, 1], [1, 2]]);
    for (let i = 0; i < plCount; i++) this.plNames.push(`pl${i}`);
    // Instances
    const instanceCount = c.int(2, 5);
    for (let i = 0; i < instanceCount; i++) this.instances.push(this.makeInstance(i));
    // External anchors (flows' address ends), inside or outside the VPC.
    for (let i = 0, n = c.int(1, 3); i < n; i++) this.anchors4.push(this.makeAnchor(4));
    if (this.vpc6) for (let i = 0, n = c.int(1, 2); i < n; i++) this.anchors6.push(this.makeAnchor(6));
    // Flows
    const flowCount = c.int(1, 6);
    for (let i = 0; i < flowCount; i++) this.flows.push(this.makeFlow(i));
    return { text: this.render(), hasV6: this.vpc6 !== undefined, flowCount: this.flows.length };
  }

  private makeInstance(i: number): Instance {
    const c = this.c;
    const subnet = c.pick(this.subnets);
    const size = Number(blockLast(subnet.v4) - subnet.v4.first + 1n);
    const offset = this.freeOffset(subnet.used4, Math.min(size - 2, c.chance(0.2) ? size - 2 : 14));
    const instance: Instance = { name: `vm${i}`, subnet, ip: subnet.v4.first + BigInt(offset), groups: [] };
    if (subnet.v6 && c.chance(0.8)) {
      const off6 = this.freeOffset(subnet.used6, c.chance(0.2) ? 60000 : 14);
      instance.ip6 = subnet.v6.first + BigInt(off6);
    }
    const groupCount = c.weighted([[1, 0], [6, 1], [3, 2]]);
    for (let g = 0; g < groupCount; g++) {
      const name = c.pick(this.sgNames);
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

  private makeAnchor(family: Fam): Block {
    const c = this.c;
    const prefix = family === 4
      ? (this.large ? c.weighted([[3, 28], [2, 32], [2, 24], [1, 16], [1, 8], [1, 30]]) : c.int(28, 32))
      : (this.large ? c.weighted([[3, 124], [2, 128], [2, 120], [1, 64], [1, 48]]) : c.int(124, 128));
    if (family === 4) {
      const outside = [0xc6336400n /* 198.51.100.0 */, 0xcb007140n /* 203.0.113.64 */, 0xc0000280n /* 192.0.2.128 */, 0x08080800n, this.vpc4.first + (1n << BigInt(32 - this.vpc4.prefix)), this.vpc4.first - 256n];
      const subnet = c.pick(this.subnets);
      const inside = [subnet.v4.first + 16n, subnet.v4.first, this.vpc4.first + 0xf000n, subnet.v4.first + 4n];
      const base = c.chance(0.35) ? c.pick(inside) : c.pick(outside);
      return blockOf(base, prefix, 4);
    }
    const outside = [(0x2001n << 112n) | (0xdb8n << 96n), this.vpc6!.first + (1n << 72n), this.vpc6!.first - (1n << 64n)];
    const withV6 = this.subnets.filter((s) => s.v6);
    const inside = withV6.length ? [withV6[0].v6!.first + 16n, this.vpc6!.first + (200n << 64n)] : [this.vpc6!.first + (200n << 64n)];
    return blockOf(c.chance(0.35) ? c.pick(inside) : c.pick(outside), prefix, 6);
  }

  private makeFlow(i: number): Flow {
    const c = this.c;
    const shape = c.weighted([[4, 'ii'], [3, 'ie'], [3, 'ei']] as const);
    let family: Fam = 4;
    const v6Instances = this.instances.filter((inst) => inst.ip6 !== undefined);
    const wantV6 = this.vpc6 !== undefined && c.chance(0.3);
    const pool = (): Instance[] => (family === 6 ? v6Instances : this.instances);
    if (wantV6 && (shape === 'ii' ? v6Instances.length >= 1 : v6Instances.length >= 1)) family = 6;
    const ext = (): End => {
      if (this.large && c.chance(0.5)) return { kind: 'internet' };
      return { kind: 'cidr', block: c.pick(family === 4 ? this.anchors4 : this.anchors6) };
    };
    const inst = (): End => ({ kind: 'instance', instance: c.pick(pool()) });
    const src = shape === 'ei' ? ext() : inst();
    const dst = shape === 'ie' ? ext() : inst();
    const protocol = c.weighted([[4, 'tcp'], [3, 'udp'], [3, 'icmp']] as const);
    const flow: Flow = {
      name: `f${i}`, src, dst, family, protocol, ipv6Keyword: false, oneway: c.chance(0.25), expect: c.chance(0.5) ? 'deny' : 'allow',
    };
    const hasCidrV6End = [src, dst].some((e) => e.kind === 'cidr' && e.block.family === 6);
    flow.ipv6Keyword = family === 6 && (!hasCidrV6End || c.chance(0.5));
    if (protocol === 'icmp') {
      if (family === 6) flow.protocol = 'icmpv6';
      const specs = family === 4
        ? (this.large ? ['type 8', 'type 3 code 1', 'all', '', 'type 8 code 0', 'type 3'] : ['type 8', 'type 3 code 1', 'type 8 code 0', 'type 0 code 0'])
        : (this.large ? ['type 128', 'type 1 code 4', 'all', '', 'type 128 code 0', 'type 1'] : ['type 128', 'type 1 code 4', 'type 128 code 0', 'type 129 code 0']);
      flow.icmp = c.pick(specs);
      return flow;
    }
    // Destination ports.
    if (this.large && c.chance(0.6)) {
      flow.ports = c.pick<[number, number]>([[0, 65535], [0, 1023], [1024, 65535], [80, 8080], [443, 443], [20, 30]]);
    } else {
      const from = Math.max(0, Math.min(65535, c.pick(DST_PORT_BASES) + c.int(-2, 4)));
      flow.ports = [from, Math.min(65535, from + c.int(0, 7))];
    }
    // Source ports: small when the flow must be enumerable.
    const srcEphemeral = src.kind === 'instance' ? src.instance.ephemeral : undefined;
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

  // -------------------------------------------------------------------------------------------
  // Rules, drawn near the flows so that partial verdicts happen.

  /** Addresses rules should cut near: instances, flow ends, subnets, the VPC. */
  private interestingAddresses(family: Fam): bigint[] {
    const out: bigint[] = [];
    for (const inst of this.instances) {
      const a = family === 4 ? inst.ip : inst.ip6;
      if (a !== undefined) out.push(a, a);
    }
    for (const a of family === 4 ? this.anchors4 : this.anchors6) out.push(a.first, blockLast(a), a.first + (blockLast(a) - a.first) / 2n);
    for (const flow of this.flows) for (const e of [flow.src, flow.dst]) if (e.kind === 'cidr' && e.block.family === family) out.push(e.block.first, blockLast(e.block));
    for (const s of this.subnets) {
      const b = family === 4 ? s.v4 : s.v6;
      if (b) out.push(b.first);
    }
    const vpc = family === 4 ? this.vpc4 : this.vpc6;
    if (vpc) out.push(vpc.first);
    return out;
  }

  private cidr(family: Fam): string {
    const c = this.c;
    if (c.chance(0.08)) return family === 4 ? '0.0.0.0/0' : '::/0';
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
        if (flow.fromPorts) ranges.push(flow.fromPorts);
        else if (flow.src.kind === 'instance' && flow.src.instance.ephemeral) ranges.push(flow.src.instance.ephemeral);
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

  private sgRules(): string[] {
    const c = this.c;
    const lines: string[] = [];
    for (let i = 0, n = c.weighted([[1, 0], [3, 1], [3, 2], [3, 3], [2, 4], [1, 6]]); i < n; i++) {
      const direction = c.chance(0.5) ? 'outbound' : 'inbound';
      const peer = c.weighted<string>([
        [6, this.anyCidr()],
        [3, `sg ${c.pick(this.sgNames)}`],
        [this.plNames.length ? 2 : 0, `pl ${this.plNames.length ? c.pick(this.plNames) : ''}`],
      ]);
      const description = c.chance(0.15) ? ` "rule ${i}"` : '';
      lines.push(`  ${direction} ${this.protocolText()} ${direction === 'inbound' ? 'from' : 'to'} ${peer}${description}`);
    }
    return lines;
  }

  private naclRules(): string[] {
    const c = this.c;
    const lines: string[] = [];
    for (const direction of ['inbound', 'outbound'] as const) {
      const numbers = new Set<number>();
      for (let i = 0, n = c.int(1, 6); i < n; i++) {
        let number = c.weighted([[5, c.int(1, 20) * 10], [2, c.int(1, 32766)], [1, 32766], [1, 1]]);
        while (numbers.has(number)) number = number >= 32766 ? 1 : number + 1;
        numbers.add(number);
        const action = c.chance(0.35) ? 'deny' : 'allow';
        lines.push(`  ${direction} ${number} ${action} ${this.protocolText()} ${direction === 'inbound' ? 'from' : 'to'} ${this.anyCidr()}`);
      }
    }
    // Rules in any textual order: the number decides.
    const order = lines.map((line, i) => ({ line, k: c.int(0, 3) * 100 + i }));
    order.sort((a, b) => a.k - b.k);
    return order.map((o) => o.line);
  }

  private render(): string {
    const c = this.c;
    const blocks: string[][] = [];
    const vpcCidrs = [blockText(this.vpc4), ...(this.vpc6 ? [blockText(this.vpc6)] : [])];
    if (this.vpc6 && c.chance(0.3)) vpcCidrs.reverse();
    blocks.push([`vpc main ${vpcCidrs.join(' ')}`]);
    blocks.push(this.subnets.map((s) => `subnet ${s.name} ${blockText(s.v4)}${s.v6 ? ` ${blockText(s.v6)}` : ''}${s.acl ? ` acl ${s.acl}` : ''}`));
    blocks.push(this.plNames.map((name) => {
      const cidrs: string[] = [];
      for (let i = 0, n = c.int(1, 3); i < n; i++) cidrs.push(this.anyCidr());
      return `prefix-list ${name} ${cidrs.join(' ')}`;
    }));
    for (const name of this.sgNames) blocks.push([`security-group ${name} {`, ...this.sgRules(), '}']);
    for (const name of this.aclNames) blocks.push([`network-acl ${name} {`, ...this.naclRules(), '}']);
    blocks.push(this.instances.map((inst) => {
      const parts = [`instance ${inst.name} subnet ${inst.subnet.name} ip ${formatV4(inst.ip)}`];
      if (inst.ip6 !== undefined) parts.push(`ip6 ${formatV6(inst.ip6)}`);
      if (inst.groups.length) parts.push(`groups ${inst.groups.join(',')}`);
      if (inst.os) parts.push(`os ${inst.os}`);
      if (inst.ephemeral) parts.push(`ephemeral ${portsText(inst.ephemeral)}`);
      return parts.join(' ');
    }));
    blocks.push(this.flows.map((flow) => {
      const end = (e: End) => (e.kind === 'instance' ? e.instance.name : e.kind === 'internet' ? 'internet' : blockText(e.block));
      const parts = [`flow ${flow.name} ${end(flow.src)} -> ${end(flow.dst)} ${flow.protocol}`];
      if (flow.ports) parts.push(portsText(flow.ports));
      if (flow.icmp) parts.push(flow.icmp);
      if (flow.fromPorts) parts.push(`from-ports ${portsText(flow.fromPorts)}`);
      if (flow.ipv6Keyword) parts.push('ipv6');
      if (flow.oneway) parts.push('oneway');
      parts.push(`expect ${flow.expect}`);
      return parts.join(' ');
    }));
    // A name may be used before its declaration: sometimes put the flows and instances first.
    if (c.chance(0.2)) blocks.reverse();
    return blocks.map((lines) => lines.join('\n')).filter((s) => s.length > 0).join('\n') + '\n';
  }
}

/** Builds one model from a choice sequence (exported for debugging a failing case by hand). */
export function modelFromChoices(choices: readonly number[], options: ModelOptions = {}): GeneratedModel {
  return new Builder(new Chooser(choices), options.large ?? false).build();
}

/** Small valid models whose flows can be enumerated (or, with `large`, cannot). */
export function randomModel(options: ModelOptions = {}): fc.Arbitrary<GeneratedModel> {
  return fc
    .array(fc.nat({ max: 1 << 20 }), { minLength: CHOICES, maxLength: CHOICES })
    .map((choices) => modelFromChoices(choices, options));
}
