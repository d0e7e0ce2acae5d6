// Checks of firewall policies: stateless rules that never decide or change nothing, stateless
// passes whose replies the stateless stage drops, stateful rules the stateless stage never lets
// through, and strict order without a default drop (paths.md, "Network Firewall").
import { Diagnostic, makeDiagnostic } from '../../diagnostics/diagnostic';
import type { Family } from '../../syntax/ast';
import { protocolName } from '../../syntax/ast';
import { formatAddress } from '../../syntax/cidr';
import { universe } from '../addresses';
import { IntervalSet, PortSet } from '../intervals';
import { ALL_KEYS } from '../keys';
import type { FirewallPolicy, Model, StatefulRuleModel, StatelessRuleModel } from '../model';
import { statefulRuleName, statelessRuleName } from '../explain-firewall';
import { everyPacket, PacketSpace, statefulSpace, statelessDecisions, statelessSpace } from './firewall-space';

const FAMILIES: Family[] = [4, 6];
/** The ports clients open connections from, when a rule does not say (as for network ACLs). */
const CLIENT_PORTS = IntervalSet.of(1024, 65535);
const PORT_PROTOCOLS: PortSet = IntervalSet.from<number>([[6, 6], [17, 17]]);
const ALL_PROTOCOLS: PortSet = IntervalSet.of<number>(0, 255);

export function firewallChecks(model: Model): Diagnostic[] {
  const out: Diagnostic[] = [];
  const policies = [...model.firewallPolicies.values()];
  out.push(...statelessRuleChecks(model, policies));
  for (const policy of policies) {
    out.push(...missingReturns(policy));
    out.push(...strictWithoutDefault(policy));
  }
  out.push(...unreachableStatefulRules(model, policies));
  return out;
}

/** Where a group's rules are judged: in each policy that lists it, else alone. */
function policiesOf(group: { name: string }, policies: FirewallPolicy[], kind: 'stateless' | 'stateful'): FirewallPolicy[] {
  return policies.filter((policy) => (kind === 'stateless' ? policy.stateless : policy.stateful).some((rule) => rule.group.name === group.name));
}

/** The rules of a policy before `rule`, and after it. */
function around(policy: FirewallPolicy, rule: StatelessRuleModel): { before: StatelessRuleModel[]; after: StatelessRuleModel[] } {
  const index = policy.stateless.indexOf(rule);
  return { before: policy.stateless.slice(0, index), after: policy.stateless.slice(index + 1) };
}

/** The packets a rule decides: those it matches that no earlier rule decided. */
function decidedBy(rule: StatelessRuleModel, before: StatelessRuleModel[], family: Family): PacketSpace {
  let rest = statelessSpace(rule, family);
  for (const earlier of before) {
    if (rest.isEmpty()) break;
    rest = rest.subtract(statelessSpace(earlier, family));
  }
  return rest;
}

/** Whether the decisions after `rule` give the same action to every packet it decides. */
function changesNothing(rule: StatelessRuleModel, decided: PacketSpace, after: StatelessRuleModel[], fallback: string, family: Family): boolean {
  let rest = decided;
  for (const later of after) {
    if (rest.isEmpty()) return true;
    const matched = rest.intersect(statelessSpace(later, family));
    if (matched.isEmpty()) continue;
    if (later.action !== rule.action) return false;
    rest = rest.subtract(matched);
  }
  return rest.isEmpty() || fallback === rule.action;
}

function statelessRuleChecks(model: Model, policies: FirewallPolicy[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const group of model.statelessGroups.values()) {
    const using = policiesOf(group, policies, 'stateless');
    // A group no policy lists is judged alone, as if it were a policy's only group.
    const contexts = using.length > 0 ? using : [{ name: '', stateless: group.rules, statelessDefault: 'drop' } as unknown as FirewallPolicy];
    for (const rule of group.rules) {
      const decides = contexts.map((policy) => {
        const { before, after } = around(policy, rule);
        const decided = FAMILIES.map((family) => decidedBy(rule, before, family));
        return { policy, before, decided, after };
      });
      if (decides.every(({ decided }) => decided.every((space) => space.isEmpty()))) {
        const covering = decides[0].before.filter((earlier) => FAMILIES.some((family) => !statelessSpace(rule, family).intersect(statelessSpace(earlier, family)).isEmpty()));
        out.push(makeDiagnostic('statelessShadowed', rule.decl.range,
          `${statelessRuleName(rule)} never decides a packet: ${covering.length > 0 ? covering.map(statelessRuleName).join(', ') : 'the rules before it'} ${covering.length === 1 ? 'decides' : 'decide'} all it matches`, {
            related: covering.slice(0, 5).map((earlier) => ({ range: earlier.decl.range, message: statelessRuleName(earlier) })),
          }));
        continue;
      }
      const redundant = using.length > 0 && decides.every(({ policy, decided, after }) =>
        FAMILIES.every((family, i) => changesNothing(rule, decided[i], after, policy.statelessDefault, family)));
      if (redundant) {
        const byDefault = using.some((policy) => policy.statelessDefault === rule.action);
        const byRules = decides.some(({ after }) => after.length > 0);
        const deciders = byRules && byDefault ? 'the rules after it or the stateless default' : byRules ? 'the rules after it' : 'the stateless default';
        out.push(makeDiagnostic('statelessRedundant', rule.decl.range,
          `${statelessRuleName(rule)} changes no decision: without it, ${deciders} ${byRules && !byDefault ? rule.action : `${rule.action}${byRules ? '' : 's'}`} the same packets`, { unnecessary: true }));
      }
    }
  }
  return out;
}

/**
 * A stateless pass of requests whose replies no stateless rule passes or forwards: the stateless
 * default drops them (the firewall's missing return rule). A rule that names source ports carries
 * replies itself, and a reply an explicit drop rule drops is dropped on purpose: neither is reported.
 */
function missingReturns(policy: FirewallPolicy): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const rule of policy.stateless) {
    if (rule.action !== 'pass' || rule.sourcePorts) continue;
    for (const family of FAMILIES) {
      const decided = decidedBy(rule, around(policy, rule).before, family);
      // TCP and UDP replies go back to the client's port, one of the usual client ports; ICMP and
      // other protocols have no port.
      const requests = PacketSpace.union([
        decided.intersect(PacketSpace.of([PORT_PROTOCOLS, universe(family), universe(family), CLIENT_PORTS, ALL_KEYS])),
        decided.intersect(PacketSpace.of([ALL_PROTOCOLS.subtract(PORT_PROTOCOLS), universe(family), universe(family), ALL_KEYS, ALL_KEYS])),
      ]);
      const replies = requests.reversed();
      if (replies.isEmpty()) continue;
      const dropped = statelessDecisions(policy, family, replies).find((part) => part.action === 'drop' && !part.rule);
      if (!dropped) continue;
      const sample = dropped.packets.sample()!;
      const ports = sample.protocol === 6 || sample.protocol === 17;
      const at = (address: bigint, port: number) => `${formatAddress(address, family)}${ports ? `:${port}` : ''}`;
      out.push(makeDiagnostic('firewallMissingReturn', rule.decl.range,
        `${statelessRuleName(rule)} passes requests whose replies the stateless stage drops (policy ${policy.name}): e.g. the ${protocolName(sample.protocol)} reply ${at(sample.src, sample.srcPort)} -> ${at(sample.dst, sample.dstPort)} matches no stateless rule and the stateless default drops it; add a rule that passes or forwards the replies`, {
          related: [{ range: policy.decl.range, message: `the stateless default of policy ${policy.name}` }],
        }));
      break;
    }
  }
  return out;
}

function strictWithoutDefault(policy: FirewallPolicy): Diagnostic[] {
  if (policy.order !== 'strict' || policy.dropDefault) return [];
  const statement = policy.decl.statements.find((candidate) => candidate.kind === 'stateful-order');
  return [makeDiagnostic('strictWithoutDefault', statement?.range ?? policy.decl.range,
    `policy ${policy.name} uses strict order without a stateful default drop action: every packet no stateful rule decides passes; add 'stateful-default drop-established' (or drop-strict) to drop what the rules do not pass`)];
}

/** A stateful rule that no packet reaches: the stateless stage passes or drops all its header matches. */
function unreachableStatefulRules(model: Model, policies: FirewallPolicy[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const group of model.statefulGroups.values()) {
    const using = policiesOf(group, policies, 'stateful');
    if (using.length === 0) continue;
    for (const rule of group.rules) {
      if (rule.undecidable) continue;
      const reached = using.some((policy) => FAMILIES.some((family) =>
        statelessDecisions(policy, family, statefulSpace(rule, family).intersect(everyPacket(family))).some((part) => part.action === 'forward')));
      if (reached) continue;
      const matchesNothing = FAMILIES.every((family) => statefulSpace(rule, family).isEmpty());
      const why = matchesNothing ? 'its header matches no packet (no address, no port, or ports on a protocol that has none)' : stagesAhead(using, rule);
      out.push(makeDiagnostic('statefulUnreachable', rule.decl.range, `${statefulRuleName(rule)} never sees a packet: ${why}`, { unnecessary: true }));
    }
  }
  return out;
}

function stagesAhead(policies: FirewallPolicy[], rule: StatefulRuleModel): string {
  const deciders = new Set<string>();
  const actions = new Set<string>();
  for (const policy of policies) {
    for (const family of FAMILIES) {
      for (const part of statelessDecisions(policy, family, statefulSpace(rule, family))) {
        actions.add(part.action);
        deciders.add(part.rule ? `${statelessRuleName(part.rule)} (${part.action})` : `the stateless default ${part.action} of policy ${policy.name}`);
      }
    }
  }
  const verb = actions.size === 2 ? 'passes or drops' : actions.has('pass') ? 'passes' : 'drops';
  return `the stateless stage ${verb} every packet its header matches, by ${[...deciders].slice(0, 4).join(', ')}`;
}
