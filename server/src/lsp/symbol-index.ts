// Where each named thing of a file is declared and used: the common ground of go to definition,
// find references, rename and the outlines.
import type { Declaration, Name, Position, Range, RouteTableDecl, SourceFile } from '../syntax/ast';
import { ROUTE_TARGET_DECLARATIONS } from '../syntax/parser';
import type { Analysis } from '../engine/analyze';
import type { SymbolKind } from '../engine/model';

export interface Occurrence {
  kind: SymbolKind;
  name: string;
  range: Range;
  isDeclaration: boolean;
}

export interface NamedDeclaration {
  kind: SymbolKind;
  name: Name;
  decl: Declaration;
}

export function namedDeclarations(file: SourceFile): NamedDeclaration[] {
  return file.declarations.flatMap((decl) => (decl.name ? [{ kind: decl.kind, name: decl.name, decl }] : []));
}

/**
 * The kind of gateway an `edge` clause names: the internet gateway unless the name is declared only
 * as an egress-only gateway (an error the engine reports, but the name still leads to its declaration).
 */
function edgeGatewayKind(file: SourceFile, name: Name): SymbolKind {
  const gateway = file.declarations.find((decl) => (decl.kind === 'internet-gateway' || decl.kind === 'egress-only-gateway') && decl.name?.text === name.text);
  return gateway?.kind ?? 'internet-gateway';
}

/** The names a route table uses: its edge gateway, and the gateways its routes send packets to. */
function routeTableUses(file: SourceFile, table: RouteTableDecl, use: (kind: SymbolKind, name: Name | undefined) => void): void {
  if (table.edge) use(edgeGatewayKind(file, table.edge), table.edge);
  for (const { target } of table.routes) {
    const kind = target && ROUTE_TARGET_DECLARATIONS[target.kind];
    if (kind && 'name' in target) use(kind, target.name);
  }
}

/**
 * Every use of a name, read from the syntax tree so that lines the model could not use (a flow
 * without `expect`, a rule with an unknown peer) still count, plus the model's own references.
 */
function uses(analysis: Analysis): Occurrence[] {
  const out: Occurrence[] = [];
  const use = (kind: SymbolKind, name: Name | undefined) => {
    if (name) out.push({ kind, name: name.text, range: name.range, isDeclaration: false });
  };
  for (const decl of analysis.file.declarations) {
    switch (decl.kind) {
      case 'subnet': use('network-acl', decl.acl); use('route-table', decl.routes); break;
      case 'nat-gateway': use('subnet', decl.subnet); break;
      case 'firewall': use('subnet', decl.subnet); use('firewall-policy', decl.policy); break;
      case 'firewall-policy':
        for (const statement of decl.statements) {
          if (statement.kind === 'stateless') use('stateless-rule-group', statement.group);
          if (statement.kind === 'stateful') use('stateful-rule-group', statement.group);
        }
        break;
      case 'route-table': routeTableUses(analysis.file, decl, use); break;
      case 'instance': use('subnet', decl.subnet); decl.groups.forEach((group) => use('security-group', group)); break;
      case 'security-group':
        for (const rule of decl.rules) {
          if (rule.peer?.kind === 'sg') use('security-group', rule.peer.name);
          if (rule.peer?.kind === 'pl') use('prefix-list', rule.peer.name);
        }
        break;
      case 'flow':
        for (const end of [decl.src, decl.dst]) if (end?.kind === 'instance') use('instance', end.name);
        break;
      default: break;
    }
  }
  for (const ref of analysis.model.references) out.push({ ...ref, isDeclaration: false });
  return out;
}

function key(occurrence: Occurrence): string {
  return `${occurrence.kind}:${occurrence.range.start.line}:${occurrence.range.start.character}`;
}

// An analysis never changes: its occurrences are listed once, whatever the number of requests.
const occurrencesOfAnalysis = new WeakMap<Analysis, Occurrence[]>();
const usesOfAnalysis = new WeakMap<Analysis, Occurrence[]>();

/** Declarations and uses of every name, each once, in document order. */
export function occurrences(analysis: Analysis): Occurrence[] {
  let found = occurrencesOfAnalysis.get(analysis);
  if (!found) {
    const declared: Occurrence[] = namedDeclarations(analysis.file).map(({ kind, name }) => ({ kind, name: name.text, range: name.range, isDeclaration: true }));
    const unique = new Map<string, Occurrence>();
    for (const occurrence of [...declared, ...uses(analysis)]) if (!unique.has(key(occurrence))) unique.set(key(occurrence), occurrence);
    found = [...unique.values()].sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
    occurrencesOfAnalysis.set(analysis, found);
  }
  return found;
}

/** The uses of names (not their declarations), in document order. */
export function usesOf(analysis: Analysis): Occurrence[] {
  let found = usesOfAnalysis.get(analysis);
  if (!found) usesOfAnalysis.set(analysis, (found = occurrences(analysis).filter((occurrence) => !occurrence.isDeclaration)));
  return found;
}

export function contains(range: Range, position: Position): boolean {
  const after = (a: Position, b: Position) => a.line > b.line || (a.line === b.line && a.character >= b.character);
  return after(position, range.start) && after(range.end, position);
}

/** The name under the cursor (the cursor may also sit just after it). */
export function occurrenceAt(analysis: Analysis, position: Position): Occurrence | undefined {
  return occurrences(analysis).find((occurrence) => contains(occurrence.range, position));
}

/** Every declaration and use of one symbol. */
export function occurrencesOf(analysis: Analysis, symbol: { kind: SymbolKind; name: string }): Occurrence[] {
  return occurrences(analysis).filter((occurrence) => occurrence.kind === symbol.kind && occurrence.name === symbol.name);
}
