// The resolved model: names bound to declarations, CIDRs turned into exact address sets, rules
// into (protocol, key set, address set) triples, NACL rules sorted by number.
import type {
  Direction, Family, FlowDecl, GatewayDecl, InstanceDecl, NatGatewayDecl, Route, RouteTableDecl, NaclRule, NetworkAclDecl, PrefixListDecl, Range, SecurityGroupDecl,
  SgRule, SubnetDecl, VpcDecl, Cidr, FirewallDecl, FirewallPolicyDecl, StatefulAction, StatefulRule, StatefulRuleGroupDecl,
  StatelessAction, StatelessRule, StatelessRuleGroupDecl,
} from '../syntax/ast';
import type { AddrSet } from './addresses';
import type { BigSet, PortSet } from './intervals';

export interface Vpc {
  name: string;
  decl: VpcDecl;
  blocks: AddrSet;
}

export interface SgRuleModel {
  /** Absent for the rules of AWS's default security group. */
  decl?: SgRule;
  group: SecurityGroup;
  direction: Direction;
  /** IANA number, -1 for all. */
  protocol: number;
  keys: PortSet;
  peer: AddrSet;
  /** The prefix list a `pl` peer names: its entries count in the rules-per-group quota. */
  prefixList?: PrefixList;
  /** Position among all SG rules of the file: "first matching rule in file order". */
  order: number;
  /** The rule as written (spaces normalised), for traces. */
  text: string;
}

export interface SecurityGroup {
  name: string;
  /** Absent for AWS's default security group when the file declares no `security-group default`. */
  decl?: SecurityGroupDecl;
  rules: SgRuleModel[];
  members: Instance[];
}

export type NaclAction = 'allow' | 'deny';

export interface NaclRuleModel {
  /** Absent for the rules of the default network ACL. */
  decl?: NaclRule;
  acl: NetworkAcl;
  direction: Direction;
  number: number;
  action: NaclAction;
  protocol: number;
  keys: PortSet;
  cidr: AddrSet;
  family: Family;
  text: string;
}

export interface NetworkAcl {
  name: string;
  decl?: NetworkAclDecl;
  isDefault: boolean;
  inbound: NaclRuleModel[];
  outbound: NaclRuleModel[];
}

export interface Subnet {
  name: string;
  decl: SubnetDecl;
  v4?: Cidr;
  v6?: Cidr;
  acl: NetworkAcl;
  /** The subnet's `routes` table, else the `main` table; undefined: the implicit local routes only. */
  routeTable?: RouteTable;
  instances: Instance[];
}

/** An internet gateway (IPv4 and IPv6) or an egress-only gateway (IPv6, outbound-initiated). */
export interface Gateway {
  name: string;
  decl: GatewayDecl;
  kind: 'internet-gateway' | 'egress-only-gateway';
  /** The internet gateway's ingress (`edge`) route table; undefined: local routes only. */
  edgeTable?: RouteTable;
}

export interface NatGateway {
  name: string;
  decl: NatGatewayDecl;
  subnet?: Subnet;
  /** Its private IPv4 address, the source of what it forwards. */
  ip?: bigint;
  publicIp?: bigint;
}

/** Where a route sends a packet, with the names resolved. */
export type RouteTargetModel =
  | { kind: 'local' }
  | { kind: 'blackhole' }
  | { kind: 'igw'; gateway: Gateway }
  | { kind: 'eigw'; gateway: Gateway }
  | { kind: 'nat'; nat: NatGateway }
  | { kind: 'firewall'; firewall: Firewall }
  | { kind: 'unmodelled'; text: string };

export interface RouteModel {
  /** Absent for a table's implicit local route of a VPC block. */
  decl?: Route;
  table: RouteTable;
  family: Family;
  /** The destination block, first and last address. */
  first: bigint;
  last: bigint;
  prefix: number;
  /** DEST as written, or the VPC block's text for an implicit local route. */
  destText: string;
  target: RouteTargetModel;
  text: string;
}

export interface RouteTable {
  name: string;
  /** Absent for the local-only routing of a subnet or gateway without a table. */
  decl?: RouteTableDecl;
  main: boolean;
  edgeOf?: Gateway;
  /** The routes written, and an implicit local route for each VPC block that no route replaces. */
  routes: RouteModel[];
}

/** An AWS Network Firewall endpoint in a subnet, judging what is routed to it by its policy. */
export interface Firewall {
  name: string;
  decl: FirewallDecl;
  subnet?: Subnet;
  policy?: FirewallPolicy;
}

export interface FirewallPolicy {
  name: string;
  decl: FirewallPolicyDecl;
  /** What the stateless stage does with a packet no stateless rule matches. */
  statelessDefault: StatelessAction;
  /** The stateless rules of every group, in the order the stage tries them (group priority, then rule priority). */
  stateless: StatelessRuleModel[];
  order: 'default' | 'strict';
  /** The stateful rules that the stage can decide, in the order strict order tries them (group priority, then file order). */
  stateful: StatefulRuleModel[];
  /** The stateful rules the model cannot decide (application protocols, content options): left out of the evaluation. */
  undecidable: StatefulRuleModel[];
  /** `stateful-default` under strict order: what drops a packet no stateful rule decides. */
  dropDefault?: 'drop-strict' | 'drop-established';
  alertDefault?: 'alert-strict' | 'alert-established';
}

export interface StatelessRuleGroup {
  name: string;
  decl: StatelessRuleGroupDecl;
  /** By ascending priority. */
  rules: StatelessRuleModel[];
}

export interface StatelessRuleModel {
  kind: 'stateless';
  decl: StatelessRule;
  group: StatelessRuleGroup;
  priority: number;
  action: StatelessAction;
  /** IANA numbers; undefined: `all`. */
  protocols?: number[];
  sources: AddrSet;
  destinations: AddrSet;
  /** Undefined: every port (the rule then also matches protocols without ports). */
  sourcePorts?: PortSet;
  destinationPorts?: PortSet;
  text: string;
}

export interface StatefulRuleGroup {
  name: string;
  decl: StatefulRuleGroupDecl;
  /** In file order. */
  rules: StatefulRuleModel[];
}

export interface StatefulRuleModel {
  kind: 'stateful';
  decl: StatefulRule;
  group: StatefulRuleGroup;
  action: StatefulAction;
  /** IANA numbers the header matches; undefined: every protocol (`ip`). */
  protocols?: number[];
  sources: AddrSet;
  sourcePorts: PortSet;
  destinations: AddrSet;
  destinationPorts: PortSet;
  /** A port other than `any` on either side: the rule matches TCP and UDP only. */
  hasPorts: boolean;
  /** `<>`: the header matches either way. */
  bidirectional: boolean;
  /** `flow` options: from the initiator (`to_server`) or to it (`to_client`), and the connection's state. */
  flowDirection?: 'to_server' | 'to_client';
  flowState?: 'established' | 'not_established';
  sid?: number;
  msg?: string;
  /** Why the model cannot decide this rule; such a rule is left out of the evaluation. */
  undecidable?: string;
  text: string;
}

export interface PrefixList {
  name: string;
  decl: PrefixListDecl;
  addrs: AddrSet;
}

export interface Instance {
  name: string;
  decl: InstanceDecl;
  subnet?: Subnet;
  /** IPv4 addresses, the primary first. */
  ips: bigint[];
  ip6s: bigint[];
  groups: SecurityGroup[];
  /** Source ports of connections this instance opens. */
  ephemeral: PortSet;
  /** `public-ip`: the public IPv4 address mapped to the first `ip`. */
  publicIp?: bigint;
}

/** An instance's addresses of one family. */
export function instanceAddresses(instance: Instance, family: Family): bigint[] {
  return family === 4 ? instance.ips : instance.ip6s;
}

/** A flow end as written: an instance by name, or a set of addresses (an address, a CIDR, `internet`). */
export type FlowEnd =
  | { kind: 'instance'; instance: Instance; addrs: BigSet; range: Range }
  | { kind: 'addresses'; addrs: BigSet; label: string; range: Range };

/**
 * Where the addresses of a flow end are, which decides the hops on their side: a declared instance
 * (its security groups and its subnet's NACL), a host of a declared subnet with no modelled security
 * group (the subnet's NACL), an external address (no hop), or an address of a service that AWS
 * provides and never filters.
 */
export type Region =
  /**
   * Declared instances that every hop judges alike (subnets with the same network ACL and route
   * table, the same groups' decisions and source ports), so that a CIDR holding thousands of them is
   * judged once per kind of instance; `instance` is the first.
   */
  | { kind: 'instance'; instance: Instance; members: Instance[]; addrs: BigSet; alike?: boolean }
  /** Addresses of a subnet that no instance holds; `parts`, when hosts of several such subnets are judged alike as one. */
  | { kind: 'host'; subnet: Subnet; addrs: BigSet; parts?: (Region & { kind: 'host' })[] }
  | { kind: 'external'; addrs: BigSet }
  | { kind: 'aws-service'; service: AwsService; addrs: BigSet };

/** What the reply of a flow's connections looks like, if the flow has one. */
export type ReplyShape =
  | { kind: 'none' }
  /** TCP/UDP: the reply goes to the client's source port. */
  | { kind: 'ports' }
  /** ICMP echo: the reply is one fixed type/code. */
  | { kind: 'icmp'; key: number };

export interface Flow {
  name: string;
  decl: FlowDecl;
  src: FlowEnd;
  dst: FlowEnd;
  protocol: number;
  family: Family;
  /** Destination ports, or ICMP type/code keys. */
  keys: PortSet;
  /** The flow's from-ports; else each source region's own ports. */
  fromPorts?: PortSet;
  /** Source ports of external clients (the model's setting), for flows without from-ports. */
  externalEphemeral: PortSet;
  /** The source end cut by where its addresses are. */
  srcRegions: Region[];
  dstRegions: Region[];
  reply: ReplyShape;
  expect: 'allow' | 'deny';
}

export interface Model {
  vpc?: Vpc;
  subnets: Map<string, Subnet>;
  acls: Map<string, NetworkAcl>;
  defaultAcl: NetworkAcl;
  groups: Map<string, SecurityGroup>;
  /** The VPC's default security group: the file's `security-group default`, else AWS's. */
  defaultGroup: SecurityGroup;
  prefixLists: Map<string, PrefixList>;
  instances: Map<string, Instance>;
  flows: Flow[];
  /** Source ports of clients outside the VPC, for flows without from-ports (the spec's 1024-65535 unless configured). */
  externalEphemeral: PortSet;
  /** True once the file declares a route table: routes, gateways and NAT are then modelled. */
  routing: boolean;
  routeTables: Map<string, RouteTable>;
  /** The VPC's routing when a subnet or gateway has no table: the implicit local routes. */
  localOnly: RouteTable;
  internetGateway?: Gateway;
  egressOnlyGateway?: Gateway;
  natGateways: Map<string, NatGateway>;
  firewalls: Map<string, Firewall>;
  firewallPolicies: Map<string, FirewallPolicy>;
  statelessGroups: Map<string, StatelessRuleGroup>;
  statefulGroups: Map<string, StatefulRuleGroup>;
  /** Every instance address, sorted, by family: which instance an address of a flow end is. */
  instanceAddresses: Record<Family, InstanceAddress[]>;
  /** Addresses that AWS never filters (Amazon DNS, metadata, ...; each subnet's router), by family. */
  awsServices: Record<Family, Map<bigint, AwsService>>;
  /** Every reference by name, for navigation and unused-declaration checks. */
  references: Reference[];
}

export interface InstanceAddress {
  address: bigint;
  instance: Instance;
}

/** An address that AWS provides and never filters traffic to. */
export interface AwsService {
  /** "Amazon DNS", "the instance metadata service", "the router of subnet app", ... */
  name: string;
  /** Set for a subnet's router: only that subnet's instances reach it unfiltered. */
  routerOf?: Subnet;
}

export type SymbolKind =
  | 'vpc' | 'subnet' | 'prefix-list' | 'security-group' | 'network-acl' | 'instance' | 'flow'
  | 'internet-gateway' | 'egress-only-gateway' | 'nat-gateway' | 'route-table'
  | 'firewall' | 'firewall-policy' | 'stateless-rule-group' | 'stateful-rule-group';

/** How messages and hovers name each kind of declaration. */
export const SYMBOL_KIND_LABELS: Record<SymbolKind, string> = {
  vpc: 'VPC',
  subnet: 'subnet',
  'prefix-list': 'prefix list',
  'security-group': 'security group',
  'network-acl': 'network ACL',
  instance: 'instance',
  flow: 'flow',
  'internet-gateway': 'internet gateway',
  'egress-only-gateway': 'egress-only gateway',
  'nat-gateway': 'NAT gateway',
  'route-table': 'route table',
  firewall: 'firewall',
  'firewall-policy': 'firewall policy',
  'stateless-rule-group': 'stateless rule group',
  'stateful-rule-group': 'stateful rule group',
};

export interface Reference {
  kind: SymbolKind;
  name: string;
  range: Range;
}
