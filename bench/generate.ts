// A deterministic generator of realistic, valid .vpcrules models of a chosen size, for the
// benchmarks. One VPC (several IPv4 blocks and one IPv6 block), subnets (some dual-stack) behind
// network ACLs written the way teams write them (denies first, service rules, return rules for
// ephemeral ports), security groups per service tier with `sg` and `pl` peers, Linux and Windows
// instances in several groups, and flows of every kind.
//
// Three independent random streams (structure, rules, flows) keep the flow set identical when only
// the number of rules changes, so that the cost of rules can be measured against fixed flows.
//
// Two shapes: `balanced` (many instances, about one line in ten a flow) and `flow-heavy` (an
// imported network where flows are most of the file: at 10k lines 25 subnets, 400 instances,
// network ACLs of 20-30 rules and about 7,400 flows), both scaling with the number of lines.

import { randomStream } from '../test/naive/random-stream';

export type ModelShape = 'balanced' | 'flow-heavy';

export interface GenerateOptions {
  /** Approximate number of lines. */
  lines: number;
  seed?: number;
  /** `balanced` unless given. */
  shape?: ModelShape;
  /** Multiplies the rules of every security group and network ACL (for scaling series). */
  ruleFactor?: number;
  /** Rules per security group and per network ACL direction before `ruleFactor`, as [min, max]. */
  sgRules?: [number, number];
  naclRules?: [number, number];
}

export interface Position {
  /** 0-based, as the language server counts. */
  line: number;
  character: number;
}

export interface GeneratedBench {
  text: string;
  lines: number;
  rules: number;
  flows: number;
  /** Digits inside comments: changing one keeps the model's meaning. */
  commentDigits: Position[];
  /**
   * The last digit of single ports in rules and flows: changing it (to another digit) keeps the
   * model valid but changes what it means.
   */
  codeDigits: Position[];
  /** A position inside each flow's name. */
  flowNames: Position[];
  instances: number;
  /** The line of every security group and network ACL rule. */
  ruleLines: number[];
  /** Every security group: the line of its header and the texts of its rule lines. */
  groupBlocks: { header: number; rules: string[] }[];
  /** Where completion offers the subnets: just after `subnet ` in instance lines. */
  subnetCompletions: Position[];
  /** Where completion offers every instance and `internet`: just after a flow's name. */
  endpointCompletions: Position[];
}


class Random {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = randomStream(seed);
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
}

interface Tier {
  name: string;
  protocol: 'tcp' | 'udp';
  ports: string[];
  /** Tiers whose instances open connections to this one. */
  clients: string[];
}

const TIERS: Tier[] = [
  { name: 'web', protocol: 'tcp', ports: ['443', '80'], clients: ['internet', 'bastion', 'monitor'] },
  { name: 'app', protocol: 'tcp', ports: ['8080', '8443'], clients: ['web', 'batch', 'monitor'] },
  { name: 'api', protocol: 'tcp', ports: ['9000-9010', '443'], clients: ['web', 'app', 'batch'] },
  { name: 'db', protocol: 'tcp', ports: ['5432', '3306'], clients: ['app', 'api', 'batch', 'bastion'] },
  { name: 'cache', protocol: 'tcp', ports: ['6379', '11211'], clients: ['app', 'api', 'web'] },
  { name: 'queue', protocol: 'tcp', ports: ['5672', '9092-9094'], clients: ['app', 'api', 'batch'] },
  { name: 'search', protocol: 'tcp', ports: ['9200-9300'], clients: ['app', 'api', 'monitor'] },
  { name: 'batch', protocol: 'tcp', ports: ['8000'], clients: ['app', 'monitor'] },
  { name: 'bastion', protocol: 'tcp', ports: ['22'], clients: ['internet'] },
  { name: 'monitor', protocol: 'tcp', ports: ['9090', '9100'], clients: ['app', 'web', 'db'] },
  { name: 'dns', protocol: 'udp', ports: ['53'], clients: ['app', 'web', 'api', 'batch'] },
  { name: 'rdp', protocol: 'tcp', ports: ['3389'], clients: ['bastion'] },
];

const EXTERNAL_V4 = ['203.0.113.0/24', '198.51.100.0/24', '192.0.2.0/24', '52.94.0.0/16', '54.239.0.0/17', '172.16.0.0/12', '192.168.0.0/16'];
const BLOCKED_V4 = ['198.51.100.0/25', '192.0.2.128/25', '100.64.0.0/10', '45.33.0.0/16'];
const V6_BLOCK = '2600:1f18:4a2b:7c00';

interface Subnet {
  name: string;
  v4: string;
  /** The first three octets, e.g. "10.3.17". */
  base: string;
  v6?: string;
  acl?: string;
  instances: Instance[];
}

interface Instance {
  name: string;
  subnet: Subnet;
  ip: string;
  ip6?: string;
  groups: Group[];
}

interface Group {
  name: string;
  tier: Tier;
  members: Instance[];
}

interface Structure {
  vpcBlocks: string[];
  subnets: Subnet[];
  acls: string[];
  groups: Group[];
  groupsByTier: Map<string, Group[]>;
  prefixLists: string[];
  instances: Instance[];
  /** The instances with an IPv6 address. */
  dualStack: Instance[];
  flowCount: number;
}

interface ShapeCounts {
  /** Per line of the model. */
  subnets: number;
  acls: number;
  groups: number;
  prefixLists: number;
  flows: number;
  instances: number;
  /** Rules per security group and per network ACL direction, as [min, max]. */
  sgRules: [number, number];
  naclRules: [number, number];
}

const SHAPES: Record<ModelShape, ShapeCounts> = {
  // What is left after rules (~11% + ~26%), flows and headers goes to instances.
  balanced: { subnets: 1 / 150, acls: 1 / 500, groups: 1 / 80, prefixLists: 1 / 2000, flows: 1 / 10, instances: 0.5, sgRules: [6, 30], naclRules: [12, 40] },
  // 74% flows, 4% instances, 20-30 rules per network ACL, the rest security group rules.
  'flow-heavy': { subnets: 1 / 400, acls: 1 / 1000, groups: 1 / 100, prefixLists: 1 / 2000, flows: 0.74, instances: 0.04, sgRules: [10, 22], naclRules: [10, 15] },
};

function shapeOf(options: GenerateOptions): ShapeCounts {
  return SHAPES[options.shape ?? 'balanced'];
}

function plan(options: GenerateOptions): Structure {
  const random = new Random(options.seed ?? 1);
  const L = options.lines;
  const shape = shapeOf(options);
  const subnetCount = Math.max(4, Math.round(L * shape.subnets));
  const aclCount = Math.max(2, Math.round(L * shape.acls));
  const groupCount = Math.max(TIERS.length, Math.round(L * shape.groups));
  const prefixListCount = Math.max(2, Math.round(L * shape.prefixLists));
  const flowCount = Math.max(10, Math.round(L * shape.flows));
  const instanceCount = Math.max(8, Math.round(L * shape.instances));

  const vpcBlocks: string[] = [];
  for (let b = 0; b * 256 < subnetCount; b++) vpcBlocks.push(`10.${b}.0.0/16`);
  const acls = Array.from({ length: aclCount }, (_, i) => `nacl-${i}`);
  const subnets: Subnet[] = Array.from({ length: subnetCount }, (_, k) => {
    const base = `10.${k >> 8}.${k & 255}`;
    // The VPC's IPv6 /56 holds 256 /64 subnets: every third subnet up to that is dual-stack.
    const v6 = k % 3 === 0 && k / 3 < 256 ? `${V6_BLOCK.slice(0, -2)}${(k / 3).toString(16).padStart(2, '0')}::/64` : undefined;
    const acl = random.chance(0.1) ? undefined : acls[k % aclCount];
    return { name: `subnet-${k}`, v4: `${base}.0/24`, base, v6, acl, instances: [] };
  });
  const groups: Group[] = Array.from({ length: groupCount }, (_, i) => {
    const tier = TIERS[i % TIERS.length];
    return { name: `sg-${tier.name}-${Math.floor(i / TIERS.length)}`, tier, members: [] };
  });
  const groupsByTier = new Map<string, Group[]>();
  for (const group of groups) groupsByTier.set(group.tier.name, [...(groupsByTier.get(group.tier.name) ?? []), group]);
  const instances: Instance[] = [];
  for (let i = 0; i < instanceCount; i++) {
    const subnet = subnets[i % subnetCount];
    const host = 10 + subnet.instances.length;
    if (host > 250) continue;
    const primary = groups[random.int(0, groupCount - 1)];
    const chosen = [primary];
    const extra = random.int(0, 2);
    for (let e = 0; e < extra; e++) {
      const group = random.chance(0.5) ? random.pick(groupsByTier.get('monitor')!) : groups[random.int(0, groupCount - 1)];
      if (!chosen.includes(group)) chosen.push(group);
    }
    const instance: Instance = {
      name: `${primary.tier.name}-${i}`, subnet, ip: `${subnet.base}.${host}`,
      ip6: subnet.v6 ? `${subnet.v6.slice(0, -'::/64'.length)}::${(0x100 + host).toString(16)}` : undefined, groups: chosen,
    };
    subnet.instances.push(instance);
    for (const group of chosen) group.members.push(instance);
    instances.push(instance);
  }
  const prefixLists = Array.from({ length: prefixListCount }, (_, i) => `pl-partners-${i}`);
  return { vpcBlocks, subnets, acls, groups, groupsByTier, prefixLists, instances, dualStack: instances.filter((instance) => instance.ip6), flowCount };
}

function scaled(range: [number, number], factor: number, random: Random): number {
  return Math.max(1, Math.round(random.int(range[0], range[1]) * factor));
}

/** Security group rules: what the tier serves to its clients, and what it needs. */
function groupRules(structure: Structure, group: Group, count: number, random: Random): string[] {
  const tier = group.tier;
  const vpc = random.pick(structure.vpcBlocks);
  const rules: string[] = [];
  const inbound = (): string => {
    const port = random.pick(tier.ports);
    const client = random.pick(tier.clients);
    const roll = random.int(0, 9);
    if (client === 'internet' && roll < 5) return random.chance(0.3) ? `inbound tcp ${port} from ::/0 "public IPv6"` : `inbound tcp ${port} from 0.0.0.0/0 "public"`;
    if (roll < 5 && structure.groupsByTier.has(client)) return `inbound ${tier.protocol} ${port} from sg ${random.pick(structure.groupsByTier.get(client)!).name}`;
    if (roll < 6) return `inbound ${tier.protocol} ${port} from pl ${random.pick(structure.prefixLists)} "partners"`;
    if (roll < 7) return `inbound icmp type 8 from ${vpc}`;
    if (roll < 8) return `inbound tcp 22 from sg ${random.pick(structure.groupsByTier.get('bastion')!).name} "ssh from bastion"`;
    return `inbound ${tier.protocol} ${port} from ${random.pick(structure.subnets).v4}`;
  };
  const outbound = (): string => {
    const roll = random.int(0, 9);
    if (roll < 2) return 'outbound tcp 443 to 0.0.0.0/0 "https out"';
    if (roll < 3) return `outbound udp 53 to ${vpc.replace('0.0/16', '0.2/32')} "resolver"`;
    if (roll < 4) return `outbound tcp 443 to pl ${random.pick(structure.prefixLists)}`;
    if (roll < 5) return 'outbound tcp 443 to ::/0';
    const server = random.pick(TIERS.filter((t) => t.clients.includes(tier.name)).concat(TIERS[0]));
    const port = random.pick(server.ports);
    if (roll < 8) return `outbound ${server.protocol} ${port} to sg ${random.pick(structure.groupsByTier.get(server.name)!).name}`;
    return `outbound ${server.protocol} ${port} to ${random.pick(structure.subnets).v4}`;
  };
  for (let r = 0; r < count; r++) rules.push(r % 3 === 2 ? outbound() : inbound());
  return rules;
}

/** One direction of a network ACL: a few denies, service rules, then return rules for ephemeral ports. */
function aclDirection(structure: Structure, direction: 'inbound' | 'outbound', count: number, random: Random): string[] {
  const remote = direction === 'inbound' ? 'from' : 'to';
  const rules: string[] = [];
  let number = 0;
  const add = (text: string) => {
    number += random.int(1, 10);
    rules.push(`${direction} ${number} ${text}`);
  };
  const denies = Math.min(count, random.int(1, 4));
  for (let d = 0; d < denies; d++) {
    const roll = random.int(0, 2);
    if (roll === 0) add(`deny all ${remote} ${random.pick(BLOCKED_V4)}`);
    else if (roll === 1) add(`deny tcp 3389 ${remote} 0.0.0.0/0`);
    else add(`deny udp 1900 ${remote} 0.0.0.0/0`);
  }
  const returns = [
    `allow tcp 1024-65535 ${remote} 0.0.0.0/0`,
    `allow udp 1024-65535 ${remote} ${random.pick(structure.vpcBlocks)}`,
    `allow tcp 1024-65535 ${remote} ::/0`,
  ];
  const services = Math.max(0, count - denies - returns.length);
  for (let s = 0; s < services; s++) {
    const roll = random.int(0, 9);
    const tier = random.pick(TIERS);
    const port = random.pick(tier.ports);
    if (roll < 4) add(`allow ${tier.protocol} ${port} ${remote} ${random.pick(structure.subnets).v4}`);
    else if (roll < 6) add(`allow ${tier.protocol} ${port} ${remote} ${random.pick(structure.vpcBlocks)}`);
    else if (roll < 7) add(`allow tcp 443 ${remote} 0.0.0.0/0`);
    else if (roll < 8) add(`allow icmp all ${remote} ${random.pick(structure.vpcBlocks)}`);
    else if (roll < 9) add(`allow tcp ${port} ${remote} ${random.pick(EXTERNAL_V4)}`);
    else add(`allow tcp 443 ${remote} ::/0`);
  }
  for (const text of returns.slice(0, Math.min(returns.length, count - denies))) add(text);
  return rules;
}

function flowLine(structure: Structure, index: number, random: Random): string {
  const instances = structure.instances;
  const any = () => random.pick(instances);
  const expect = () => (random.chance(0.75) ? 'allow' : 'deny');
  const served = (instance: Instance) => {
    const tier = instance.groups[0].tier;
    return { protocol: tier.protocol, port: random.pick(tier.ports).split('-')[0] };
  };
  const roll = random.int(0, 99);
  if (roll < 35) {
    const dst = any();
    const src = random.chance(0.2) ? random.pick(dst.subnet.instances) : any();
    if (src === dst) return `flow f${index}-local ${src.name} -> ${random.pick(EXTERNAL_V4)} tcp 443 expect ${expect()}`;
    const { protocol, port } = served(dst);
    return `flow f${index}-east-west ${src.name} -> ${dst.name} ${protocol} ${port} expect ${expect()}`;
  }
  if (roll < 50) {
    const dst = random.pick(structure.groupsByTier.get('web')!).members[0] ?? any();
    const fromPorts = random.chance(0.3) ? ' from-ports 32768-60999' : '';
    return `flow f${index}-public internet -> ${dst.name} tcp ${random.pick(['443', '80'])}${fromPorts} expect ${expect()}`;
  }
  if (roll < 62) {
    const [protocol, port, to] = random.pick([['tcp', '443', '0.0.0.0/0'], ['tcp', '443', '52.94.0.0/16'], ['udp', '53', '10.0.0.2'], ['udp', '123', '169.254.169.123'], ['tcp', '5432', random.pick(EXTERNAL_V4)]]);
    return `flow f${index}-egress ${any().name} -> ${to} ${protocol} ${port} expect ${expect()}`;
  }
  if (roll < 70) {
    // A ping from an instance to itself is no connection: ping the internet instead.
    const [src, dst] = [any(), any()];
    return `flow f${index}-ping ${src.name} -> ${src === dst ? 'internet' : dst.name} icmp type 8 expect ${expect()}`;
  }
  if (roll < 76) return `flow f${index}-ping-in ${random.pick(EXTERNAL_V4)} -> ${any().name} icmp type 8 expect ${expect()}`;
  if (roll < 84) {
    const dual = structure.dualStack;
    const src = random.pick(dual);
    if (random.chance(0.5)) return `flow f${index}-v6-out ${src.name} -> internet tcp 443 ipv6 expect ${expect()}`;
    const dst = random.pick(dual);
    if (src === dst) return `flow f${index}-v6-ping ${src.name} -> internet icmpv6 type 128 ipv6 expect ${expect()}`;
    return `flow f${index}-v6 ${src.name} -> ${dst.name} ${served(dst).protocol} ${served(dst).port} ipv6 expect ${expect()}`;
  }
  if (roll < 90) return `flow f${index}-syslog ${any().name} -> ${random.pick(EXTERNAL_V4)} udp 514 oneway expect ${expect()}`;
  const dst = any();
  const { protocol, port } = served(dst);
  const fromPorts = random.chance(0.5) ? ' from-ports 1024-65535' : '';
  return `flow f${index}-onprem ${random.pick(['172.16.0.0/12', '192.168.10.0/24', '10.200.0.0/16'])} -> ${dst.name} ${protocol} ${port}${fromPorts} expect ${expect()}`;
}

export function generateModel(options: GenerateOptions): GeneratedBench {
  const seed = options.seed ?? 1;
  const factor = options.ruleFactor ?? 1;
  const structure = plan(options);
  const ruleRandom = new Random(seed * 7919 + 1);
  const flowRandom = new Random(seed * 104729 + 2);
  const out: string[] = [];
  const commentDigits: Position[] = [];
  const flowNames: Position[] = [];
  const codeDigits: Position[] = [];
  const ruleLines: number[] = [];
  const groupBlocks: { header: number; rules: string[] }[] = [];
  const subnetCompletions: Position[] = [];
  const endpointCompletions: Position[] = [];
  const shape = shapeOf(options);
  let rules = 0;
  /** Pushes a rule or flow line and records its single ports whose last digit may change. */
  const code = (line: string) => {
    for (const match of line.matchAll(/ (?:tcp|udp) (\d+)(?= )/g)) {
      // Below 60000, any last digit stays a valid port.
      if (Number(match[1]) < 60_000) codeDigits.push({ line: out.length, character: match.index + match[0].length - 1 });
    }
    out.push(line);
  };
  /** A comment whose trailing number a benchmark may change freely. */
  const comment = (text: string, revision: number) => {
    const line = `# ${text}, revision ${revision}`;
    commentDigits.push({ line: out.length, character: line.length - 1 });
    out.push(line);
  };

  comment(`generated benchmark model, ${options.lines} lines, seed ${seed}`, 1);
  out.push(`vpc bench ${structure.vpcBlocks.join(' ')} ${V6_BLOCK.slice(0, -2)}00::/56`);
  for (const list of structure.prefixLists) out.push(`prefix-list ${list} ${ruleRandom.pick(EXTERNAL_V4)} ${ruleRandom.pick(EXTERNAL_V4)}`);
  out.push('');
  // Routing as a real VPC has it: the first subnet public (its instances reachable at public
  // addresses), the others private behind a NAT gateway in it, IPv6 out through an egress-only gateway.
  const [publicSubnet] = structure.subnets;
  for (const subnet of structure.subnets) {
    const routes = subnet === publicSubnet ? ' routes public-rt' : '';
    out.push(`subnet ${subnet.name} ${subnet.v4}${subnet.v6 ? ` ${subnet.v6}` : ''}${subnet.acl ? ` acl ${subnet.acl}` : ''}${routes}`);
  }
  out.push('', 'internet-gateway igw', 'egress-only-gateway eigw', `nat-gateway nat-a subnet ${publicSubnet.name} ip ${publicSubnet.base}.5 public-ip 198.18.0.5`);
  // AWS Network Firewall inspects the public subnet's IPv4 traffic both ways, in a subnet of its
  // own: the last /24 of the last VPC block, when the subnets leave it free.
  const last = structure.subnets.length - 1;
  const inspected = (last & 255) < 255;
  if (inspected) {
    const block = `10.${last >> 8}.255`;
    out.push(`subnet inspection ${block}.0/28 routes inspection-rt`, `firewall inspect subnet inspection policy inspect-policy`);
    out.push('route-table inspection-rt {', '  route 0.0.0.0/0 -> igw igw', '}');
    out.push('route-table ingress edge igw {', `  route ${publicSubnet.v4} -> firewall inspect`, '}');
    out.push('firewall-policy inspect-policy {', '  stateless-default forward', '  stateless inspect-stateless priority 10', '  stateful inspect-stateful', '}');
    out.push('stateless-rule-group inspect-stateless {', '  rule 10 drop all from 192.0.2.0/24 to any', '  rule 20 pass udp from any to any port 123', '}');
    out.push('stateful-rule-group inspect-stateful {',
      '  pass tcp $EXTERNAL_NET any -> $HOME_NET 443 (msg:"HTTPS in"; flow:to_server; sid:1;)',
      '  drop tcp $EXTERNAL_NET any -> $HOME_NET 22 (msg:"no SSH from outside"; sid:2;)',
      '  pass udp $HOME_NET any -> any 53 (msg:"DNS out"; sid:3;)',
      '}');
  }
  out.push('route-table public-rt {', `  route 0.0.0.0/0 -> ${inspected ? 'firewall inspect' : 'igw igw'}`, '  route ::/0 -> igw igw', '}');
  out.push('route-table private-rt main {', '  route 0.0.0.0/0 -> nat nat-a', '  route ::/0 -> eigw eigw', '}');
  out.push('');
  for (const [i, acl] of structure.acls.entries()) {
    comment(`network ACL ${acl}, owner team-${i % 17}`, ruleRandom.int(1, 8));
    out.push(`network-acl ${acl} {`);
    for (const direction of ['inbound', 'outbound'] as const) {
      for (const rule of aclDirection(structure, direction, scaled(options.naclRules ?? shape.naclRules, factor, ruleRandom), ruleRandom)) {
        ruleLines.push(out.length);
        code(`  ${rule}`);
        rules++;
      }
    }
    out.push('}');
  }
  out.push('');
  for (const [i, group] of structure.groups.entries()) {
    comment(`${group.tier.name} tier, owner team-${i % 17}`, ruleRandom.int(1, 8));
    const block = { header: out.length, rules: [] as string[] };
    groupBlocks.push(block);
    out.push(`security-group ${group.name} {`);
    for (const rule of groupRules(structure, group, scaled(options.sgRules ?? shape.sgRules, factor, ruleRandom), ruleRandom)) {
      ruleLines.push(out.length);
      block.rules.push(`  ${rule}`);
      code(`  ${rule}`);
      rules++;
    }
    out.push('}');
  }
  out.push('');
  const structureRandom = new Random(seed * 31337 + 3);
  const instances: unknown[] = [];
  for (const instance of structure.instances) {
    const os = structureRandom.chance(0.2) ? ' os windows' : '';
    const ephemeral = !os && structureRandom.chance(0.05) ? ' ephemeral 1024-65535' : '';
    const publicIp = instance.subnet === publicSubnet ? ` public-ip 198.18.${(instances.length >> 8) & 255}.${instances.length & 255}` : '';
    instances.push(instance);
    subnetCompletions.push({ line: out.length, character: `instance ${instance.name} subnet `.length });
    out.push(`instance ${instance.name} subnet ${instance.subnet.name} ip ${instance.ip}${instance.ip6 ? ` ip6 ${instance.ip6}` : ''} groups ${instance.groups.map((g) => g.name).join(',')}${os}${ephemeral}${publicIp}`);
  }
  out.push('');
  comment('flows that must work, and those that must not', 1);
  for (let f = 0; f < structure.flowCount; f++) {
    flowNames.push({ line: out.length, character: 6 });
    const line = flowLine(structure, f, flowRandom);
    endpointCompletions.push({ line: out.length, character: line.indexOf(' ', 'flow '.length) + 1 });
    code(line);
  }
  out.push('');
  return {
    text: out.join('\n'), lines: out.length, rules, flows: structure.flowCount, instances: structure.instances.length,
    commentDigits, codeDigits, flowNames, ruleLines, groupBlocks, subnetCompletions, endpointCompletions,
  };
}
