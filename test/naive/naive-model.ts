// The naive evaluator's reading of a model: the syntax tree from the project's parser (and
// nothing from server/src/engine) turned into plain tables, and who an address is.
import type {
  Cidr, Declaration, Family, FirewallPolicyDecl, FlowDecl, IcmpSpec, NaclRule, PortRange, Range, RouteTableDecl, RouteTarget, SgRule,
  StatefulAction, StatefulDefaultAction, StatefulRule, StatelessAction, StatelessRule, SuricataAddress, SuricataPort,
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
  /**
   * The source port each NAT gateway the request crosses chooses, in the order crossed. Missing
   * ones (or all, when absent): the connection stands for every choice (see connectionOutcome).
   */
  natPorts?: number[];
}

/** One hop a packet crossed (or a step of its path), and whether it let the packet on. */
export interface HopResult {
  hop: string;
  allow: boolean;
}

export interface NInstance {
  name: string;
  subnet: string;
  ips: bigint[];
  ip6s: bigint[];
  /** The groups as listed, or [`default`] when the instance lists none. */
  groups: string[];
  os: 'linux' | 'windows';
  ephemeral?: PortRange;
  /** `public-ip`: the public IPv4 address the internet gateway maps to the first `ip`. */
  publicIp?: bigint;
}

export interface NSubnet {
  name: string;
  v4?: Cidr;
  v6?: Cidr;
  acl?: string; // undefined: the default NACL (allows everything)
  /** `routes RT`; undefined: the main table, else the implicit local routes only. */
  routes?: string;
}

/** Where a route sends a packet. The VPC has at most one internet and one egress-only gateway. */
export type NRouteTarget =
  | { kind: 'local' }
  | { kind: 'blackhole' }
  | { kind: 'igw' }
  | { kind: 'eigw' }
  | { kind: 'nat'; nat: string }
  | { kind: 'firewall'; firewall: string }
  | { kind: 'unmodelled'; text: string };

export interface NRoute {
  dest: Cidr;
  target: NRouteTarget;
  /** The route's 0-based line; undefined for an implicit local route. */
  line?: number;
}

export interface NRouteTable {
  name: string;
  main: boolean;
  /** Set on the internet gateway's ingress (`edge`) table. */
  edgeOf?: string;
  /** The routes as written; the implicit local routes are added at lookup. */
  routes: NRoute[];
}

export interface NNatGateway {
  name: string;
  subnet: string;
  ip: bigint;
  publicIp: bigint;
}

/** `firewall NAME subnet SUBNET policy POLICY`: one AWS Network Firewall endpoint. */
export interface NFirewall {
  name: string;
  subnet: string;
  policy: string;
}

/** A `firewall-policy`, its groups in the order they are tried. */
export interface NFirewallPolicy {
  name: string;
  statelessDefault: StatelessAction;
  /** The stateless groups in ascending priority. */
  statelessGroups: string[];
  /** The stateful groups: in ascending priority under strict order, as listed under default order. */
  statefulGroups: string[];
  order: 'default' | 'strict';
  statefulDefault: StatefulDefaultAction[];
}

/** One stateless rule; undefined addresses or ports: any. */
export interface NStatelessRule {
  priority: number;
  action: StatelessAction;
  /** Protocol numbers; -1 is `all`. */
  protocols: number[];
  sources?: Cidr[];
  sourcePorts?: PortRange[];
  destinations?: Cidr[];
  destinationPorts?: PortRange[];
  line: number;
}

/** A Suricata `flow` option, read: each field undefined when the option does not constrain it. */
export interface NFlowOption {
  /** to_server/from_client: true; to_client/from_server: false. */
  fromInitiator?: boolean;
  /** established: true; not_established: false. */
  established?: boolean;
  /** Contradictory keywords (to_server,to_client): matches no packet. */
  never?: boolean;
}

/** One stateful (Suricata) rule. */
export interface NStatefulRule {
  action: StatefulAction;
  /** `ip`, `tcp`, `udp`, `icmp`, or (for a rule left out) what was written. */
  protocol: string;
  source: SuricataAddress;
  sourcePort: SuricataPort;
  /** `<>`: the header matches either way. */
  bidirectional: boolean;
  destination: SuricataAddress;
  destinationPort: SuricataPort;
  flow: NFlowOption;
  sid?: string;
  msg?: string;
  line: number;
  /** Set when the rule is left out of the evaluation: why (an application protocol, an option not modelled). */
  leftOut?: string;
}

/** An address that AWS does not filter traffic to (from an instance). */
export interface AmazonAddress {
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
  /** True once the file declares a route table: routes and gateways are then modelled. */
  routing: boolean;
  routeTables: Map<string, NRouteTable>;
  natGateways: Map<string, NNatGateway>;
  internetGateway?: string;
  egressOnlyGateway?: string;
  firewalls: Map<string, NFirewall>;
  firewallPolicies: Map<string, NFirewallPolicy>;
  /** Each stateless group's rules in ascending priority. */
  statelessGroups: Map<string, NStatelessRule[]>;
  /** Each stateful group's rules in file order (left-out rules included, marked). */
  statefulGroups: Map<string, NStatefulRule[]>;
}

export const MAX_ADDR: Record<Family, bigint> = { 4: (1n << 32n) - 1n, 6: (1n << 128n) - 1n };
export const LINUX_EPHEMERAL: [number, number] = [32768, 60999];
export const WINDOWS_EPHEMERAL: [number, number] = [49152, 65535];
/** Source ports of a host of a subnet or an external client. */
export const CLIENT_PORTS: [number, number] = [1024, 65535];
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
    amazonAddresses: [], flows: [], routing: false, routeTables: new Map(), natGateways: new Map(),
    firewalls: new Map(), firewallPolicies: new Map(), statelessGroups: new Map(), statefulGroups: new Map(),
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
            routes: decl.routes?.text,
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
            publicIp: decl.publicIp?.address,
          });
        }
        break;
      case 'flow': {
        const flow = naiveFlow(decl);
        if (flow) model.flows.push(flow);
        break;
      }
      default:
        readRouting(model, decl);
    }
  }
  if (!model.groups.has(DEFAULT_GROUP)) model.groups.set(DEFAULT_GROUP, awsDefaultGroupRules());
  model.amazonAddresses = amazonAddresses(model);
  return model;
}

/** Gateways, NAT gateways and route tables. */
function readRouting(model: NaiveModel, decl: Declaration): void {
  switch (decl.kind) {
    case 'internet-gateway':
      model.internetGateway = decl.name?.text;
      break;
    case 'egress-only-gateway':
      model.egressOnlyGateway = decl.name?.text;
      break;
    case 'nat-gateway':
      if (decl.name && decl.subnet && decl.ip && decl.publicIp) {
        model.natGateways.set(decl.name.text, { name: decl.name.text, subnet: decl.subnet.text, ip: decl.ip.address, publicIp: decl.publicIp.address });
      }
      break;
    case 'route-table':
      model.routing = true;
      if (decl.name) model.routeTables.set(decl.name.text, routeTable(decl));
      break;
    case 'firewall':
      if (decl.name && decl.subnet && decl.policy) {
        model.firewalls.set(decl.name.text, { name: decl.name.text, subnet: decl.subnet.text, policy: decl.policy.text });
      }
      break;
    case 'firewall-policy':
      if (decl.name) model.firewallPolicies.set(decl.name.text, firewallPolicy(decl));
      break;
    case 'stateless-rule-group':
      if (decl.name) model.statelessGroups.set(decl.name.text, byPriority(decl.rules.flatMap(statelessRule)));
      break;
    case 'stateful-rule-group':
      if (decl.name) model.statefulGroups.set(decl.name.text, decl.rules.flatMap(statefulRule));
      break;
  }
}

// ---------------------------------------------------------------------------------------------
// AWS Network Firewall: policies and rule groups.

/** Plain selection of the lowest remaining priority, again and again. */
function byPriority<T extends { priority: number }>(items: T[]): T[] {
  const remaining = [...items];
  const ordered: T[] = [];
  while (remaining.length > 0) {
    let best = 0;
    for (let i = 1; i < remaining.length; i++) if (remaining[i].priority < remaining[best].priority) best = i;
    ordered.push(remaining.splice(best, 1)[0]);
  }
  return ordered;
}

function firewallPolicy(decl: FirewallPolicyDecl): NFirewallPolicy {
  const policy: NFirewallPolicy = {
    name: decl.name!.text, statelessDefault: 'drop', statelessGroups: [], statefulGroups: [], order: 'default', statefulDefault: [],
  };
  const stateless: { group: string; priority: number }[] = [];
  const stateful: { group: string; priority: number }[] = [];
  for (const statement of decl.statements) {
    switch (statement.kind) {
      case 'stateless-default':
        if (statement.action) policy.statelessDefault = statement.action.value;
        break;
      case 'stateless':
        if (statement.group) stateless.push({ group: statement.group.text, priority: statement.priority?.value ?? 0 });
        break;
      case 'stateful':
        if (statement.group) stateful.push({ group: statement.group.text, priority: statement.priority?.value ?? 0 });
        break;
      case 'stateful-order':
        if (statement.order) policy.order = statement.order.value;
        break;
      case 'stateful-default':
        policy.statefulDefault = statement.actions.map((a) => a.value);
        break;
    }
  }
  policy.statelessGroups = byPriority(stateless).map((g) => g.group);
  policy.statefulGroups = (policy.order === 'strict' ? byPriority(stateful) : stateful).map((g) => g.group);
  return policy;
}

function statelessRule(rule: StatelessRule): NStatelessRule[] {
  if (!rule.priority || !rule.action || !rule.sources || !rule.destinations) return [];
  return [{
    priority: rule.priority.value, action: rule.action.value, protocols: rule.protocols.map((p) => p.number),
    sources: rule.sources.kind === 'any' ? undefined : rule.sources.cidrs, sourcePorts: rule.sourcePorts,
    destinations: rule.destinations.kind === 'any' ? undefined : rule.destinations.cidrs, destinationPorts: rule.destinationPorts,
    line: rule.range.start.line,
  }];
}

/** The protocols a stateful rule's header may name and the model has; others are application protocols. */
const STATEFUL_PROTOCOLS = ['ip', 'tcp', 'udp', 'icmp'];
/** Options that change no verdict. */
const INERT_OPTIONS = ['msg', 'sid', 'rev', 'priority', 'metadata', 'classtype'];

function statefulRule(rule: StatefulRule): NStatefulRule[] {
  const { action, protocol, source, sourcePort, direction, destination, destinationPort } = rule;
  if (!action || !protocol || !source || !sourcePort || !direction || !destination || !destinationPort) return [];
  const out: NStatefulRule = {
    action: action.value, protocol: protocol.text, source, sourcePort, bidirectional: direction.value === '<>', destination, destinationPort,
    flow: {}, line: rule.range.start.line,
  };
  const leftOut: string[] = [];
  if (!STATEFUL_PROTOCOLS.includes(protocol.text)) leftOut.push(`application protocol ${protocol.text}`);
  for (const option of rule.options) {
    const key = option.key.text;
    if (key === 'sid') out.sid = option.value?.text;
    else if (key === 'msg') out.msg = option.value?.text;
    else if (key === 'flow') {
      const unknown = readFlowOption(out.flow, option.value?.text ?? '');
      if (unknown.length > 0) leftOut.push(`flow:${unknown.join(',')}`);
    } else if (!INERT_OPTIONS.includes(key)) leftOut.push(`option ${key}`);
  }
  if (leftOut.length > 0) out.leftOut = leftOut.join(', ');
  return [out];
}

/** Reads `flow:` keywords into the option; returns those the model does not have. */
function readFlowOption(flow: NFlowOption, value: string): string[] {
  const unknown: string[] = [];
  const set = (field: 'fromInitiator' | 'established', v: boolean) => {
    if (flow[field] !== undefined && flow[field] !== v) flow.never = true;
    flow[field] = v;
  };
  for (const word of value.split(',').map((w) => w.trim()).filter((w) => w.length > 0)) {
    switch (word) {
      case 'to_server':
      case 'from_client':
        set('fromInitiator', true);
        break;
      case 'to_client':
      case 'from_server':
        set('fromInitiator', false);
        break;
      case 'established':
        set('established', true);
        break;
      case 'not_established':
        set('established', false);
        break;
      default:
        unknown.push(word);
    }
  }
  return unknown;
}

function routeTable(decl: RouteTableDecl): NRouteTable {
  const routes: NRoute[] = [];
  for (const route of decl.routes) {
    const target = route.target && routeTarget(route.target);
    if (route.dest && target) routes.push({ dest: route.dest, target, line: route.range.start.line });
  }
  return { name: decl.name!.text, main: decl.main !== undefined, edgeOf: decl.edge?.text, routes };
}

function routeTarget(target: RouteTarget): NRouteTarget | undefined {
  switch (target.kind) {
    case 'local':
    case 'blackhole':
      return { kind: target.kind };
    case 'igw':
    case 'eigw':
      return { kind: target.kind };
    case 'nat':
      return target.name && { kind: 'nat', nat: target.name.text };
    case 'firewall':
      return target.name && { kind: 'firewall', firewall: target.name.text };
    case 'unmodelled':
      return { kind: 'unmodelled', text: target.text?.text ?? '' };
  }
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

export function addressesOf(instance: NInstance, family: Family): bigint[] {
  return family === 4 ? instance.ips : instance.ip6s;
}

export function subnetBlock(subnet: NSubnet, family: Family): Cidr | undefined {
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
export function subnetOf(cls: AddressClass): string | undefined {
  return cls.kind === 'instance' ? cls.instance.subnet : cls.kind === 'host' ? cls.subnet.name : undefined;
}

export function sameInstance(a: AddressClass, b: AddressClass): boolean {
  return a.kind === 'instance' && b.kind === 'instance' && a.instance === b.instance;
}

/** Why AWS does not filter a packet from this source to this address, if it does not. */
export function unfilteredBecause(model: NaiveModel, source: AddressClass, family: Family, dstIp: bigint): string | undefined {
  if (source.kind !== 'instance') return undefined;
  for (const amazon of model.amazonAddresses) {
    if (amazon.family !== family || amazon.address !== dstIp) continue;
    if (amazon.routerOf === undefined || amazon.routerOf === source.instance.subnet) return amazon.what;
  }
  return undefined;
}

export function cidrHas(cidr: Cidr, family: Family, address: bigint): boolean {
  return cidr.family === family && cidr.first <= address && address <= cidr.last;
}

/** Whether the address lies in one of the VPC's blocks. */
export function insideVpc(model: NaiveModel, family: Family, address: bigint): boolean {
  return model.vpcBlocks.some((block) => cidrHas(block, family, address));
}

/** The declared subnet whose block of the family holds the address. */
export function subnetHolding(model: NaiveModel, family: Family, address: bigint): NSubnet | undefined {
  for (const subnet of model.subnets.values()) {
    const block = subnetBlock(subnet, family);
    if (block && cidrHas(block, family, address)) return subnet;
  }
  return undefined;
}

/** The addresses a CIDR or `internet` end never contains (a single-address end may name them). */
export function amazonPoints(model: NaiveModel, family: Family): bigint[] {
  return model.amazonAddresses.filter((a) => a.family === family).map((a) => a.address);
}
