// The outline: one symbol per declaration, the rules of a block as its children. Everything comes
// from the analysis: the syntax tree, the lines the parse kept, the flows' results.
import { DocumentSymbol, SymbolKind as LspSymbolKind } from 'vscode-languageserver';
import type { Declaration, Name, NaclRule, SgRule, SourceFile } from '../syntax/ast';
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

/** A declaration's symbol, and for a flow the verdict its detail shows. */
interface KeptSymbol {
  symbol: DocumentSymbol;
  verdict?: string;
}

/**
 * Symbols of the nodes that successive parses of a document share (the lines that did not change):
 * a node never changes, so neither does its symbol, but for a flow's verdict in its detail. Block
 * headers are parsed anew every time; their rules are shared. Answers share these objects; nothing
 * changes them after they are made.
 */
const ruleSymbols = new WeakMap<SgRule | NaclRule, DocumentSymbol>();
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

function declarationSymbol(decl: Declaration, name: Name, analysis: Analysis): DocumentSymbol {
  const isBlock = decl.kind === 'security-group' || decl.kind === 'network-acl';
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
  if (decl.kind === 'security-group' || decl.kind === 'network-acl') {
    const ruleKind = decl.kind === 'network-acl' ? LspSymbolKind.Field : LspSymbolKind.Property;
    symbol.children = decl.rules.map((rule) => ruleSymbol(rule, ruleKind, analysis.file));
    // An unclosed block's range is its header alone; its rules must still lie inside it.
    const last = decl.rules[decl.rules.length - 1];
    if (last && last.range.end.line > decl.range.end.line) symbol.range = toLspRange({ start: decl.range.start, end: last.range.end });
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
