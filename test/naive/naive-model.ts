// The naive evaluator's reading of a model: the syntax tree from the project's parser (and
// nothing from server/src/engine) turned into plain tables, and who an address is.
import type {
  Cidr, Declaration, Family, FlowDecl, IcmpSpec, NaclRule, PortRange, Range, RouteTableDecl, RouteTarget, SgRule,
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
  }
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
