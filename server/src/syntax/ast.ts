// The syntax tree of a .vpcrules file. Every node carries the range of text it came from
// (0-based line and character, end exclusive), so every diagnostic and every editor feature
// can point back into the document.

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface Node {
  range: Range;
}

export interface Name extends Node {
  text: string;
}

export type Family = 4 | 6;

/** An address or CIDR as written; a bare address stands for /32 or /128. */
export interface Cidr extends Node {
  text: string;
  family: Family;
  /** First address of the block (host bits cleared). */
  first: bigint;
  /** Last address of the block. */
  last: bigint;
  prefix: number;
  /** The address as written, before host bits are cleared. */
  address: bigint;
  /** True when the text had an explicit /prefix. */
  hasPrefix: boolean;
}

export interface PortRange extends Node {
  from: number;
  to: number;
}

/** ICMP type and code; undefined type means every type, undefined code every code. */
export interface IcmpSpec extends Node {
  type?: number;
  code?: number;
}

export interface Protocol extends Node {
  /** The keyword or number as written. */
  text: string;
  /** IANA protocol number, or -1 for `all`. */
  number: number;
}

export type Peer =
  | { kind: 'cidr'; cidr: Cidr; range: Range }
  | { kind: 'sg'; name: Name; range: Range }
  | { kind: 'pl'; name: Name; range: Range };

export type Direction = 'inbound' | 'outbound';

export interface Keyword<T extends string> extends Node {
  value: T;
}

export interface VpcDecl extends Node {
  kind: 'vpc';
  name?: Name;
  cidrs: Cidr[];
}

export interface SubnetDecl extends Node {
  kind: 'subnet';
  name?: Name;
  cidrs: Cidr[];
  acl?: Name;
  /** `routes RT`: the subnet's route table (else the `main` table, else local routes only). */
  routes?: Name;
}

export interface PrefixListDecl extends Node {
  kind: 'prefix-list';
  name?: Name;
  cidrs: Cidr[];
}

export interface SgRule extends Node {
  direction: Direction;
  protocol?: Protocol;
  ports?: PortRange;
  icmp?: IcmpSpec;
  peer?: Peer;
  /** The description's value, escapes read; its range covers the quotes. */
  description?: Name;
}

export interface SecurityGroupDecl extends Node {
  kind: 'security-group';
  name?: Name;
  rules: SgRule[];
}

export interface NaclRule extends Node {
  direction: Direction;
  number?: { value: number; range: Range };
  action?: Keyword<'allow' | 'deny'>;
  protocol?: Protocol;
  ports?: PortRange;
  icmp?: IcmpSpec;
  cidr?: Cidr;
}

export interface NetworkAclDecl extends Node {
  kind: 'network-acl';
  name?: Name;
  rules: NaclRule[];
}

export interface InstanceDecl extends Node {
  kind: 'instance';
  name?: Name;
  subnet?: Name;
  /** `ip A,B`: the primary address first, then the secondary ones. */
  ips: Cidr[];
  ip6s: Cidr[];
  groups: Name[];
  os?: Keyword<'linux' | 'windows'>;
  ephemeral?: PortRange;
  /** `public-ip A`: a public IPv4 address or Elastic IP, mapped to the first `ip`. */
  publicIp?: Cidr;
}

export type Endpoint =
  | { kind: 'instance'; name: Name; range: Range }
  | { kind: 'cidr'; cidr: Cidr; range: Range }
  | { kind: 'internet'; range: Range };

export interface FlowDecl extends Node {
  kind: 'flow';
  name?: Name;
  src?: Endpoint;
  dst?: Endpoint;
  protocol?: Protocol;
  ports?: PortRange;
  icmp?: IcmpSpec;
  fromPorts?: PortRange;
  ipv6?: Range;
  oneway?: Range;
  expect?: Keyword<'allow' | 'deny'>;
}

/** `internet-gateway NAME` or `egress-only-gateway NAME`. */
export interface GatewayDecl extends Node {
  kind: 'internet-gateway' | 'egress-only-gateway';
  name?: Name;
}

/** `nat-gateway NAME subnet SUBNET ip IPV4 public-ip IPV4` */
export interface NatGatewayDecl extends Node {
  kind: 'nat-gateway';
  name?: Name;
  subnet?: Name;
  ip?: Cidr;
  publicIp?: Cidr;
}

/** Where a route sends packets. */
export type RouteTarget =
  | { kind: 'local'; range: Range }
  | { kind: 'blackhole'; range: Range }
  /** `igw NAME`, `eigw NAME`, `nat NAME`, `firewall NAME`. */
  | { kind: 'igw' | 'eigw' | 'nat' | 'firewall'; name?: Name; range: Range }
  /** `unmodelled "TEXT"`: a target the language does not model (transit gateway, interface...). */
  | { kind: 'unmodelled'; text?: Name; range: Range };

/** `route DEST -> TARGET` */
export interface Route extends Node {
  dest?: Cidr;
  target?: RouteTarget;
}

/** `route-table NAME [main] { ... }` or `route-table NAME edge GATEWAY { ... }` */
export interface RouteTableDecl extends Node {
  kind: 'route-table';
  name?: Name;
  /** The `main` keyword. */
  main?: Range;
  /** `edge GATEWAY`: the gateway whose ingress table this is. */
  edge?: Name;
  routes: Route[];
}

/** `firewall NAME subnet SUBNET policy POLICY`: one AWS Network Firewall endpoint. */
export interface FirewallDecl extends Node {
  kind: 'firewall';
  name?: Name;
  subnet?: Name;
  policy?: Name;
}

export interface NumberNode extends Node {
  value: number;
}

export type StatelessAction = 'pass' | 'drop' | 'forward';

/** One statement of a `firewall-policy` block. */
export type PolicyStatement =
  /** `stateless-default pass|drop|forward` */
  | { kind: 'stateless-default'; action?: Keyword<StatelessAction>; range: Range }
  /** `stateless GROUP priority N` */
  | { kind: 'stateless'; group?: Name; priority?: NumberNode; range: Range }
  /** `stateful GROUP [priority N]` */
  | { kind: 'stateful'; group?: Name; priority?: NumberNode; range: Range }
  /** `stateful-order default|strict` */
  | { kind: 'stateful-order'; order?: Keyword<'default' | 'strict'>; range: Range }
  /** `stateful-default ACTION[,ACTION]` */
  | { kind: 'stateful-default'; actions: Keyword<StatefulDefaultAction>[]; range: Range };

export type StatefulDefaultAction = 'drop-strict' | 'drop-established' | 'alert-strict' | 'alert-established';

/** `firewall-policy NAME { ... }` */
export interface FirewallPolicyDecl extends Node {
  kind: 'firewall-policy';
  name?: Name;
  statements: PolicyStatement[];
}

/** A stateless rule's addresses: `any`, or a comma list of CIDRs. */
export type StatelessAddresses =
  | { kind: 'any'; range: Range }
  | { kind: 'cidrs'; cidrs: Cidr[]; range: Range };

/** `rule PRIORITY pass|drop|forward PROTOS from ADDRS [port PORTLIST] to ADDRS [port PORTLIST]` */
export interface StatelessRule extends Node {
  priority?: NumberNode;
  action?: Keyword<StatelessAction>;
  /** The protocols as written; `all` is one protocol numbered -1. */
  protocols: Protocol[];
  sources?: StatelessAddresses;
  /** Undefined without `port`: every port. */
  sourcePorts?: PortRange[];
  destinations?: StatelessAddresses;
  destinationPorts?: PortRange[];
}

/** `stateless-rule-group NAME { rule ... }` */
export interface StatelessRuleGroupDecl extends Node {
  kind: 'stateless-rule-group';
  name?: Name;
  rules: StatelessRule[];
}

/** A Suricata address: `any`, `$VAR`, a CIDR, or a `[...]` list, each possibly negated with `!`. */
export type SuricataAddress =
  | { kind: 'any'; negated: boolean; range: Range }
  /** `$HOME_NET`, `$EXTERNAL_NET`; `name` without the `$`. */
  | { kind: 'variable'; name: string; negated: boolean; range: Range }
  | { kind: 'cidr'; cidr: Cidr; negated: boolean; range: Range }
  | { kind: 'list'; items: SuricataAddress[]; negated: boolean; range: Range };

/** A Suricata port: `any`, `N`, `N:M`, `N:`, `N-M`, or a `[...]` list, each possibly negated with `!`. */
export type SuricataPort =
  | { kind: 'any'; negated: boolean; range: Range }
  /** `N` (from = to = N), `N:M`, `N-M`, `N:` (to = 65535). */
  | { kind: 'range'; from: number; to: number; negated: boolean; range: Range }
  | { kind: 'list'; items: SuricataPort[]; negated: boolean; range: Range };

/** One `key:value;` or `key;` of a Suricata rule's options. */
export interface SuricataOption extends Node {
  key: Name;
  /** The value as written, trimmed; a quoted value keeps no quotes and has its escapes read. */
  value?: Name;
}

export type StatefulAction = 'pass' | 'drop' | 'reject' | 'alert';

/** `ACTION PROTO SRC SRCPORT DIR DST DSTPORT [(OPTIONS)]`: a Suricata rule as AWS takes it. */
export interface StatefulRule extends Node {
  action?: Keyword<StatefulAction>;
  /** The protocol as written: `ip`, `tcp`, `udp`, `icmp`, or an application protocol (`http`, `tls`...). */
  protocol?: Name;
  source?: SuricataAddress;
  sourcePort?: SuricataPort;
  direction?: Keyword<'->' | '<>'>;
  destination?: SuricataAddress;
  destinationPort?: SuricataPort;
  options: SuricataOption[];
}

/** `stateful-rule-group NAME { ... }` */
export interface StatefulRuleGroupDecl extends Node {
  kind: 'stateful-rule-group';
  name?: Name;
  rules: StatefulRule[];
}

export type Declaration =
  | VpcDecl
  | GatewayDecl
  | NatGatewayDecl
  | RouteTableDecl
  | SubnetDecl
  | PrefixListDecl
  | SecurityGroupDecl
  | NetworkAclDecl
  | InstanceDecl
  | FlowDecl
  | FirewallDecl
  | FirewallPolicyDecl
  | StatelessRuleGroupDecl
  | StatefulRuleGroupDecl;

export interface Comment extends Node {
  text: string;
}

export interface SourceFile {
  declarations: Declaration[];
  comments: Comment[];
  /** Number of lines in the text. */
  lineCount: number;
  /** What the parse saw of each line. */
  lines: SourceLines;
}

/**
 * Per line, what the parser saw, kept so that the editor features that work line by line (the
 * outline's rule names, folding, completion) never split, lex or parse the whole text again.
 */
export interface SourceLines {
  /** Each line's text, without its line break. */
  texts: string[];
  /** Each line's `LINE_*` flags. */
  flags: Uint8Array;
  /**
   * For each line, the line of the header of the block it is part of: the header itself, every
   * line while the block is open (rules, comments, empty lines, lines in error) and the line whose
   * `}` closes it; -1 for a line outside every block. A declaration that ends an unclosed block is
   * not part of it.
   */
  blocks: Int32Array;
}

/** The line has tokens: more than spaces and a comment. */
export const LINE_HAS_TOKENS = 1;
/** The line has a comment. */
export const LINE_HAS_COMMENT = 2;
/** A security-group block is open where the line starts. */
export const LINE_IN_SECURITY_GROUP = 4;
/** A network-acl block is open where the line starts. */
export const LINE_IN_NETWORK_ACL = 8;
/** The line's last token is the `}` that closes its block. */
export const LINE_CLOSES_BLOCK = 16;
/** A route-table block is open where the line starts. */
export const LINE_IN_ROUTE_TABLE = 32;
/** A firewall-policy, stateless-rule-group or stateful-rule-group block is open where the line starts. */
export const LINE_IN_FIREWALL_BLOCK = 64;

export const PROTOCOL_NUMBERS: Record<string, number> = { all: -1, icmp: 1, tcp: 6, udp: 17, icmpv6: 58 };

export function protocolName(num: number): string {
  switch (num) {
    case -1: return 'all';
    case 1: return 'icmp';
    case 6: return 'tcp';
    case 17: return 'udp';
    case 58: return 'icmpv6';
    default: return String(num);
  }
}

/** Whether rules of this protocol carry a port range (tcp and udp, by name or number). */
export function protocolHasPorts(num: number): boolean {
  return num === 6 || num === 17;
}

/** Whether rules of this protocol carry an ICMP type/code. */
export function protocolIsIcmp(num: number): boolean {
  return num === 1 || num === 58;
}
