// From a network description (`network.ts`) to the text of one `.vpcrules` file per VPC, and a
// summary of what was written and what could not be. Everything here is common to every source:
// names, ids in trailing comments, the order of declarations and rules, the default network ACL,
// routes the language does not model, suggested flows. Pure: no I/O, same input, same bytes.
import { parseCidr } from '../syntax/cidr';
import { parse } from '../syntax/parser';
import type { Family } from '../syntax/ast';
import { assignNames, compareText } from './names';
import type {
  Firewall, FirewallPolicy, Instance, NaclEntry, NetworkAcl, NetworkDescription, PortRange, PrefixList, Route, RouteTable,
  RuleGroup, SecurityGroup, SgRule, Skipped, StatefulRuleHeader, StatelessRule, Subnet, Traffic, Vpc,
} from './network';

/** What one VPC's import wrote, for the person who ran it. */
export interface ImportSummary {
  source: string;
  vpc: { id: string; name: string };
  /** Declarations and rules written, per kind, in the order of the file. */
  counts: { kind: string; count: number }[];
  /** Every item not represented (or represented only in part), with its id and why. */
  skipped: Skipped[];
  /** Remarks on the input as a whole (what it did not hold, and what was assumed instead). */
  notes: string[];
}

export interface ImportedFile {
  vpcId: string;
  /** The VPC's name in the file, also the file name that `--out DIR` gives it. */
  name: string;
  text: string;
  summary: ImportSummary;
}

/** The ephemeral ports of interfaces that belong to no EC2 instance (load balancers, RDS, …). */
export const SERVICE_EPHEMERAL: PortRange = { from: 1024, to: 65535 };

interface Line {
  /** The declaration or rule, or '' for a comment line. */
  code: string;
  comment?: string;
  /** Inside a block. */
  inner?: boolean;
}

/** The VPCs of the description, in id order. */
export function vpcsOf(description: NetworkDescription): Vpc[] {
  return [...description.vpcs].sort((a, b) => compareText(a.id, b.id));
}

/** Writes the VPC `vpcId` of the description. */
export function writeVpc(description: NetworkDescription, vpcId: string): ImportedFile {
  return new VpcWriter(description, vpcId).write();
}

const byId = <T extends { id: string }>(a: T, b: T) => compareText(a.id, b.id);

function quote(text: string): string {
  // Strings hold one line; control characters would end or corrupt it.
  const clean = Array.from(text, (ch) => (ch < ' ' || ch === '\u007f' ? ' ' : ch)).join('');
  return `"${clean.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** A comment's text on one line. */
function oneLine(text: string): string {
  return Array.from(text, (ch) => (ch < ' ' || ch === '\u007f' ? ' ' : ch)).join('');
}

function familyOf(cidr: string): Family | undefined {
  const parsed = parseCidr(cidr, ZERO_RANGE);
  return parsed.ok ? parsed.cidr.family : undefined;
}

const ZERO_RANGE = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** The CIDR if the language reads it (a bare address is /32 or /128). */
function checkedCidr(text: string | undefined): string | undefined {
  if (text === undefined || !/^[0-9A-Fa-f.:]+(\/\d{1,3})?$/.test(text)) return undefined;
  return parseCidr(text, ZERO_RANGE).ok ? text : undefined;
}

function checkedAddress(text: string | undefined, family: Family): string | undefined {
  if (text === undefined || text.includes('/')) return undefined;
  return checkedCidr(text) && familyOf(text) === family ? text : undefined;
}

function portsText(ports: PortRange | undefined): string | undefined {
  if (!ports) return 'all';
  const ok = (n: number) => Number.isInteger(n) && n >= 0 && n <= 65535;
  if (!ok(ports.from) || !ok(ports.to) || ports.from > ports.to) return undefined;
  if (ports.from === 0 && ports.to === 65535) return 'all';
  return ports.from === ports.to ? `${ports.from}` : `${ports.from}-${ports.to}`;
}

const byte = (n: number | undefined) => n !== undefined && Number.isInteger(n) && n >= 0 && n <= 255;

/** The protocol and its ports or ICMP type/code as the language writes them; undefined if it cannot. */
export function trafficText(traffic: Traffic): string | undefined {
  const { protocol } = traffic;
  if (protocol === 'all') return 'all';
  if (!byte(protocol)) return undefined;
  if (protocol === 6 || protocol === 17) {
    const ports = portsText(traffic.ports);
    return ports === undefined ? undefined : `${protocol === 6 ? 'tcp' : 'udp'} ${ports}`;
  }
  if (protocol === 1 || protocol === 58) {
    const name = protocol === 1 ? 'icmp' : 'icmpv6';
    const icmp = traffic.icmp;
    if (!icmp) return `${name} all`;
    if (!byte(icmp.type) || (icmp.code !== undefined && !byte(icmp.code))) return undefined;
    return `${name} type ${icmp.type}${icmp.code === undefined ? '' : ` code ${icmp.code}`}`;
  }
  return `${protocol}`;
}

/** The kinds of declaration in the order the file writes them. */
const KIND_ORDER = [
  'vpc', 'subnet', 'internet-gateway', 'egress-only-gateway', 'nat-gateway', 'route-table', 'prefix-list', 'security-group',
  'network-acl', 'instance', 'firewall', 'firewall-policy', 'stateless-rule-group', 'stateful-rule-group',
] as const;
type Kind = (typeof KIND_ORDER)[number];

/** Words for the summary, in its order: one of each kind, and several. */
const KIND_WORD = {
  vpc: 'VPC', subnet: 'subnet', 'internet-gateway': 'internet gateway', 'egress-only-gateway': 'egress-only gateway',
  'nat-gateway': 'NAT gateway', 'route-table': 'route table', route: 'route', 'prefix-list': 'prefix list',
  'prefix-list-entry': 'prefix list entry', 'security-group': 'security group', 'sg-rule': 'security group rule',
  'network-acl': 'network ACL', 'nacl-entry': 'network ACL entry', instance: 'instance (network interface)',
  firewall: 'firewall endpoint', 'firewall-policy': 'firewall policy', 'stateless-rule-group': 'stateless rule group',
  'stateless-rule': 'stateless rule', 'stateful-rule-group': 'stateful rule group', 'stateful-rule': 'stateful rule',
  'suggested-flow': 'suggested flow (commented out)',
} as const;
const KIND_WORDS: Record<keyof typeof KIND_WORD, string> = {
  vpc: 'VPCs', subnet: 'subnets', 'internet-gateway': 'internet gateways', 'egress-only-gateway': 'egress-only gateways',
  'nat-gateway': 'NAT gateways', 'route-table': 'route tables', route: 'routes', 'prefix-list': 'prefix lists',
  'prefix-list-entry': 'prefix list entries', 'security-group': 'security groups', 'sg-rule': 'security group rules',
  'network-acl': 'network ACLs', 'nacl-entry': 'network ACL entries', instance: 'instances (network interfaces)',
  firewall: 'firewall endpoints', 'firewall-policy': 'firewall policies', 'stateless-rule-group': 'stateless rule groups',
  'stateless-rule': 'stateless rules', 'stateful-rule-group': 'stateful rule groups', 'stateful-rule': 'stateful rules',
  'suggested-flow': 'suggested flows (commented out)',
};

/** What the lines inside each kind of block count as. */
const INNER_COUNTS: Partial<Record<Kind, keyof typeof KIND_WORD>> = {
  'security-group': 'sg-rule', 'network-acl': 'nacl-entry', 'route-table': 'route',
  'stateless-rule-group': 'stateless-rule', 'stateful-rule-group': 'stateful-rule',
};

const SECTION_TITLES: Record<Kind, string> = {
  vpc: 'VPC', subnet: 'subnets', 'internet-gateway': 'gateways', 'egress-only-gateway': 'gateways', 'nat-gateway': 'gateways',
  'route-table': 'route tables', 'prefix-list': 'prefix lists', 'security-group': 'security groups', 'network-acl': 'network ACLs',
  instance: 'instances: one per network interface', firewall: 'AWS Network Firewall', 'firewall-policy': 'AWS Network Firewall',
  'stateless-rule-group': 'AWS Network Firewall', 'stateful-rule-group': 'AWS Network Firewall',
};

/** True when every entry allows everything and each direction covers every address of the VPC's families. */
function allowsAll(acl: NetworkAcl, ipv6: boolean): boolean {
  if (!acl.entries.every((entry) => entry.action === 'allow' && entry.traffic.protocol === 'all')) return false;
  for (const direction of ['inbound', 'outbound'] as const) {
    const cidrs = acl.entries.filter((entry) => entry.direction === direction).map((entry) => entry.cidr);
    if (!cidrs.includes('0.0.0.0/0')) return false;
    if (ipv6 && !cidrs.includes('::/0')) return false;
  }
  return true;
}

class VpcWriter {
  private readonly vpc: Vpc;
  private readonly skipped: Skipped[] = [];
  private readonly notes: string[] = [];
  private readonly counts = new Map<string, number>();
  private readonly names = new Map<Kind, Map<string, string>>();
  private readonly sections = new Map<Kind, { key: string; lines: Line[] }[]>();

  private readonly subnets: Subnet[];
  private readonly groups: SecurityGroup[];
  private readonly groupIds: Set<string>;
  private readonly acls: NetworkAcl[];
  private readonly instances: Instance[];
  private readonly tables: RouteTable[];
  private readonly firewalls: Firewall[];
  /** Prefix lists referenced by the VPC: by id, undefined when the description lacks the list. */
  private readonly prefixLists = new Map<string, PrefixList | undefined>();
  /** Security groups referenced by interfaces but missing from the description: declared empty. */
  private readonly missingGroups = new Set<string>();
  /** The ACL each subnet's line names, by subnet id. */
  private readonly subnetAcl = new Map<string, string>();
  private readonly subnetRoutes = new Map<string, string>();
  /** Firewall endpoint declarations by endpoint id (`vpce-…`). */
  private readonly firewallEndpoints = new Map<string, string>();
  /** Instances written, for suggested flows. */
  private readonly written: { name: string; instance: Instance }[] = [];

  constructor(private readonly description: NetworkDescription, vpcId: string) {
    const vpc = description.vpcs.find((v) => v.id === vpcId);
    if (!vpc) throw new Error(`no VPC ${vpcId} in the description`);
    this.vpc = vpc;
    const mine = <T extends { vpc: string; id: string }>(items: T[]) => items.filter((item) => item.vpc === vpcId).sort(byId);
    this.subnets = mine(description.subnets);
    this.groups = mine(description.securityGroups);
    this.acls = mine(description.networkAcls);
    this.instances = mine(description.instances);
    this.tables = mine(description.routeTables);
    this.firewalls = mine(description.firewalls);
    this.groupIds = new Set(this.groups.map((group) => group.id));
  }

  private skip(id: string, kind: string, reason: string): void {
    this.skipped.push({ id, kind, reason });
  }

  private count(kind: keyof typeof KIND_WORDS, n = 1): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + n);
  }

  private name(kind: Kind, id: string): string | undefined {
    return this.names.get(kind)?.get(id);
  }

  /**
   * Adds a declaration (or a comment standing for one) under `kind`; `key` sorts it (its name).
   * Every line is read by the language's own parser first: a line it refuses (a value out of
   * range, a rule the language cannot say) becomes a comment, and is reported.
   */
  private block(kind: Kind, lines: Line[], key: string): void {
    const header = lines[0].code.replace(/ \{$/, '');
    const id = lines[0].comment?.split(' ')[0] ?? key;
    // One parse per block: the header, then each line on its own line (an empty one for comments).
    const oneLiner = lines.length === 1;
    const checkedText = oneLiner ? `${oneLine(lines[0].code)}\n`
      : `${header} {\n${lines.slice(1).map((line) => (line.code === '}' ? '}' : line.inner && line.code && !line.code.startsWith('#') ? `  ${oneLine(line.code)}` : '')).join('\n')}\n`;
    const problems = new Map<number, string>();
    for (const d of parse(checkedText).diagnostics) {
      if (d.severity === 'error' && !problems.has(d.range.start.line)) problems.set(d.range.start.line, d.message);
    }
    const checked = lines.map((line, index) => {
      const problem = problems.get(index);
      if (problem === undefined || !line.code || line.code.startsWith('#') || !(line.inner || oneLiner)) return line;
      this.skip(id, oneLiner ? kind : `${kind} line`, `${shorten(line.code)}: ${problem}; written as a comment`);
      const counted = oneLiner ? kind : INNER_COUNTS[kind];
      if (counted) this.count(counted, -1);
      return { code: `# ${line.code}`, comment: 'not expressible; see the summary', inner: line.inner };
    });
    const blocks = this.sections.get(kind) ?? [];
    blocks.push({ key, lines: checked });
    this.sections.set(kind, blocks);
  }

  write(): ImportedFile {
    const { description, vpc } = this;
    const ipv6 = vpc.ipv6Cidrs.length > 0;
    // Which declarations there will be, so that every name is known before any line is written.
    const subnets = this.subnets.filter((subnet) => this.subnetUsable(subnet));
    const gateways = description.gateways.filter((gateway) => gateway.vpcs.includes(vpc.id)).sort(byId);
    const igws = gateways.filter((gateway) => gateway.kind === 'internet');
    const eigws = gateways.filter((gateway) => gateway.kind === 'egress-only');
    const nats = description.natGateways.filter((nat) => nat.vpc === vpc.id).sort(byId);
    const writtenAcls = this.acls.filter((acl) => !(acl.isDefault && allowsAll(acl, ipv6)));
    const policies = new Map(description.firewallPolicies.map((policy) => [policy.id, policy]));
    const ruleGroups = new Map(description.ruleGroups.map((group) => [group.id, group]));
    const usedPolicies = [...new Set(this.firewalls.map((fw) => fw.policy))].sort(compareText).flatMap((id) => policies.get(id) ?? []);
    const usedGroups = [...new Set(usedPolicies.flatMap((p) => [...p.statelessGroups, ...p.statefulGroups].map((g) => g.group)))]
      .sort(compareText).flatMap((id) => ruleGroups.get(id) ?? []);
    const endpoints = this.firewalls.flatMap((fw) => fw.endpoints.map((endpoint) => ({ fw, endpoint, id: endpoint.endpoint ?? `${fw.id}/${endpoint.zone}` })));

    this.names.set('vpc', assignNames([vpc], (v) => v.name));
    this.names.set('subnet', assignNames(subnets, (s) => s.name));
    this.names.set('internet-gateway', assignNames(igws, (g) => g.name));
    this.names.set('egress-only-gateway', assignNames(eigws, (g) => g.name));
    this.names.set('nat-gateway', assignNames(nats, (n) => n.name));
    this.names.set('route-table', assignNames(this.tables, (t) => t.name));
    this.names.set('network-acl', assignNames(writtenAcls, (a) => a.name));
    this.names.set('firewall-policy', assignNames(usedPolicies, (p) => p.name));
    // Stateless and stateful groups share one set of names, so that a policy's line reads alone.
    const groupNames = assignNames(usedGroups, (g) => g.name);
    this.names.set('stateless-rule-group', groupNames);
    this.names.set('stateful-rule-group', groupNames);
    this.names.set('firewall', assignNames(endpoints, ({ fw, endpoint }) => `${fw.name ?? fw.id}-${endpoint.zone}`));
    for (const { id } of endpoints) this.firewallEndpoints.set(id, this.name('firewall', id)!);
    // Security groups: the VPC's, and those its interfaces use that the input lacks.
    for (const instance of this.instances) for (const group of instance.groups) {
      if (!this.groupIds.has(group)) this.missingGroups.add(group);
    }
    const groupItems = [...this.groups, ...[...this.missingGroups].map((id) => ({ id, name: undefined }))];
    this.names.set('security-group', assignNames(groupItems, (g) => g.name));
    this.collectPrefixLists();
    const lists = [...this.prefixLists.keys()].map((id) => ({ id, name: this.prefixLists.get(id)?.name }));
    this.names.set('prefix-list', assignNames(lists, (l) => l.name));
    this.names.set('instance', this.instanceNames());

    this.associations(subnets, writtenAcls, ipv6);
    this.writeVpcLine();
    for (const subnet of subnets) this.writeSubnet(subnet);
    for (const gateway of igws) this.declare('internet-gateway', gateway.id, `internet-gateway ${this.name('internet-gateway', gateway.id)}`, gateway.note);
    if (igws.length > 1) this.notes.push(`several internet gateways are attached to ${vpc.id}; AWS attaches at most one`);
    for (const gateway of eigws) this.declare('egress-only-gateway', gateway.id, `egress-only-gateway ${this.name('egress-only-gateway', gateway.id)}`, gateway.note);
    for (const nat of nats) this.writeNat(nat);
    for (const table of this.tables) this.writeRouteTable(table);
    for (const [id, list] of [...this.prefixLists].sort(([a], [b]) => compareText(a, b))) this.writePrefixList(id, list);
    for (const group of this.groups) this.writeSecurityGroup(group);
    for (const id of [...this.missingGroups].sort(compareText)) {
      this.declare('security-group', id, `security-group ${this.name('security-group', id)} {`, 'not in the input: declared without rules, so it admits nothing', ['}']);
      this.skip(id, 'security group', 'used by network interfaces but not in the input: declared without rules (admits nothing)');
    }
    for (const acl of this.acls) this.writeAcl(acl, writtenAcls.includes(acl));
    for (const instance of this.instances) this.writeInstance(instance);
    for (const { fw, endpoint, id } of endpoints) this.writeFirewall(fw, endpoint, id);
    for (const policy of usedPolicies) this.writePolicy(policy);
    for (const group of usedGroups) this.writeRuleGroup(group);
    for (const fw of this.firewalls) if (!policies.has(fw.policy)) this.skip(fw.id, 'firewall', `its policy ${fw.policy} is not in the input`);

    const name = this.name('vpc', vpc.id)!;
    const flows = this.suggestedFlows();
    const text = this.render(flows);
    const counts = (Object.keys(KIND_WORDS) as (keyof typeof KIND_WORDS)[]).flatMap((kind) => {
      const count = this.counts.get(kind);
      return count ? [{ kind: count === 1 ? KIND_WORD[kind] : KIND_WORDS[kind], count }] : [];
    });
    return { vpcId: vpc.id, name, text, summary: { source: description.source, vpc: { id: vpc.id, name }, counts, skipped: [...description.skipped, ...this.skipped], notes: this.notes } };
  }

  private subnetUsable(subnet: Subnet): boolean {
    if (!subnet.cidr) {
      this.skip(subnet.id, 'subnet', 'IPv6-only subnets are not modelled (a subnet needs an IPv4 block); its interfaces are left out too');
      return false;
    }
    if (!checkedCidr(subnet.cidr) || familyOf(subnet.cidr) !== 4 || (subnet.ipv6Cidr && familyOf(subnet.ipv6Cidr) !== 6)) {
      this.skip(subnet.id, 'subnet', `its blocks ${subnet.cidr} ${subnet.ipv6Cidr ?? ''} are not an IPv4 and an IPv6 CIDR`);
      return false;
    }
    return true;
  }

  /** Which ACL and route table each subnet line names. */
  private associations(subnets: Subnet[], writtenAcls: NetworkAcl[], ipv6: boolean): void {
    const ids = new Set(subnets.map((subnet) => subnet.id));
    const defaultAcl = this.acls.find((acl) => acl.isDefault);
    if (this.acls.length === 0) this.notes.push('no network ACLs in the input: every subnet uses the default network ACL, which allows all traffic');
    if (this.acls.length > 0 && !defaultAcl) this.notes.push(`the input has no default network ACL for ${this.vpc.id}: subnets it does not associate are assumed to allow all traffic`);
    for (const acl of this.acls) for (const subnet of acl.subnets) {
      if (!ids.has(subnet)) continue;
      if (this.subnetAcl.has(subnet)) {
        this.skip(subnet, 'subnet', `associated with several network ACLs in the input; ${this.subnetAcl.get(subnet)} kept`);
        continue;
      }
      this.subnetAcl.set(subnet, acl.id);
    }
    for (const subnet of subnets) {
      if (this.subnetAcl.has(subnet.id) || this.acls.length === 0) continue;
      if (defaultAcl && writtenAcls.includes(defaultAcl)) {
        this.subnetAcl.set(subnet.id, defaultAcl.id);
        this.notes.push(`${subnet.id} has no network ACL association in the input: the VPC's default network ACL is assumed`);
      }
    }
    void ipv6;
    for (const table of this.tables) {
      if (table.edgeGateways.length > 0) continue;
      for (const subnet of table.subnets) {
        if (!ids.has(subnet)) continue;
        if (this.subnetRoutes.has(subnet)) {
          this.skip(subnet, 'subnet', `associated with several route tables in the input; ${this.subnetRoutes.get(subnet)} kept`);
          continue;
        }
        this.subnetRoutes.set(subnet, table.id);
      }
    }
  }

  private declare(kind: Kind, id: string, code: string, note?: string, body: string[] = []): void {
    this.count(kind);
    this.block(kind, [{ code, comment: note ? `${id} ${oneLine(note)}` : id }, ...body.map((line) => ({ code: line, inner: line !== '}' }))], code.split(' ')[1]);
  }

  private writeVpcLine(): void {
    const { vpc } = this;
    const blocks = [...vpc.cidrs, ...vpc.ipv6Cidrs].filter((cidr) => {
      if (checkedCidr(cidr)) return true;
      this.skip(vpc.id, 'VPC block', `${cidr} is not a CIDR`);
      return false;
    });
    this.declare('vpc', vpc.id, `vpc ${this.name('vpc', vpc.id)} ${blocks.join(' ')}`, vpc.note);
  }

  private writeSubnet(subnet: Subnet): void {
    let code = `subnet ${this.name('subnet', subnet.id)} ${subnet.cidr}${subnet.ipv6Cidr ? ` ${subnet.ipv6Cidr}` : ''}`;
    const acl = this.subnetAcl.get(subnet.id);
    const aclName = acl && this.name('network-acl', acl);
    if (aclName) code += ` acl ${aclName}`;
    const table = this.subnetRoutes.get(subnet.id);
    if (table) code += ` routes ${this.name('route-table', table)}`;
    this.declare('subnet', subnet.id, code, subnet.note);
  }

  private writeNat(nat: (typeof this.description.natGateways)[number]): void {
    const name = this.name('nat-gateway', nat.id)!;
    const subnet = this.name('subnet', nat.subnet);
    const problem = nat.unusable ? `it is ${nat.unusable}`
      : nat.connectivity === 'private' ? 'a private NAT gateway is not modelled (routes to it are unmodelled)'
        : !subnet ? `its subnet ${nat.subnet} is not in the input`
          : !checkedAddress(nat.privateIp, 4) || !checkedAddress(nat.publicIp, 4) ? 'it has no private and public IPv4 address in the input'
            : undefined;
    if (problem) {
      this.skip(nat.id, 'NAT gateway', problem);
      this.block('nat-gateway', [{ code: '', comment: `${nat.id}: not written: ${problem}` }], nat.id);
      this.names.get('nat-gateway')!.delete(nat.id);
      return;
    }
    for (const address of nat.otherAddresses) this.skip(nat.id, 'NAT gateway address', `secondary address ${address} is not modelled`);
    this.declare('nat-gateway', nat.id, `nat-gateway ${name} subnet ${subnet} ip ${nat.privateIp} public-ip ${nat.publicIp}`, nat.note);
  }

  // --- route tables -------------------------------------------------------------------------------

  private writeRouteTable(table: RouteTable): void {
    const name = this.name('route-table', table.id)!;
    let header = `route-table ${name}`;
    const edges = table.edgeGateways.filter((gateway) => {
      if (this.name('internet-gateway', gateway)) return true;
      this.skip(table.id, 'route table', `its edge association with ${gateway} is not modelled (only an internet gateway's edge table is)`);
      return false;
    });
    if (edges.length > 0) {
      header += ` edge ${this.name('internet-gateway', edges[0])}`;
      if (table.main) this.skip(table.id, 'route table', 'an edge table cannot also be the main table; written as the edge table');
      for (const subnet of table.subnets) this.skip(table.id, 'route table', `the association with ${subnet} is left out: an edge table is not a subnet's table`);
    } else if (table.edgeGateways.length > 0) {
      // Only edge associations the language does not model: the table routes nothing we follow.
      this.block('route-table', [{ code: '', comment: `${table.id}: not written: the edge table of ${table.edgeGateways.join(', ')}` }], table.id);
      return;
    } else if (table.main) {
      header += ' main';
    }
    const vpcBlocks = new Set([...this.vpc.cidrs, ...this.vpc.ipv6Cidrs]);
    const lines: Line[] = [];
    const destinations = new Map<string, string>();
    const cidrRoutes = new Set(table.routes.flatMap((route) => (route.destination.kind === 'cidr' ? [route.destination.cidr] : [])));
    for (const route of table.routes) {
      if (route.target.kind === 'local' && route.destination.kind === 'cidr' && vpcBlocks.has(route.destination.cidr)) continue;
      const dests = this.routeDestinations(table, route, cidrRoutes);
      if (dests.length === 0) continue;
      const target = this.routeTarget(table, route);
      for (const dest of dests) {
        const code = `route ${dest} -> ${target.text}`;
        if (target.problem) {
          lines.push({ code: `# ${code}`, comment: target.problem, inner: true });
          continue;
        }
        const earlier = destinations.get(dest);
        if (earlier) {
          this.skip(table.id, 'route', `a second route to ${dest} (-> ${target.text}) is left out; the first (-> ${earlier}) is kept`);
          lines.push({ code: `# ${code}`, comment: `a second route to ${dest}`, inner: true });
          continue;
        }
        destinations.set(dest, target.text);
        this.count('route');
        lines.push({ code, comment: target.comment, inner: true });
      }
    }
    this.count('route-table');
    this.block('route-table', [{ code: `${header} {`, comment: table.note ? `${table.id} ${table.note}` : table.id }, ...lines, { code: '}' }], name);
  }

  /** The destinations a route is written for: its CIDR, or each entry of its prefix list. */
  private routeDestinations(table: RouteTable, route: Route, cidrRoutes: Set<string>): string[] {
    const dest = route.destination;
    if (dest.kind === 'cidr') {
      if (checkedCidr(dest.cidr) && dest.cidr.includes('/')) return [dest.cidr];
      this.skip(table.id, 'route', `destination ${dest.cidr} is not a CIDR: left out`);
      return [];
    }
    const list = this.description.prefixLists.find((l) => l.id === dest.list);
    if (!list?.cidrs) {
      this.skip(table.id, 'route', `the route to prefix list ${dest.list} is left out: the input has no entries for the list`);
      return [];
    }
    return [...new Set(list.cidrs.filter((cidr) => checkedCidr(cidr) && !cidrRoutes.has(cidr)))];
  }

  private routeTarget(table: RouteTable, route: Route): { text: string; comment?: string; problem?: string } {
    const target = route.target;
    const dest = route.destination.kind === 'cidr' ? route.destination.cidr : route.destination.list;
    const unmodelled = (id: string, what: string, why = 'not modelled: packets routed there are dropped for the verdict') => {
      this.skip(table.id, 'route', `the route to ${dest} -> ${id} (${what}) is written as unmodelled: ${why}`);
      return { text: `unmodelled ${quote(`${id} (${what})`)}` };
    };
    switch (target.kind) {
      case 'local':
        return { text: 'local', problem: 'a local route that is not a VPC block' };
      case 'internet-gateway': {
        const name = this.name('internet-gateway', target.gateway);
        return name ? { text: `igw ${name}`, comment: target.gateway } : unmodelled(target.gateway, 'internet gateway', 'the gateway is not in the input or not attached to this VPC');
      }
      case 'egress-only-gateway': {
        const name = this.name('egress-only-gateway', target.gateway);
        if (name && route.destination.kind === 'cidr' && familyOf(route.destination.cidr) === 4) {
          this.skip(table.id, 'route', `an IPv4 route to the egress-only gateway ${target.gateway} is left out (AWS routes only IPv6 there)`);
          return { text: `eigw ${name}`, problem: 'IPv4 to an egress-only gateway' };
        }
        return name ? { text: `eigw ${name}`, comment: target.gateway } : unmodelled(target.gateway, 'egress-only internet gateway', 'the gateway is not in the input or not attached to this VPC');
      }
      case 'nat-gateway': {
        const name = this.name('nat-gateway', target.gateway);
        if (name) return { text: `nat ${name}`, comment: target.gateway };
        const nat = this.description.natGateways.find((n) => n.id === target.gateway);
        if (nat?.unusable) return { text: 'blackhole', comment: `${target.gateway} is ${nat.unusable}` };
        return unmodelled(target.gateway, nat?.connectivity === 'private' ? 'private NAT gateway' : 'NAT gateway', nat ? undefined : 'the NAT gateway is not in the input');
      }
      case 'endpoint': {
        const name = this.firewallEndpoints.get(target.endpoint);
        return name ? { text: `firewall ${name}`, comment: target.endpoint } : unmodelled(target.endpoint, 'VPC endpoint');
      }
      case 'blackhole':
        return { text: 'blackhole', comment: target.id ? `${target.id} is gone` : undefined };
      case 'other':
        return unmodelled(target.id, target.what);
    }
  }

  // --- prefix lists -------------------------------------------------------------------------------

  /** The prefix lists that security group rules and routes of this VPC refer to. */
  private collectPrefixLists(): void {
    const lists = new Map(this.description.prefixLists.map((list) => [list.id, list]));
    const refer = (id: string) => {
      if (!this.prefixLists.has(id)) this.prefixLists.set(id, lists.get(id));
    };
    for (const group of this.groups) for (const rule of [...group.inbound, ...group.outbound]) {
      if (rule.peer.kind === 'prefix-list') refer(rule.peer.list);
    }
    // Routes to a prefix list are written once per entry: the list itself is not declared for them.
    const referenced = new Set(this.prefixLists.keys());
    for (const table of this.tables) for (const route of table.routes) {
      if (route.destination.kind === 'prefix-list') referenced.add(route.destination.list);
    }
    for (const list of [...this.description.prefixLists].sort(byId)) {
      if (!referenced.has(list.id)) this.skip(list.id, 'prefix list', `not referenced by a rule or route of ${this.vpc.id}: not written`);
    }
  }

  private writePrefixList(id: string, list: PrefixList | undefined): void {
    const name = this.name('prefix-list', id)!;
    if (!list) {
      this.skip(id, 'prefix list', 'referenced but not in the input: declared empty (rules to it match nothing)');
      this.declare('prefix-list', id, `prefix-list ${name}`, 'not in the input: declared empty, so it matches nothing');
      return;
    }
    if (!list.cidrs) {
      this.skip(id, 'prefix list', `${list.awsManaged ? 'an AWS-managed list ' : ''}given without entries: declared empty (rules to it match nothing); add its entries with get-managed-prefix-list-entries`);
      this.declare('prefix-list', id, `prefix-list ${name}`, `${list.note ? `${list.note}: ` : ''}no entries in the input: declared empty, so it matches nothing`);
      return;
    }
    const cidrs = list.cidrs.filter((cidr) => {
      if (checkedCidr(cidr)) return true;
      this.skip(id, 'prefix list entry', `${cidr} is not a CIDR: left out`);
      return false;
    });
    this.count('prefix-list-entry', cidrs.length);
    this.declare('prefix-list', id, `prefix-list ${name}${cidrs.map((cidr) => ` ${cidr}`).join('')}`, list.note);
  }

  // --- security groups ----------------------------------------------------------------------------

  private writeSecurityGroup(group: SecurityGroup): void {
    const name = this.name('security-group', group.id)!;
    const lines: Line[] = [];
    for (const direction of ['inbound', 'outbound'] as const) {
      for (const rule of direction === 'inbound' ? group.inbound : group.outbound) lines.push(this.sgRuleLine(group, direction, rule));
    }
    const note = [group.note, group.isDefault ? "the VPC's default group" : undefined].filter(Boolean).join(', ');
    this.count('security-group');
    this.block('security-group', [{ code: `security-group ${name} {`, comment: note ? `${group.id} ${note}` : group.id }, ...lines, { code: '}' }], name);
  }

  private sgRuleLine(group: SecurityGroup, direction: 'inbound' | 'outbound', rule: SgRule): Line {
    const word = direction === 'inbound' ? 'from' : 'to';
    const traffic = trafficText(rule.traffic);
    const ruleId = rule.id ?? group.id;
    const peer = rule.peer;
    let peerText: string | undefined;
    let problem: string | undefined;
    if (peer.kind === 'cidr') {
      peerText = peer.cidr;
      if (!checkedCidr(peer.cidr)) problem = `${peer.cidr} is not a CIDR`;
    } else if (peer.kind === 'prefix-list') {
      peerText = `pl ${this.name('prefix-list', peer.list) ?? peer.list}`;
    } else {
      peerText = `sg ${peer.group}`;
      const elsewhere = (peer.account ? `account ${peer.account}` : '') + (peer.vpc && peer.vpc !== this.vpc.id ? `${peer.account ? ', ' : ''}VPC ${peer.vpc}` : '');
      const name = this.groupIds.has(peer.group) && !elsewhere ? this.name('security-group', peer.group) : undefined;
      if (name) peerText = `sg ${name}`;
      else problem = elsewhere ? `the group ${peer.group} is in ${elsewhere}${peer.peering ? ` (through ${peer.peering})` : ''}` : `the group ${peer.group} is not in the input`;
    }
    if (traffic === undefined) problem = `protocol or ports not expressible: ${JSON.stringify(rule.traffic)}`;
    const code = `${direction} ${traffic ?? '?'} ${word} ${peerText}${rule.description ? ` ${quote(rule.description)}` : ''}`;
    if (problem) {
      this.skip(ruleId, 'security group rule', `${group.id} ${direction} ${traffic ?? ''} ${word} ${peerText}: ${problem}; written as a comment`.replace(/  +/g, ' '));
      return { code: `# ${code}`, comment: problem, inner: true };
    }
    this.count('sg-rule');
    const comment = [rule.id, rule.note].filter(Boolean).join(' ');
    return { code, comment: comment || undefined, inner: true };
  }

  // --- network ACLs -------------------------------------------------------------------------------

  private writeAcl(acl: NetworkAcl, written: boolean): void {
    if (!written) {
      this.block('network-acl', [{ code: '', comment: `${acl.id}: the VPC's default network ACL, unchanged (allows all traffic): subnets without acl use it` }], acl.id);
      return;
    }
    const name = this.name('network-acl', acl.id)!;
    const entries = [...acl.entries].sort((a, b) => (a.direction === b.direction ? a.number - b.number : a.direction === 'inbound' ? -1 : 1));
    const lines = entries.map((entry) => this.aclEntryLine(acl, entry));
    const note = [acl.note, acl.isDefault ? "the VPC's default network ACL, changed" : undefined].filter(Boolean).join(', ');
    this.count('network-acl');
    this.block('network-acl', [{ code: `network-acl ${name} {`, comment: note ? `${acl.id} ${note}` : acl.id }, ...lines, { code: '}' }], name);
  }

  private aclEntryLine(acl: NetworkAcl, entry: NaclEntry): Line {
    const traffic = trafficText(entry.traffic);
    const code = `${entry.direction} ${entry.number} ${entry.action} ${traffic ?? '?'} ${entry.direction === 'inbound' ? 'from' : 'to'} ${entry.cidr}`;
    const problem = !Number.isInteger(entry.number) || entry.number < 1 || entry.number > 32766 ? `rule number ${entry.number} is out of 1-32766`
      : traffic === undefined ? `protocol or ports not expressible: ${JSON.stringify(entry.traffic)}`
        : !checkedCidr(entry.cidr) ? `${entry.cidr} is not a CIDR` : undefined;
    if (problem) {
      this.skip(acl.id, 'network ACL entry', `${entry.direction} ${entry.number}: ${problem}; written as a comment`);
      return { code: `# ${code}`, comment: problem, inner: true };
    }
    this.count('nacl-entry');
    return { code, inner: true };
  }

  // --- instances ----------------------------------------------------------------------------------

  private instanceNames(): Map<string, string> {
    return assignNames(this.instances, (instance) => instance.name);
  }

  private writeInstance(instance: Instance): void {
    const name = this.name('instance', instance.id)!;
    const subnet = this.name('subnet', instance.subnet);
    const ips = instance.privateIps.filter((ip) => checkedAddress(ip, 4));
    const ip6s = instance.ipv6s.filter((ip) => checkedAddress(ip, 6));
    const problem = !subnet ? `its subnet ${instance.subnet} is not in the input (or not modelled)`
      : ips.length === 0 ? 'it has no private IPv4 address'
        : instance.groups.length === 0 ? 'it has no security group (AWS filters it by none; the language would put it in the default group)'
          : undefined;
    if (problem) {
      this.skip(instance.id, 'network interface', `${problem}: not written`);
      this.block('instance', [{ code: '', comment: `${instance.id}: not written: ${problem}` }], instance.id);
      return;
    }
    for (const ip of [...instance.privateIps, ...instance.ipv6s]) {
      if (!ips.includes(ip) && !ip6s.includes(ip)) this.skip(instance.id, 'network interface address', `${ip} is not an address: left out`);
    }
    let code = `instance ${name} subnet ${subnet} ip ${ips.join(',')}`;
    if (ip6s.length > 0) code += ` ip6 ${ip6s.join(',')}`;
    if (instance.publicIp) {
      if (checkedAddress(instance.publicIp, 4)) code += ` public-ip ${instance.publicIp}`;
      else this.skip(instance.id, 'public address', `${instance.publicIp} is not an IPv4 address: left out`);
    }
    code += ` groups ${instance.groups.map((group) => this.name('security-group', group)).join(',')}`;
    if (instance.owner.kind === 'ec2' && instance.os === 'windows') code += ' os windows';
    if (instance.owner.kind !== 'ec2') code += ` ephemeral ${SERVICE_EPHEMERAL.from}-${SERVICE_EPHEMERAL.to}`;
    for (const other of instance.otherPublicIps) {
      this.skip(instance.id, 'public address', `${other.publicIp} (of the secondary address ${other.privateIp}) is not modelled: only the primary address's public address is`);
    }
    for (const prefix of instance.prefixes) this.skip(instance.id, 'prefix delegation', `${prefix} is not modelled`);
    const owner = instance.owner.kind === 'ec2' ? instance.owner.instance : instance.owner.kind === 'service' ? instance.owner.what : 'not attached';
    this.written.push({ name, instance });
    this.declare('instance', instance.id, code, [owner, instance.note].filter(Boolean).join(', '));
  }

  // --- AWS Network Firewall ----------------------------------------------------------------------

  private writeFirewall(fw: Firewall, endpoint: Firewall['endpoints'][number], id: string): void {
    const name = this.name('firewall', id)!;
    const subnet = this.name('subnet', endpoint.subnet);
    const policy = this.name('firewall-policy', fw.policy);
    if (!subnet || !policy) {
      const why = !subnet ? `its subnet ${endpoint.subnet} is not in the input` : `its policy ${fw.policy} is not in the input`;
      this.skip(id, 'firewall endpoint', `${why}: not written`);
      this.block('firewall', [{ code: '', comment: `${id}: not written: ${why}` }], id);
      this.firewallEndpoints.delete(id);
      return;
    }
    // Without an endpoint id, the declaration's id is already FIREWALL/ZONE.
    const words = endpoint.endpoint ? [fw.id, endpoint.zone, fw.note] : [fw.note];
    this.declare('firewall', id, `firewall ${name} subnet ${subnet} policy ${policy}`, words.filter(Boolean).join(' '));
  }

  private writePolicy(policy: FirewallPolicy): void {
    const name = this.name('firewall-policy', policy.id)!;
    const lines: Line[] = [{ code: `stateless-default ${policy.statelessDefault}`, inner: true }];
    if (policy.statelessFragmentDefault && policy.statelessFragmentDefault !== policy.statelessDefault) {
      this.skip(policy.id, 'firewall policy', `the default action for fragmented packets (${policy.statelessFragmentDefault}) is not modelled`);
    }
    for (const ref of [...policy.statelessGroups].sort((a, b) => a.priority - b.priority)) {
      const group = this.name('stateless-rule-group', ref.group);
      if (group) lines.push({ code: `stateless ${group} priority ${ref.priority}`, inner: true });
      else {
        this.skip(policy.id, 'firewall policy', `its stateless rule group ${ref.group} is not in the input: left out`);
        lines.push({ code: `# stateless ${ref.group} priority ${ref.priority}`, comment: 'not in the input', inner: true });
      }
    }
    const strict = policy.statefulOrder === 'strict';
    const stateful = strict ? [...policy.statefulGroups].sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0)) : policy.statefulGroups;
    for (const ref of stateful) {
      const group = this.name('stateful-rule-group', ref.group);
      const code = `stateful ${group ?? ref.group}${strict && ref.priority !== undefined ? ` priority ${ref.priority}` : ''}`;
      if (group) lines.push({ code, inner: true });
      else {
        this.skip(policy.id, 'firewall policy', `its stateful rule group ${ref.group} is not in the input: left out`);
        lines.push({ code: `# ${code}`, comment: 'not in the input', inner: true });
      }
    }
    if (strict) {
      lines.push({ code: 'stateful-order strict', inner: true });
      if (policy.statefulDefaults.length > 0) lines.push({ code: `stateful-default ${policy.statefulDefaults.join(',')}`, inner: true });
    }
    for (const what of policy.unsupported) this.skip(policy.id, 'firewall policy', what);
    this.count('firewall-policy');
    this.block('firewall-policy', [{ code: `firewall-policy ${name} {`, comment: policy.note ? `${policy.id} ${policy.note}` : policy.id }, ...lines, { code: '}' }], name);
  }

  private writeRuleGroup(group: RuleGroup): void {
    const kind = group.type === 'stateless' ? 'stateless-rule-group' : 'stateful-rule-group';
    const name = this.name(kind, group.id)!;
    const lines: Line[] = [];
    if (group.type === 'stateless') {
      for (const rule of [...group.stateless].sort((a, b) => a.priority - b.priority)) lines.push(this.statelessRuleLine(group, rule));
    } else {
      for (const rule of group.stateful) lines.push(this.statefulRuleLine(rule));
    }
    for (const what of group.unsupported) {
      this.skip(group.id, 'rule group', what);
      lines.push({ code: '', comment: what, inner: true });
    }
    this.count(kind);
    this.block(kind, [{ code: `${kind} ${name} {`, comment: group.note ? `${group.id} ${group.note}` : group.id }, ...lines, { code: '}' }], name);
  }

  private statelessRuleLine(group: RuleGroup, rule: StatelessRule): Line {
    const addresses = (cidrs: string[]) => (cidrs.length === 0 || cidrs.includes('0.0.0.0/0') && cidrs.includes('::/0') ? 'any' : cidrs.join(','));
    const ports = (list: PortRange[], word: string) => (list.length === 0 ? '' : ` ${word} ${list.map((p) => (p.from === p.to ? `${p.from}` : `${p.from}-${p.to}`)).join(',')}`);
    const protocols = rule.protocols.length === 0 ? 'all' : rule.protocols.map((p) => ({ 6: 'tcp', 17: 'udp', 1: 'icmp', 58: 'icmpv6' } as Record<number, string>)[p] ?? `${p}`).join(',');
    const code = `rule ${rule.priority} ${rule.action} ${protocols} from ${addresses(rule.sources)}${ports(rule.sourcePorts, 'port')} to ${addresses(rule.destinations)}${ports(rule.destinationPorts, 'port')}`;
    const bad = [...rule.sources, ...rule.destinations].find((cidr) => !checkedCidr(cidr));
    const problem = rule.tcpFlags ? 'matches TCP flags, which the language does not model' : bad ? `${bad} is not a CIDR` : undefined;
    if (problem) {
      this.skip(group.id, 'stateless rule', `priority ${rule.priority} ${problem}: written as a comment`);
      return { code: `# ${code}`, comment: problem, inner: true };
    }
    this.count('stateless-rule');
    return { code, inner: true };
  }

  private statefulRuleLine(rule: (RuleGroup['stateful'])[number]): Line {
    const text = oneLine(rule.kind === 'text' ? rule.text.trim() : headerText(rule.rule));
    this.count('stateful-rule');
    return { code: text, inner: true };
  }

  // --- suggested flows ----------------------------------------------------------------------------

  /** One commented-out flow per TCP, UDP or ICMP rule whose peer is another group of the VPC. */
  private suggestedFlows(): Line[] {
    const members = new Map<string, string[]>();
    for (const { name, instance } of [...this.written].sort((a, b) => compareText(a.name, b.name))) {
      for (const group of instance.groups) members.set(group, [...(members.get(group) ?? []), name]);
    }
    const has6 = new Set(this.written.filter(({ instance }) => instance.ipv6s.length > 0).map(({ name }) => name));
    const seen = new Set<string>();
    const taken = new Set<string>();
    const lines: Line[] = [];
    for (const group of this.groups) {
      for (const direction of ['inbound', 'outbound'] as const) {
        for (const rule of direction === 'inbound' ? group.inbound : group.outbound) {
          const { peer, traffic } = rule;
          if (peer.kind !== 'group' || peer.group === group.id || peer.account || (peer.vpc && peer.vpc !== this.vpc.id)) continue;
          if (!this.groupIds.has(peer.group)) continue;
          if (![6, 17, 1, 58].includes(traffic.protocol as number)) continue;
          const [from, to] = direction === 'inbound' ? [peer.group, group.id] : [group.id, peer.group];
          const ipv6 = traffic.protocol === 58;
          const sources = (members.get(from) ?? []).filter((n) => !ipv6 || has6.has(n));
          const targets = (members.get(to) ?? []).filter((n) => !ipv6 || has6.has(n));
          const pair = sources.flatMap((s) => targets.filter((t) => t !== s).map((t) => [s, t] as const))[0];
          if (!pair) continue;
          const what = traffic.protocol === 6 || traffic.protocol === 17
            ? `${traffic.protocol === 6 ? 'tcp' : 'udp'} ${traffic.ports?.from ?? 0}`
            : trafficText(traffic);
          if (!what) continue;
          const key = `${pair[0]} ${pair[1]} ${what}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const base = `${pair[0]}-to-${pair[1]}-${what.split(' ').filter((w) => w !== 'type' && w !== 'code').join('-')}`;
          let flowName = base;
          for (let n = 2; taken.has(flowName); n++) flowName = `${base}-${n}`;
          taken.add(flowName);
          lines.push({ code: `# flow ${flowName} ${pair[0]} -> ${pair[1]} ${what} expect allow`, comment: `${direction} rule of ${this.name('security-group', group.id)}` });
        }
      }
    }
    this.count('suggested-flow', lines.length);
    return lines;
  }

  // --- text ---------------------------------------------------------------------------------------

  private render(flows: Line[]): string {
    const out: string[] = [];
    const { vpc, description } = this;
    out.push(oneLine(`# ${description.source} VPC ${vpc.id}, written by vpcrules import. ${description.idsInComments ?? 'AWS ids'} are in the trailing comments.`));
    out.push('# Add the flows that must work (and those that must not), then check the file in CI:');
    out.push('#   npx vpcrules check FILE');
    let lastTitle: string | undefined;
    for (const kind of KIND_ORDER) {
      const blocks = this.sections.get(kind);
      if (!blocks || blocks.length === 0) continue;
      const title = SECTION_TITLES[kind];
      if (title !== lastTitle) {
        out.push('', `# --- ${title} ${'-'.repeat(Math.max(3, 96 - title.length))}`);
        lastTitle = title;
      } else {
        out.push('');
      }
      const sorted = [...blocks].sort((a, b) => compareText(a.key, b.key)).map((block) => block.lines);
      const blocky = sorted.some((block) => block.length > 1);
      const width = Math.min(100, Math.max(0, ...sorted.flat().filter((line) => line.comment && line.code && !line.inner).map((line) => line.code.length)));
      sorted.forEach((block, index) => {
        if (blocky && index > 0) out.push('');
        const innerWidth = Math.min(100, Math.max(0, ...block.filter((line) => line.inner && line.comment && line.code).map((line) => line.code.length + 2)));
        for (const line of block) out.push(renderLine(line, line.inner ? innerWidth : width));
      });
    }
    if (flows.length > 0) {
      out.push('', `# --- suggested flows ${'-'.repeat(79)}`);
      out.push('# One per security group rule whose peer is another group: a member of one to a member of the other,');
      out.push("# on the rule's protocol and first port. Uncomment those that must hold, and write your own.");
      const width = Math.min(100, Math.max(...flows.map((line) => line.code.length)));
      for (const line of flows) out.push(renderLine(line, width));
    }
    return `${out.join('\n')}\n`;
  }
}

function renderLine(line: Line, width: number): string {
  const indent = line.inner ? '  ' : '';
  if (!line.code) return `${indent}# ${oneLine(line.comment ?? '')}`;
  if (!line.comment) return `${indent}${oneLine(line.code)}`;
  // A line is one line whatever the input held (an id with a line break in a comment).
  const code = oneLine(line.code);
  const pad = Math.max(1, width - (line.inner ? code.length + 2 : code.length)) + 1;
  return `${indent}${code}${' '.repeat(pad)}# ${oneLine(line.comment)}`;
}

/** A 5-tuple stateful rule as a Suricata rule line. */
export function headerText(rule: StatefulRuleHeader): string {
  const options = rule.options.map((option) => (option.settings.length === 0 ? `${option.keyword};` : `${option.keyword}:${option.settings.join(',')};`));
  return `${rule.action} ${rule.protocol} ${rule.source} ${rule.sourcePort} ${rule.direction} ${rule.destination} ${rule.destinationPort}${options.length > 0 ? ` (${options.join(' ')})` : ''}`;
}
