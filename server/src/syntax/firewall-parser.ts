// The AWS Network Firewall forms: `firewall` (one line), and the lines of the `firewall-policy`,
// `stateless-rule-group` and `stateful-rule-group` blocks. A stateful rule is a Suricata rule as
// AWS Network Firewall takes it; its line is lexed in Suricata mode (see lexer.ts). Like the rest
// of the parser, a problem abandons the rest of its line, or, when what follows is still clear
// (an option of a Suricata rule), is noted and the line goes on.
import type {
  FirewallDecl, FirewallPolicyDecl, Keyword, NumberNode, PolicyStatement, PortRange, Protocol, Range, StatefulDefaultAction,
  StatefulRule, StatefulRuleGroupDecl, StatelessAddresses, StatelessRule, StatelessRuleGroupDecl, SuricataAddress,
  SuricataOption, SuricataPort,
} from './ast';
import {
  describe, endOfLine, expected, expectWord, fail, LineCursor, parseCidrToken, parseClauses, parseDeclaredName, parseName,
  parseNumber, parsePorts, parseProtocol, requireClauses, spanning,
} from './cursor';
import { shorten, Token } from './lexer';
import { closest } from './suggest';
import { optionValue, splitOptions } from './suricata-options';
import { makeDiagnostic } from '../diagnostics/diagnostic';

/** `firewall NAME subnet SUBNET policy POLICY` */
export const FIREWALL_CLAUSES = ['subnet', 'policy'] as const;
/** The words that start each line of a firewall-policy block. */
export const POLICY_STATEMENTS = ['stateless-default', 'stateless', 'stateful', 'stateful-order', 'stateful-default'] as const;
/** The word before a rule group's priority in a policy. */
export const PRIORITY_KEYWORD = 'priority';
export const STATELESS_ACTIONS = ['pass', 'drop', 'forward'] as const;
export const STATEFUL_ORDERS = ['default', 'strict'] as const;
export const STATEFUL_DEFAULT_ACTIONS = ['drop-strict', 'drop-established', 'alert-strict', 'alert-established'] as const;
/** The word that starts each line of a stateless-rule-group block. */
export const STATELESS_RULE_KEYWORD = 'rule';
/** The words of a stateless rule after its protocols. */
export const STATELESS_RULE_WORDS = ['from', 'to', 'port', 'any'] as const;
/** The actions of a Suricata rule, the word that starts each line of a stateful-rule-group block. */
export const STATEFUL_ACTIONS = ['pass', 'drop', 'reject', 'alert'] as const;
/** The protocols of a Suricata rule that the model reads; any other word is an application protocol. */
export const SURICATA_PROTOCOLS = ['ip', 'tcp', 'udp', 'icmp'] as const;
/** The directions of a Suricata rule. */
export const SURICATA_DIRECTIONS = ['->', '<>'] as const;
/** The address variables AWS Network Firewall defines, without the `$`. */
export const SURICATA_VARIABLES = ['HOME_NET', 'EXTERNAL_NET'] as const;
/** The options the model reads (`msg`, `sid`, `flow`) or knows change no verdict. */
export const SURICATA_OPTIONS = ['msg', 'sid', 'flow', 'rev', 'priority', 'metadata', 'classtype'] as const;
/** The values of a `flow` option that the model reads. */
export const SURICATA_FLOW_VALUES = ['to_server', 'to_client', 'from_server', 'from_client', 'established', 'not_established'] as const;

/** Rule and rule group priorities, as AWS numbers them. */
const MAX_PRIORITY = 65535;
/** Suricata signature ids are unsigned 32-bit numbers; 0 is no id. */
const MAX_SID = 4294967295;
/** How deep `[...]` lists may nest: far beyond any real rule, and no deeper than the parser's stack allows. */
const MAX_NESTING = 16;
const OPTION_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

const WORD_LISTS = (words: readonly string[]) => `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;

/** One of `choices` as the next word, with a did-you-mean for a near miss. */
function parseChoice<T extends string>(cursor: LineCursor, choices: readonly T[], what: string, noun = 'keyword'): Keyword<T> {
  const token = cursor.peek();
  if (token?.kind === 'word' && (choices as readonly string[]).includes(token.text)) {
    cursor.next();
    return { value: token.text as T, range: token.range };
  }
  if (token?.kind === 'word') {
    const suggestion = closest(token.text, choices);
    if (suggestion) fail(token.range, `unknown ${noun} '${shorten(token.text)}'; did you mean '${suggestion}'?`);
  }
  expected(cursor, what);
}

/** A priority, 1-65535; `noun` names it in messages (`rule priority`). */
function parsePriority(cursor: LineCursor, noun: string): NumberNode {
  const token = cursor.peek();
  if (token?.kind !== 'number') expected(cursor, `a ${noun} (1-${MAX_PRIORITY})`);
  cursor.next();
  return { value: parseNumber(token, 1, MAX_PRIORITY, noun), range: token.range };
}

export function parseFirewall(cursor: LineCursor, decl: FirewallDecl): void {
  const name = (decl.name = parseDeclaredName(cursor, 'a firewall name'));
  parseClauses(cursor, FIREWALL_CLAUSES, "'subnet NAME' or 'policy NAME'", (keyword) => {
    if (keyword.text === 'subnet') decl.subnet = parseName(cursor, 'a subnet name after subnet');
    else decl.policy = parseName(cursor, 'a firewall policy name after policy');
  });
  requireClauses(cursor, `firewall '${name.text}'`, [[decl.subnet, 'subnet NAME'], [decl.policy, 'policy NAME']]);
}

// ---------------------------------------------------------------------------------------------
// firewall-policy

/** One line of a firewall-policy block, added to the policy once its first word is read. */
export function parsePolicyStatement(cursor: LineCursor, decl: FirewallPolicyDecl, range: Range): void {
  const keyword = parseChoice(cursor, POLICY_STATEMENTS, `a policy statement (${WORD_LISTS(POLICY_STATEMENTS)})`);
  switch (keyword.value) {
    case 'stateless-default': {
      const statement: PolicyStatement & { kind: 'stateless-default' } = { kind: keyword.value, range };
      decl.statements.push(statement);
      statement.action = parseChoice(cursor, STATELESS_ACTIONS, "'pass', 'drop' or 'forward' after stateless-default", 'action');
      break;
    }
    case 'stateless':
    case 'stateful': {
      const statement: PolicyStatement & { kind: 'stateless' | 'stateful' } = { kind: keyword.value, range };
      decl.statements.push(statement);
      const group = (statement.group = parseName(cursor, `a ${keyword.value} rule group name after ${keyword.value}`));
      if (keyword.value === 'stateless' && cursor.atEnd()) {
        fail(cursor.last(), `stateless rule group '${group.text}' needs '${PRIORITY_KEYWORD} N': the policy runs its stateless groups in ascending priority`);
      }
      if (cursor.atEnd()) break;
      expectWord(cursor, PRIORITY_KEYWORD);
      statement.priority = parsePriority(cursor, 'rule group priority');
      break;
    }
    case 'stateful-order': {
      const statement: PolicyStatement & { kind: 'stateful-order' } = { kind: keyword.value, range };
      decl.statements.push(statement);
      statement.order = parseChoice(cursor, STATEFUL_ORDERS, "'default' or 'strict' after stateful-order");
      break;
    }
    case 'stateful-default': {
      const statement: PolicyStatement & { kind: 'stateful-default' } = { kind: keyword.value, actions: [], range };
      decl.statements.push(statement);
      parseStatefulDefaults(cursor, statement.actions);
      break;
    }
  }
  endOfLine(cursor);
}

/** `ACTION[,ACTION]`: at most one drop action and one alert action, as AWS takes them. */
function parseStatefulDefaults(cursor: LineCursor, actions: Keyword<StatefulDefaultAction>[]): void {
  const what = `a default action (${WORD_LISTS(STATEFUL_DEFAULT_ACTIONS)})`;
  actions.push(parseChoice(cursor, STATEFUL_DEFAULT_ACTIONS, `${what} after stateful-default`, 'action'));
  while (cursor.peek()?.kind === 'comma') {
    cursor.next();
    const action = parseChoice(cursor, STATEFUL_DEFAULT_ACTIONS, `${what} after the comma`, 'action');
    const kind = action.value.split('-')[0];
    const other = actions.find((earlier) => earlier.value.split('-')[0] === kind);
    actions.push(action);
    if (other) {
      cursor.note(makeDiagnostic('syntax', action.range, other.value === action.value
        ? `'${action.value}' is given twice`
        : `'${action.value}' and '${other.value}' cannot go together: a policy takes at most one ${kind} action`));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// stateless-rule-group

/** One line of a stateless-rule-group block, added to the group once its first word is read. */
export function parseStatelessRule(cursor: LineCursor, decl: StatelessRuleGroupDecl, range: Range): void {
  const first = cursor.peek();
  if (first?.kind === 'word' && first.text !== STATELESS_RULE_KEYWORD) {
    if (closest(first.text, [STATELESS_RULE_KEYWORD]) === STATELESS_RULE_KEYWORD) fail(first.range, `unknown keyword '${shorten(first.text)}'; did you mean '${STATELESS_RULE_KEYWORD}'?`);
    if ((STATELESS_ACTIONS as readonly string[]).includes(first.text)) fail(first.range, `a stateless rule starts with '${STATELESS_RULE_KEYWORD} PRIORITY', then its action: ${STATELESS_RULE_KEYWORD} 10 ${first.text} ...`);
  }
  if (!cursor.isWord(STATELESS_RULE_KEYWORD)) expected(cursor, `a rule starting with '${STATELESS_RULE_KEYWORD}'`);
  cursor.next();
  const rule: StatelessRule = { protocols: [], range };
  decl.rules.push(rule);
  rule.priority = parsePriority(cursor, 'rule priority');
  rule.action = parseChoice(cursor, STATELESS_ACTIONS, "'pass', 'drop' or 'forward'", 'action');
  rule.protocols.push(parseProtocol(cursor));
  while (cursor.peek()?.kind === 'comma') {
    cursor.next();
    rule.protocols.push(parseProtocol(cursor));
  }
  const all = rule.protocols.find((protocol: Protocol) => protocol.number === -1);
  if (all && rule.protocols.length > 1) cursor.note(makeDiagnostic('syntax', all.range, "'all' matches every protocol: write it alone"));
  if (cursor.isWord('to')) fail(cursor.here(), "a stateless rule names its sources first: 'from ADDRESSES ... to ADDRESSES'");
  expectWord(cursor, 'from');
  rule.sources = parseStatelessAddresses(cursor, 'from');
  if (cursor.isWord('port')) rule.sourcePorts = parsePortList(cursor);
  expectWord(cursor, 'to');
  rule.destinations = parseStatelessAddresses(cursor, 'to');
  if (cursor.isWord('port')) rule.destinationPorts = parsePortList(cursor);
  endOfLine(cursor);
}

/** `any` or a comma list of CIDRs. */
function parseStatelessAddresses(cursor: LineCursor, after: string): StatelessAddresses {
  const token = cursor.peek();
  if (token?.kind === 'word' && token.text === 'any') {
    cursor.next();
    return { kind: 'any', range: token.range };
  }
  if (token?.kind === 'word') fail(token.range, `expected 'any' or a CIDR after ${after}, found '${shorten(token.text)}'`);
  const cidrs = [parseCidrToken(cursor, `'any' or a CIDR after ${after}`)];
  while (cursor.peek()?.kind === 'comma') {
    cursor.next();
    cidrs.push(parseCidrToken(cursor, 'a CIDR after the comma'));
  }
  return { kind: 'cidrs', cidrs, range: spanning(cidrs[0].range, cidrs[cidrs.length - 1].range) };
}

/** `port N|N-M[,...]`, the cursor on `port`. */
function parsePortList(cursor: LineCursor): PortRange[] {
  const keyword = cursor.next()!;
  const ports: PortRange[] = [];
  const one = (what: string) => {
    const token = cursor.peek();
    if (token?.kind === 'word' && (token.text === 'all' || token.text === 'any')) {
      fail(token.range, `'${token.text}' is not a port: a rule without '${keyword.text}' matches every port`);
    }
    ports.push(parsePorts(cursor, what));
  };
  one('a port or port range after port');
  while (cursor.peek()?.kind === 'comma') {
    cursor.next();
    one('a port or port range after the comma');
  }
  return ports;
}

// ---------------------------------------------------------------------------------------------
// stateful-rule-group: Suricata rules

/** One line of a stateful-rule-group block, added to the group once its action is read. */
export function parseStatefulRule(cursor: LineCursor, decl: StatefulRuleGroupDecl, range: Range): void {
  const first = cursor.peek();
  if (first?.kind === 'word' && first.text === STATELESS_RULE_KEYWORD) {
    fail(first.range, "'rule' starts a line of a stateless-rule-group block; a stateful rule is a Suricata rule: ACTION PROTO SRC SRCPORT -> DST DSTPORT (OPTIONS)");
  }
  const action = parseChoice(cursor, STATEFUL_ACTIONS, `a Suricata rule starting with ${WORD_LISTS(STATEFUL_ACTIONS)}`, 'action');
  const rule: StatefulRule = { action, options: [], range };
  decl.rules.push(rule);
  const protocol = cursor.peek();
  if (protocol?.kind !== 'word') expected(cursor, 'a protocol (ip, tcp, udp, icmp, or an application protocol such as http, tls or dns)');
  cursor.next();
  rule.protocol = { text: protocol.text, range: protocol.range };
  rule.source = parseSuricataAddress(cursor, 'the source address', 0);
  rule.sourcePort = parseSuricataPort(cursor, 'the source port', 0);
  const direction = cursor.peek();
  if (direction?.kind !== 'arrow') expected(cursor, "'->' or '<>' between the source and the destination");
  cursor.next();
  rule.direction = { value: direction.text as '->' | '<>', range: direction.range };
  rule.destination = parseSuricataAddress(cursor, 'the destination address', 0);
  rule.destinationPort = parseSuricataPort(cursor, 'the destination port', 0);
  const options = cursor.peek();
  if (options?.kind === 'options') {
    cursor.next();
    parseSuricataOptions(cursor, options, rule.options);
  }
  const trailing = cursor.peek();
  if (trailing && trailing.kind !== 'invalid') fail(trailing.range, `unexpected ${describe(trailing)} after the rule${options?.kind === 'options' ? "'s options" : ": options go in '(...)'"}`);
  endOfLine(cursor);
}

/** The `!` before an address or port, if there is one, and what comes after it. */
function negation(cursor: LineCursor): { negated: boolean; start?: Token } {
  const token = cursor.peek();
  if (token?.kind !== 'bang') return { negated: false, start: token };
  cursor.next();
  if (cursor.peek()?.kind === 'bang') fail(cursor.here(), "'!' is given twice");
  return { negated: true, start: token };
}

/** The items of a `[...]` list, the cursor on `[`. */
function parseList<T>(cursor: LineCursor, depth: number, what: string, item: (depth: number) => T & { range: Range }): { items: T[]; close: Token } {
  const open = cursor.next()!;
  if (depth >= MAX_NESTING) fail(open.range, `lists nested more than ${MAX_NESTING} deep`);
  if (cursor.peek()?.kind === 'rbracket') fail(spanning(open.range, cursor.peek()!.range), `an empty list: write at least one ${what}`);
  const items = [item(depth + 1)];
  while (cursor.peek()?.kind === 'comma') {
    cursor.next();
    items.push(item(depth + 1));
  }
  const close = cursor.peek();
  if (close?.kind !== 'rbracket') expected(cursor, `',' or ']' in the list of ${what}es`);
  cursor.next();
  return { items, close };
}

/** `any`, `$VAR`, a CIDR or bare address, or a `[...]` list, each possibly negated with `!`. */
function parseSuricataAddress(cursor: LineCursor, what: string, depth: number): SuricataAddress {
  const { negated, start } = negation(cursor);
  const token = cursor.peek();
  const forms = "'any', $HOME_NET, $EXTERNAL_NET, a CIDR or a [...] list";
  if (!token || !start) expected(cursor, `${what}: ${forms}`);
  const range = (end: Range) => spanning(start.range, end);
  switch (token.kind) {
    case 'word':
      if (token.text === 'any') {
        cursor.next();
        return { kind: 'any', negated, range: range(token.range) };
      }
      if (/^[A-Z][A-Z0-9_]*$/.test(token.text)) fail(token.range, `write a variable with '$': $${token.text}`);
      return fail(token.range, `expected ${what} (${forms}), found '${shorten(token.text)}'`);
    case 'variable':
      cursor.next();
      return { kind: 'variable', name: token.text.slice(1), negated, range: range(token.range) };
    case 'ipv4':
    case 'ipv6': {
      const cidr = parseCidrToken(cursor, what);
      return { kind: 'cidr', cidr, negated, range: range(cidr.range) };
    }
    case 'lbracket': {
      const { items, close } = parseList(cursor, depth, 'address', (inner) => parseSuricataAddress(cursor, 'an address', inner));
      return { kind: 'list', items, negated, range: range(close.range) };
    }
    default:
      expected(cursor, `${what}: ${forms}`);
  }
}

/** `any`, `N`, `N:M`, `N:`, `N-M`, or a `[...]` list, each possibly negated with `!`. */
function parseSuricataPort(cursor: LineCursor, what: string, depth: number): SuricataPort {
  const { negated, start } = negation(cursor);
  const token = cursor.peek();
  const forms = "'any', N, N:M, N:, N-M or a [...] list";
  if (!token || !start) expected(cursor, `${what}: ${forms}`);
  const range = (end: Range) => spanning(start.range, end);
  switch (token.kind) {
    case 'word':
      if (token.text !== 'any') fail(token.range, `expected ${what} (${forms}), found '${shorten(token.text)}'`);
      cursor.next();
      return { kind: 'any', negated, range: range(token.range) };
    case 'number': {
      cursor.next();
      const port = parseNumber(token, 0, 65535, 'port');
      return { kind: 'range', from: port, to: port, negated, range: range(token.range) };
    }
    case 'portRange': {
      cursor.next();
      const separator = token.text.includes(':') ? ':' : '-';
      const [fromText, toText] = token.text.split(separator);
      const from = parseNumber({ ...token, text: fromText }, 0, 65535, 'port');
      const to = toText === '' ? 65535 : parseNumber({ ...token, text: toText }, 0, 65535, 'port');
      if (from > to) fail(token.range, `port range ${token.text} is reversed; write ${to}${separator}${from}`, true);
      return { kind: 'range', from, to, negated, range: range(token.range) };
    }
    case 'lbracket': {
      const { items, close } = parseList(cursor, depth, 'port', (inner) => parseSuricataPort(cursor, 'a port', inner));
      return { kind: 'list', items, negated, range: range(close.range) };
    }
    case 'variable':
      return fail(token.range, `port variables such as ${shorten(token.text)} are not supported: write the ports`);
    default:
      expected(cursor, `${what}: ${forms}`);
  }
}

/** The options of an options token, each kept; a malformed one is noted and the rest still read. */
function parseSuricataOptions(cursor: LineCursor, token: Token, into: SuricataOption[]): void {
  const start = token.range.start;
  const at = (offset: number) => ({ line: start.line, character: start.character + offset });
  const rangeOf = (from: number, to: number): Range => ({ start: at(from), end: at(to) });
  const note = (range: Range, message: string, outOfRange = false) => cursor.note(makeDiagnostic(outOfRange ? 'outOfRange' : 'syntax', range, message));
  for (const raw of splitOptions(token.text)) {
    const keyRange = rangeOf(raw.keyStart, raw.keyEnd);
    const end = raw.value !== undefined ? raw.valueEnd : raw.keyEnd;
    if (raw.key === '') {
      note(rangeOf(raw.keyStart, Math.max(end, raw.keyStart + 1)), raw.value === undefined ? "an empty option: remove the extra ';'" : "expected an option name before ':'");
      continue;
    }
    if (!OPTION_NAME.test(raw.key)) {
      note(keyRange, `'${shorten(raw.key)}' is not an option name`);
      continue;
    }
    const option: SuricataOption = { key: { text: raw.key, range: keyRange }, range: rangeOf(raw.keyStart, end) };
    if (raw.value !== undefined) option.value = { text: optionValue(raw.value), range: rangeOf(raw.valueStart, raw.valueEnd) };
    into.push(option);
    if (!raw.terminated) note(option.range, `expected ';' after option '${raw.key}': every option of a Suricata rule ends with ';'`);
    if (raw.key === 'sid') checkSid(option, note);
  }
}

function checkSid(option: SuricataOption, note: (range: Range, message: string, outOfRange?: boolean) => void): void {
  const value = option.value;
  if (!value || value.text === '') {
    note(option.range, 'sid takes a number: write sid:N');
  } else if (!/^[0-9]+$/.test(value.text)) {
    note(value.range, `sid takes a number, found '${shorten(value.text)}'`);
  } else {
    const sid = value.text.length > 12 ? Infinity : Number(value.text);
    if (sid < 1 || sid > MAX_SID) note(value.range, `sid ${shorten(value.text)} is out of range 1-${MAX_SID}`, true);
  }
}
