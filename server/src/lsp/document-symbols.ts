// The outline: one symbol per declaration, the rules and routes of a block as its children.
// Everything comes from the analysis: the syntax tree, the lines the parse kept, the flows' results.
import { DocumentSymbol, SymbolKind as LspSymbolKind } from 'vscode-languageserver';
import type {
  Declaration, FirewallPolicyDecl, Name, NaclRule, PolicyStatement, Route, RouteTableDecl, SgRule, SourceFile, StatefulRule,
  StatelessRule,
} from '../syntax/ast';
import { BLOCK_KEYWORDS } from '../syntax/parser';
import type { SymbolKind } from '../engine/model';
import type { Analysis } from '../engine/analyze';
import type { AnalyzedDocument } from './analysis-source';
import { toLspRange } from './convert';
import { flowResultOf, rangeText } from './lines';

export const LSP_SYMBOL_KINDS: Record<SymbolKind, LspSymbolKind> = {
  vpc: LspSymbolKind.Namespace,
  subnet: LspSymbolKind.Module,
  'prefix-list': LspSymbolKind.Array,
  'security-group': LspSymbolKind.Class,
  'network-acl': LspSymbolKind.Struct,
  instance: LspSymbolKind.Object,
  flow: LspSymbolKind.Event,
  'internet-gateway': LspSymbolKind.Interface,
  'egress-only-gateway': LspSymbolKind.Interface,
  'nat-gateway': LspSymbolKind.Constructor,
  'route-table': LspSymbolKind.Enum,
  firewall: LspSymbolKind.Interface,
  'firewall-policy': LspSymbolKind.Package,
  'stateless-rule-group': LspSymbolKind.Struct,
  'stateful-rule-group': LspSymbolKind.Class,
};

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

function routeTableDetail(decl: RouteTableDecl): string {
  const role = decl.main ? ['main'] : decl.edge ? [`edge ${decl.edge.text}`] : [];
  return [...role, plural(decl.routes.length, 'route')].join(', ');
}

function policyDetail(decl: FirewallPolicyDecl): string {
  const count = (kind: PolicyStatement['kind']) => decl.statements.filter((statement) => statement.kind === kind).length;
  const order = decl.statements.find((statement) => statement.kind === 'stateful-order')?.order;
  return [plural(count('stateless'), 'stateless group'), plural(count('stateful'), 'stateful group'), ...(order ? [`${order.value} order`] : [])].join(', ');
}

function detailOf(decl: Declaration, analysis: Analysis): string {
  switch (decl.kind) {
    case 'vpc': case 'prefix-list': return decl.cidrs.map((cidr) => cidr.text).join(' ');
    case 'subnet': {
      const clauses = [...(decl.acl ? [`acl ${decl.acl.text}`] : []), ...(decl.routes ? [`routes ${decl.routes.text}`] : [])];
      return [...decl.cidrs.map((cidr) => cidr.text), ...clauses].join(' ');
    }
    case 'security-group': case 'network-acl': return plural(decl.rules.length, 'rule');
    case 'instance': {
      const addresses = [...decl.ips, ...decl.ip6s].map((ip) => ip.text).join(', ');
      return decl.publicIp ? `${addresses}, public ${decl.publicIp.text}` : addresses;
    }
    case 'internet-gateway': return 'internet gateway';
    case 'egress-only-gateway': return 'egress-only gateway';
    case 'nat-gateway': {
      const parts = [decl.subnet && `subnet ${decl.subnet.text}`, decl.ip && `ip ${decl.ip.text}`, decl.publicIp && `public-ip ${decl.publicIp.text}`];
      return parts.filter((part) => part !== undefined).join(' ');
    }
    case 'route-table': return routeTableDetail(decl);
    case 'firewall': return [decl.subnet && `subnet ${decl.subnet.text}`, decl.policy && `policy ${decl.policy.text}`].filter((part) => part !== undefined).join(' ');
    case 'firewall-policy': return policyDetail(decl);
    case 'stateless-rule-group': case 'stateful-rule-group': return plural(decl.rules.length, 'rule');
    case 'flow': {
      const result = flowResultOf(analysis, decl);
      const expect = decl.expect ? `expect ${decl.expect.value}` : '';
      return result ? `${expect}, ${result.verdict}` : expect;
    }
  }
}

/** A declaration's symbol, and for a flow the verdict its detail shows. */
interface KeptSymbol {
  symbol: DocumentSymbol;
  verdict?: string;
}

/**
 * Symbols of the nodes that successive parses of a document share (the lines that did not change):
 * a node never changes, so neither does its symbol, but for a flow's verdict in its detail. Block
 * headers are parsed anew every time; their rules and routes are shared. Answers share these
 * objects; nothing changes them after they are made.
 */
const ruleSymbols = new WeakMap<SgRule | NaclRule, DocumentSymbol>();
const routeSymbols = new WeakMap<Route, DocumentSymbol>();
const declarationSymbols = new WeakMap<Declaration, KeptSymbol>();

function ruleSymbol(rule: SgRule | NaclRule, kind: LspSymbolKind, file: SourceFile): DocumentSymbol {
  let symbol = ruleSymbols.get(rule);
  if (symbol?.kind !== kind) {
    symbol = {
      name: rangeText(file, rule.range) || rule.direction,
      kind,
      range: toLspRange(rule.range),
      selectionRange: toLspRange(rule.range),
    };
    ruleSymbols.set(rule, symbol);
  }
  return symbol;
}

/** A route by what it says, `0.0.0.0/0 -> igw main-igw`: every line of a route table starts with `route`. */
function routeSymbol(route: Route, file: SourceFile): DocumentSymbol {
  let symbol = routeSymbols.get(route);
  if (!symbol) {
    const written = rangeText(file, route.range);
    symbol = {
      name: written.replace(/^route\s+/, '') || written,
      kind: LspSymbolKind.EnumMember,
      range: toLspRange(route.range),
      selectionRange: toLspRange(route.dest?.range ?? route.range),
    };
    routeSymbols.set(route, symbol);
  }
  return symbol;
}

const firewallSymbols = new WeakMap<PolicyStatement | StatelessRule | StatefulRule, DocumentSymbol>();

/** A symbol kept for its node, made once. */
function keptSymbol<T extends PolicyStatement | StatelessRule | StatefulRule>(node: T, make: (node: T) => DocumentSymbol): DocumentSymbol {
  let symbol = firewallSymbols.get(node);
  if (!symbol) firewallSymbols.set(node, (symbol = make(node)));
  return symbol;
}

/** A policy statement as written: `stateless strict-in priority 10`. */
function statementSymbol(statement: PolicyStatement, file: SourceFile): DocumentSymbol {
  return keptSymbol(statement, () => ({
    name: rangeText(file, statement.range) || statement.kind,
    kind: LspSymbolKind.Key,
    range: toLspRange(statement.range),
    selectionRange: toLspRange(statement.range),
  }));
}

/** `rule 10 pass tcp,udp`, the addresses and ports as its detail. */
function statelessRuleSymbol(rule: StatelessRule, file: SourceFile): DocumentSymbol {
  return keptSymbol(rule, () => {
    const head = ['rule', rule.priority?.value, rule.action?.value, rule.protocols.map((protocol) => protocol.text).join(',')];
    const from = rule.sources && { start: rule.sources.range.start, end: rule.range.end };
    const symbol: DocumentSymbol = {
      name: head.filter((part) => part !== undefined && part !== '').join(' '),
      kind: LspSymbolKind.Field,
      range: toLspRange(rule.range),
      selectionRange: toLspRange(rule.priority?.range ?? rule.range),
    };
    const detail = from && rangeText(file, from);
    if (detail) symbol.detail = `from ${detail}`;
    return symbol;
  });
}

/** `sid 10 pass tcp` (a rule without a sid: `pass tcp`), its `msg` as its detail. */
function statefulRuleSymbol(rule: StatefulRule): DocumentSymbol {
  return keptSymbol(rule, () => {
    const sid = rule.options.find((option) => option.key.text === 'sid');
    const msg = rule.options.find((option) => option.key.text === 'msg')?.value?.text;
    const head = [sid?.value && `sid ${sid.value.text}`, rule.action?.value, rule.protocol?.text];
    const symbol: DocumentSymbol = {
      name: head.filter((part) => part !== undefined && part !== '').join(' '),
      kind: LspSymbolKind.Property,
      range: toLspRange(rule.range),
      selectionRange: toLspRange(sid?.range ?? rule.action?.range ?? rule.range),
    };
    if (msg) symbol.detail = msg;
    return symbol;
  });
}

/** The rules or routes of a block, as children of its symbol, and the range of the last one. */
function blockChildren(decl: Declaration, file: SourceFile): { children: DocumentSymbol[]; last?: Route['range'] } | undefined {
  switch (decl.kind) {
    case 'security-group':
    case 'network-acl': {
      const ruleKind = decl.kind === 'network-acl' ? LspSymbolKind.Field : LspSymbolKind.Property;
      return { children: decl.rules.map((rule) => ruleSymbol(rule, ruleKind, file)), last: decl.rules[decl.rules.length - 1]?.range };
    }
    case 'route-table':
      return { children: decl.routes.map((route) => routeSymbol(route, file)), last: decl.routes[decl.routes.length - 1]?.range };
    case 'firewall-policy':
      return { children: decl.statements.map((statement) => statementSymbol(statement, file)), last: decl.statements[decl.statements.length - 1]?.range };
    case 'stateless-rule-group':
      return { children: decl.rules.map((rule) => statelessRuleSymbol(rule, file)), last: decl.rules[decl.rules.length - 1]?.range };
    case 'stateful-rule-group':
      return { children: decl.rules.map((rule) => statefulRuleSymbol(rule)), last: decl.rules[decl.rules.length - 1]?.range };
    default:
      return undefined;
  }
}

function declarationSymbol(decl: Declaration, name: Name, analysis: Analysis): DocumentSymbol {
  const isBlock = (BLOCK_KEYWORDS as readonly string[]).includes(decl.kind);
  const verdict = decl.kind === 'flow' ? flowResultOf(analysis, decl)?.verdict : undefined;
  const kept = isBlock ? undefined : declarationSymbols.get(decl);
  if (kept && kept.verdict === verdict) return kept.symbol;
  const symbol: DocumentSymbol = {
    name: name.text,
    detail: detailOf(decl, analysis),
    kind: LSP_SYMBOL_KINDS[decl.kind],
    range: toLspRange(decl.range),
    selectionRange: toLspRange(name.range),
  };
  const block = blockChildren(decl, analysis.file);
  if (block) {
    symbol.children = block.children;
    // An unclosed block's range is its header alone; its rules must still lie inside it.
    if (block.last && block.last.end.line > decl.range.end.line) symbol.range = toLspRange({ start: decl.range.start, end: block.last.end });
  } else {
    declarationSymbols.set(decl, { symbol, verdict });
  }
  return symbol;
}

/** One symbol per named declaration, in document order (the declarations of namedDeclarations). */
export function documentSymbols(analyzed: AnalyzedDocument): DocumentSymbol[] {
  const { analysis } = analyzed;
  const symbols: DocumentSymbol[] = [];
  for (const decl of analysis.file.declarations) if (decl.name) symbols.push(declarationSymbol(decl, decl.name, analysis));
  return symbols;
}
