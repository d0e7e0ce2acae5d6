// Hovers of AWS Network Firewall forms, from the syntax tree alone: what a firewall, a policy and
// a rule group declare and which declarations name them, and what a stateless or stateful rule
// says, with what the checks report on its line.
import type { Analysis } from '../engine/analyze';
import type {
  Declaration, FirewallDecl, FirewallPolicyDecl, Name, PolicyStatement, RouteTableDecl, SourceFile, StatefulRule,
  StatefulRuleGroupDecl, StatelessAddresses, StatelessRule, StatelessRuleGroupDecl, SuricataAddress, SuricataPort,
} from '../syntax/ast';
import { findings } from './hover-rule';
import { statefulRuleDetails, statelessRuleDetails } from './hover-firewall-rules';
import { rangeText } from './lines';
import { code, escapeMarkdown, lineLabel } from './markdown';

const nameOf = (name: Name | undefined) => escapeMarkdown(name?.text ?? '');

function policies(file: SourceFile): FirewallPolicyDecl[] {
  return file.declarations.filter((decl): decl is FirewallPolicyDecl => decl.kind === 'firewall-policy');
}

/** `- routes to it: private-rt (line 12)`: the route tables' routes to a firewall. */
function routesToFirewall(file: SourceFile, firewall: FirewallDecl): string[] {
  const tables = file.declarations.filter((decl): decl is RouteTableDecl => decl.kind === 'route-table');
  const lines = tables.flatMap((table) => table.routes
    .filter((route) => route.target?.kind === 'firewall' && route.target.name?.text === firewall.name?.text)
    .map((route) => `${nameOf(table.name)} (${lineLabel(route.range.start.line)})`));
  return [`- routes to it: ${lines.length > 0 ? lines.join(', ') : 'none'}`];
}

function firewallLines(file: SourceFile, firewall: FirewallDecl): string[] {
  return [
    ...(firewall.subnet ? [`- endpoint in subnet ${nameOf(firewall.subnet)}`] : []),
    ...(firewall.policy ? [`- policy: ${nameOf(firewall.policy)}`] : []),
    ...routesToFirewall(file, firewall),
  ];
}

function groupList(policy: FirewallPolicyDecl, kind: 'stateless' | 'stateful'): string[] {
  const groups = policy.statements.flatMap((statement) => statement.kind === kind && statement.group
    ? [`${nameOf(statement.group)}${statement.priority ? ` (priority ${statement.priority.value})` : ''}`] : []);
  return groups.length > 0 ? [`- ${kind} rule groups: ${groups.join(', ')}`] : [];
}

function policyLines(file: SourceFile, policy: FirewallPolicyDecl): string[] {
  const find = <K extends PolicyStatement['kind']>(kind: K) =>
    policy.statements.find((statement): statement is Extract<PolicyStatement, { kind: K }> => statement.kind === kind);
  const firewalls = file.declarations.filter((decl) => decl.kind === 'firewall' && decl.policy?.text === policy.name?.text);
  const statelessDefault = find('stateless-default')?.action?.value;
  const order = find('stateful-order')?.order?.value;
  const statefulDefault = find('stateful-default')?.actions.map((action) => action.value);
  return [
    `- firewalls: ${firewalls.map((decl) => nameOf(decl.name)).join(', ') || 'none'}`,
    ...(statelessDefault ? [`- stateless default: ${statelessDefault}`] : []),
    ...groupList(policy, 'stateless'),
    ...groupList(policy, 'stateful'),
    ...(order ? [`- stateful order: ${order}`] : []),
    ...(statefulDefault && statefulDefault.length > 0 ? [`- stateful default: ${statefulDefault.join(', ')}`] : []),
  ];
}

function ruleGroupLines(file: SourceFile, group: StatelessRuleGroupDecl | StatefulRuleGroupDecl): string[] {
  const kind = group.kind === 'stateless-rule-group' ? 'stateless' : 'stateful';
  const users = policies(file).flatMap((policy) => policy.statements.flatMap((statement) =>
    statement.kind === kind && statement.group?.text === group.name?.text
      ? [`${nameOf(policy.name)}${statement.priority ? ` (priority ${statement.priority.value})` : ''}`] : []));
  return [
    `- ${group.rules.length} rule${group.rules.length === 1 ? '' : 's'}`,
    `- in policies: ${users.join(', ') || 'none'}`,
  ];
}

/** What the hover of a firewall declaration lists below its line; nothing for other declarations. */
export function firewallDetails(file: SourceFile, decl: Declaration): string[] {
  switch (decl.kind) {
    case 'firewall': return firewallLines(file, decl);
    case 'firewall-policy': return policyLines(file, decl);
    case 'stateless-rule-group':
    case 'stateful-rule-group':
      return ruleGroupLines(file, decl);
    default: return [];
  }
}

function statelessAddresses(addresses: StatelessAddresses | undefined): string {
  if (!addresses) return '?';
  return addresses.kind === 'any' ? 'any address' : addresses.cidrs.map((cidr) => code(cidr.text)).join(', ');
}

function portList(ports: { from: number; to: number }[] | undefined): string {
  if (!ports) return '';
  return `, port ${ports.map((port) => (port.from === port.to ? `${port.from}` : `${port.from}-${port.to}`)).join(', ')}`;
}

export function statelessRuleHover(analysis: Analysis, rule: StatelessRule, group: StatelessRuleGroupDecl): string {
  const protocols = rule.protocols.map((protocol) => (protocol.number === -1 ? 'every protocol' : protocol.text)).join(', ');
  return [
    `**stateless rule group ${nameOf(group.name)}**, rule ${rule.priority?.value ?? '?'} (${lineLabel(rule.range.start.line)})`,
    '',
    code(rangeText(analysis.file, rule.range)),
    '',
    `${rule.action?.value ?? '?'}: ${protocols || '?'} from ${statelessAddresses(rule.sources)}${portList(rule.sourcePorts)} to ${statelessAddresses(rule.destinations)}${portList(rule.destinationPorts)}`,
    ...statelessRuleDetails(analysis, rule),
    ...findings(analysis, rule.range),
  ].join('\n');
}

function negated(text: string, isNegated: boolean): string {
  return isNegated ? `not ${text}` : text;
}

function suricataAddress(address: SuricataAddress | undefined): string {
  if (!address) return '?';
  switch (address.kind) {
    case 'any': return negated('any address', address.negated);
    case 'variable': return negated(code(`$${address.name}`), address.negated);
    case 'cidr': return negated(code(address.cidr.text), address.negated);
    case 'list': return negated(`[${address.items.map(suricataAddress).join(', ')}]`, address.negated);
  }
}

function suricataPort(port: SuricataPort | undefined): string {
  if (!port) return '?';
  switch (port.kind) {
    case 'any': return negated('any port', port.negated);
    case 'range': return negated(port.from === port.to ? `port ${port.from}` : `ports ${port.from}-${port.to}`, port.negated);
    case 'list': return negated(`[${port.items.map(suricataPort).join(', ')}]`, port.negated);
  }
}

export function statefulRuleHover(analysis: Analysis, rule: StatefulRule, group: StatefulRuleGroupDecl): string {
  const sid = rule.options.find((option) => option.key.text === 'sid')?.value?.text;
  const msg = rule.options.find((option) => option.key.text === 'msg')?.value?.text;
  const others = rule.options.filter((option) => option.key.text !== 'sid' && option.key.text !== 'msg');
  const ways = rule.direction?.value === '<>' ? ', either way' : '';
  return [
    `**stateful rule group ${nameOf(group.name)}**, ${sid !== undefined ? `sid ${escapeMarkdown(sid)}` : 'rule'} (${lineLabel(rule.range.start.line)})`,
    ...(msg !== undefined ? ['', escapeMarkdown(msg)] : []),
    '',
    `${rule.action?.value ?? '?'} ${escapeMarkdown(rule.protocol?.text ?? '?')} from ${suricataAddress(rule.source)}, ${suricataPort(rule.sourcePort)} to ${suricataAddress(rule.destination)}, ${suricataPort(rule.destinationPort)}${ways}`,
    ...(others.length > 0 ? ['', `options: ${others.map((option) => code(option.value ? `${option.key.text}:${option.value.text}` : option.key.text)).join(', ')}`] : []),
    ...statefulRuleDetails(analysis, rule),
    ...findings(analysis, rule.range),
  ].join('\n');
}
