// Binds names, resolves addresses and reports what makes a model invalid: unknown or duplicate
// names, addresses outside their block, flows that cannot be evaluated.
import type {
  Cidr, Declaration, Endpoint, Family, FlowDecl, InstanceDecl, Name, NetworkAclDecl, Peer, Range,
  SecurityGroupDecl, SourceFile, SubnetDecl,
} from '../syntax/ast';
import { protocolIsIcmp } from '../syntax/ast';
import { canonicalCidr, formatAddress, parseCidr } from '../syntax/cidr';
import { closest } from '../syntax/suggest';
import { Diagnostic, makeDiagnostic } from '../diagnostics/diagnostic';
import { AddrSet, addrsOfCidrs, addrsOfPoints, cidrSet, emptyAddrs, ofFamily, universe } from './addresses';
import { BigSet, IntervalSet, PortSet } from './intervals';
import { icmpKey, keysOf, ALL_KEYS } from './keys';
import { buildGateways, buildRouteTables, checkPublicAddress, RoutingContext } from './build-routing';
import { buildFirewalls } from './build-firewall';
import { connectablePairs, endRegions, instanceAt, singleAddress, withoutServiceAddresses } from './regions';
import type {
  AwsService, Flow, FlowEnd, Instance, InstanceAddress, Model, NaclRuleModel, NetworkAcl, PrefixList, Reference, ReplyShape, SecurityGroup,
  SgRuleModel, Subnet, SymbolKind, Vpc,
} from './model';
import { SYMBOL_KIND_LABELS } from './model';

export const LINUX_EPHEMERAL = IntervalSet.of(32768, 60999);
export const WINDOWS_EPHEMERAL = IntervalSet.of(49152, 65535);
export const EXTERNAL_EPHEMERAL = IntervalSet.of(1024, 65535);

/** The prefix lengths AWS accepts for VPC and subnet blocks, by family; a family left out is not checked. */
const BLOCK_PREFIXES: Record<'VPC' | 'subnet', Partial<Record<Family, { shortest: number; longest: number }>>> = {
  VPC: { 4: { shortest: 16, longest: 28 } },
  subnet: { 4: { shortest: 16, longest: 28 }, 6: { shortest: 0, longest: 64 } },
};

export interface BuildResult {
  model: Model;
  diagnostics: Diagnostic[];
}

function defaultAcl(): NetworkAcl {
  const acl: NetworkAcl = { name: '(default)', isDefault: true, inbound: [], outbound: [] };
  for (const direction of ['inbound', 'outbound'] as const) {
    for (const family of [4, 6] as const) {
      const cidr: AddrSet = emptyAddrs();
      if (family === 4) cidr.v4 = universe(4);
      else cidr.v6 = universe(6);
      acl[direction].push({
        acl, direction, family, cidr,
        number: family === 4 ? 100 : 101,
        action: 'allow',
        protocol: -1,
        keys: ALL_KEYS,
        text: `${direction} ${family === 4 ? 100 : 101} allow all ${direction === 'inbound' ? 'from' : 'to'} ${family === 4 ? '0.0.0.0/0' : '::/0'}`,
      });
    }
  }
  return acl;
}

/** The name AWS gives every VPC's default security group. */
const DEFAULT_GROUP = 'default';

/** Rule text for traces: runs of spaces outside strings become one, as a reader expects. */
function normalizeSpaces(text: string): string {
  return text.split(/("(?:[^"\\]|\\.)*"?)/).map((part, i) => (i % 2 === 1 ? part : part.replace(/\s+/g, ' '))).join('').trim();
}

/** Every instance address by family, sorted, to find which instance an address end is. */
function sortedInstanceAddresses(instances: Iterable<Instance>): Record<Family, InstanceAddress[]> {
  const out: Record<Family, InstanceAddress[]> = { 4: [], 6: [] };
  for (const instance of instances) {
    for (const address of instance.ips) out[4].push({ address, instance });
    for (const address of instance.ip6s) out[6].push({ address, instance });
  }
  for (const family of [4, 6] as const) out[family].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  return out;
}

/** The addresses of the services AWS provides without filtering, and each subnet's router. */
function awsServices(model: Model): Record<Family, Map<bigint, AwsService>> {
  const out: Record<Family, Map<bigint, AwsService>> = { 4: new Map(), 6: new Map() };
  for (const subnet of model.subnets.values()) {
    if (subnet.v4) out[4].set(subnet.v4.first + 1n, { name: `the router of subnet ${subnet.name}`, routerOf: subnet });
  }
  const firstBlock = model.vpc?.decl.cidrs.find((cidr) => cidr.family === 4);
  if (firstBlock) out[4].set(firstBlock.first + 2n, { name: 'Amazon DNS' });
  for (const [family, text, name] of AWS_SERVICE_ADDRESSES) {
    const parsed = parseCidr(text, firstBlock?.range ?? NO_RANGE);
    if (parsed.ok) out[family].set(parsed.cidr.address, { name });
  }
  return out;
}

const NO_RANGE: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

const AWS_SERVICE_ADDRESSES: [Family, string, string][] = [
  [4, '169.254.169.253', 'Amazon DNS'],
  [4, '169.254.169.254', 'the instance metadata service'],
  [4, '169.254.169.123', 'the Amazon Time Sync Service'],
  [4, '169.254.170.2', 'the ECS task metadata endpoint'],
  [4, '169.254.169.250', 'Windows license activation'],
  [4, '169.254.169.251', 'Windows license activation'],
  [6, 'fd00:ec2::253', 'Amazon DNS'],
  [6, 'fd00:ec2::254', 'the instance metadata service'],
  [6, 'fd00:ec2::123', 'the Amazon Time Sync Service'],
];

function sliceRange(lines: string[], range: Range): string {
  if (range.start.line !== range.end.line) return lines[range.start.line]?.slice(range.start.character).trim() ?? '';
  return lines[range.start.line]?.slice(range.start.character, range.end.character) ?? '';
}

export interface ModelOptions {
  /** Source ports of external clients for flows without from-ports; the spec's default is 1024-65535. */
  externalEphemeral?: PortSet;
}

export function buildModel(file: SourceFile, options: ModelOptions = {}): BuildResult {
  const steps = buildModelSteps(file, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** The model's construction as steps: yields between phases, so that a caller can serve other work. */
export function buildModelSteps(file: SourceFile, options: ModelOptions = {}): Generator<void, BuildResult, void> {
  return new ModelBuilder(file, options).build();
}

class ModelBuilder {
  private readonly diagnostics: Diagnostic[] = [];
  private readonly references: Reference[] = [];
  private readonly lines: string[];
  private readonly model: Model;
  private sgRuleOrder = 0;
  private readonly groupAddrs = new Map<SecurityGroup, AddrSet>();
  private readonly endAddrs = new Map<string, BigSet>();

  constructor(private readonly file: SourceFile, options: ModelOptions) {
    // The parse kept the text's lines.
    this.lines = file.lines.texts;
    this.model = {
      subnets: new Map(), acls: new Map(), defaultAcl: defaultAcl(), groups: new Map(), prefixLists: new Map(),
      defaultGroup: { name: DEFAULT_GROUP, rules: [], members: [] },
      instances: new Map(), flows: [], references: this.references,
      externalEphemeral: options.externalEphemeral ?? EXTERNAL_EPHEMERAL,
      instanceAddresses: { 4: [], 6: [] },
      awsServices: { 4: new Map(), 6: new Map() },
      routing: false, routeTables: new Map(), natGateways: new Map(),
      firewalls: new Map(), firewallPolicies: new Map(), statelessGroups: new Map(), statefulGroups: new Map(),
      localOnly: { name: '(local routes)', main: false, routes: [] },
    };
  }

  *build(): Generator<void, BuildResult, void> {
    const decls = this.file.declarations;
    this.checkAllCidrs(decls);
    this.buildVpc(decls);
    for (const decl of decls) if (decl.kind === 'prefix-list') this.buildPrefixList(decl);
    for (const decl of decls) if (decl.kind === 'network-acl') this.declareAcl(decl);
    for (const decl of decls) if (decl.kind === 'security-group') this.declareGroup(decl);
    this.model.defaultGroup = this.model.groups.get(DEFAULT_GROUP) ?? this.model.defaultGroup;
    for (const decl of decls) if (decl.kind === 'subnet') this.buildSubnet(decl);
    this.checkSubnetOverlaps();
    this.model.awsServices = awsServices(this.model);
    buildGateways(this.routingContext(), decls);
    buildFirewalls(this.routingContext(), decls);
    buildRouteTables(this.routingContext(), decls);
    yield;
    for (const decl of decls) if (decl.kind === 'instance') this.buildInstance(decl);
    this.checkDuplicateAddresses();
    this.model.instanceAddresses = sortedInstanceAddresses(this.model.instances.values());
    yield;
    // Rules come after instances: `sg NAME` peers are the addresses of the group's members.
    for (const group of this.model.groups.values()) this.buildGroupRules(group);
    if (!this.model.defaultGroup.decl) this.buildAwsDefaultGroupRules(this.model.defaultGroup);
    yield;
    for (const acl of this.model.acls.values()) this.buildAclRules(acl);
    yield;
    const flowNames = new Map<string, Name>();
    for (const decl of decls) {
      if (decl.kind !== 'flow' || !decl.name) continue;
      if (this.isDuplicate('flow', decl.name, flowNames)) continue;
      const flow = this.buildFlow(decl);
      if (flow) this.model.flows.push(flow);
    }
    return { model: this.model, diagnostics: this.diagnostics };
  }

  private report(diagnostic: Diagnostic): void {
    this.diagnostics.push(diagnostic);
  }

  private routingContext(): RoutingContext {
    return {
      model: this.model,
      report: (diagnostic) => this.report(diagnostic),
      resolve: (kind, name, table) => this.resolve(kind, name, table),
      isDuplicateIn: (kind, name, table) => this.isDuplicateIn(kind, name, table),
      textOf: (node) => normalizeSpaces(sliceRange(this.lines, node.range)),
    };
  }

  /** Reports a second declaration of a name; true when `name` is the duplicate. */
  private isDuplicate(kind: SymbolKind, name: Name, seen: Map<string, Name>): boolean {
    const first = seen.get(name.text);
    if (first) {
      this.report(makeDiagnostic('duplicateName', name.range, `${SYMBOL_KIND_LABELS[kind]} '${name.text}' is already declared on line ${first.range.start.line + 1}`, {
        related: [{ range: first.range, message: `first declaration of '${name.text}'` }],
      }));
      return true;
    }
    seen.set(name.text, name);
    return false;
  }

  private resolve<T>(kind: SymbolKind, name: Name, table: Map<string, T>): T | undefined {
    this.references.push({ kind, name: name.text, range: name.range });
    const found = table.get(name.text);
    if (found) return found;
    // AWS's default security group exists in every VPC, declared or not.
    if (kind === 'security-group' && name.text === DEFAULT_GROUP) return this.model.defaultGroup as T;
    const suggestion = closest(name.text, table.keys());
    this.report(makeDiagnostic('unknownReference', name.range,
      `unknown ${SYMBOL_KIND_LABELS[kind]} '${name.text}'${suggestion ? `; did you mean '${suggestion}'?` : ''}`, {
        fixes: suggestion ? [{ title: `Replace with '${suggestion}'`, edits: [{ range: name.range, newText: suggestion }] }] : [],
      }));
    return undefined;
  }

  private checkAllCidrs(decls: Declaration[]): void {
    const visit = (cidr: Cidr | undefined) => {
      if (!cidr || !cidr.hasPrefix || cidr.address === cidr.first) return;
      const fixed = canonicalCidr(cidr);
      this.report(makeDiagnostic('hostBits', cidr.range, `${cidr.text} has host bits set; AWS uses ${fixed}`, {
        fixes: [{ title: `Change to ${fixed}`, edits: [{ range: cidr.range, newText: fixed }] }],
      }));
    };
    for (const decl of decls) {
      switch (decl.kind) {
        case 'vpc': case 'subnet': case 'prefix-list': decl.cidrs.forEach(visit); break;
        case 'security-group': decl.rules.forEach((rule) => visit(rule.peer?.kind === 'cidr' ? rule.peer.cidr : undefined)); break;
        case 'network-acl': decl.rules.forEach((rule) => visit(rule.cidr)); break;
        case 'flow': visit(decl.src?.kind === 'cidr' ? decl.src.cidr : undefined); visit(decl.dst?.kind === 'cidr' ? decl.dst.cidr : undefined); break;
        case 'instance': break;
      }
    }
  }

  private buildVpc(decls: Declaration[]): void {
    const vpcs = decls.filter((decl) => decl.kind === 'vpc');
    if (vpcs.length === 0) {
      const needsVpc = decls.find((decl) => decl.kind === 'subnet' || decl.kind === 'instance');
      if (needsVpc) this.report(makeDiagnostic('vpcDeclaration', needsVpc.range, "no 'vpc' is declared: add 'vpc NAME CIDR' before the subnets"));
      return;
    }
    for (const extra of vpcs.slice(1)) {
      this.report(makeDiagnostic('vpcDeclaration', extra.range, 'a file describes one VPC; this second vpc declaration is ignored', {
        related: [{ range: vpcs[0].range, message: 'the VPC of this file' }],
      }));
    }
    const decl = vpcs[0];
    if (!decl.name) return;
    for (const cidr of decl.cidrs) this.checkBlockSize(cidr, 'VPC', decl.name.text);
    this.model.vpc = { name: decl.name.text, decl, blocks: addrsOfCidrs(decl.cidrs) } satisfies Vpc;
  }

  /** Reports a VPC or subnet block whose prefix length AWS refuses. */
  private checkBlockSize(cidr: Cidr, kind: keyof typeof BLOCK_PREFIXES, name: string): void {
    const allowed = BLOCK_PREFIXES[kind][cidr.family];
    if (!allowed || (cidr.prefix >= allowed.shortest && cidr.prefix <= allowed.longest)) return;
    const sizes = allowed.shortest === 0 ? `/${allowed.longest} or shorter` : `/${allowed.shortest} to /${allowed.longest}`;
    this.report(makeDiagnostic('blockSize', cidr.range,
      `${kind} '${name}' block ${cidr.text} is ${cidr.prefix < allowed.shortest ? 'larger' : 'smaller'} than AWS allows: IPv${cidr.family} ${kind} blocks are ${sizes}`));
  }

  private buildPrefixList(decl: Declaration & { kind: 'prefix-list' }): void {
    if (!decl.name || this.isDuplicateIn('prefix-list', decl.name, this.model.prefixLists)) return;
    this.checkPrefixListFamily(decl.name.text, decl.cidrs);
    this.model.prefixLists.set(decl.name.text, { name: decl.name.text, decl, addrs: addrsOfCidrs(decl.cidrs) } satisfies PrefixList);
  }

  /** Reports, on its first entry of the other family, a list that mixes IPv4 and IPv6. */
  private checkPrefixListFamily(name: string, cidrs: Cidr[]): void {
    const [first] = cidrs;
    const other = cidrs.find((cidr) => cidr.family !== first.family);
    if (!other) return;
    const [v4, v6] = first.family === 4 ? [first, other] : [other, first];
    this.report(makeDiagnostic('prefixListFamilies', other.range,
      `prefix list '${name}' mixes IPv4 (${v4.text}) and IPv6 (${v6.text}): an AWS prefix list holds one address family; split it into one list per family`, {
        related: [{ range: first.range, message: `the first entry, IPv${first.family}` }],
      }));
  }

  private isDuplicateIn<T extends { decl?: { name?: Name } }>(kind: SymbolKind, name: Name, table: Map<string, T>): boolean {
    const first = table.get(name.text)?.decl?.name;
    if (!first) return false;
    return this.isDuplicate(kind, name, new Map([[name.text, first]]));
  }

  private declareAcl(decl: NetworkAclDecl): void {
    if (!decl.name || this.isDuplicateIn('network-acl', decl.name, this.model.acls)) return;
    this.model.acls.set(decl.name.text, { name: decl.name.text, decl, isDefault: false, inbound: [], outbound: [] });
  }

  private declareGroup(decl: SecurityGroupDecl): void {
    if (!decl.name || this.isDuplicateIn('security-group', decl.name, this.model.groups)) return;
    this.model.groups.set(decl.name.text, { name: decl.name.text, decl, rules: [], members: [] });
  }

  private buildSubnet(decl: SubnetDecl): void {
    if (!decl.name || this.isDuplicateIn('subnet', decl.name, this.model.subnets)) return;
    const acl = decl.acl ? this.resolve('network-acl', decl.acl, this.model.acls) : this.model.defaultAcl;
    const subnet: Subnet = { name: decl.name.text, decl, acl: acl ?? this.model.defaultAcl, instances: [] };
    for (const cidr of decl.cidrs) {
      const slot = cidr.family === 4 ? 'v4' : 'v6';
      if (subnet[slot]) {
        this.report(makeDiagnostic('syntax', cidr.range, `a subnet has at most one IPv${cidr.family} block; ${subnet[slot]!.text} is already given`));
        continue;
      }
      subnet[slot] = cidr;
      this.checkBlockSize(cidr, 'subnet', subnet.name);
      this.checkInsideVpc(subnet, cidr);
    }
    this.model.subnets.set(subnet.name, subnet);
  }

  private checkInsideVpc(subnet: Subnet, cidr: Cidr): void {
    const vpc = this.model.vpc;
    if (!vpc) return;
    const blocks = ofFamily(vpc.blocks, cidr.family);
    if (cidrSet(cidr).within(blocks)) return;
    const message = blocks.isEmpty()
      ? `subnet '${subnet.name}' has an IPv${cidr.family} block but VPC '${vpc.name}' has none`
      : `subnet '${subnet.name}' block ${cidr.text} is not inside VPC '${vpc.name}' (${vpc.decl.cidrs.filter((c) => c.family === cidr.family).map((c) => c.text).join(', ')})`;
    this.report(makeDiagnostic('subnetOutsideVpc', cidr.range, message, { related: [{ range: vpc.decl.range, message: 'the VPC' }] }));
  }

  private checkSubnetOverlaps(): void {
    const subnets = [...this.model.subnets.values()];
    for (const family of [4, 6] as const) {
      const blocks = subnets.flatMap((subnet) => {
        const cidr = family === 4 ? subnet.v4 : subnet.v6;
        return cidr ? [{ subnet, cidr }] : [];
      }).sort((a, b) => (a.cidr.first < b.cidr.first ? -1 : a.cidr.first > b.cidr.first ? 1 : 0));
      // Sorted by first address, a block overlaps an earlier one exactly when it starts before the
      // furthest end seen so far.
      let widest: (typeof blocks)[number] | undefined;
      for (const block of blocks) {
        if (widest && block.cidr.first <= widest.cidr.last) {
          this.report(makeDiagnostic('subnetOverlap', block.cidr.range, `subnet '${block.subnet.name}' (${block.cidr.text}) overlaps subnet '${widest.subnet.name}' (${widest.cidr.text})`, {
            related: [{ range: widest.cidr.range, message: `subnet '${widest.subnet.name}'` }],
          }));
        }
        if (!widest || block.cidr.last > widest.cidr.last) widest = block;
      }
    }
  }

  private buildInstance(decl: InstanceDecl): void {
    if (!decl.name || this.isDuplicateIn('instance', decl.name, this.model.instances)) return;
    const subnet = decl.subnet ? this.resolve('subnet', decl.subnet, this.model.subnets) : undefined;
    const groups: SecurityGroup[] = decl.groups.length === 0 ? [this.model.defaultGroup] : [];
    for (const name of decl.groups) {
      const group = this.resolve('security-group', name, this.model.groups);
      if (group && !groups.includes(group)) groups.push(group);
    }
    const ephemeral = decl.ephemeral
      ? IntervalSet.of(decl.ephemeral.from, decl.ephemeral.to)
      : decl.os?.value === 'windows' ? WINDOWS_EPHEMERAL : LINUX_EPHEMERAL;
    const instance: Instance = {
      name: decl.name.text, decl, subnet, groups, ephemeral, ips: decl.ips.map((ip) => ip.address), ip6s: decl.ip6s.map((ip) => ip.address),
    };
    if (decl.publicIp) {
      instance.publicIp = decl.publicIp.address;
      checkPublicAddress(this.routingContext(), decl.publicIp, `instance '${instance.name}'`);
    }
    for (const group of groups) group.members.push(instance);
    subnet?.instances.push(instance);
    if (subnet) {
      for (const ip of [...decl.ips, ...decl.ip6s]) this.checkInstanceAddress(instance, subnet, ip);
    }
    if (decl.groups.length === 0) {
      this.report(makeDiagnostic('instanceWithoutGroup', decl.name.range, `instance '${instance.name}' lists no security group: AWS places it in the VPC's default security group (${this.model.groups.has('default') ? "'default' as this file declares it" : 'inbound only from members of that group, all outbound'})`));
    }
    if (groups.length > 5) {
      this.report(makeDiagnostic('quota', decl.groups[5].range, `instance '${instance.name}' has ${groups.length} security groups; AWS allows 5 per network interface by default`));
    }
    this.model.instances.set(instance.name, instance);
  }

  private checkInstanceAddress(instance: Instance, subnet: Subnet, ip: Cidr): void {
    const block = ip.family === 4 ? subnet.v4 : subnet.v6;
    if (!block || ip.address < block.first || ip.address > block.last) {
      const address = formatAddress(ip.address, ip.family);
      const where = block ? `${block.text}` : `no IPv${ip.family} block`;
      this.report(makeDiagnostic('instanceOutsideSubnet', ip.range, `address ${address} of instance '${instance.name}' is not in subnet '${subnet.name}' (${where})`, {
        related: [{ range: subnet.decl.name?.range ?? subnet.decl.range, message: `subnet '${subnet.name}'` }],
      }));
      return;
    }
    const offset = ip.address - block.first;
    const reservedWhy =
      offset === 0n ? 'the network address' :
      offset === 1n ? 'reserved by AWS for the VPC router' :
      offset === 2n ? 'reserved by AWS for the DNS server' :
      offset === 3n ? 'reserved by AWS for future use' :
      ip.address === block.last ? (ip.family === 4 ? 'the broadcast address, reserved by AWS' : 'the last address, reserved by AWS') : undefined;
    if (reservedWhy) {
      const address = formatAddress(ip.address, ip.family);
      this.report(makeDiagnostic('instanceReserved', ip.range, `address ${address} of instance '${instance.name}' is ${reservedWhy} in subnet '${subnet.name}' (${block.text}); AWS reserves the first four and the last address of every subnet`));
    }
  }

  private checkDuplicateAddresses(): void {
    // By family, keyed by the address itself: no text key per instance.
    const seen = { 4: new Map<bigint, { instance: Instance; ip: Cidr }>(), 6: new Map<bigint, { instance: Instance; ip: Cidr }>() };
    for (const instance of this.model.instances.values()) {
      for (const ip of [...instance.decl.ips, ...instance.decl.ip6s]) {
        const first = seen[ip.family].get(ip.address);
        if (first) this.reportDuplicateAddress(instance, ip, first);
        else seen[ip.family].set(ip.address, { instance, ip });
      }
    }
  }

  private reportDuplicateAddress(instance: Instance, ip: Cidr, first: { instance: Instance; ip: Cidr }): void {
    const address = formatAddress(ip.address, ip.family);
    const message = first.instance === instance
      ? `address ${address} is listed twice for instance '${instance.name}'`
      : `address ${address} is already the address of instance '${first.instance.name}'`;
    this.report(makeDiagnostic('duplicateName', ip.range, message, {
      related: [{ range: first.ip.range, message: `${address} of instance '${first.instance.name}'` }],
    }));
  }

  private peerAddrs(peer: Peer): AddrSet | undefined {
    switch (peer.kind) {
      case 'cidr': return addrsOfCidrs([peer.cidr]);
      case 'pl': return this.resolve('prefix-list', peer.name, this.model.prefixLists)?.addrs;
      case 'sg': {
        const group = this.resolve('security-group', peer.name, this.model.groups);
        return group && this.memberAddrs(group);
      }
    }
  }

  /** The prefix list a `pl` peer names, already resolved (and its reference recorded) by `peerAddrs`. */
  private prefixListOf(peer: Peer): PrefixList | undefined {
    return peer.kind === 'pl' ? this.model.prefixLists.get(peer.name.text) : undefined;
  }

  /** The addresses of a group's members, computed once: many rules name the same group. */
  private memberAddrs(group: SecurityGroup): AddrSet {
    let addrs = this.groupAddrs.get(group);
    if (addrs) return addrs;
    const points: { value: bigint; family: Family }[] = [];
    for (const member of group.members) {
      for (const value of member.ips) points.push({ value, family: 4 });
      for (const value of member.ip6s) points.push({ value, family: 6 });
    }
    addrs = addrsOfPoints(points);
    this.groupAddrs.set(group, addrs);
    return addrs;
  }

  /** AWS's default group: inbound all from its own members, outbound all to everywhere. */
  private buildAwsDefaultGroupRules(group: SecurityGroup): void {
    const rule = (direction: 'inbound' | 'outbound', peer: AddrSet, peerText: string): SgRuleModel => ({
      group, direction, protocol: -1, keys: ALL_KEYS, peer, order: this.sgRuleOrder++,
      text: `${direction} all ${direction === 'inbound' ? 'from' : 'to'} ${peerText}`,
    });
    group.rules.push(
      rule('inbound', this.memberAddrs(group), `sg ${DEFAULT_GROUP}`),
      rule('outbound', { v4: universe(4), v6: IntervalSet.empty() }, '0.0.0.0/0'),
      rule('outbound', { v4: IntervalSet.empty(), v6: universe(6) }, '::/0'),
    );
  }

  private buildGroupRules(group: SecurityGroup): void {
    for (const rule of group.decl!.rules) {
      if (!rule.protocol || !rule.peer) continue;
      const peer = this.peerAddrs(rule.peer);
      if (!peer) continue;
      const model: SgRuleModel = {
        decl: rule, group, direction: rule.direction, protocol: rule.protocol.number, keys: keysOf(rule.protocol.number, rule),
        peer, prefixList: this.prefixListOf(rule.peer), order: this.sgRuleOrder++, text: normalizeSpaces(sliceRange(this.lines, rule.range)),
      };
      group.rules.push(model);
      if (rule.peer.kind === 'cidr') this.checkRuleFamily(rule.peer.cidr, rule.protocol.number, rule.range);
    }
  }

  private buildAclRules(acl: NetworkAcl): void {
    for (const rule of acl.decl!.rules) {
      if (!rule.number || !rule.action || !rule.protocol || !rule.cidr) continue;
      const model: NaclRuleModel = {
        decl: rule, acl, direction: rule.direction, number: rule.number.value, action: rule.action.value,
        protocol: rule.protocol.number, keys: keysOf(rule.protocol.number, rule), cidr: addrsOfCidrs([rule.cidr]),
        family: rule.cidr.family, text: normalizeSpaces(sliceRange(this.lines, rule.range)),
      };
      acl[rule.direction].push(model);
      this.checkRuleFamily(rule.cidr, rule.protocol.number, rule.range);
    }
    for (const direction of ['inbound', 'outbound'] as const) acl[direction].sort((a, b) => a.number - b.number);
  }

  private checkRuleFamily(cidr: Cidr, protocol: number, range: Range): void {
    const vpc = this.model.vpc;
    if (cidr.family === 6 && vpc && vpc.blocks.v6.isEmpty()) {
      this.report(makeDiagnostic('ruleFamily', range, `this rule names IPv6 addresses (${cidr.text}) but VPC '${vpc.name}' has no IPv6 block: it can never match`));
    } else if (protocol === 58 && cidr.family === 4) {
      this.report(makeDiagnostic('ruleFamily', range, `icmpv6 rule with an IPv4 CIDR (${cidr.text}) can never match: use icmp for IPv4`));
    } else if (protocol === 1 && cidr.family === 6) {
      this.report(makeDiagnostic('ruleFamily', range, `icmp rule with an IPv6 CIDR (${cidr.text}) can never match: use icmpv6 for IPv6`));
    }
  }

  private buildFlow(decl: FlowDecl): Flow | undefined {
    const { src, dst, protocol, expect } = decl;
    if (!decl.name || !src || !dst || !protocol || !expect) return undefined;
    const srcInstance = this.resolveEnd(src);
    const dstInstance = this.resolveEnd(dst);
    if (srcInstance === null || dstInstance === null) return undefined;
    if (![1, 6, 17, 58].includes(protocol.number)) {
      this.report(makeDiagnostic('invalidFlow', protocol.range, `a flow's protocol is tcp, udp, icmp or icmpv6, not ${protocol.text}`));
      return undefined;
    }
    const family = this.flowFamily(decl);
    if (!family) return undefined;
    const srcEnd = this.flowEnd(src, srcInstance, family);
    const dstEnd = this.flowEnd(dst, dstInstance, family);
    if (!srcEnd || !dstEnd) return undefined;
    if (!this.namesInstance(srcEnd, family) && !this.namesInstance(dstEnd, family)) {
      this.report(makeDiagnostic('invalidFlow', decl.name.range, `flow '${decl.name.text}' needs an instance at one end at least (its name, or one of its addresses): no security group lies between ${describeEnd(src)} and ${describeEnd(dst)}`));
      return undefined;
    }
    const icmp = protocolIsIcmp(protocol.number);
    if (icmp && decl.fromPorts) {
      this.report(makeDiagnostic('invalidFlow', decl.fromPorts.range, 'ICMP has no ports: from-ports is ignored', { severity: 'warning' }));
    }
    if (protocol.number === 1 && family === 6) {
      this.report(makeDiagnostic('familyMismatch', protocol.range, 'icmp over IPv6: use icmpv6 for IPv6', { severity: 'warning' }));
    }
    const flow = makeFlow(this.model, decl, srcEnd, dstEnd, family);
    if (!coversConnection(flow)) {
      this.report(makeDiagnostic('invalidFlow', decl.name.range, `flow '${decl.name.text}' covers no connection: a connection from an instance to itself never leaves it`));
      return undefined;
    }
    return flow;
  }

  /** The instance an endpoint names; undefined for address ends; null when it names nothing. */
  private resolveEnd(end: Endpoint): Instance | undefined | null {
    if (end.kind !== 'instance') return undefined;
    return this.resolve('instance', end.name, this.model.instances) ?? null;
  }

  /** An end names an instance by its name, or as one of its addresses alone. */
  private namesInstance(end: FlowEnd, family: Family): boolean {
    if (end.kind === 'instance') return true;
    const address = singleAddress(end.addrs);
    return address !== undefined && instanceAt(this.model, family, address) !== undefined;
  }

  private flowFamily(decl: FlowDecl): Family | undefined {
    const cidrEnds = [decl.src, decl.dst].flatMap((end) => (end?.kind === 'cidr' ? [end.cidr] : []));
    const families = new Set<Family>(cidrEnds.map((cidr) => cidr.family));
    const why = decl.ipv6 ? " ('ipv6')" : decl.protocol?.number === 58 ? ' (icmpv6)' : '';
    if (decl.ipv6 || decl.protocol?.number === 58) families.add(6);
    if (families.size > 1) {
      const v4 = cidrEnds.find((cidr) => cidr.family === 4)!;
      this.report(makeDiagnostic('familyMismatch', v4.range, `flow '${decl.name!.text}' mixes IPv4 (${v4.text}) with IPv6${why}: a connection has one address family`));
      return undefined;
    }
    return families.has(6) ? 6 : 4;
  }

  private flowEnd(end: Endpoint, instance: Instance | undefined, family: Family): FlowEnd | undefined {
    if (instance) {
      const addresses = family === 4 ? instance.ips : instance.ip6s;
      if (addresses.length === 0) {
        this.report(makeDiagnostic('familyMismatch', end.range, `instance '${instance.name}' has no ${family === 4 ? "IPv4 'ip'" : "IPv6 'ip6'"} address for this IPv${family} flow`, {
          related: [{ range: instance.decl.name?.range ?? instance.decl.range, message: `instance '${instance.name}'` }],
        }));
        return undefined;
      }
      return instanceEnd(instance, family, end.range);
    }
    // Many flows name `internet` or the same CIDR: their addresses are made once, and shared.
    const label = end.kind === 'cidr' ? end.cidr.text : 'internet';
    const key = `${family}|${label}`;
    let addrs = this.endAddrs.get(key);
    if (!addrs) {
      addrs = end.kind === 'cidr' ? withoutServiceAddresses(this.model, cidrSet(end.cidr), family) : internetEnd(this.model, family, end.range).addrs;
      this.endAddrs.set(key, addrs);
    }
    return { kind: 'addresses', addrs, label, range: end.range };
  }
}

/** A flow end that names an instance: all of its addresses of the family; undefined when it has none or no subnet. */
export function instanceEnd(instance: Instance, family: Family, range: Range): FlowEnd | undefined {
  const addresses = family === 4 ? instance.ips : instance.ip6s;
  if (addresses.length === 0 || !instance.subnet) return undefined;
  return { kind: 'instance', instance, addrs: IntervalSet.from(addresses.map((address) => [address, address] as const)), range };
}

/** The `internet` end: every address of the family outside the VPC's blocks of that family. */
export function internetEnd(model: Model, family: Family, range: Range): FlowEnd {
  const vpcBlocks = model.vpc ? ofFamily(model.vpc.blocks, family) : IntervalSet.empty<bigint>();
  return { kind: 'addresses', addrs: withoutServiceAddresses(model, universe(family).subtract(vpcBlocks), family), label: 'internet', range };
}

/**
 * The flow a declaration makes between two resolved ends: its keys, reply and source ports from
 * the declaration, its ends cut into regions. The declaration must have its protocol and expectation.
 */
export function makeFlow(model: Model, decl: FlowDecl, src: FlowEnd, dst: FlowEnd, family: Family): Flow {
  const protocol = decl.protocol!.number;
  const icmp = protocolIsIcmp(protocol);
  return {
    name: decl.name?.text ?? '', decl, src, dst, protocol, family,
    keys: flowKeys(decl), reply: replyShape(decl), expect: decl.expect!.value,
    fromPorts: decl.fromPorts && !icmp ? IntervalSet.of(decl.fromPorts.from, decl.fromPorts.to) : undefined,
    externalEphemeral: model.externalEphemeral,
    srcRegions: endRegions(model, src, family, 'src'),
    dstRegions: endRegions(model, dst, family, 'dst'),
  };
}

/** Whether some connection of the flow goes from one instance (or host) to another. */
export function coversConnection(flow: Flow): boolean {
  return flow.srcRegions.some((src) => flow.dstRegions.some((dst) => connectablePairs(src, dst).length > 0));
}

/** Destination keys; an echo request or reply without a code is code 0, the only one defined. */
function flowKeys(decl: FlowDecl): PortSet {
  const protocol = decl.protocol!.number;
  const type = decl.icmp?.type;
  const echo = (protocol === 1 && (type === 8 || type === 0)) || (protocol === 58 && (type === 128 || type === 129));
  if (echo && decl.icmp?.code === undefined) return IntervalSet.point(icmpKey(type!, 0));
  return keysOf(protocol, decl);
}

function describeEnd(end: Endpoint): string {
  return end.kind === 'internet' ? 'the internet' : end.kind === 'cidr' ? end.cidr.text : end.name.text;
}

function replyShape(decl: FlowDecl): ReplyShape {
  if (decl.oneway) return { kind: 'none' };
  const protocol = decl.protocol!.number;
  if (protocol === 6 || protocol === 17) return { kind: 'ports' };
  if (protocol === 1 && decl.icmp?.type === 8) return { kind: 'icmp', key: icmpKey(0, 0) };
  if (protocol === 58 && decl.icmp?.type === 128) return { kind: 'icmp', key: icmpKey(129, 0) };
  return { kind: 'none' };
}
