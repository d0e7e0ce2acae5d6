import type { Range } from '../../syntax/ast';
import { Diagnostic, Fix, makeDiagnostic } from '../../diagnostics/diagnostic';
import type { Model, SymbolKind } from '../model';

/** Deletes a declaration's whole lines, its block included. */
function removeLines(range: Range, title: string): Fix {
  return { title, edits: [{ range: { start: { line: range.start.line, character: 0 }, end: { line: range.end.line + 1, character: 0 } }, newText: '' }] };
}

export function unusedChecks(model: Model): Diagnostic[] {
  // Names by kind, without building a key per reference: a large model has many references.
  const referenced = new Map<SymbolKind, Set<string>>();
  for (const ref of model.references) {
    let names = referenced.get(ref.kind);
    if (!names) referenced.set(ref.kind, (names = new Set()));
    names.add(ref.name);
  }
  const isReferenced = (kind: SymbolKind, name: string) => referenced.get(kind)?.has(name) === true;
  const out: Diagnostic[] = [];
  const report = (kind: string, name: string, nameRange: Range, declRange: Range, why: string, severity?: 'hint') => {
    out.push(makeDiagnostic('unused', nameRange, `${kind} '${name}' is never used: ${why}`, {
      unnecessary: true,
      severity,
      fixes: [removeLines(declRange, `Remove unused ${kind} '${name}'`)],
    }));
  };
  for (const group of model.groups.values()) {
    if (!isReferenced('security-group', group.name)) report('security group', group.name, group.decl!.name!.range, group.decl!.range, 'no instance is in it and no rule names it');
  }
  for (const acl of model.acls.values()) {
    if (!isReferenced('network-acl', acl.name)) report('network ACL', acl.name, acl.decl!.name!.range, acl.decl!.range, "no subnet names it with 'acl'");
  }
  for (const list of model.prefixLists.values()) {
    if (!isReferenced('prefix-list', list.name)) report('prefix list', list.name, list.decl.name!.range, list.decl.range, "no rule names it with 'pl'");
  }
  const occupied = new Set([...model.natGateways.values(), ...model.firewalls.values()].map((holder) => holder.subnet));
  for (const subnet of model.subnets.values()) {
    if (subnet.instances.length === 0 && !occupied.has(subnet)) report('subnet', subnet.name, subnet.decl.name!.range, subnet.decl.range, 'no instance, NAT gateway or firewall is in it', 'hint');
  }
  for (const policy of model.firewallPolicies.values()) {
    if (!isReferenced('firewall-policy', policy.name)) report('firewall policy', policy.name, policy.decl.name!.range, policy.decl.range, 'no firewall names it with \'policy\'');
  }
  for (const group of [...model.statelessGroups.values(), ...model.statefulGroups.values()]) {
    const kind = group.decl.kind;
    if (!isReferenced(kind, group.name)) report(kind === 'stateless-rule-group' ? 'stateless rule group' : 'stateful rule group', group.name, group.decl.name!.range, group.decl.range, 'no firewall policy lists it');
  }
  for (const firewall of model.firewalls.values()) {
    if (!isReferenced('firewall', firewall.name)) report('firewall', firewall.name, firewall.decl.name!.range, firewall.decl.range, 'no route sends packets to it');
  }
  for (const table of model.routeTables.values()) {
    if (!table.main && !table.edgeOf && !isReferenced('route-table', table.name)) {
      report('route table', table.name, table.decl!.name!.range, table.decl!.range, "no subnet names it with 'routes', and it is neither main nor an edge table");
    }
  }
  return out;
}
