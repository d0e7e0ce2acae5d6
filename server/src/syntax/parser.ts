// A line-oriented recursive-descent parser with error recovery: a bad line yields one
// diagnostic at the offending token and parsing resumes on the next line. It never throws.
import type {
  Cidr, Family, Comment, Declaration, Direction, Endpoint, FlowDecl, IcmpSpec, InstanceDecl, Keyword, Name, NaclRule,
  NetworkAclDecl, Peer, PortRange, PrefixListDecl, Protocol, Range, SecurityGroupDecl, SgRule, SourceFile,
  SourceLines, SubnetDecl, VpcDecl,
} from './ast';
import {
  LINE_CLOSES_BLOCK, LINE_HAS_COMMENT, LINE_HAS_TOKENS, LINE_IN_NETWORK_ACL, LINE_IN_SECURITY_GROUP, PROTOCOL_NUMBERS,
  protocolHasPorts, protocolIsIcmp,
} from './ast';
import { parseCidr } from './cidr';
import { lexLine, lineBreakWidth, lineEndAt, shorten, Token } from './lexer';
import { closest } from './suggest';
import { Diagnostic, makeDiagnostic } from '../diagnostics/diagnostic';

export interface ParseResult {
  file: SourceFile;
  diagnostics: Diagnostic[];
}

export const DECLARATION_KEYWORDS = ['vpc', 'subnet', 'prefix-list', 'security-group', 'network-acl', 'instance', 'flow'] as const;
const BLOCK_KEYWORDS = new Set(['security-group', 'network-acl']);
const MAX_DIAGNOSTICS = 1000;

/** Raised inside one line's parse to abandon the rest of that line; never escapes `parse`. */
class LineError {
  constructor(readonly diagnostic: Diagnostic) {}
}

function spanning(from: Range, to: Range): Range {
  return { start: from.start, end: to.end };
}

class LineCursor {
  private index = 0;
  constructor(private readonly tokens: Token[], private readonly lineEnd: Range) {}

  peek(offset = 0): Token | undefined {
    return this.tokens[this.index + offset];
  }
  next(): Token | undefined {
    return this.tokens[this.index++];
  }
  atEnd(): boolean {
    return this.index >= this.tokens.length;
  }
  /** The range to blame when a token is missing: the next token, or the line's last token. */
  here(): Range {
    return this.peek()?.range ?? this.last();
  }
  last(): Range {
    return this.tokens[Math.max(0, this.index - 1)]?.range ?? this.lineEnd;
  }
  isWord(text: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token !== undefined && token.kind === 'word' && token.text === text;
  }
}

function fail(range: Range, message: string, outOfRange = false): never {
  throw new LineError(makeDiagnostic(outOfRange ? 'outOfRange' : 'syntax', range, message));
}

function describe(token: Token | undefined): string {
  if (!token) return 'the end of the line';
  if (token.kind === 'eof') return 'the end of the file';
  return `'${shorten(token.text)}'`;
}

function expected(cursor: LineCursor, what: string): never {
  const token = cursor.peek();
  if (token?.kind === 'invalid' && token.problem) fail(token.range, token.problem);
  fail(cursor.here(), `expected ${what}, found ${describe(token)}`);
}

function expectWord(cursor: LineCursor, text: string, hint = `'${text}'`): Token {
  if (cursor.isWord(text)) return cursor.next()!;
  const token = cursor.peek();
  if (token?.kind === 'word' && closest(token.text, [text]) === text) fail(token.range, `unknown keyword '${token.text}'; did you mean '${text}'?`);
  expected(cursor, hint);
}

function parseName(cursor: LineCursor, what: string): Name {
  const token = cursor.peek();
  if (token?.kind === 'word') {
    cursor.next();
    return { text: token.text, range: token.range };
  }
  expected(cursor, what);
}

function parseCidrToken(cursor: LineCursor, what: string): Cidr {
  const token = cursor.peek();
  if (token?.kind !== 'ipv4' && token?.kind !== 'ipv6') expected(cursor, what);
  cursor.next();
  const parsed = parseCidr(token.text, token.range);
  if (!parsed.ok) fail(token.range, parsed.message, parsed.outOfRange);
  return parsed.cidr;
}

function parseNumber(token: Token, min: number, max: number, what: string): number {
  const value = token.text.length > 12 ? Infinity : Number(token.text);
  if (value < min || value > max) fail(token.range, `${what} ${shorten(token.text)} is out of range ${min}-${max}`, true);
  return value;
}

function parsePorts(cursor: LineCursor, what: string): PortRange {
  const token = cursor.peek();
  if (token?.kind === 'word' && token.text === 'all') {
    cursor.next();
    return { from: 0, to: 65535, range: token.range };
  }
  if (token?.kind === 'number') {
    cursor.next();
    const port = parseNumber(token, 0, 65535, 'port');
    return { from: port, to: port, range: token.range };
  }
  if (token?.kind === 'portRange') {
    cursor.next();
    const [fromText, toText] = token.text.split('-');
    const from = parseNumber({ ...token, text: fromText }, 0, 65535, 'port');
    const to = parseNumber({ ...token, text: toText }, 0, 65535, 'port');
    if (from > to) fail(token.range, `port range ${token.text} is reversed; write ${to}-${from}`, true);
    return { from, to, range: token.range };
  }
  expected(cursor, what);
}

function parseProtocol(cursor: LineCursor): Protocol {
  const token = cursor.peek();
  if (token?.kind === 'word' && token.text in PROTOCOL_NUMBERS) {
    cursor.next();
    return { text: token.text, number: PROTOCOL_NUMBERS[token.text], range: token.range };
  }
  if (token?.kind === 'number') {
    cursor.next();
    return { text: token.text, number: parseNumber(token, 0, 255, 'protocol number'), range: token.range };
  }
  if (token?.kind === 'word') {
    const suggestion = closest(token.text, Object.keys(PROTOCOL_NUMBERS));
    fail(token.range, `unknown protocol '${shorten(token.text)}'${suggestion ? `; did you mean '${suggestion}'?` : '; expected tcp, udp, icmp, icmpv6, all or a number 0-255'}`);
  }
  expected(cursor, 'a protocol (tcp, udp, icmp, icmpv6, all or a number 0-255)');
}

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

function endOfLine(cursor: LineCursor): void {
  const token = cursor.peek();
  if (!token) return;
  if (token.kind === 'invalid' && token.problem) fail(token.range, token.problem);
  fail(token.range, `unexpected ${describe(token)} at the end of the statement`);
}

function parseSgRule(cursor: LineCursor, rule: SgRule): void {
  const protocol = (rule.protocol = parseProtocol(cursor));
  parseProtocolArguments(cursor, protocol, rule);
  expectRemoteKeyword(cursor, rule.direction);
  rule.peer = parsePeer(cursor);
  const description = cursor.peek();
  if (description?.kind === 'string') {
    cursor.next();
    rule.description = { text: description.text.slice(1, -1), range: description.range };
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

function parseCidrList(cursor: LineCursor, target: Cidr[], what: string, stopWords: string[] = []): void {
  target.push(parseCidrToken(cursor, what));
  while (!cursor.atEnd() && !stopWords.some((word) => cursor.isWord(word))) {
    target.push(parseCidrToken(cursor, 'a CIDR'));
  }
}

function parseVpc(cursor: LineCursor, decl: VpcDecl): void {
  decl.name = parseName(cursor, 'a VPC name');
  parseCidrList(cursor, decl.cidrs, 'the VPC CIDR block');
}

function parseSubnet(cursor: LineCursor, decl: SubnetDecl): void {
  decl.name = parseName(cursor, 'a subnet name');
  parseCidrList(cursor, decl.cidrs, "the subnet's CIDR block", ['acl']);
  if (cursor.isWord('acl')) {
    cursor.next();
    decl.acl = parseName(cursor, 'a network ACL name after acl');
  }
  endOfLine(cursor);
}

function parsePrefixList(cursor: LineCursor, decl: PrefixListDecl): void {
  decl.name = parseName(cursor, 'a prefix list name');
  parseCidrList(cursor, decl.cidrs, 'a CIDR');
}

const INSTANCE_ATTRIBUTES = ['subnet', 'ip', 'ip6', 'groups', 'os', 'ephemeral'];

function parseInstance(cursor: LineCursor, decl: InstanceDecl): void {
  decl.name = parseName(cursor, 'an instance name');
  const seen = new Set<string>();
  while (!cursor.atEnd()) {
    const token = cursor.peek()!;
    if (token.kind !== 'word' || !INSTANCE_ATTRIBUTES.includes(token.text)) {
      const suggestion = token.kind === 'word' ? closest(token.text, INSTANCE_ATTRIBUTES) : undefined;
      if (suggestion) fail(token.range, `unknown keyword '${shorten(token.text)}'; did you mean '${suggestion}'?`);
      expected(cursor, `one of ${INSTANCE_ATTRIBUTES.join(', ')}`);
    }
    if (seen.has(token.text)) fail(token.range, `'${token.text}' is given twice`);
    seen.add(token.text);
    cursor.next();
    switch (token.text) {
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
    }
  }
  if (!decl.subnet) fail(cursor.last(), `instance '${decl.name.text}' needs 'subnet NAME'`);
  if (decl.ips.length === 0) fail(cursor.last(), `instance '${decl.name.text}' needs 'ip ADDRESS'`);
}

/** `ip A[,B...]` / `ip6 A[,B...]`: single addresses of one family, comma separated. */
function parseAddressList(cursor: LineCursor, into: Cidr[], family: Family): void {
  const keyword = family === 4 ? 'ip' : 'ip6';
  for (;;) {
    const cidr = parseCidrToken(cursor, `an IPv${family} address after ${into.length === 0 ? keyword : 'the comma'}`);
    if (cidr.family !== family || cidr.hasPrefix) fail(cidr.range, `'${keyword}' takes IPv${family} addresses, not ${cidr.text}`);
    into.push(cidr);
    if (cursor.peek()?.kind !== 'comma') return;
    cursor.next();
  }
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

const FLOW_OPTIONS = ['from-ports', 'ipv6', 'oneway', 'expect'];

function parseFlow(cursor: LineCursor, decl: FlowDecl): void {
  decl.name = parseName(cursor, 'a flow name');
  decl.src = parseEndpoint(cursor, "the flow's source: an instance, an address or CIDR, or internet");
  if (cursor.peek()?.kind !== 'arrow') expected(cursor, "'->'");
  cursor.next();
  decl.dst = parseEndpoint(cursor, "the flow's destination: an instance, an address or CIDR, or internet");
  const protocol = (decl.protocol = parseProtocol(cursor));
  parseProtocolArguments(cursor, protocol, decl);
  const seen = new Set<string>();
  while (!cursor.atEnd()) {
    const token = cursor.peek()!;
    if (token.kind !== 'word' || !FLOW_OPTIONS.includes(token.text)) {
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
  switch (keyword.text) {
    case 'vpc': return { kind: 'vpc', cidrs: [], range };
    case 'subnet': return { kind: 'subnet', cidrs: [], range };
    case 'prefix-list': return { kind: 'prefix-list', cidrs: [], range };
    case 'security-group': return { kind: 'security-group', rules: [], range };
    case 'network-acl': return { kind: 'network-acl', rules: [], range };
    case 'instance': return { kind: 'instance', ips: [], ip6s: [], groups: [], range };
    default: return { kind: 'flow', range };
  }
}

function parseStatementBody(cursor: LineCursor, decl: Declaration): void {
  switch (decl.kind) {
    case 'vpc': return parseVpc(cursor, decl);
    case 'subnet': return parseSubnet(cursor, decl);
    case 'prefix-list': return parsePrefixList(cursor, decl);
    case 'instance': return parseInstance(cursor, decl);
    case 'flow': return parseFlow(cursor, decl);
    case 'security-group':
    case 'network-acl':
      decl.name = parseName(cursor, decl.kind === 'security-group' ? 'a security group name' : 'a network ACL name');
      return;
  }
}

function startsDeclaration(lineTokens: Token[]): boolean {
  const first = lineTokens[0];
  return first !== undefined && first.kind === 'word' && (DECLARATION_KEYWORDS as readonly string[]).includes(first.text);
}

type Block = { decl: SecurityGroupDecl | NetworkAclDecl; braceOpened: boolean; line: number };

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
  rules: (SgRule | NaclRule)[];
  diagnostics: Diagnostic[];
}

type BlockKind = SecurityGroupDecl['kind'] | NetworkAclDecl['kind'] | 'none';

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

const BLOCK_FLAGS: Record<BlockKind, number> = { none: 0, 'security-group': LINE_IN_SECURITY_GROUP, 'network-acl': LINE_IN_NETWORK_ACL };

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

  const attempt = (work: () => void) => {
    try {
      work();
    } catch (error) {
      if (error instanceof LineError) report(error.diagnostic);
      else throw error;
    }
  };

  const closeBlock = (endRange: Range) => {
    if (block) block.decl.range = spanning(block.decl.range, endRange);
    block = undefined;
  };

  const parseBlockLine = (lineTokens: Token[], lineIndex: number) => {
    const current = block!;
    let ruleTokens = lineTokens;
    const closing = lineTokens[lineTokens.length - 1]?.kind === 'rbrace' ? lineTokens[lineTokens.length - 1] : undefined;
    if (closing) ruleTokens = lineTokens.slice(0, -1);
    if (ruleTokens.length > 0) {
      const first = ruleTokens[0];
      const lineEnd = lineEndOf(lineIndex, ruleTokens);
      const cursor = new LineCursor(ruleTokens, lineEnd);
      const ruleRange = spanning(first.range, ruleTokens[ruleTokens.length - 1].range);
      attempt(() => {
        const direction = parseDirection(cursor);
        if (current.decl.kind === 'security-group') {
          const rule: SgRule = { direction, range: ruleRange };
          current.decl.rules.push(rule);
          parseSgRule(cursor, rule);
        } else {
          const rule: NaclRule = { direction, range: ruleRange };
          current.decl.rules.push(rule);
          parseNaclRule(cursor, rule);
        }
      });
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
      const suggestion = first.kind === 'word' ? closest(first.text, DECLARATION_KEYWORDS) : undefined;
      const message = suggestion
        ? `unknown keyword '${shorten(first.text)}'; did you mean '${suggestion}'?`
        : `expected a declaration (${DECLARATION_KEYWORDS.join(', ')}), found ${describe(first)}`;
      report(makeDiagnostic('syntax', first.range, message));
      return;
    }
    const decl = newDeclaration(first);
    decl.range = spanning(first.range, lineTokens[lineTokens.length - 1].range);
    declarations.push(decl);
    const isBlock = BLOCK_KEYWORDS.has(first.text);
    const braceIndex = isBlock ? lineTokens.findIndex((token) => token.kind === 'lbrace') : -1;
    const headerTokens = braceIndex >= 0 ? lineTokens.slice(1, braceIndex) : lineTokens.slice(1);
    const cursor = new LineCursor(headerTokens, lineEndOf(lineIndex, lineTokens));
    attempt(() => {
      parseStatementBody(cursor, decl);
      if (isBlock) {
        if (braceIndex < 0) fail(cursor.last(), `expected '{' to open the ${first.text}'s rules`);
        endOfLine(cursor);
      }
    });
    if (isBlock) {
      block = opened = { decl: decl as SecurityGroupDecl | NetworkAclDecl, braceOpened: braceIndex >= 0, line: lineIndex };
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
      lexLine(ownText, 0, ownText.length, lineIndex, lineTokens, lineComments);
      const blockBefore = block;
      const declarationsBefore = declarations.length;
      const rulesBefore = block?.decl.rules.length ?? 0;
      lineDiagnostics = [];
      opened = undefined;
      parseLine(lineTokens, lineIndex);
      const rules = block?.decl.rules.slice(rulesBefore) ?? [];
      // Set by parseTopLine, which the compiler does not follow.
      const openedHere = opened as Block | undefined;
      const inBlockBefore = blockBefore !== undefined && lineTokens.length > 0 && !startsDeclaration(lineTokens);
      const closes = block === undefined && (openedHere !== undefined || inBlockBefore);
      const partOf = openedHere ? openedHere.line : inBlockBefore ? blockBefore.line : lineTokens.length === 0 && block ? block.line : -1;
      const content = (lineTokens.length > 0 ? LINE_HAS_TOKENS : 0) | (lineComments.length > 0 ? LINE_HAS_COMMENT : 0) | (closes ? LINE_CLOSES_BLOCK : 0);
      const selfBlock = openedHere !== undefined && closes;
      result = {
        text: ownText, blockKind, content, selfBlock, comments: lineComments, declarations: declarations.slice(declarationsBefore), rules,
        diagnostics: lineDiagnostics,
      };
      // A line that opens or closes a block is parsed again next time (a block on one line excepted).
      if (block === blockBefore) current[lineIndex] = result;
      facts.add(ownText, content | BLOCK_FLAGS[blockKind], partOf);
    } else {
      current[lineIndex] = result;
      declarations.push(...result.declarations);
      // The block is of the kind the rules were parsed in.
      if (block) (block.decl.rules as (SgRule | NaclRule)[]).push(...result.rules);
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
