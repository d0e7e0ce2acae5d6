// What lies under a position: the most specific thing a hover can speak about.
import type {
  Cidr, Declaration, FirewallPolicyDecl, FlowDecl, NaclRule, NetworkAclDecl, PolicyStatement, PortRange, Position, Range, Route,
  RouteTableDecl, SecurityGroupDecl, SgRule, SourceFile, StatefulRule, StatefulRuleGroupDecl, StatelessAddresses, StatelessRule,
  StatelessRuleGroupDecl, SuricataAddress,
} from '../syntax/ast';
import type { Reference } from '../engine/model';

export type Target =
  | { kind: 'cidr'; cidr: Cidr; declaration: Declaration }
  | { kind: 'ports'; ports: PortRange }
  | { kind: 'reference'; reference: Reference }
  | { kind: 'sg-rule'; rule: SgRule; group: SecurityGroupDecl }
  | { kind: 'nacl-rule'; rule: NaclRule; acl: NetworkAclDecl }
  | { kind: 'route'; route: Route; table: RouteTableDecl }
  | { kind: 'policy-statement'; statement: PolicyStatement; policy: FirewallPolicyDecl }
  | { kind: 'stateless-rule'; rule: StatelessRule; group: StatelessRuleGroupDecl }
  | { kind: 'stateful-rule'; rule: StatefulRule; group: StatefulRuleGroupDecl }
  | { kind: 'flow'; flow: FlowDecl }
  | { kind: 'declaration'; declaration: Declaration };

export function contains(range: Range, position: Position): boolean {
  const afterStart = position.line > range.start.line || (position.line === range.start.line && position.character >= range.start.character);
  const beforeEnd = position.line < range.end.line || (position.line === range.end.line && position.character <= range.end.character);
  return afterStart && beforeEnd;
}

function defined<T>(values: (T | undefined)[]): T[] {
  return values.filter((value): value is T => value !== undefined);
}

function statelessCidrs(addresses: StatelessAddresses | undefined): Cidr[] {
  return addresses?.kind === 'cidrs' ? addresses.cidrs : [];
}

function suricataCidrs(address: SuricataAddress | undefined): Cidr[] {
  if (address?.kind === 'cidr') return [address.cidr];
  return address?.kind === 'list' ? address.items.flatMap(suricataCidrs) : [];
}

function cidrsOf(declaration: Declaration): Cidr[] {
  switch (declaration.kind) {
    case 'vpc':
    case 'subnet':
    case 'prefix-list':
      return declaration.cidrs;
    case 'security-group':
      return defined(declaration.rules.map((rule) => (rule.peer?.kind === 'cidr' ? rule.peer.cidr : undefined)));
    case 'network-acl':
      return defined(declaration.rules.map((rule) => rule.cidr));
    case 'instance':
      return [...declaration.ips, ...declaration.ip6s, ...defined([declaration.publicIp])];
    case 'flow':
      return defined([declaration.src, declaration.dst].map((end) => (end?.kind === 'cidr' ? end.cidr : undefined)));
    case 'nat-gateway':
      return defined([declaration.ip, declaration.publicIp]);
    case 'route-table':
      return defined(declaration.routes.map((route) => route.dest));
    case 'stateless-rule-group':
      return declaration.rules.flatMap((rule) => [...statelessCidrs(rule.sources), ...statelessCidrs(rule.destinations)]);
    case 'stateful-rule-group':
      return declaration.rules.flatMap((rule) => [...suricataCidrs(rule.source), ...suricataCidrs(rule.destination)]);
    case 'internet-gateway':
    case 'egress-only-gateway':
    case 'firewall':
    case 'firewall-policy':
      return [];
  }
}

function portsOf(declaration: Declaration): PortRange[] {
  switch (declaration.kind) {
    case 'security-group':
    case 'network-acl':
      return defined(declaration.rules.map((rule: SgRule | NaclRule) => rule.ports));
    case 'instance':
      return defined([declaration.ephemeral]);
    case 'flow':
      return defined([declaration.ports, declaration.fromPorts]);
    case 'stateless-rule-group':
      return declaration.rules.flatMap((rule) => [...(rule.sourcePorts ?? []), ...(rule.destinationPorts ?? [])]);
    default:
      return [];
  }
}

function ruleTarget(declaration: Declaration, position: Position): Target | undefined {
  if (declaration.kind === 'security-group') {
    const rule = declaration.rules.find((r) => contains(r.range, position));
    return rule && { kind: 'sg-rule', rule, group: declaration };
  }
  if (declaration.kind === 'network-acl') {
    const rule = declaration.rules.find((r) => contains(r.range, position));
    return rule && { kind: 'nacl-rule', rule, acl: declaration };
  }
  if (declaration.kind === 'route-table') {
    const route = declaration.routes.find((r) => contains(r.range, position));
    return route && { kind: 'route', route, table: declaration };
  }
  if (declaration.kind === 'firewall-policy') {
    const statement = declaration.statements.find((s) => contains(s.range, position));
    return statement && { kind: 'policy-statement', statement, policy: declaration };
  }
  if (declaration.kind === 'stateless-rule-group') {
    const rule = declaration.rules.find((r) => contains(r.range, position));
    return rule && { kind: 'stateless-rule', rule, group: declaration };
  }
  if (declaration.kind === 'stateful-rule-group') {
    const rule = declaration.rules.find((r) => contains(r.range, position));
    return rule && { kind: 'stateful-rule', rule, group: declaration };
  }
  return undefined;
}

const startsAfter = (range: Range, position: Position) =>
  range.start.line > position.line || (range.start.line === position.line && range.start.character > position.character);

/**
 * The declaration whose range holds the position. Declarations come in document order and never
 * overlap, so the only candidate is the last one that starts at or before the position.
 */
function declarationAt(declarations: Declaration[], position: Position): Declaration | undefined {
  let low = 0;
  let high = declarations.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (startsAfter(declarations[middle].range, position)) high = middle;
    else low = middle + 1;
  }
  const candidate = declarations[low - 1];
  return candidate && contains(candidate.range, position) ? candidate : undefined;
}

const referencesByLine = new WeakMap<Reference[], Map<number, Reference[]>>();

/** The model's references that start on a line, in the model's order; the index is built once per model. */
function referencesOn(references: Reference[], line: number): Reference[] {
  let index = referencesByLine.get(references);
  if (!index) {
    index = new Map();
    for (const reference of references) {
      const onLine = index.get(reference.range.start.line);
      if (onLine) onLine.push(reference);
      else index.set(reference.range.start.line, [reference]);
    }
    referencesByLine.set(references, index);
  }
  return index.get(line) ?? [];
}

export function targetAt(file: SourceFile, references: Reference[], position: Position): Target | undefined {
  const declaration = declarationAt(file.declarations, position);
  if (!declaration) return undefined;
  const cidr = cidrsOf(declaration).find((c) => contains(c.range, position));
  if (cidr) return { kind: 'cidr', cidr, declaration };
  const ports = portsOf(declaration).find((p) => contains(p.range, position));
  if (ports) return { kind: 'ports', ports };
  // A reference is a name: it lies on one line.
  const reference = referencesOn(references, position.line).find((ref) => contains(ref.range, position));
  if (reference) return { kind: 'reference', reference };
  const rule = ruleTarget(declaration, position);
  if (rule) return rule;
  if (declaration.kind === 'flow') return { kind: 'flow', flow: declaration };
  return { kind: 'declaration', declaration };
}
