// The outline: one symbol per declaration, the rules of a block as its children. Everything comes
// from the analysis: the syntax tree, the lines the parse kept, the flows' results.
import { DocumentSymbol, SymbolKind as LspSymbolKind } from 'vscode-languageserver';
import type { Declaration, NaclRule, SgRule, SourceFile } from '../syntax/ast';
import type { SymbolKind } from '../engine/model';
import type { Analysis } from '../engine/analyze';
import type { AnalyzedDocument } from './analysis-source';
import { toLspRange } from './convert';
import { flowResultOf, rangeText } from './lines';
import { NamedDeclaration, namedDeclarations } from './symbol-index';

export const LSP_SYMBOL_KINDS: Record<SymbolKind, LspSymbolKind> = {
  vpc: LspSymbolKind.Namespace,
  subnet: LspSymbolKind.Module,
  'prefix-list': LspSymbolKind.Array,
  'security-group': LspSymbolKind.Class,
  'network-acl': LspSymbolKind.Struct,
  instance: LspSymbolKind.Object,
  flow: LspSymbolKind.Event,
};

function detailOf(decl: Declaration, analysis: Analysis): string {
  switch (decl.kind) {
    case 'vpc': case 'prefix-list': return decl.cidrs.map((cidr) => cidr.text).join(' ');
    case 'subnet': return [...decl.cidrs.map((cidr) => cidr.text), ...(decl.acl ? [`acl ${decl.acl.text}`] : [])].join(' ');
    case 'security-group': case 'network-acl': return `${decl.rules.length} rule${decl.rules.length === 1 ? '' : 's'}`;
    case 'instance': return [...decl.ips, ...decl.ip6s].map((ip) => ip.text).join(' ');
    case 'flow': {
      const result = flowResultOf(analysis, decl);
      const expect = decl.expect ? `expect ${decl.expect.value}` : '';
      return result ? `${expect}, ${result.verdict}` : expect;
    }
  }
}

/**
 * Symbols of the nodes that successive parses of a document share (the lines that did not change):
 * a node never changes, so neither does its symbol, but for a flow's verdict in its detail.
 * Answers share these objects; nothing changes them after they are made.
 */
const ruleSymbols = new WeakMap<SgRule | NaclRule, DocumentSymbol>();
const declarationSymbols = new WeakMap<Declaration, DocumentSymbol>();

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

function declarationSymbol({ kind, name, decl }: NamedDeclaration, analysis: Analysis): DocumentSymbol {
  const isBlock = decl.kind === 'security-group' || decl.kind === 'network-acl';
  const detail = decl.kind === 'flow' || isBlock ? detailOf(decl, analysis) : undefined;
  const known = declarationSymbols.get(decl);
  if (known && !isBlock && (detail === undefined || known.detail === detail)) return known;
  const symbol: DocumentSymbol = {
    name: name.text,
    detail: detail ?? detailOf(decl, analysis),
    kind: LSP_SYMBOL_KINDS[kind],
    range: toLspRange(decl.range),
    selectionRange: toLspRange(name.range),
  };
  if (decl.kind === 'security-group' || decl.kind === 'network-acl') {
    const ruleKind = decl.kind === 'network-acl' ? LspSymbolKind.Field : LspSymbolKind.Property;
    symbol.children = decl.rules.map((rule) => ruleSymbol(rule, ruleKind, analysis.file));
    // An unclosed block's range is its header alone; its rules must still lie inside it.
    const last = decl.rules[decl.rules.length - 1];
    if (last && last.range.end.line > decl.range.end.line) symbol.range = toLspRange({ start: decl.range.start, end: last.range.end });
  } else {
    declarationSymbols.set(decl, symbol);
  }
  return symbol;
}

export function documentSymbols(analyzed: AnalyzedDocument): DocumentSymbol[] {
  const { analysis } = analyzed;
  return namedDeclarations(analysis.file).map((named) => declarationSymbol(named, analysis));
}
