// A line-oriented recursive-descent parser with error recovery: a bad line yields one
// diagnostic at the offending token and parsing resumes on the next line. A mistake that leaves the
// rest of the statement clear (a bad element of an address list, a reserved word as a name) is
// noted and the line goes on. What every statement's parse shares is in cursor.ts, the AWS Network
// Firewall forms in firewall-parser.ts.
// It never throws.
import type {
  Cidr, Family, Comment, Declaration, Direction, Endpoint, FirewallPolicyDecl, FlowDecl, GatewayDecl, IcmpSpec, InstanceDecl,
  Keyword, NaclRule, NatGatewayDecl, NetworkAclDecl, Peer, PolicyStatement, PortRange, PrefixListDecl, Protocol, Range, Route,
  RouteTableDecl, RouteTarget, SecurityGroupDecl, SgRule, SourceFile, SourceLines, StatefulRule, StatefulRuleGroupDecl,
  StatelessRule, StatelessRuleGroupDecl, SubnetDecl, VpcDecl,
} from './ast';
import {
  LINE_CLOSES_BLOCK, LINE_HAS_COMMENT, LINE_HAS_TOKENS, LINE_IN_FIREWALL_BLOCK, LINE_IN_NETWORK_ACL, LINE_IN_ROUTE_TABLE,
  LINE_IN_SECURITY_GROUP, protocolHasPorts, protocolIsIcmp,
} from './ast';
import {
  describe, endOfLine, expected, expectWord, fail, LineCursor, LineError, noting, parseCidrToken, parseClauses, parseDeclaredName,
  parseName, parseNumber, parsePorts, parseProtocol, requireClauses, RESERVED_NAMES, spanning,
} from './cursor';
import {
  FIREWALL_CLAUSES, parseFirewall, parsePolicyStatement, parseStatefulRule, parseStatelessRule, POLICY_STATEMENTS,
  PRIORITY_KEYWORD, STATEFUL_ACTIONS, STATEFUL_DEFAULT_ACTIONS, STATEFUL_ORDERS, STATELESS_ACTIONS, STATELESS_RULE_KEYWORD,
  STATELESS_RULE_WORDS, SURICATA_DIRECTIONS, SURICATA_FLOW_VALUES, SURICATA_OPTIONS, SURICATA_PROTOCOLS, SURICATA_VARIABLES,
} from './firewall-parser';
import { lexLine, lineBreakWidth, lineEndAt, shorten, stringValue, Token } from './lexer';
import { closest } from './suggest';
import { Diagnostic, makeDiagnostic } from '../diagnostics/diagnostic';

export {
  FIREWALL_CLAUSES, POLICY_STATEMENTS, PRIORITY_KEYWORD, RESERVED_NAMES, STATEFUL_ACTIONS, STATEFUL_DEFAULT_ACTIONS,
  STATEFUL_ORDERS, STATELESS_ACTIONS, STATELESS_RULE_KEYWORD, STATELESS_RULE_WORDS, SURICATA_DIRECTIONS, SURICATA_FLOW_VALUES,
  SURICATA_OPTIONS, SURICATA_PROTOCOLS, SURICATA_VARIABLES,
};

export interface ParseResult {
  file: SourceFile;
  diagnostics: Diagnostic[];
}

/** The words that start a declaration, in the order completion offers them. */
export const DECLARATION_KEYWORDS = [
  'vpc',
  'subnet',
  'internet-gateway',
  'egress-only-gateway',
  'nat-gateway',
  'route-table',
  'firewall',
  'firewall-policy',
  'stateless-rule-group',
  'stateful-rule-group',
  'prefix-list',
  'security-group',
  'network-acl',
  'instance',
  'flow',
] as const;

/** The declarations written as a header and a `{ ... }` block of lines. */
export type BlockDecl =
  | SecurityGroupDecl | NetworkAclDecl | RouteTableDecl | FirewallPolicyDecl | StatelessRuleGroupDecl | StatefulRuleGroupDecl;
/** One line inside a block. */
type BlockEntry = SgRule | NaclRule | Route | PolicyStatement | StatelessRule | StatefulRule;
export const BLOCK_KEYWORDS: readonly BlockDecl['kind'][] = [
  'security-group', 'network-acl', 'route-table', 'firewall-policy', 'stateless-rule-group', 'stateful-rule-group',
];
/** The blocks of AWS Network Firewall, whose lines carry LINE_IN_FIREWALL_BLOCK. */
export const FIREWALL_BLOCK_KEYWORDS: readonly BlockDecl['kind'][] = ['firewall-policy', 'stateless-rule-group', 'stateful-rule-group'];
/** What the lines of each kind of block are called in messages. */
const BLOCK_ENTRIES: Record<BlockDecl['kind'], string> = {
  'security-group': 'rules', 'network-acl': 'rules', 'route-table': 'routes', 'firewall-policy': 'statements',
  'stateless-rule-group': 'rules', 'stateful-rule-group': 'rules',
};

export const SUBNET_CLAUSES = ['acl', 'routes'] as const;
export const INSTANCE_ATTRIBUTES = ['subnet', 'ip', 'ip6', 'groups', 'os', 'ephemeral', 'public-ip'] as const;
export const NAT_GATEWAY_CLAUSES = ['subnet', 'ip', 'public-ip'] as const;
export const ROUTE_TABLE_CLAUSES = ['main', 'edge'] as const;
export const FLOW_OPTIONS = ['from-ports', 'ipv6', 'oneway', 'expect'] as const;
/** The word that starts each line of a route-table block. */
export const ROUTE_KEYWORD = 'route';
/** What a route may send packets to, as the word after `->`. */
export const ROUTE_TARGETS = ['local', 'igw', 'eigw', 'nat', 'firewall', 'blackhole', 'unmodelled'] as const;
/** The kind of declaration that the name after a route target names. */
export const ROUTE_TARGET_DECLARATIONS: Partial<Record<RouteTarget['kind'], Declaration['kind']>> = {
  igw: 'internet-gateway', eigw: 'egress-only-gateway', nat: 'nat-gateway', firewall: 'firewall',
};
const MAX_DIAGNOSTICS = 1000;


function parseIcmp(cursor: LineCursor): IcmpSpec | undefined {
  const start = cursor.peek();
  if (cursor.isWord('all')) {
    cursor.next();
    return { range: start!.range };
  }
  if (!cursor.isWord('type')) return undefined;
  cursor.next();
  const typeToken = cursor.peek();
  if (typeToken?.kind !== 'number') expected(cursor, 'an ICMP type number');
  cursor.next();
  const spec: IcmpSpec = { type: parseNumber(typeToken, 0, 255, 'ICMP type'), range: spanning(start!.range, typeToken.range) };
  if (cursor.isWord('code')) {
    cursor.next();
    const codeToken = cursor.peek();
    if (codeToken?.kind !== 'number') expected(cursor, 'an ICMP code number');
    cursor.next();
    spec.code = parseNumber(codeToken, 0, 255, 'ICMP code');
    spec.range = spanning(start!.range, codeToken.range);
  }
  return spec;
}

/** The ports or ICMP type/code that follow a protocol, as the protocol requires. */
function parseProtocolArguments(cursor: LineCursor, protocol: Protocol, target: { ports?: PortRange; icmp?: IcmpSpec }): void {
  if (protocolHasPorts(protocol.number)) {
    target.ports = parsePorts(cursor, `a port, port range or 'all' after ${protocol.text}`);
  } else if (protocolIsIcmp(protocol.number)) {
    const icmp = parseIcmp(cursor);
    if (icmp) target.icmp = icmp;
  } else {
    const token = cursor.peek();
    if (token && (token.kind === 'number' || token.kind === 'portRange')) fail(token.range, `protocol ${protocol.text} takes no ports: it matches every port`);
  }
}

function parseDirection(cursor: LineCursor): Direction {
  const token = cursor.peek();
  if (token?.kind === 'word' && (token.text === 'inbound' || token.text === 'outbound')) {
    cursor.next();
    return token.text;
  }
  if (token?.kind === 'word') {
    const suggestion = closest(token.text, ['inbound', 'outbound']);
    if (suggestion) fail(token.range, `unknown keyword '${shorten(token.text)}'; did you mean '${suggestion}'?`);
  }
  expected(cursor, "a rule starting with 'inbound' or 'outbound'");
}

function expectRemoteKeyword(cursor: LineCursor, direction: Direction): void {
  const wanted = direction === 'inbound' ? 'from' : 'to';
  const other = direction === 'inbound' ? 'to' : 'from';
  if (cursor.isWord(other)) fail(cursor.here(), `${direction} rules name the remote side with '${wanted}', not '${other}'`);
  expectWord(cursor, wanted);
}

function parsePeer(cursor: LineCursor): Peer {
  const token = cursor.peek();
  if (token?.kind === 'word' && (token.text === 'sg' || token.text === 'pl')) {
    cursor.next();
    const name = parseName(cursor, token.text === 'sg' ? 'a security group name after sg' : 'a prefix list name after pl');
    return { kind: token.text, name, range: spanning(token.range, name.range) };
  }
  if (token?.kind === 'word') fail(token.range, `expected a CIDR, 'sg NAME' or 'pl NAME', found '${shorten(token.text)}' (write 'sg ${shorten(token.text)}' to name a security group)`);
  const cidr = parseCidrToken(cursor, "a CIDR, 'sg NAME' or 'pl NAME'");
  return { kind: 'cidr', cidr, range: cidr.range };
}

function parseSgRule(cursor: LineCursor, rule: SgRule): void {
  const protocol = (rule.protocol = parseProtocol(cursor));
  parseProtocolArguments(cursor, protocol, rule);
  expectRemoteKeyword(cursor, rule.direction);
  rule.peer = parsePeer(cursor);
  const description = cursor.peek();
  if (description?.kind === 'string') {
    cursor.next();
    rule.description = { text: stringValue(description.text), range: description.range };
  }
  endOfLine(cursor);
}

function parseNaclRule(cursor: LineCursor, rule: NaclRule): void {
  const numberToken = cursor.peek();
  if (numberToken?.kind !== 'number') expected(cursor, 'a rule number (1-32766)');
  cursor.next();
  rule.number = { value: parseNumber(numberToken, 1, 32766, 'rule number'), range: numberToken.range };
  const action = cursor.peek();
  if (action?.kind === 'word' && (action.text === 'allow' || action.text === 'deny')) {
    cursor.next();
    rule.action = { value: action.text, range: action.range };
  } else {
    if (action?.kind === 'word') {
      const suggestion = closest(action.text, ['allow', 'deny']);
      if (suggestion) fail(action.range, `unknown action '${shorten(action.text)}'; did you mean '${suggestion}'?`);
    }
    expected(cursor, "'allow' or 'deny'");
  }
  const protocol = (rule.protocol = parseProtocol(cursor));
  parseProtocolArguments(cursor, protocol, rule);
  expectRemoteKeyword(cursor, rule.direction);
  rule.cidr = parseCidrToken(cursor, 'a CIDR');
  const trailing = cursor.peek();
  if (trailing?.kind === 'string') cursor.next();
  endOfLine(cursor);
}

/** CIDRs up to the end of the statement, or up to the first word when keyword clauses follow them. */
function parseCidrList(cursor: LineCursor, target: Cidr[], what: string, clausesFollow = false): void {
  target.push(parseCidrToken(cursor, what));
  while (!cursor.atEnd() && !(clausesFollow && cursor.peek()?.kind === 'word')) {
    target.push(parseCidrToken(cursor, 'a CIDR'));
  }
}


function parseVpc(cursor: LineCursor, decl: VpcDecl): void {
  decl.name = parseDeclaredName(cursor, 'a VPC name');
  parseCidrList(cursor, decl.cidrs, 'the VPC CIDR block');
}

function parseSubnet(cursor: LineCursor, decl: SubnetDecl): void {
  decl.name = parseDeclaredName(cursor, 'a subnet name');
  parseCidrList(cursor, decl.cidrs, "the subnet's CIDR block", true);
  parseClauses(cursor, SUBNET_CLAUSES, "'acl NAME' or 'routes NAME'", (keyword) => {
    if (keyword.text === 'acl') decl.acl = parseName(cursor, 'a network ACL name after acl');
    else decl.routes = parseName(cursor, 'a route table name after routes');
  });
}

function parseGateway(cursor: LineCursor, decl: GatewayDecl): void {
  decl.name = parseDeclaredName(cursor, decl.kind === 'internet-gateway' ? 'an internet gateway name' : 'an egress-only gateway name');
  endOfLine(cursor);
}

function parseNatGateway(cursor: LineCursor, decl: NatGatewayDecl): void {
  const name = (decl.name = parseDeclaredName(cursor, 'a NAT gateway name'));
  parseClauses(cursor, NAT_GATEWAY_CLAUSES, `one of ${NAT_GATEWAY_CLAUSES.join(', ')}`, (keyword) => {
    switch (keyword.text) {
      case 'subnet':
        decl.subnet = parseName(cursor, 'a subnet name after subnet');
        break;
      case 'ip':
        decl.ip = parseOneAddress(cursor, 'ip', '; a NAT gateway translates IPv4 only');
        break;
      case 'public-ip':
        decl.publicIp = parseOneAddress(cursor, 'public-ip', '; public addresses are IPv4 only');
        break;
    }
  });
  requireClauses(cursor, `NAT gateway '${name.text}'`, [[decl.subnet, 'subnet NAME'], [decl.ip, 'ip ADDRESS'], [decl.publicIp, 'public-ip ADDRESS']]);
}

function parseRouteTableHeader(cursor: LineCursor, decl: RouteTableDecl): void {
  decl.name = parseDeclaredName(cursor, 'a route table name');
  // Whichever of `main` and `edge` comes second is refused, so the table keeps the first.
  const neitherBoth = "a route table is either the main table or a gateway's edge table, not both";
  parseClauses(cursor, ROUTE_TABLE_CLAUSES, "'main', 'edge GATEWAY' or '{'", (keyword) => {
    if (keyword.text === 'main') {
      if (decl.edge) fail(keyword.range, neitherBoth);
      decl.main = keyword.range;
      return;
    }
    const gateway = parseName(cursor, 'an internet gateway name after edge');
    if (decl.main) fail(spanning(keyword.range, gateway.range), neitherBoth);
    decl.edge = gateway;
  });
}

/** Words people write for a target, and the target they mean. */
const ROUTE_TARGET_ALIASES: Record<string, string> = {
  'internet-gateway': 'igw', 'egress-only-gateway': 'eigw', 'nat-gateway': 'nat', ngw: 'nat', gateway: 'igw',
};
const ROUTE_TARGET_FORMS = 'local, igw NAME, eigw NAME, nat NAME, firewall NAME, blackhole or unmodelled "TEXT"';
/** The name each target kind that takes one expects after it. */
const NAMED_TARGETS: Record<string, string> = {
  igw: 'an internet gateway name', eigw: 'an egress-only gateway name', nat: 'a NAT gateway name', firewall: 'a firewall name',
};
/** Words written for "every address" that a route's destination spells as a CIDR. */
const EVERYWHERE = ['internet', 'default', 'any', 'all'];

function parseRouteKeyword(cursor: LineCursor): void {
  const token = cursor.peek();
  if (token?.kind === 'word' && token.text !== ROUTE_KEYWORD && closest(token.text, [ROUTE_KEYWORD]) === ROUTE_KEYWORD) {
    fail(token.range, `unknown keyword '${shorten(token.text)}'; did you mean '${ROUTE_KEYWORD}'?`);
  }
  if (!cursor.isWord(ROUTE_KEYWORD)) expected(cursor, `a route starting with '${ROUTE_KEYWORD}'`);
  cursor.next();
}

function parseRoute(cursor: LineCursor, route: Route): void {
  const dest = cursor.peek();
  if (dest?.kind === 'word' && EVERYWHERE.includes(dest.text)) {
    fail(dest.range, `'${dest.text}' is not a destination: write 0.0.0.0/0 (every IPv4 address) or ::/0 (every IPv6 address)`);
  }
  route.dest = parseCidrToken(cursor, 'a destination CIDR after route');
  if (cursor.peek()?.kind !== 'arrow') expected(cursor, "'->' between the destination and the target");
  const arrow = cursor.next()!;
  if (cursor.atEnd()) fail(arrow.range, `expected a route target after '->': ${ROUTE_TARGET_FORMS}`);
  route.target = parseRouteTarget(cursor);
  endOfLine(cursor);
}

function parseRouteTarget(cursor: LineCursor): RouteTarget {
  const token = cursor.peek()!;
  if (token.kind !== 'word') expected(cursor, `a route target (${ROUTE_TARGET_FORMS})`);
  if (!(ROUTE_TARGETS as readonly string[]).includes(token.text)) {
    const suggestion = ROUTE_TARGET_ALIASES[token.text] ?? closest(token.text, ROUTE_TARGETS);
    if (suggestion) fail(token.range, `unknown route target '${shorten(token.text)}'; did you mean '${suggestion}'?`);
    fail(token.range, `unknown route target '${shorten(token.text)}': a target is ${ROUTE_TARGET_FORMS} (a gateway's name comes after its kind, as in 'igw ${shorten(token.text)}')`);
  }
  cursor.next();
  const kind = token.text as RouteTarget['kind'];
  switch (kind) {
    case 'local':
    case 'blackhole':
      return { kind, range: token.range };
    case 'unmodelled': {
      const text = cursor.peek();
      if (text?.kind !== 'string') expected(cursor, 'a quoted description after unmodelled, such as "transit gateway tgw-1"');
      cursor.next();
      return { kind, text: { text: stringValue(text.text), range: text.range }, range: spanning(token.range, text.range) };
    }
    default: {
      const name = parseName(cursor, `${NAMED_TARGETS[kind]} after ${kind}`);
      return { kind, name, range: spanning(token.range, name.range) };
    }
  }
}

function parsePrefixList(cursor: LineCursor, decl: PrefixListDecl): void {
  decl.name = parseDeclaredName(cursor, 'a prefix list name');
  // No CIDR at all is valid: an empty list matches nothing.
  while (!cursor.atEnd()) decl.cidrs.push(parseCidrToken(cursor, 'a CIDR'));
}

/** The instance clauses that take a comma-separated list. */
const LIST_CLAUSES = new Set(['ip', 'ip6', 'groups']);

function parseInstance(cursor: LineCursor, decl: InstanceDecl): void {
  const name = (decl.name = parseDeclaredName(cursor, 'an instance name'));
  const givenTwice = (keyword: string) => `'${keyword}' is given twice${LIST_CLAUSES.has(keyword) ? `: list every value after one '${keyword}', separated by commas` : ''}`;
  parseClauses(cursor, INSTANCE_ATTRIBUTES, `one of ${INSTANCE_ATTRIBUTES.join(', ')}`, (keyword) => {
    switch (keyword.text) {
      case 'subnet':
        decl.subnet = parseName(cursor, 'a subnet name after subnet');
        break;
      case 'ip':
        parseAddressList(cursor, decl.ips, 4);
        break;
      case 'ip6':
        parseAddressList(cursor, decl.ip6s, 6);
        break;
      case 'groups':
        decl.groups.push(parseName(cursor, 'a security group name after groups'));
        while (cursor.peek()?.kind === 'comma') {
          cursor.next();
          decl.groups.push(parseName(cursor, 'a security group name after the comma'));
        }
        break;
      case 'os': {
        const os = cursor.peek();
        if (os?.kind === 'word' && (os.text === 'linux' || os.text === 'windows')) {
          cursor.next();
          decl.os = { value: os.text, range: os.range } as Keyword<'linux' | 'windows'>;
        } else {
          expected(cursor, "'linux' or 'windows' after os");
        }
        break;
      }
      case 'ephemeral':
        decl.ephemeral = parsePorts(cursor, 'a port range after ephemeral');
        break;
      case 'public-ip':
        decl.publicIp = parseOneAddress(cursor, 'public-ip', "; public addresses are IPv4 only (an instance's 'ip6' addresses are reachable as they are)");
        break;
    }
  }, givenTwice);
  if (!decl.subnet) fail(cursor.last(), `instance '${name.text}' needs 'subnet NAME'`);
  if (decl.ips.length === 0) fail(cursor.last(), `instance '${name.text}' needs 'ip ADDRESS'`);
}

/**
 * `ip A[,B...]` / `ip6 A[,B...]`: single addresses of one family, comma separated. A bad address
 * after a comma is noted and left out: the instance keeps its other addresses and clauses.
 */
function parseAddressList(cursor: LineCursor, into: Cidr[], family: Family): void {
  const keyword = family === 4 ? 'ip' : 'ip6';
  const hint = family === 4 ? "; give IPv6 addresses with 'ip6'" : '';
  into.push(parseAddress(cursor, keyword, family, keyword, hint));
  while (cursor.peek()?.kind === 'comma') {
    const comma = cursor.next()!;
    if (!isAddressToken(cursor.peek())) {
      cursor.note(makeDiagnostic('syntax', comma.range, `expected an IPv${family} address after the comma, found ${describe(cursor.peek())}`));
      return;
    }
    noting(cursor, () => into.push(parseAddress(cursor, keyword, family, 'the comma', hint)));
  }
  const stray = cursor.peek();
  if (isAddressToken(stray)) fail(stray.range, `separate the addresses of '${keyword}' with commas: ${into[into.length - 1].text},${shorten(stray.text)}`);
}

/** The single IPv4 address of a NAT gateway's `ip` or of a `public-ip`. */
function parseOneAddress(cursor: LineCursor, keyword: string, ipv6Hint: string): Cidr {
  const address = parseAddress(cursor, keyword, 4, keyword, ipv6Hint);
  const next = cursor.peek();
  if (next?.kind === 'comma' || isAddressToken(next)) fail(next.range, `'${keyword}' takes one address`);
  return address;
}

function isAddressToken(token: Token | undefined): token is Token {
  return token?.kind === 'ipv4' || token?.kind === 'ipv6';
}

/** One address after `keyword`: of the keyword's family (`familyHint` says where the other goes), without a prefix. */
function parseAddress(cursor: LineCursor, keyword: string, family: Family, after: string, familyHint: string): Cidr {
  const cidr = parseCidrToken(cursor, `an IPv${family} address after ${after}`);
  if (cidr.hasPrefix) fail(cidr.range, `'${keyword}' takes single addresses, not the block ${cidr.text}`);
  if (cidr.family !== family) fail(cidr.range, `'${keyword}' takes IPv${family} addresses, not ${cidr.text}${familyHint}`);
  return cidr;
}

function parseEndpoint(cursor: LineCursor, what: string): Endpoint {
  const token = cursor.peek();
  if (token?.kind === 'word') {
    cursor.next();
    if (token.text === 'internet') return { kind: 'internet', range: token.range };
    return { kind: 'instance', name: { text: token.text, range: token.range }, range: token.range };
  }
  const cidr = parseCidrToken(cursor, what);
  return { kind: 'cidr', cidr, range: cidr.range };
}

function parseFlow(cursor: LineCursor, decl: FlowDecl): void {
  decl.name = parseDeclaredName(cursor, 'a flow name');
  decl.src = parseEndpoint(cursor, "the flow's source: an instance, an address or CIDR, or internet");
  if (cursor.peek()?.kind !== 'arrow') expected(cursor, "'->'");
  cursor.next();
  decl.dst = parseEndpoint(cursor, "the flow's destination: an instance, an address or CIDR, or internet");
  const protocol = (decl.protocol = parseProtocol(cursor));
  parseProtocolArguments(cursor, protocol, decl);
  const seen = new Set<string>();
  while (!cursor.atEnd()) {
    const token = cursor.peek()!;
    if (token.kind !== 'word' || !(FLOW_OPTIONS as readonly string[]).includes(token.text)) {
      const suggestion = token.kind === 'word' ? closest(token.text, FLOW_OPTIONS) : undefined;
      if (suggestion) fail(token.range, `unknown keyword '${shorten(token.text)}'; did you mean '${suggestion}'?`);
      expected(cursor, decl.expect ? 'the end of the flow' : `'expect allow' or 'expect deny'`);
    }
    if (seen.has(token.text)) fail(token.range, `'${token.text}' is given twice`);
    seen.add(token.text);
    cursor.next();
    switch (token.text) {
      case 'from-ports':
        decl.fromPorts = parsePorts(cursor, 'a port range after from-ports');
        break;
      case 'ipv6':
        decl.ipv6 = token.range;
        break;
      case 'oneway':
        decl.oneway = token.range;
        break;
      case 'expect': {
        const verdict = cursor.peek();
        if (verdict?.kind === 'word' && (verdict.text === 'allow' || verdict.text === 'deny')) {
          cursor.next();
          decl.expect = { value: verdict.text, range: verdict.range };
        } else {
          expected(cursor, "'allow' or 'deny' after expect");
        }
        break;
      }
    }
  }
  if (!decl.expect) fail(cursor.last(), `flow '${decl.name.text}' needs 'expect allow' or 'expect deny'`);
}

function newDeclaration(keyword: Token): Declaration {
  const range = keyword.range;
  switch (keyword.text as (typeof DECLARATION_KEYWORDS)[number]) {
    case 'vpc': return { kind: 'vpc', cidrs: [], range };
    case 'subnet': return { kind: 'subnet', cidrs: [], range };
    case 'internet-gateway': return { kind: 'internet-gateway', range };
    case 'egress-only-gateway': return { kind: 'egress-only-gateway', range };
    case 'nat-gateway': return { kind: 'nat-gateway', range };
    case 'route-table': return { kind: 'route-table', routes: [], range };
    case 'prefix-list': return { kind: 'prefix-list', cidrs: [], range };
    case 'security-group': return { kind: 'security-group', rules: [], range };
    case 'network-acl': return { kind: 'network-acl', rules: [], range };
    case 'instance': return { kind: 'instance', ips: [], ip6s: [], groups: [], range };
    case 'flow': return { kind: 'flow', range };
    case 'firewall': return { kind: 'firewall', range };
    case 'firewall-policy': return { kind: 'firewall-policy', statements: [], range };
    case 'stateless-rule-group': return { kind: 'stateless-rule-group', rules: [], range };
    case 'stateful-rule-group': return { kind: 'stateful-rule-group', rules: [], range };
  }
}

function parseStatementBody(cursor: LineCursor, decl: Declaration): void {
  switch (decl.kind) {
    case 'vpc': return parseVpc(cursor, decl);
    case 'subnet': return parseSubnet(cursor, decl);
    case 'internet-gateway':
    case 'egress-only-gateway':
      return parseGateway(cursor, decl);
    case 'nat-gateway': return parseNatGateway(cursor, decl);
    case 'route-table': return parseRouteTableHeader(cursor, decl);
    case 'prefix-list': return parsePrefixList(cursor, decl);
    case 'instance': return parseInstance(cursor, decl);
    case 'flow': return parseFlow(cursor, decl);
    case 'firewall': return parseFirewall(cursor, decl);
    case 'security-group':
    case 'network-acl':
    case 'firewall-policy':
    case 'stateless-rule-group':
    case 'stateful-rule-group':
      decl.name = parseDeclaredName(cursor, BLOCK_NAMES[decl.kind]);
      return;
  }
}

/** What the name after each block keyword without clauses is called in messages. */
const BLOCK_NAMES: Record<Exclude<BlockDecl['kind'], 'route-table'>, string> = {
  'security-group': 'a security group name', 'network-acl': 'a network ACL name', 'firewall-policy': 'a firewall policy name',
  'stateless-rule-group': 'a stateless rule group name', 'stateful-rule-group': 'a stateful rule group name',
};

/** The lines a block holds so far. */
function blockEntries(decl: BlockDecl): BlockEntry[] {
  switch (decl.kind) {
    case 'route-table': return decl.routes;
    case 'firewall-policy': return decl.statements;
    default: return decl.rules;
  }
}

/** One line of a block (without a closing brace), added to the block as soon as its first word is read. */
function parseBlockEntry(cursor: LineCursor, decl: BlockDecl, range: Range): void {
  switch (decl.kind) {
    case 'security-group': {
      const rule: SgRule = { direction: parseDirection(cursor), range };
      decl.rules.push(rule);
      return parseSgRule(cursor, rule);
    }
    case 'network-acl': {
      const rule: NaclRule = { direction: parseDirection(cursor), range };
      decl.rules.push(rule);
      return parseNaclRule(cursor, rule);
    }
    case 'route-table': {
      parseRouteKeyword(cursor);
      const route: Route = { range };
      decl.routes.push(route);
      return parseRoute(cursor, route);
    }
    case 'firewall-policy': return parsePolicyStatement(cursor, decl, range);
    case 'stateless-rule-group': return parseStatelessRule(cursor, decl, range);
    case 'stateful-rule-group': return parseStatefulRule(cursor, decl, range);
  }
}

type Block = { decl: BlockDecl; braceOpened: boolean; line: number };

/** The blocks whose lines start with each word, for such a line written outside any block. */
const BLOCK_ENTRY_WORDS: Record<string, string> = {
  inbound: 'a security-group or network-acl', outbound: 'a security-group or network-acl', [ROUTE_KEYWORD]: 'a route-table',
  ...Object.fromEntries(POLICY_STATEMENTS.map((word) => [word, 'a firewall-policy'])),
  [STATELESS_RULE_KEYWORD]: 'a stateless-rule-group',
  ...Object.fromEntries(STATEFUL_ACTIONS.map((word) => [word, 'a stateful-rule-group'])),
};

/** Why a top-level line that does not start with a declaration keyword is not one. */
function notADeclaration(first: Token): string {
  if (first.kind === 'word' && Object.hasOwn(BLOCK_ENTRY_WORDS, first.text)) {
    return `'${first.text}' starts a line of ${BLOCK_ENTRY_WORDS[first.text]} block: write it between the block's braces`;
  }
  const suggestion = first.kind === 'word' ? closest(first.text, DECLARATION_KEYWORDS) : undefined;
  return suggestion
    ? `unknown keyword '${shorten(first.text)}'; did you mean '${suggestion}'?`
    : `expected a declaration (${DECLARATION_KEYWORDS.join(', ')}), found ${describe(first)}`;
}

/**
 * Appends the tokens and comments of one line of a document, `text`, as the parser reads it. The
 * lines of a stateful-rule-group block (`inRuleGroup`: the block is open where the line starts) are
 * Suricata rules, but for a line that starts a declaration; so is what follows the `{` of a
 * stateful-rule-group header.
 */
export function lexSourceLine(text: string, line: number, inRuleGroup: boolean, tokens: Token[], comments: Comment[]): void {
  const start = tokens.length;
  const commentsStart = comments.length;
  lexLine(text, 0, text.length, line, tokens, comments, inRuleGroup ? 'suricata' : 'vpcrules');
  const first = tokens[start];
  if (first?.kind !== 'word' || !(DECLARATION_KEYWORDS as readonly string[]).includes(first.text)) return;
  if (inRuleGroup) {
    tokens.length = start;
    comments.length = commentsStart;
    lexLine(text, 0, text.length, line, tokens, comments);
  }
  if (first.text !== 'stateful-rule-group') return;
  const brace = tokens.findIndex((token, i) => i > start && token.kind === 'lbrace');
  if (brace < 0) return;
  const from = tokens[brace].range.end.character;
  tokens.length = brace + 1;
  comments.length = commentsStart;
  lexLine(text, 0, text.length, line, tokens, comments, 'suricata', from);
}

function isBlockDecl(decl: Declaration): decl is BlockDecl {
  return (BLOCK_KEYWORDS as readonly string[]).includes(decl.kind);
}

function startsDeclaration(lineTokens: Token[]): boolean {
  const first = lineTokens[0];
  return first !== undefined && first.kind === 'word' && (DECLARATION_KEYWORDS as readonly string[]).includes(first.text);
}

/** What a line that neither opens nor closes a block adds, given the block it is in. */
interface LineResult {
  text: string;
  blockKind: BlockKind;
  /** LINE_HAS_TOKENS, LINE_HAS_COMMENT and LINE_CLOSES_BLOCK: what the line holds, whatever block it is in. */
  content: number;
  /** The line is a block of its own, opened and closed on it. */
  selfBlock: boolean;
  comments: Comment[];
  declarations: Declaration[];
  entries: BlockEntry[];
  diagnostics: Diagnostic[];
}

type BlockKind = BlockDecl['kind'] | 'none';

/**
 * The results of the lines of one parse, kept for the next parse of the same document: a line
 * with the same text, at the same place, in the same kind of block, parses to the same nodes
 * (the place is in their ranges), which are reused as they are. Block headers and closing braces
 * are parsed again, since the block they open or close depends on other lines.
 */
export class LineCache {
  lines: (LineResult | undefined)[] = [];
}

/**
 * A copy of a line that does not keep the whole text alive: engines may represent a slice as a view
 * of its parent string, and nodes kept across parses would then hold every old version of the
 * document. Concatenation then slicing makes the engine copy the characters.
 */
function detached(line: string): string {
  return ` ${line}`.slice(1);
}

/** The per-line facts of a parse, in arrays that grow as lines come. */
class LineFacts {
  texts: string[] = [];
  flags: Uint8Array;
  blocks: Int32Array;
  count = 0;

  constructor(capacity: number) {
    this.flags = new Uint8Array(Math.max(capacity, 64));
    this.blocks = new Int32Array(this.flags.length);
  }

  add(text: string, flags: number, block: number): void {
    if (this.count === this.flags.length) {
      const flagsBefore = this.flags;
      const blocksBefore = this.blocks;
      this.flags = new Uint8Array(this.count * 2);
      this.blocks = new Int32Array(this.count * 2);
      this.flags.set(flagsBefore);
      this.blocks.set(blocksBefore);
    }
    this.texts.push(text);
    this.flags[this.count] = flags;
    this.blocks[this.count] = block;
    this.count++;
  }

  done(): SourceLines {
    return { texts: this.texts, flags: this.flags.slice(0, this.count), blocks: this.blocks.slice(0, this.count) };
  }
}

const BLOCK_FLAGS: Record<BlockKind, number> = {
  none: 0, 'security-group': LINE_IN_SECURITY_GROUP, 'network-acl': LINE_IN_NETWORK_ACL, 'route-table': LINE_IN_ROUTE_TABLE,
  'firewall-policy': LINE_IN_FIREWALL_BLOCK, 'stateless-rule-group': LINE_IN_FIREWALL_BLOCK, 'stateful-rule-group': LINE_IN_FIREWALL_BLOCK,
};

/** Lines parsed between two yields of `parseSteps`: a few milliseconds of work. */
const LINES_PER_STEP = 2000;

export function parse(text: string, cache = new LineCache()): ParseResult {
  const steps = parseSteps(text, cache);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** The parse as steps: yields every few thousand lines, so that a caller can serve other work. */
export function* parseSteps(text: string, cache = new LineCache()): Generator<void, ParseResult, void> {
  const comments: Comment[] = [];
  const declarations: Declaration[] = [];
  const diagnostics: Diagnostic[] = [];
  // A line's diagnostics are gathered apart, to be kept with the line's nodes.
  let lineDiagnostics: Diagnostic[] = [];
  const report = (diagnostic: Diagnostic) => lineDiagnostics.push(diagnostic);
  let block: Block | undefined;
  /** The block the line being parsed opened, if it opened one. */
  let opened: Block | undefined;

  const lineEndOf = (lineIndex: number, lineTokens: Token[]): Range => {
    const last = lineTokens[lineTokens.length - 1];
    const position = last ? last.range.end : { line: lineIndex, character: 0 };
    return { start: position, end: position };
  };

  const attempt = (cursor: LineCursor, work: () => void) => {
    try {
      work();
    } catch (error) {
      if (error instanceof LineError) report(error.diagnostic);
      else throw error;
    } finally {
      cursor.notes.forEach(report);
    }
  };

  const closeBlock = (endRange: Range) => {
    if (block) block.decl.range = spanning(block.decl.range, endRange);
    block = undefined;
  };

  const parseBlockLine = (lineTokens: Token[], lineIndex: number) => {
    const current = block!;
    let entryTokens = lineTokens;
    const closing = lineTokens[lineTokens.length - 1]?.kind === 'rbrace' ? lineTokens[lineTokens.length - 1] : undefined;
    if (closing) entryTokens = lineTokens.slice(0, -1);
    if (entryTokens.length > 0) {
      const first = entryTokens[0];
      const lineEnd = lineEndOf(lineIndex, entryTokens);
      const cursor = new LineCursor(entryTokens, lineEnd);
      const entryRange = spanning(first.range, entryTokens[entryTokens.length - 1].range);
      attempt(cursor, () => parseBlockEntry(cursor, current.decl, entryRange));
    }
    if (closing) closeBlock(closing.range);
  };

  const parseTopLine = (lineTokens: Token[], lineIndex: number) => {
    const first = lineTokens[0];
    if (first.kind === 'rbrace') {
      report(makeDiagnostic('syntax', first.range, "unexpected '}': no block is open"));
      return;
    }
    if (first.kind !== 'word' || !(DECLARATION_KEYWORDS as readonly string[]).includes(first.text)) {
      if (first.kind === 'invalid' && first.problem) {
        report(makeDiagnostic('syntax', first.range, first.problem));
        return;
      }
      report(makeDiagnostic('syntax', first.range, notADeclaration(first)));
      return;
    }
    const decl = newDeclaration(first);
    decl.range = spanning(first.range, lineTokens[lineTokens.length - 1].range);
    declarations.push(decl);
    const isBlock = isBlockDecl(decl);
    const braceIndex = isBlock ? lineTokens.findIndex((token) => token.kind === 'lbrace') : -1;
    const headerTokens = braceIndex >= 0 ? lineTokens.slice(1, braceIndex) : lineTokens.slice(1);
    const cursor = new LineCursor(headerTokens, lineEndOf(lineIndex, lineTokens));
    attempt(cursor, () => {
      parseStatementBody(cursor, decl);
      if (isBlock) {
        if (braceIndex < 0) fail(cursor.last(), `expected '{' to open the ${first.text}'s ${BLOCK_ENTRIES[decl.kind]}`);
        endOfLine(cursor);
      }
    });
    if (isBlock) {
      block = opened = { decl, braceOpened: braceIndex >= 0, line: lineIndex };
      const rest = braceIndex >= 0 ? lineTokens.slice(braceIndex + 1) : [];
      if (rest.length > 0) parseBlockLine(rest, lineIndex);
    }
  };

  const parseLine = (lineTokens: Token[], lineIndex: number) => {
    if (lineTokens.length === 0) return;
    if (block) {
      if (!startsDeclaration(lineTokens)) {
        parseBlockLine(lineTokens, lineIndex);
        return;
      }
      if (block.braceOpened) {
        report(makeDiagnostic('syntax', block.decl.name?.range ?? block.decl.range, `missing '}' to close ${block.decl.kind} '${block.decl.name?.text ?? ''}' before line ${lineIndex + 1}`));
      }
      block = undefined;
    }
    parseTopLine(lineTokens, lineIndex);
  };

  const keep = (found: Diagnostic[]) => {
    for (const diagnostic of found) {
      if (diagnostics.length < MAX_DIAGNOSTICS) diagnostics.push(diagnostic);
    }
  };
  const previous = cache.lines;
  const current: (LineResult | undefined)[] = [];
  const facts = new LineFacts(previous.length);
  let lineIndex = 0;
  let lineStart = 0;
  for (;;) {
    const lineEnd = lineEndAt(text, lineStart);
    const lineText = text.slice(lineStart, lineEnd);
    const blockKind: BlockKind = block?.decl.kind ?? 'none';
    let result = previous[lineIndex];
    if (!result || result.text !== lineText || result.blockKind !== blockKind) {
      const ownText = detached(lineText);
      const lineTokens: Token[] = [];
      const lineComments: Comment[] = [];
      lexSourceLine(ownText, lineIndex, blockKind === 'stateful-rule-group', lineTokens, lineComments);
      const blockBefore = block;
      const declarationsBefore = declarations.length;
      const entriesBefore = block ? blockEntries(block.decl).length : 0;
      lineDiagnostics = [];
      opened = undefined;
      parseLine(lineTokens, lineIndex);
      const entries = block ? blockEntries(block.decl).slice(entriesBefore) : [];
      // Set by parseTopLine, which the compiler does not follow.
      const openedHere = opened as Block | undefined;
      const inBlockBefore = blockBefore !== undefined && lineTokens.length > 0 && !startsDeclaration(lineTokens);
      const closes = block === undefined && (openedHere !== undefined || inBlockBefore);
      const partOf = openedHere ? openedHere.line : inBlockBefore ? blockBefore.line : lineTokens.length === 0 && block ? block.line : -1;
      const content = (lineTokens.length > 0 ? LINE_HAS_TOKENS : 0) | (lineComments.length > 0 ? LINE_HAS_COMMENT : 0) | (closes ? LINE_CLOSES_BLOCK : 0);
      const selfBlock = openedHere !== undefined && closes;
      result = {
        text: ownText, blockKind, content, selfBlock, comments: lineComments, declarations: declarations.slice(declarationsBefore), entries,
        diagnostics: lineDiagnostics,
      };
      // A line that opens or closes a block is parsed again next time (a block on one line excepted).
      if (block === blockBefore) current[lineIndex] = result;
      facts.add(ownText, content | BLOCK_FLAGS[blockKind], partOf);
    } else {
      current[lineIndex] = result;
      declarations.push(...result.declarations);
      // The block is of the kind the entries were parsed in.
      if (block) blockEntries(block.decl).push(...result.entries);
      // A reused line leaves the open block as it is: it lies in it, or is a block of its own.
      facts.add(result.text, result.content | BLOCK_FLAGS[blockKind], result.selfBlock ? lineIndex : block ? block.line : -1);
    }
    comments.push(...result.comments);
    keep(result.diagnostics);
    if (lineEnd >= text.length) break;
    lineStart = lineEnd + lineBreakWidth(text, lineEnd);
    lineIndex++;
    if (lineIndex % LINES_PER_STEP === 0) yield;
  }
  cache.lines = current;
  if (block && block.braceOpened) {
    keep([makeDiagnostic('syntax', block.decl.name?.range ?? block.decl.range, `missing '}' to close ${block.decl.kind} '${block.decl.name?.text ?? ''}' at the end of the file`)]);
  }
  return { file: { declarations, comments, lineCount: lineIndex + 1, lines: facts.done() }, diagnostics };
}
