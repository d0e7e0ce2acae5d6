// The outline: one symbol per declaration, the rules and routes of a block as its children.
import { DocumentSymbol, SymbolKind as LspSymbolKind } from 'vscode-languageserver';
import type { Declaration, NaclRule, Range, Route, RouteTableDecl, SgRule } from '../syntax/ast';
import type { SymbolKind } from '../engine/model';
import type { Analysis } from '../engine/analyze';
import type { AnalyzedDocument } from './analysis-source';
import { toLspRange } from './convert';
import { namedDeclarations } from './symbol-index';
import { textLines } from '../syntax/lexer';

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
};

/** The text of a range on one line, with runs of spaces collapsed. */
export function textOf(text: string, range: Range): string {
  const line = textLines(text)[range.start.line] ?? '';
  const end = range.end.line === range.start.line ? range.end.character : line.length;
  return line.slice(range.start.character, end).replace(/\s+/g, ' ').trim();
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

function routeTableDetail(decl: RouteTableDecl): string {
  const role = decl.main ? ['main'] : decl.edge ? [`edge ${decl.edge.text}`] : [];
  return [...role, plural(decl.routes.length, 'route')].join(', ');
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
    case 'flow': {
      const result = analysis.flows.find((flow) => flow.flow.decl === decl);
      const expect = decl.expect ? `expect ${decl.expect.value}` : '';
      return result ? `${expect}, ${result.verdict}` : expect;
    }
  }
}

function ruleSymbol(rule: SgRule | NaclRule, kind: LspSymbolKind, text: string): DocumentSymbol {
  return {
    name: textOf(text, rule.range) || rule.direction,
    kind,
    range: toLspRange(rule.range),
    selectionRange: toLspRange(rule.range),
  };
}

/** A route by what it says, `0.0.0.0/0 -> igw main-igw`: every line of a route table starts with `route`. */
function routeSymbol(route: Route, text: string): DocumentSymbol {
  const written = textOf(text, route.range);
  return {
    name: written.replace(/^route\s+/, '') || written,
    kind: LspSymbolKind.EnumMember,
    range: toLspRange(route.range),
    selectionRange: toLspRange(route.dest?.range ?? route.range),
  };
}

/** The rules or routes of a block, as children of its symbol. */
function blockChildren(decl: Declaration, text: string): { children: DocumentSymbol[]; last?: Range } | undefined {
  switch (decl.kind) {
    case 'security-group':
    case 'network-acl': {
      const ruleKind = decl.kind === 'network-acl' ? LspSymbolKind.Field : LspSymbolKind.Property;
      return { children: decl.rules.map((rule) => ruleSymbol(rule, ruleKind, text)), last: decl.rules[decl.rules.length - 1]?.range };
    }
    case 'route-table':
      return { children: decl.routes.map((route) => routeSymbol(route, text)), last: decl.routes[decl.routes.length - 1]?.range };
    default:
      return undefined;
  }
}

export function documentSymbols(analyzed: AnalyzedDocument): DocumentSymbol[] {
  const { analysis } = analyzed;
  return namedDeclarations(analysis.file).map(({ kind, name, decl }) => {
    const symbol: DocumentSymbol = {
      name: name.text,
      detail: detailOf(decl, analysis),
      kind: LSP_SYMBOL_KINDS[kind],
      range: toLspRange(decl.range),
      selectionRange: toLspRange(name.range),
    };
    const block = blockChildren(decl, analysis.text);
    if (block) {
      symbol.children = block.children;
      // An unclosed block's range is its header alone; its rules must still lie inside it.
      if (block.last && block.last.end.line > decl.range.end.line) symbol.range = toLspRange({ start: decl.range.start, end: block.last.end });
    }
    return symbol;
  });
}
