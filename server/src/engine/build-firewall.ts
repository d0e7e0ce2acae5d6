// AWS Network Firewall in the model: endpoints, policies and rule groups with names resolved,
// Suricata headers turned into exact address and port sets, and what AWS refuses reported
// (paths.md, "Network Firewall").
import type {
  Declaration, FirewallDecl, FirewallPolicyDecl, Name, PolicyStatement, StatefulRule, StatefulRuleGroupDecl, StatelessRule,
  StatelessRuleGroupDecl, SuricataAddress, SuricataPort,
} from '../syntax/ast';
import { makeDiagnostic } from '../diagnostics/diagnostic';
import { AddrSet, addrsOfCidrs, cidrSet, universe } from './addresses';
import { IntervalSet, PortSet } from './intervals';
import { ALL_KEYS } from './keys';
import type { RoutingContext } from './build-routing';
import type {
  Firewall, FirewallPolicy, StatefulRuleGroup, StatefulRuleModel, StatelessRuleGroup,
} from './model';

/** Options that change no verdict (paths.md). */
const NEUTRAL_OPTIONS = new Set(['msg', 'sid', 'rev', 'priority', 'metadata', 'classtype']);
const FLOW_DIRECTIONS: Record<string, 'to_server' | 'to_client'> = {
  to_server: 'to_server', from_client: 'to_server', to_client: 'to_client', from_server: 'to_client',
};
const HEADER_PROTOCOLS: Record<string, number[] | undefined> = { ip: undefined, tcp: [6], udp: [17], icmp: [1, 58] };
/** The transport an application protocol runs on, for saying which flows a left-out rule could concern. */
const APPLICATION_TRANSPORTS: Record<string, number[]> = {
  dns: [6, 17], ntp: [17], dhcp: [17], snmp: [17], tftp: [17], ikev2: [17], krb5: [6, 17], nfs: [6, 17], sip: [6, 17],
};

/** Rule groups, policies and endpoints; subnets must be built. */
export function buildFirewalls(ctx: RoutingContext, decls: Declaration[]): void {
  const homeNet = homeNetOf(ctx);
  for (const decl of decls) {
    if (decl.kind === 'stateless-rule-group') buildStatelessGroup(ctx, decl);
    else if (decl.kind === 'stateful-rule-group') buildStatefulGroup(ctx, decl, homeNet);
  }
  for (const decl of decls) if (decl.kind === 'firewall-policy') buildPolicy(ctx, decl);
  for (const decl of decls) if (decl.kind === 'firewall') buildFirewall(ctx, decl);
}

/** `$HOME_NET`: the VPC's blocks (AWS's default), else the declared subnets' blocks. */
function homeNetOf(ctx: RoutingContext): AddrSet {
  if (ctx.model.vpc) return ctx.model.vpc.blocks;
  return addrsOfCidrs([...ctx.model.subnets.values()].flatMap((subnet) => [subnet.v4, subnet.v6].filter((cidr) => cidr !== undefined)));
}

function buildFirewall(ctx: RoutingContext, decl: FirewallDecl): void {
  if (!decl.name || ctx.isDuplicateIn('firewall', decl.name, ctx.model.firewalls)) return;
  const firewall: Firewall = { name: decl.name.text, decl };
  if (decl.subnet) firewall.subnet = ctx.resolve('subnet', decl.subnet, ctx.model.subnets);
  if (decl.policy) firewall.policy = ctx.resolve('firewall-policy', decl.policy, ctx.model.firewallPolicies);
  ctx.model.firewalls.set(firewall.name, firewall);
}

function buildStatelessGroup(ctx: RoutingContext, decl: StatelessRuleGroupDecl): void {
  if (!decl.name || ctx.isDuplicateIn('stateless-rule-group', decl.name, ctx.model.statelessGroups)) return;
  const group: StatelessRuleGroup = { name: decl.name.text, decl, rules: [] };
  const byPriority = new Map<number, StatelessRule>();
  for (const rule of decl.rules) {
    if (!rule.priority || !rule.action || !rule.sources || !rule.destinations || rule.protocols.length === 0) continue;
    const first = byPriority.get(rule.priority.value);
    if (first) {
      ctx.report(makeDiagnostic('firewallRule', rule.priority.range, `stateless rule group '${group.name}' already has a rule of priority ${rule.priority.value} on line ${first.range.start.line + 1}`, {
        related: [{ range: first.range, message: 'the first rule of that priority' }],
      }));
      continue;
    }
    byPriority.set(rule.priority.value, rule);
    const all = rule.protocols.some((protocol) => protocol.number === -1);
    group.rules.push({
      kind: 'stateless', decl: rule, group, priority: rule.priority.value, action: rule.action.value,
      protocols: all ? undefined : [...new Set(rule.protocols.map((protocol) => protocol.number))],
      sources: statelessAddresses(rule.sources), destinations: statelessAddresses(rule.destinations),
      sourcePorts: rule.sourcePorts && portsOf(rule.sourcePorts), destinationPorts: rule.destinationPorts && portsOf(rule.destinationPorts),
      text: ctx.textOf(rule),
    });
  }
  group.rules.sort((a, b) => a.priority - b.priority);
  ctx.model.statelessGroups.set(group.name, group);
}

function statelessAddresses(addresses: NonNullable<StatelessRule['sources']>): AddrSet {
  return addresses.kind === 'any' ? { v4: universe(4), v6: universe(6) } : addrsOfCidrs(addresses.cidrs);
}

function portsOf(ranges: { from: number; to: number }[]): PortSet {
  return IntervalSet.from(ranges.map((range) => [range.from, range.to] as const));
}

function buildStatefulGroup(ctx: RoutingContext, decl: StatefulRuleGroupDecl, homeNet: AddrSet): void {
  if (!decl.name || ctx.isDuplicateIn('stateful-rule-group', decl.name, ctx.model.statefulGroups)) return;
  const group: StatefulRuleGroup = { name: decl.name.text, decl, rules: [] };
  for (const rule of decl.rules) {
    const built = statefulRule(ctx, group, rule, homeNet);
    if (built) group.rules.push(built);
  }
  checkSids(ctx, group.rules, (first) => `group '${first.group.name}'`);
  ctx.model.statefulGroups.set(group.name, group);
}

function statefulRule(ctx: RoutingContext, group: StatefulRuleGroup, rule: StatefulRule, homeNet: AddrSet): StatefulRuleModel | undefined {
  if (!rule.action || !rule.protocol || !rule.source || !rule.sourcePort || !rule.direction || !rule.destination || !rule.destinationPort) return undefined;
  const reasons: string[] = [];
  const protocolName = rule.protocol.text.toLowerCase();
  const known = protocolName in HEADER_PROTOCOLS;
  if (!known) reasons.push(`the application protocol '${rule.protocol.text}'`);
  const sources = suricataAddresses(rule.source, homeNet, reasons);
  const destinations = suricataAddresses(rule.destination, homeNet, reasons);
  const model: StatefulRuleModel = {
    kind: 'stateful', decl: rule, group, action: rule.action.value,
    protocols: known ? HEADER_PROTOCOLS[protocolName] : (APPLICATION_TRANSPORTS[protocolName] ?? [6]),
    sources, sourcePorts: suricataPorts(rule.sourcePort), destinations, destinationPorts: suricataPorts(rule.destinationPort),
    hasPorts: rule.sourcePort.kind !== 'any' || rule.destinationPort.kind !== 'any' || rule.sourcePort.negated || rule.destinationPort.negated,
    bidirectional: rule.direction.value === '<>',
    text: ctx.textOf(rule),
  };
  const options: string[] = [];
  for (const option of rule.options) {
    const key = option.key.text.toLowerCase();
    const value = option.value?.text ?? '';
    if (key === 'sid') {
      const sid = /^\d+$/.test(value.trim()) ? Number(value.trim()) : undefined;
      if (sid === undefined) ctx.report(makeDiagnostic('firewallRule', option.range, `sid '${value}' is not a number: AWS needs a numeric sid`));
      else model.sid = sid;
    } else if (key === 'msg') {
      model.msg = value;
    } else if (key === 'flow') {
      readFlowOption(model, value, reasons);
    } else if (!NEUTRAL_OPTIONS.has(key)) {
      options.push(`'${option.key.text}'`);
    }
  }
  if (options.length > 0) reasons.push(`the option${options.length > 1 ? 's' : ''} ${options.join(', ')}`);
  if (model.sid === undefined && !rule.options.some((option) => option.key.text.toLowerCase() === 'sid')) {
    ctx.report(makeDiagnostic('firewallRule', rule.action.range, 'a stateful rule needs a sid option: AWS refuses a rule without one'));
  }
  if (reasons.length > 0) {
    model.undecidable = `it matches on ${reasons.join(' and ')}, which the model does not have`;
    ctx.report(makeDiagnostic('firewallRuleNotModelled', rule.range,
      `stateful rule ${model.sid !== undefined ? `sid ${model.sid} ` : ''}is left out of the evaluation: ${model.undecidable}; verdicts of flows its header matches assume it does not decide`));
  }
  return model;
}

function readFlowOption(rule: StatefulRuleModel, value: string, reasons: string[]): void {
  for (const word of value.split(',').map((part) => part.trim().toLowerCase()).filter((part) => part !== '')) {
    if (word in FLOW_DIRECTIONS) rule.flowDirection = FLOW_DIRECTIONS[word];
    else if (word === 'established' || word === 'not_established') rule.flowState = word;
    else reasons.push(`the flow keyword '${word}'`);
  }
}

/** A Suricata address as a set: a list is its positive items (or everything) minus its negated items. */
function suricataAddresses(address: SuricataAddress, homeNet: AddrSet, reasons: string[]): AddrSet {
  const plain = (): AddrSet => {
    switch (address.kind) {
      case 'any': return everywhere();
      case 'cidr': return address.cidr.family === 4 ? { v4: cidrSet(address.cidr), v6: IntervalSet.empty() } : { v4: IntervalSet.empty(), v6: cidrSet(address.cidr) };
      case 'variable':
        if (address.name === 'HOME_NET') return homeNet;
        if (address.name === 'EXTERNAL_NET') return complement(homeNet);
        reasons.push(`the rule variable '$${address.name}'`);
        return everywhere();
      case 'list': {
        const positive = address.items.filter((item) => !item.negated);
        const negative = address.items.filter((item) => item.negated);
        let set = positive.length === 0 ? everywhere() : positive.map((item) => suricataAddresses(item, homeNet, reasons)).reduce(union);
        for (const item of negative) set = subtract(set, complement(suricataAddresses(item, homeNet, reasons)));
        return set;
      }
    }
  };
  const set = plain();
  return address.negated ? complement(set) : set;
}

function suricataPorts(port: SuricataPort): PortSet {
  let set: PortSet;
  switch (port.kind) {
    case 'any': set = ALL_KEYS; break;
    case 'range': set = IntervalSet.of(port.from, port.to); break;
    case 'list': {
      const positive = port.items.filter((item) => !item.negated);
      const negative = port.items.filter((item) => item.negated);
      set = positive.length === 0 ? ALL_KEYS : positive.map(suricataPorts).reduce((a, b) => a.union(b));
      for (const item of negative) set = set.subtract(ALL_KEYS.subtract(suricataPorts(item)));
      break;
    }
  }
  return port.negated ? ALL_KEYS.subtract(set) : set;
}

function everywhere(): AddrSet {
  return { v4: universe(4), v6: universe(6) };
}

function complement(set: AddrSet): AddrSet {
  return { v4: universe(4).subtract(set.v4), v6: universe(6).subtract(set.v6) };
}

function union(a: AddrSet, b: AddrSet): AddrSet {
  return { v4: a.v4.union(b.v4), v6: a.v6.union(b.v6) };
}

function subtract(a: AddrSet, b: AddrSet): AddrSet {
  return { v4: a.v4.subtract(b.v4), v6: a.v6.subtract(b.v6) };
}

function buildPolicy(ctx: RoutingContext, decl: FirewallPolicyDecl): void {
  if (!decl.name || ctx.isDuplicateIn('firewall-policy', decl.name, ctx.model.firewallPolicies)) return;
  const policy: FirewallPolicy = { name: decl.name.text, decl, statelessDefault: 'forward', stateless: [], order: 'default', stateful: [], undecidable: [] };
  const of = <K extends PolicyStatement['kind']>(kind: K) => decl.statements.filter((statement): statement is PolicyStatement & { kind: K } => statement.kind === kind);
  const refuse = (range: PolicyStatement['range'], message: string) => ctx.report(makeDiagnostic('firewallPolicy', range, message));
  const single = <K extends PolicyStatement['kind']>(kind: K) => {
    const [first, ...rest] = of(kind);
    for (const extra of rest) refuse(extra.range, `firewall policy '${policy.name}' already says ${kind} on line ${first.range.start.line + 1}`);
    return first;
  };
  const statelessDefault = single('stateless-default');
  if (statelessDefault?.action) policy.statelessDefault = statelessDefault.action.value;
  else if (!statelessDefault) refuse(decl.name.range, `firewall policy '${policy.name}' needs a stateless-default (pass, drop or forward): AWS requires one; forward is assumed`);
  const order = single('stateful-order');
  if (order?.order) policy.order = order.order.value;
  const strict = policy.order === 'strict';

  const statelessGroups = orderedGroups(ctx, policy, of('stateless'), 'stateless-rule-group', ctx.model.statelessGroups, true);
  policy.stateless = statelessGroups.flatMap((group) => group.rules);
  const statefulStatements = of('stateful');
  if (!strict) for (const statement of statefulStatements) if (statement.priority) refuse(statement.priority.range, `a stateful group priority applies under stateful-order strict only: AWS refuses it under default order`);
  const statefulGroups = orderedGroups(ctx, policy, statefulStatements, 'stateful-rule-group', ctx.model.statefulGroups, strict);
  const rules = statefulGroups.flatMap((group) => group.rules);
  policy.stateful = rules.filter((rule) => !rule.undecidable);
  policy.undecidable = rules.filter((rule) => rule.undecidable);

  const defaults = of('stateful-default');
  for (const statement of defaults) {
    if (!strict) {
      refuse(statement.range, 'stateful-default applies under stateful-order strict only: AWS refuses it under default order');
      continue;
    }
    for (const action of statement.actions) {
      const slot = action.value.startsWith('drop') ? 'dropDefault' : 'alertDefault';
      if (policy[slot]) refuse(action.range, `at most one ${slot === 'dropDefault' ? 'drop' : 'alert'} default action: '${policy[slot]}' is already given`);
      else if (slot === 'dropDefault') policy.dropDefault = action.value as FirewallPolicy['dropDefault'];
      else policy.alertDefault = action.value as FirewallPolicy['alertDefault'];
    }
  }
  ctx.model.firewallPolicies.set(policy.name, policy);
}

/** A policy's groups of one kind, resolved, in priority order (listed order where priorities do not apply). */
function orderedGroups<G>(
  ctx: RoutingContext, policy: FirewallPolicy, statements: (PolicyStatement & { kind: 'stateless' | 'stateful' })[],
  kind: 'stateless-rule-group' | 'stateful-rule-group', table: Map<string, G>, prioritised: boolean,
): G[] {
  const seen = new Map<number, Name>();
  const listed: { group: G; priority: number; index: number }[] = [];
  const used = new Set<G>();
  statements.forEach((statement, index) => {
    if (!statement.group) return;
    const group = ctx.resolve(kind, statement.group, table);
    if (!group) return;
    if (used.has(group)) {
      ctx.report(makeDiagnostic('firewallPolicy', statement.group.range, `firewall policy '${policy.name}' already lists ${statement.group.text}`));
      return;
    }
    used.add(group);
    if (prioritised && !statement.priority) {
      ctx.report(makeDiagnostic('firewallPolicy', statement.range, kind === 'stateless-rule-group'
        ? `stateless group '${statement.group.text}' needs a priority: AWS runs stateless groups by priority`
        : `under stateful-order strict every stateful group needs a priority; '${statement.group.text}' has none`));
    }
    const priority = prioritised && statement.priority ? statement.priority.value : Number.MAX_SAFE_INTEGER;
    if (prioritised && statement.priority) {
      const first = seen.get(priority);
      if (first) {
        ctx.report(makeDiagnostic('firewallPolicy', statement.priority.range, `priority ${priority} is already given to group '${first.text}' in firewall policy '${policy.name}'`));
      } else {
        seen.set(priority, statement.group);
      }
    }
    listed.push({ group, priority, index });
  });
  return listed.sort((a, b) => a.priority - b.priority || a.index - b.index).map((entry) => entry.group);
}

/** AWS refuses a rule group whose stateful rules repeat a sid (sids of different groups do not collide). */
function checkSids(ctx: RoutingContext, rules: StatefulRuleModel[], where: (first: StatefulRuleModel) => string): void {
  const seen = new Map<number, StatefulRuleModel>();
  for (const rule of rules) {
    if (rule.sid === undefined) continue;
    const first = seen.get(rule.sid);
    if (!first) {
      seen.set(rule.sid, rule);
      continue;
    }
    ctx.report(makeDiagnostic('firewallRule', rule.decl.range, `sid ${rule.sid} is already used in ${where(first)} on line ${first.decl.range.start.line + 1}`, {
      related: [{ range: first.decl.range, message: `the first rule with sid ${rule.sid}` }],
    }));
  }
}
