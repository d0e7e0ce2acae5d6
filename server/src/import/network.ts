// The network as `vpcrules import` reads it, whatever it was read from (AWS CLI JSON, Terraform
// JSON): the one description that every source maps into and that the writer (`write.ts`) turns
// into `.vpcrules` text.
//
// Conventions, for every source:
// - Every item has an `id`: the AWS id (`vpc-…`, `sg-…`), or the source's own stable handle (a
//   Terraform resource address), with the AWS id in `awsId` when it is known. Items refer to each
//   other by these ids, never by name; a reference to an id the description does not hold is
//   allowed and is handled (and reported) by the writer.
// - `name` is the name the source gives the item (the `Name` tag, a Terraform resource name); the
//   writer makes it a valid, unique `.vpcrules` name, or uses the id when there is none.
// - `note` is a few words the writer puts after the id in the item's trailing comment (an SG's
//   group name, a subnet's availability zone); never used for meaning.
// - Addresses and CIDRs are strings as AWS prints them; the writer checks them.
// - Lists keep the source's order where order means something (rules, addresses: primary first).
// - A source leaves out NACL entries 32767/32768 (the final `*` deny, implicit in the language). It
//   may keep the `local` routes of VPC blocks: the writer leaves them implicit.
// - What a source reads but cannot map goes into `skipped`, with the id and why.

/** The id of another item of the description. */
export type Ref = string;

export interface Item {
  id: string;
  /** The source's name for it (a `Name` tag); absent or empty: the writer names it by its id. */
  name?: string;
  /** Extra words for the trailing comment after the id. */
  note?: string;
  /** The AWS id, when `id` is another handle (a Terraform address); `--vpc` finds a VPC by it too. */
  awsId?: string;
}

/** An inclusive range of ports, 0..65535. */
export interface PortRange {
  from: number;
  to: number;
}

/**
 * What a rule matches besides addresses. `protocol` is the IP protocol number, or 'all' (AWS's
 * `-1`). For 6 (TCP) and 17 (UDP), `ports` is the destination port range (absent: every port);
 * for 1 (ICMP) and 58 (ICMPv6), `icmp` is the type and optional code (absent: every type; a
 * missing code: every code of the type). Other protocols have neither.
 */
export interface Traffic {
  protocol: number | 'all';
  ports?: PortRange;
  icmp?: { type: number; code?: number };
}

export interface Vpc extends Item {
  /** IPv4 blocks, the primary first. */
  cidrs: string[];
  /** IPv6 blocks. */
  ipv6Cidrs: string[];
}

export interface Subnet extends Item {
  vpc: Ref;
  /** Absent for an IPv6-only subnet. */
  cidr?: string;
  ipv6Cidr?: string;
}

/** The other side of a security group rule. */
export type SgPeer =
  | { kind: 'cidr'; cidr: string }
  | { kind: 'prefix-list'; list: Ref }
  /** `account` and `vpc` when the source says the group is another account's or VPC's. */
  | { kind: 'group'; group: Ref; account?: string; vpc?: string; peering?: string };

export interface SgRule {
  traffic: Traffic;
  peer: SgPeer;
  description?: string;
  /** The rule's own id (`sgr-…`, a Terraform address) when known, for messages and the comment. */
  id?: string;
  /** More words for the rule's trailing comment (a placeholder's origin). */
  note?: string;
}

export interface SecurityGroup extends Item {
  vpc: Ref;
  /** AWS's default group of the VPC. */
  isDefault: boolean;
  /** In the source's order. */
  inbound: SgRule[];
  outbound: SgRule[];
}

export interface NaclEntry {
  direction: 'inbound' | 'outbound';
  number: number;
  action: 'allow' | 'deny';
  traffic: Traffic;
  /** IPv4 or IPv6 CIDR. */
  cidr: string;
}

export interface NetworkAcl extends Item {
  vpc: Ref;
  /** The VPC's default network ACL (the one new subnets get). */
  isDefault: boolean;
  /** The subnets associated with it. */
  subnets: Ref[];
  /** Every entry but the implicit final deny, in any order (the writer sorts by number). */
  entries: NaclEntry[];
}

/** What a network interface belongs to. */
export type InterfaceOwner =
  /** An EC2 instance: `index` is the interface's device index (0 for the primary). */
  | { kind: 'ec2'; instance: string; index: number }
  /** A service's interface (RDS, a load balancer, an endpoint, Lambda, …): `what` says which. */
  | { kind: 'service'; what: string }
  /** Not attached to anything. */
  | { kind: 'none' };

/** One network interface: one `instance` of the language. */
export interface Instance extends Item {
  vpc: Ref;
  subnet: Ref;
  /** The primary first. */
  privateIps: string[];
  ipv6s: string[];
  groups: Ref[];
  /** The public IPv4 address (or Elastic IP) of the primary private address. */
  publicIp?: string;
  /** Public addresses of secondary private addresses: not modelled, reported. */
  otherPublicIps: { privateIp: string; publicIp: string }[];
  /** Prefix delegations: not modelled, reported. */
  prefixes: string[];
  os?: 'linux' | 'windows';
  owner: InterfaceOwner;
}

export interface PrefixList extends Item {
  /** `undefined` when the source has no entries for it (an AWS-managed list, mostly). */
  cidrs?: string[];
  /** Managed by AWS (`com.amazonaws.…`). */
  awsManaged: boolean;
}

export type RouteTarget =
  | { kind: 'local' }
  | { kind: 'internet-gateway'; gateway: Ref }
  | { kind: 'egress-only-gateway'; gateway: Ref }
  | { kind: 'nat-gateway'; gateway: Ref }
  /** A VPC endpoint (`vpce-…`): a firewall endpoint when a firewall of the description has it. */
  | { kind: 'endpoint'; endpoint: Ref }
  /** The target is gone (AWS's `State: blackhole`); `id` is what it was. */
  | { kind: 'blackhole'; id?: string }
  /** Anything the language does not model; `what` names its kind (`transit gateway`, …). */
  | { kind: 'other'; id: string; what: string };

export interface Route {
  destination: { kind: 'cidr'; cidr: string } | { kind: 'prefix-list'; list: Ref };
  target: RouteTarget;
}

export interface RouteTable extends Item {
  vpc: Ref;
  /** The VPC's main route table. */
  main: boolean;
  /** Subnets explicitly associated with it. */
  subnets: Ref[];
  /** Gateways it is the edge (ingress) table of. */
  edgeGateways: Ref[];
  routes: Route[];
}

export interface Gateway extends Item {
  kind: 'internet' | 'egress-only';
  /** The VPCs it is attached to. */
  vpcs: Ref[];
}

export interface NatGateway extends Item {
  vpc: Ref;
  subnet: Ref;
  connectivity: 'public' | 'private';
  /** The primary private address. */
  privateIp?: string;
  /** The primary public address (public NAT gateways). */
  publicIp?: string;
  /** Secondary addresses: reported. */
  otherAddresses: string[];
  /** Anything but available or pending: a gateway that forwards nothing. */
  unusable?: string;
}

export interface Firewall extends Item {
  vpc: Ref;
  policy: Ref;
  /** One per availability zone. */
  endpoints: { zone: string; subnet: Ref; endpoint?: string }[];
}

export type StatelessAction = 'pass' | 'drop' | 'forward';

export interface FirewallPolicy extends Item {
  statelessDefault: StatelessAction;
  /** When it differs from `statelessDefault`: not modelled (no fragments), reported. */
  statelessFragmentDefault?: StatelessAction;
  statelessGroups: { group: Ref; priority: number }[];
  statefulGroups: { group: Ref; priority?: number }[];
  statefulOrder: 'default' | 'strict';
  statefulDefaults: ('drop-strict' | 'drop-established' | 'alert-strict' | 'alert-established')[];
  /** Things the source read but the language cannot say (custom actions, variables), reported. */
  unsupported: string[];
}

export interface StatelessRule {
  priority: number;
  action: StatelessAction;
  /** IP protocol numbers; empty: every protocol. */
  protocols: number[];
  /** CIDRs; empty: any. */
  sources: string[];
  sourcePorts: PortRange[];
  destinations: string[];
  destinationPorts: PortRange[];
  /** The rule matches TCP flags: not expressible, written as a comment. */
  tcpFlags: boolean;
}

export interface StatefulRuleHeader {
  action: 'pass' | 'drop' | 'reject' | 'alert';
  /** Suricata's protocol word, lower case: ip, tcp, udp, icmp, or an application protocol. */
  protocol: string;
  source: string;
  sourcePort: string;
  direction: '->' | '<>';
  destination: string;
  destinationPort: string;
  /** Suricata options in order: `sid`, `msg`, `flow`, … */
  options: { keyword: string; settings: string[] }[];
}

/** A stateful rule: a structured 5-tuple, or one Suricata rule line as the source had it. */
export type StatefulRule = { kind: 'header'; rule: StatefulRuleHeader } | { kind: 'text'; text: string };

export interface RuleGroup extends Item {
  type: 'stateless' | 'stateful';
  stateless: StatelessRule[];
  stateful: StatefulRule[];
  /** Things the source read but the language cannot say (domain lists, variables), reported. */
  unsupported: string[];
}

/** What a source could not map, with the id of the item and why. */
export interface Skipped {
  id: string;
  kind: string;
  reason: string;
}

/** Everything one source read: possibly several VPCs. */
export interface NetworkDescription {
  /** The source, for the header comment: `AWS`, `Terraform state`, `Terraform plan`. */
  source: string;
  /** What the trailing comments hold, for the header comment (default: `AWS ids`). */
  idsInComments?: string;
  vpcs: Vpc[];
  subnets: Subnet[];
  securityGroups: SecurityGroup[];
  networkAcls: NetworkAcl[];
  instances: Instance[];
  prefixLists: PrefixList[];
  routeTables: RouteTable[];
  gateways: Gateway[];
  natGateways: NatGateway[];
  firewalls: Firewall[];
  firewallPolicies: FirewallPolicy[];
  ruleGroups: RuleGroup[];
  skipped: Skipped[];
}

export function emptyDescription(source: string): NetworkDescription {
  return {
    source, vpcs: [], subnets: [], securityGroups: [], networkAcls: [], instances: [], prefixLists: [], routeTables: [],
    gateways: [], natGateways: [], firewalls: [], firewallPolicies: [], ruleGroups: [], skipped: [],
  };
}
