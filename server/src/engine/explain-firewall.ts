// Words for a firewall endpoint's two stages: which rule decided, and, packet by packet, which
// packets the stateless stage judged alone and which passed on the stateful stage's state.
import type { HopStep } from './evaluate';
import type { PacketOutcome, StatefulDecision, StatelessDecision } from './firewall';
import type { Hop } from './hops';
import type { FirewallPolicy, StatefulRuleModel, StatelessRuleModel } from './model';
import { LineLabel, lineLabel } from './line-map';

type FirewallHop = Hop & { kind: 'firewall' };

const lineOf = (rule: { decl: { range: { start: { line: number } } } }, label: LineLabel) => ` (${label(rule.decl.range.start.line)})`;

export function statelessRuleName(rule: StatelessRuleModel): string {
  return `stateless rule ${rule.priority} of group ${rule.group.name}`;
}

export function statefulRuleName(rule: StatefulRuleModel): string {
  const id = rule.sid !== undefined ? `sid ${rule.sid}` : `rule ${rule.group.rules.indexOf(rule) + 1}`;
  return `stateful ${id} of group ${rule.group.name}${rule.msg ? ` "${rule.msg}"` : ''}`;
}

function statelessText(decision: StatelessDecision, policy: FirewallPolicy, label: LineLabel): string {
  return decision.rule
    ? `${decision.action} by ${statelessRuleName(decision.rule)}${lineOf(decision.rule, label)}`
    : `${decision.action} by the stateless default of policy ${policy.name}${lineOf(policy, label)}`;
}

function statefulText(decision: StatefulDecision, policy: FirewallPolicy, label: LineLabel): string {
  switch (decision.how) {
    case 'rule': return `${decision.action} by ${statefulRuleName(decision.rule!)}${lineOf(decision.rule!, label)}`;
    case 'state': return 'passes on state: an earlier packet of the connection matched a pass rule';
    case 'no-match': return policy.order === 'strict' ? 'passes: no rule decides it and no stateful default drops it' : 'passes: no rule decides it (default order)';
    case 'default': return `drop by the stateful default ${policy.dropDefault} of policy ${policy.name}${lineOf(policy, label)}`;
  }
}

/** The deciding rule's name at a firewall stage; the policy's default when no rule decides. */
export function firewallRuleName(step: HopStep & { hop: FirewallHop }): string {
  const rule = step.rule && 'kind' in step.rule ? step.rule : undefined;
  if (rule?.kind === 'stateless') return statelessRuleName(rule);
  if (rule?.kind === 'stateful') return statefulRuleName(rule);
  const policy = step.hop.firewall.policy;
  if (!policy) return 'no policy';
  if (step.hop.stage === 'stateless') return `stateless default ${policy.statelessDefault}`;
  return step.action === 'deny' ? `stateful default ${policy.dropDefault}` : 'no rule decides';
}

/** The packets of the step's direction at the step's stage, in words: "SYN: forward by ...; data from the initiator: ..." */
export function describeFirewallStep(step: HopStep & { hop: FirewallHop }, label: LineLabel = lineLabel): string {
  const policy = step.hop.firewall.policy;
  const outcome = step.firewall;
  if (!policy || !outcome) return `${step.action} (firewall ${step.hop.firewall.name} has no policy)`;
  const mine = outcome.packets.filter((line) => line.packet.fromInitiator === (step.hop.phase === 'request'));
  if (mine.length === 0) return `${step.action} (no packet of this direction reaches it)`;
  if (step.hop.stage === 'stateless') {
    // The packets of one direction share their header: one decision for all, each packet judged alone.
    return `${step.action} (${mine.map((line) => line.packet.name).join(', ')}: ${statelessText(mine[0].stateless, policy, label)}, each packet judged alone)`;
  }
  const parts = mine.map((line) => `${line.packet.name}: ${stageNote(step.hop, line, policy, label).note}`);
  const assumed = outcome.assumed.length > 0
    ? `; assumes ${outcome.assumed.map((rule) => `${statefulRuleName(rule)}${lineOf(rule, label)}`).join(', ')} does not decide (not modelled)`
    : '';
  return `${step.action} (${parts.join('; ')}${assumed})`;
}

/** What one stage does with one packet: judged or not, and why. */
export function stageNote(hop: FirewallHop, line: PacketOutcome, policy: FirewallPolicy, label: LineLabel = lineLabel): { judged: boolean; action?: 'allow' | 'deny'; note: string } {
  if (hop.stage === 'stateless') {
    return { judged: true, action: line.stateless.action === 'drop' ? 'deny' : 'allow', note: `${statelessText(line.stateless, policy, label)} (judged alone)` };
  }
  if (!line.stateful) return { judged: false, note: line.stateless.action === 'pass' ? 'not seen: the stateless stage passed it' : 'not seen: the stateless stage dropped it' };
  if (line.stateful.how === 'state') return { judged: false, note: statefulText(line.stateful, policy, label) };
  return { judged: true, action: line.stateful.action === 'drop' ? 'deny' : 'allow', note: statefulText(line.stateful, policy, label) };
}

export interface FirewallPacketNote {
  packet: string;
  judged: boolean;
  action: 'allow' | 'deny' | null;
  note: string;
}

/** What a firewall stage does with each packet of its direction, for the JSON report. */
export function firewallPackets(step: HopStep & { hop: FirewallHop }): FirewallPacketNote[] {
  const policy = step.hop.firewall.policy;
  if (!policy || !step.firewall) return [];
  return step.firewall.packets
    .filter((line) => line.packet.fromInitiator === (step.hop.phase === 'request'))
    .map((line) => {
      const note = stageNote(step.hop, line, policy);
      return { packet: line.packet.name, judged: note.judged, action: note.action ?? null, note: note.note };
    });
}
