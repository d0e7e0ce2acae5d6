// Completion: what may come next at the cursor, read from the tokens before it on its line, so
// that it works on the half-typed lines that do not parse yet.
import { CompletionItem, CompletionItemKind, CompletionList, Position, Range, TextEdit } from 'vscode-languageserver';
import type { Token } from '../syntax/lexer';
import { lexSourceLine } from '../syntax/parser';
import type { BlockKind } from '../syntax/format';
import type { Comment, NetworkAclDecl } from '../syntax/ast';
import type { SymbolKind } from '../engine/model';
import type { AnalyzedDocument } from './analysis-source';
import {
  ACTIONS, DECLARATION_KEYWORDS, DIRECTIONS, FLOW_OPTIONS, FLOW_PROTOCOLS, INSTANCE_ATTRIBUTES, NAT_GATEWAY_CLAUSES,
  OPERATING_SYSTEMS, PEER_KEYWORDS, ROUTE_KEYWORD, ROUTE_TABLE_CLAUSES, ROUTE_TARGETS, RULE_PROTOCOLS, SUBNET_CLAUSES,
} from './keywords';
import { ROUTE_TARGET_DECLARATIONS } from '../syntax/parser';
import { blockBefore, lineText } from './lines';
import { namedDeclarations } from './symbol-index';
import { cidrs, keywords, Suggestion, wellKnownPorts } from './completion-items';
import { FirewallSuggester, openOptions } from './completion-firewall';

const EPHEMERAL_RANGES: [string, string][] = [['32768-60999', 'Linux ephemeral ports'], ['49152-65535', 'Windows ephemeral ports'], ['1024-65535', 'every unprivileged port']];
const ICMP_TYPES: Record<'icmp' | 'icmpv6', [number, string][]> = {
  icmp: [[0, 'echo reply'], [3, 'destination unreachable'], [5, 'redirect'], [8, 'echo request'], [11, 'time exceeded']],
  icmpv6: [[1, 'destination unreachable'], [2, 'packet too big'], [3, 'time exceeded'], [128, 'echo request'], [129, 'echo reply'], [135, 'neighbor solicitation'], [136, 'neighbor advertisement']],
};


/** The clause keywords of a statement that its tokens do not hold yet. */
function missingClauses(tokens: Token[], clauses: readonly string[]): Suggestion[] {
  const used = new Set(tokens.map((token) => token.text));
  return keywords(clauses.filter((clause) => !used.has(clause)));
}

const ROUTE_TARGET_DETAILS: Record<(typeof ROUTE_TARGETS)[number], string> = {
  local: "the VPC's local routing",
  igw: 'internet gateway NAME',
  eigw: 'egress-only gateway NAME (IPv6)',
  nat: 'NAT gateway NAME',
  firewall: 'firewall endpoint NAME',
  blackhole: 'drop the packets',
  unmodelled: '"TEXT": a target the model does not follow',
};

function routeTargets(): Suggestion[] {
  return ROUTE_TARGETS.map((label) => ({ label, kind: CompletionItemKind.Keyword, detail: ROUTE_TARGET_DETAILS[label] }));
}

function ports(): Suggestion[] {
  return [...wellKnownPorts(), { label: 'all', kind: CompletionItemKind.Keyword, detail: 'ports 0-65535', sortText: '99999' }];
}

function portRanges(): Suggestion[] {
  return EPHEMERAL_RANGES.map(([label, detail]) => ({ label, kind: CompletionItemKind.Value, detail }));
}

function icmpTypes(protocol: string): Suggestion[] {
  const family = protocol === 'icmpv6' || protocol === '58' ? 'icmpv6' : 'icmp';
  return ICMP_TYPES[family].map(([type, detail]) => ({ label: String(type), kind: CompletionItemKind.Value, detail, sortText: String(type).padStart(3, '0') }));
}

/** AWS numbers network ACL rules from 1 to 32766. */
const MAX_RULE_NUMBER = 32766;

const isPortProtocol = (text: string) => ['tcp', 'udp', '6', '17'].includes(text);
const isIcmpProtocol = (text: string) => ['icmp', 'icmpv6', '1', '58'].includes(text);

class Suggester {
  readonly firewall: FirewallSuggester;

  constructor(private readonly analyzed: AnalyzedDocument) {
    this.firewall = new FirewallSuggester(analyzed.analysis.file, (kind, except) => this.names(kind, except));
  }

  names(kind: SymbolKind, except: readonly string[] = []): Suggestion[] {
    const seen = new Set(except);
    return namedDeclarations(this.analyzed.analysis.file).flatMap(({ kind: declared, name }) => {
      if (declared !== kind || seen.has(name.text)) return [];
      seen.add(name.text);
      return [{ label: name.text, kind: COMPLETION_KINDS[kind], detail: kind }];
    });
  }

  /** After `inbound`/`outbound` in a block (and, for a network ACL, after number and action). */
  ruleTail(direction: string, rest: Token[], block: BlockKind): Suggestion[] {
    const remoteWord = direction === 'inbound' ? 'from' : 'to';
    if (rest.length === 0) return keywords(RULE_PROTOCOLS, 'protocol');
    const protocol = rest[0].text;
    const remote = rest.findIndex((token, i) => i > 0 && (token.text === 'from' || token.text === 'to'));
    if (remote < 0) {
      const args = this.protocolArguments(protocol, rest.slice(1));
      return args.required ? args.suggestions : [...args.suggestions, ...keywords([remoteWord])];
    }
    const peer = rest.slice(remote + 1);
    if (block === 'network-acl') return peer.length === 0 ? cidrs() : [];
    if (peer.length === 0) return [...keywords(PEER_KEYWORDS, 'a security group or a prefix list'), ...cidrs()];
    if (peer.length === 1 && peer[0].text === 'sg') return this.names('security-group');
    if (peer.length === 1 && peer[0].text === 'pl') return this.names('prefix-list');
    return [];
  }

  /** A free rule number after the highest of this direction in the enclosing network ACL, in steps of 10. */
  nextRuleNumber(direction: string, line: number): Suggestion[] {
    // The block the line is in is the last network ACL declared above it.
    const acl = this.analyzed.analysis.file.declarations.filter((decl): decl is NetworkAclDecl =>
      decl.kind === 'network-acl' && decl.range.start.line < line).pop();
    const used = (acl?.rules ?? []).filter((rule) => rule.direction === direction && rule.number).map((rule) => rule.number!.value);
    const next = used.length === 0 ? 100 : Math.floor(Math.max(...used) / 10) * 10 + 10;
    if (next > MAX_RULE_NUMBER) return [];
    return [{ label: String(next), kind: CompletionItemKind.Value, detail: `next free ${direction} rule number` }];
  }

  /** Ports or ICMP type/code after a protocol; `required` when nothing else may come next. */
  protocolArguments(protocol: string, after: Token[]): { suggestions: Suggestion[]; required: boolean } {
    const previous = after[after.length - 1]?.text;
    if (isPortProtocol(protocol)) return after.length === 0 ? { suggestions: ports(), required: true } : { suggestions: [], required: false };
    if (isIcmpProtocol(protocol)) {
      if (after.length === 0) return { suggestions: keywords(['type', 'all']), required: false };
      if (previous === 'type') return { suggestions: icmpTypes(protocol), required: true };
      if (previous === 'code') return { suggestions: [], required: true };
      if (after.length === 2 && after[0].text === 'type') return { suggestions: keywords(['code']), required: false };
    }
    return { suggestions: [], required: false };
  }

  instance(tokens: Token[]): Suggestion[] {
    const previous = tokens[tokens.length - 1];
    if (tokens.length < 2) return [];
    // After a comma, what the list of the clause it continues takes: groups or addresses.
    const expecting = previous.kind === 'comma' ? clauseOf(tokens) : previous.text;
    switch (expecting) {
      case 'subnet': return this.names('subnet');
      case 'groups': return this.names('security-group', groupsListed(tokens));
      case 'os': return keywords(OPERATING_SYSTEMS);
      case 'ephemeral': return portRanges();
      case 'ip': case 'ip6': return [];
    }
    if (expecting === 'public-ip') return [];
    return missingClauses(tokens, INSTANCE_ATTRIBUTES);
  }

  /** `subnet NAME CIDR [CIDR6] [acl ACL] [routes TABLE]` */
  subnet(tokens: Token[]): Suggestion[] {
    const previous = tokens[tokens.length - 1].text;
    if (previous === 'acl') return this.names('network-acl');
    if (previous === 'routes') return this.names('route-table');
    // The name and a CIDR come before the clauses.
    return tokens.length >= 3 ? missingClauses(tokens, SUBNET_CLAUSES) : [];
  }

  /** `nat-gateway NAME subnet SUBNET ip IPV4 public-ip IPV4` */
  natGateway(tokens: Token[]): Suggestion[] {
    if (tokens.length < 2) return [];
    const previous = tokens[tokens.length - 1].text;
    if (previous === 'subnet') return this.names('subnet');
    if (previous === 'ip' || previous === 'public-ip') return [];
    return missingClauses(tokens, NAT_GATEWAY_CLAUSES);
  }

  /** `route-table NAME [main]` or `route-table NAME edge GATEWAY`, before the brace. */
  routeTable(tokens: Token[]): Suggestion[] {
    if (tokens.length < 2 || tokens.some((token) => token.kind === 'lbrace')) return [];
    // Only the internet gateway may have an edge table.
    if (tokens[tokens.length - 1].text === 'edge') return this.names('internet-gateway');
    const clauses = tokens.slice(2).filter((token) => (ROUTE_TABLE_CLAUSES as readonly string[]).includes(token.text));
    return clauses.length === 0 ? keywords(ROUTE_TABLE_CLAUSES) : [];
  }

  /** `route DEST -> TARGET` inside a route-table block. */
  route(tokens: Token[]): Suggestion[] {
    const [keyword, dest, arrow, target, ...rest] = tokens;
    if (keyword.text !== ROUTE_KEYWORD) return [];
    if (!dest) return this.destinations();
    if (!arrow) return [{ label: '->', kind: CompletionItemKind.Operator }];
    if (arrow.kind !== 'arrow') return [];
    if (!target) return routeTargets();
    const declares = ROUTE_TARGET_DECLARATIONS[target.text as (typeof ROUTE_TARGETS)[number]];
    return rest.length === 0 && declares ? this.names(declares) : [];
  }

  /** Every address, then the VPC's and the subnets' blocks (AWS's middlebox routes name a subnet's exactly). */
  destinations(): Suggestion[] {
    const blocks = this.analyzed.analysis.file.declarations.flatMap((decl): Suggestion[] =>
      decl.kind === 'vpc' || decl.kind === 'subnet'
        ? decl.cidrs.map((cidr) => ({ label: cidr.text, kind: CompletionItemKind.Value, detail: `${decl.kind} ${decl.name?.text ?? ''}` }))
        : []);
    return [...cidrs(), ...blocks];
  }

  flow(tokens: Token[]): Suggestion[] {
    const endpoints = [...this.names('instance'), { label: 'internet', kind: CompletionItemKind.Keyword, detail: 'every address outside the VPC' }];
    const arrow = tokens.findIndex((token) => token.kind === 'arrow');
    if (tokens.length === 2) return endpoints;
    if (arrow < 0) return tokens.length === 3 ? [{ label: '->', kind: CompletionItemKind.Operator }] : [];
    const afterArrow = tokens.slice(arrow + 1);
    if (afterArrow.length === 0) return endpoints;
    if (afterArrow.length === 1) return keywords(FLOW_PROTOCOLS, 'protocol');
    const protocol = afterArrow[1].text;
    const rest = afterArrow.slice(2);
    const previous = rest[rest.length - 1]?.text;
    if (previous === 'expect') return keywords(ACTIONS, 'the verdict the flow must have');
    if (previous === 'from-ports') return portRanges();
    const inArguments = !rest.some((token) => (FLOW_OPTIONS as readonly string[]).includes(token.text));
    const args = inArguments ? this.protocolArguments(protocol, rest) : { suggestions: [], required: false };
    if (args.required) return args.suggestions;
    const used = new Set(rest.map((token) => token.text));
    const options = FLOW_OPTIONS.filter((option) => !used.has(option) && !(option === 'from-ports' && isIcmpProtocol(protocol)));
    return [...args.suggestions, ...keywords(options)];
  }

  topLevel(tokens: Token[]): Suggestion[] {
    switch (tokens[0].text) {
      case 'subnet': return this.subnet(tokens);
      case 'nat-gateway': return this.natGateway(tokens);
      case 'route-table': return this.routeTable(tokens);
      case 'instance': return this.instance(tokens);
      case 'flow': return this.flow(tokens);
      case 'firewall': return this.firewall.firewall(tokens);
      default: return [];
    }
  }

  inBlock(tokens: Token[], block: BlockKind, line: number): Suggestion[] {
    if (block === 'route-table') return this.route(tokens);
    if (block === 'firewall-policy') return this.firewall.policy(tokens, line);
    if (block === 'stateless-rule-group') return this.firewall.statelessRule(tokens, line);
    if (block === 'stateful-rule-group') return this.firewall.statefulRule(tokens);
    const direction = tokens[0].text;
    if (!(DIRECTIONS as readonly string[]).includes(direction)) return [];
    if (block === 'security-group') return this.ruleTail(direction, tokens.slice(1), block);
    if (tokens.length === 1) return this.nextRuleNumber(direction, line);
    if (tokens.length === 2) return keywords(ACTIONS);
    return this.ruleTail(direction, tokens.slice(3), block);
  }
}


/** The keyword of the list that ends with the comma last in `tokens`: `groups a,b,` gives groups. */
function clauseOf(tokens: Token[]): string | undefined {
  let at = tokens.length - 1;
  // Back over each comma and the element before it.
  while (tokens[at]?.kind === 'comma') at -= 2;
  return tokens[at]?.text;
}

function groupsListed(tokens: Token[]): string[] {
  const start = tokens.findIndex((token) => token.text === 'groups');
  return tokens.slice(start + 1).filter((token) => token.kind === 'word').map((token) => token.text);
}

const COMPLETION_KINDS: Record<SymbolKind, CompletionItemKind> = {
  vpc: CompletionItemKind.Module,
  subnet: CompletionItemKind.Module,
  'prefix-list': CompletionItemKind.Variable,
  'security-group': CompletionItemKind.Class,
  'network-acl': CompletionItemKind.Struct,
  instance: CompletionItemKind.Reference,
  flow: CompletionItemKind.Event,
  'internet-gateway': CompletionItemKind.Interface,
  'egress-only-gateway': CompletionItemKind.Interface,
  'nat-gateway': CompletionItemKind.Constructor,
  'route-table': CompletionItemKind.Enum,
  firewall: CompletionItemKind.Interface,
  'firewall-policy': CompletionItemKind.Module,
  'stateless-rule-group': CompletionItemKind.Struct,
  'stateful-rule-group': CompletionItemKind.Class,
};

/** What a line of a block starts with. */
function blockStarts(block: BlockKind): Suggestion[] {
  switch (block) {
    case 'route-table': return keywords([ROUTE_KEYWORD], 'a route: DEST -> TARGET');
    case 'security-group':
    case 'network-acl':
      return keywords(DIRECTIONS, 'rule direction');
    default: return FirewallSuggester.blockStarts(block);
  }
}

/** The tokens before the cursor on its line and the partly typed word the completion replaces. */
function lineBeforeCursor(line: string, position: Position, block: BlockKind | undefined): { tokens: Token[]; replace: Range; text: string } | undefined {
  const text = line.slice(0, position.character);
  const onLine: Token[] = [];
  const comments: Comment[] = [];
  lexSourceLine(text, position.line, block === 'stateful-rule-group', onLine, comments);
  if (comments.length > 0) return undefined;
  const last = onLine[onLine.length - 1];
  if (last?.kind === 'invalid' && last.text.startsWith('"')) return undefined;
  // A lone `$` is the start of a Suricata variable being typed.
  const typing = last && last.range.end.character === position.character
    && (['word', 'number', 'portRange', 'ipv4', 'ipv6', 'variable'].includes(last.kind) || (last.kind === 'invalid' && last.text === '$'));
  const start = typing ? last.range.start.character : position.character;
  const replace = { start: { line: position.line, character: start }, end: position };
  return { tokens: typing ? onLine.slice(0, -1) : onLine, replace, text };
}

/**
 * The most items one answer carries. Where a large model offers more (every instance of an imported
 * network after a flow's name), the answer holds its keywords, and the names and values that match
 * what is typed, in the order the editor sorts them, up to this many in all, and says it is
 * incomplete: the editor asks again as the user types on.
 */
export const MAX_COMPLETION_ITEMS = 500;

/** Whether the characters of `typed` appear in `label` in order, ignoring case: the editor's filter, loosened. */
function mayMatch(typed: string, label: string): boolean {
  let at = 0;
  for (const char of label) if (at < typed.length && char === typed[at]) at++;
  return at === typed.length;
}

export function completionList(analyzed: AnalyzedDocument, position: Position): CompletionList {
  const items = completionItems(analyzed, position);
  if (items.length <= MAX_COMPLETION_ITEMS) return { isIncomplete: false, items };
  const replaced = (items[0].textEdit as TextEdit).range;
  const typed = lineText(analyzed.analysis.file, position.line).slice(replaced.start.character, position.character).toLowerCase();
  const matching = items.filter((item) => mayMatch(typed, item.label.toLowerCase()));
  // Keywords are few: they stay; the names and values are cut.
  const fixed = matching.filter((item) => item.kind === CompletionItemKind.Keyword);
  const names = matching.filter((item) => !fixed.includes(item));
  const order = (item: CompletionItem) => item.sortText ?? item.label;
  names.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  return { isIncomplete: true, items: [...fixed, ...names.slice(0, Math.max(0, MAX_COMPLETION_ITEMS - fixed.length))] };
}

export function completionItems(analyzed: AnalyzedDocument, position: Position): CompletionItem[] {
  const { file } = analyzed.analysis;
  const block = blockBefore(file, position.line);
  const before = lineBeforeCursor(lineText(file, position.line), position, block);
  if (!before) return [];
  const { tokens } = before;
  let { replace } = before;
  const suggester = new Suggester(analyzed);
  const first = tokens[0];
  const startsDeclaration = first !== undefined && (DECLARATION_KEYWORDS as readonly string[]).includes(first.text);
  const options = block === 'stateful-rule-group' && !startsDeclaration ? openOptions(before.text, tokens) : undefined;
  if (options) {
    const inOptions = suggester.firewall.options(options);
    if (!inOptions) return [];
    replace = { start: { line: position.line, character: inOptions.replaceFrom }, end: position };
    return inOptions.suggestions.map((suggestion) => ({ ...suggestion, textEdit: { range: replace, newText: suggestion.label } }));
  }
  let suggestions: Suggestion[];
  if (!first) suggestions = block ? blockStarts(block) : keywords(DECLARATION_KEYWORDS, 'declaration');
  else if (block && !startsDeclaration) suggestions = suggester.inBlock(tokens, block, position.line);
  else suggestions = suggester.topLevel(tokens);
  return suggestions.map((suggestion) => ({ ...suggestion, textEdit: { range: replace, newText: suggestion.label } }));
}
