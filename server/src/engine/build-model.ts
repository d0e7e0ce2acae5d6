// Binds names, resolves addresses and reports what makes a model invalid: unknown or duplicate
// names, addresses outside their block, flows that cannot be evaluated.
import type {
  Cidr, Declaration, Endpoint, Family, FlowDecl, InstanceDecl, Name, NetworkAclDecl, Peer, Range,
  SecurityGroupDecl, SourceFile, SubnetDecl,
} from '../syntax/ast';
import { protocolIsIcmp } from '../syntax/ast';
import { canonicalCidr, formatAddress } from '../syntax/cidr';
import { closest } from '../syntax/suggest';
import { Diagnostic, makeDiagnostic } from '../diagnostics/diagnostic';
import { AddrSet, addrsOfCidrs, addrsOfPoints, cidrSet, emptyAddrs, ofFamily, universe } from './addresses';
import { IntervalSet, PortSet } from './intervals';
import { icmpKey, keysOf, ALL_KEYS } from './keys';
import { textLines } from '../syntax/lexer';
import type {
  Flow, FlowEnd, Instance, Model, NaclRuleModel, NetworkAcl, PrefixList, Reference, ReplyShape, SecurityGroup,
  SgRuleModel, Subnet, SymbolKind, Vpc,
} from './model';
import { SYMBOL_KIND_LABELS } from './model';

export const LINUX_EPHEMERAL = IntervalSet.of(32768, 60999);
export const WINDOWS_EPHEMERAL = IntervalSet.of(49152, 65535);
export const EXTERNAL_EPHEMERAL = IntervalSet.of(1024, 65535);

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

function sliceRange(lines: string[], range: Range): string {
  if (range.start.line !== range.end.line) return lines[range.start.line]?.slice(range.start.character).trim() ?? '';
  return lines[range.start.line]?.slice(range.start.character, range.end.character) ?? '';
}

export interface ModelOptions {
  /** Source ports of external clients for flows without from-ports; the spec's default is 1024-65535. */
  externalEphemeral?: PortSet;
}

export function buildModel(file: SourceFile, text: string, options: ModelOptions = {}): BuildResult {
  const steps = buildModelSteps(file, text, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** The model's construction as steps: yields between phases, so that a caller can serve other work. */
export function buildModelSteps(file: SourceFile, text: string, options: ModelOptions = {}): Generator<void, BuildResult, void> {
  return new ModelBuilder(file, text, options).build();
}

class ModelBuilder {
  private readonly diagnostics: Diagnostic[] = [];
  private readonly references: Reference[] = [];
  private readonly lines: string[];
  private readonly model: Model;
  private sgRuleOrder = 0;
  private readonly groupAddrs = new Map<SecurityGroup, AddrSet>();

  constructor(private readonly file: SourceFile, text: string, options: ModelOptions) {
    this.lines = textLines(text);
    this.model = {
      subnets: new Map(), acls: new Map(), defaultAcl: defaultAcl(), groups: new Map(), prefixLists: new Map(),
      instances: new Map(), flows: [], references: this.references,
      externalEphemeral: options.externalEphemeral ?? EXTERNAL_EPHEMERAL,
    };
  }

  *build(): Generator<void, BuildResult, void> {
    const decls = this.file.declarations;
    this.checkAllCidrs(decls);
    this.buildVpc(decls);
    for (const decl of decls) if (decl.kind === 'prefix-list') this.buildPrefixList(decl);
    for (const decl of decls) if (decl.kind === 'network-acl') this.declareAcl(decl);
    for (const decl of decls) if (decl.kind === 'security-group') this.declareGroup(decl);
    for (const decl of decls) if (decl.kind === 'subnet') this.buildSubnet(decl);
    this.checkSubnetOverlaps();
    yield;
    for (const decl of decls) if (decl.kind === 'instance') this.buildInstance(decl);
    this.checkDuplicateAddresses();
    yield;
    // Rules come after instances: `sg NAME` peers are the addresses of the group's members.
    for (const group of this.model.groups.values()) this.buildGroupRules(group);
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
    this.model.vpc = { name: decl.name.text, decl, blocks: addrsOfCidrs(decl.cidrs) } satisfies Vpc;
  }

  private buildPrefixList(decl: Declaration & { kind: 'prefix-list' }): void {
    if (!decl.name || this.isDuplicateIn('prefix-list', decl.name, this.model.prefixLists)) return;
    this.model.prefixLists.set(decl.name.text, { name: decl.name.text, decl, addrs: addrsOfCidrs(decl.cidrs) } satisfies PrefixList);
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
    const groups: SecurityGroup[] = [];
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
    const seen = { 4: new Map<bigint, Instance>(), 6: new Map<bigint, Instance>() };
    for (const instance of this.model.instances.values()) {
      for (const ip of [...instance.decl.ips, ...instance.decl.ip6s]) {
        const first = seen[ip.family].get(ip.address);
        if (first) {
          this.report(makeDiagnostic('duplicateName', ip.range, `address ${formatAddress(ip.address, ip.family)} is already the address of instance '${first.name}'`, {
            related: [{ range: first.decl.name?.range ?? first.decl.range, message: `instance '${first.name}'` }],
          }));
        } else {
          seen[ip.family].set(ip.address, instance);
        }
      }
    }
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

  private buildGroupRules(group: SecurityGroup): void {
    for (const rule of group.decl.rules) {
      if (!rule.protocol || !rule.peer) continue;
      const peer = this.peerAddrs(rule.peer);
      if (!peer) continue;
      const model: SgRuleModel = {
        decl: rule, group, direction: rule.direction, protocol: rule.protocol.number, keys: keysOf(rule.protocol.number, rule),
        peer, order: this.sgRuleOrder++, text: sliceRange(this.lines, rule.range),
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
        family: rule.cidr.family, text: sliceRange(this.lines, rule.range),
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
    if (!srcInstance && !dstInstance) {
      this.report(makeDiagnostic('invalidFlow', decl.name.range, `flow '${decl.name.text}' needs an instance at one end at least: no security group or network ACL lies between ${describeEnd(src)} and ${describeEnd(dst)}`));
      return undefined;
    }
    const family = this.flowFamily(decl);
    if (!family) return undefined;
    const srcEnd = this.flowEnd(src, srcInstance, family);
    const dstEnd = this.flowEnd(dst, dstInstance, family);
    if (!srcEnd || !dstEnd) return undefined;
    const icmp = protocolIsIcmp(protocol.number);
    if (icmp && decl.fromPorts) {
      this.report(makeDiagnostic('invalidFlow', decl.fromPorts.range, 'ICMP has no ports: from-ports is ignored', { severity: 'warning' }));
    }
    if ((protocol.number === 1 && family === 6) || (protocol.number === 58 && family === 4)) {
      this.report(makeDiagnostic('familyMismatch', protocol.range, `${protocol.text} over IPv${family}: use ${protocol.number === 1 ? 'icmpv6 for IPv6' : 'icmp for IPv4'}`, { severity: 'warning' }));
    }
    const srcPorts: PortSet = icmp
      ? IntervalSet.point(0)
      : decl.fromPorts ? IntervalSet.of(decl.fromPorts.from, decl.fromPorts.to)
      : srcInstance ? srcInstance.ephemeral : this.model.externalEphemeral;
    return {
      name: decl.name.text, decl, src: srcEnd, dst: dstEnd, protocol: protocol.number, family,
      keys: keysOf(protocol.number, decl), srcPorts, reply: replyShape(decl), expect: expect.value,
    };
  }

  /** The instance an endpoint names; undefined for external ends; null when it names nothing. */
  private resolveEnd(end: Endpoint): Instance | undefined | null {
    if (end.kind !== 'instance') return undefined;
    return this.resolve('instance', end.name, this.model.instances) ?? null;
  }

  private flowFamily(decl: FlowDecl): Family | undefined {
    const cidrEnds = [decl.src, decl.dst].flatMap((end) => (end?.kind === 'cidr' ? [end.cidr] : []));
    const families = new Set<Family>(cidrEnds.map((cidr) => cidr.family));
    if (decl.ipv6) families.add(6);
    if (families.size > 1) {
      const v4 = cidrEnds.find((cidr) => cidr.family === 4)!;
      this.report(makeDiagnostic('familyMismatch', v4.range, `flow '${decl.name!.text}' mixes IPv4 (${v4.text}) with IPv6${decl.ipv6 ? " ('ipv6')" : ''}: a connection has one address family`));
      return undefined;
    }
    return families.has(6) ? 6 : 4;
  }

  private flowEnd(end: Endpoint, instance: Instance | undefined, family: Family): FlowEnd | undefined {
    if (instance) {
      const address = (family === 4 ? instance.ips : instance.ip6s)[0];
      if (address === undefined) {
        this.report(makeDiagnostic('familyMismatch', end.range, `instance '${instance.name}' has no ${family === 4 ? "IPv4 'ip'" : "IPv6 'ip6'"} address for this IPv${family} flow`, {
          related: [{ range: instance.decl.name?.range ?? instance.decl.range, message: `instance '${instance.name}'` }],
        }));
        return undefined;
      }
      if (!instance.subnet) return undefined;
      return { kind: 'instance', instance, address, range: end.range };
    }
    if (end.kind === 'cidr') return { kind: 'external', addrs: cidrSet(end.cidr), label: end.cidr.text, range: end.range };
    // `internet`: every address of the family outside the VPC's blocks of that family.
    const vpcBlocks = this.model.vpc ? ofFamily(this.model.vpc.blocks, family) : IntervalSet.empty<bigint>();
    return { kind: 'external', addrs: universe(family).subtract(vpcBlocks), label: 'internet', range: end.range };
  }
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
