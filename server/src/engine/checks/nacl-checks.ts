import type { Direction, Range } from '../../syntax/ast';
import { Diagnostic, makeDiagnostic, RelatedInfo } from '../../diagnostics/diagnostic';
import { ofFamily } from '../addresses';
import type { Model, NaclRuleModel, NetworkAcl } from '../model';
import { ClientContext, clientContext } from './client-ports';
import { AddedRules } from './added-rules';
import { NatLeg, natLegs, natTrafficGaps, reportNatGap } from './nat-traffic';
import { missingReturns, reportMissingReturn } from './return-rules';
import { aclRuleNumbers, declaredRules, MAX_RULE_NUMBER, RuleNumbers } from './rule-numbers';
import { matchingSets } from './rule-space';

export { serviceRuleClientPorts } from './return-rules';

const NACL_RULES_PER_DIRECTION = 20;

function ruleRange(rule: NaclRuleModel): Range {
  return rule.decl!.range;
}

function describe(rule: NaclRuleModel | undefined): string {
  return rule ? `rule ${rule.number} (${rule.action})` : 'the implicit * deny';
}

function related(rule: NaclRuleModel, message: string): RelatedInfo {
  return { range: ruleRange(rule), message };
}

function checkDuplicateNumbers(rules: NaclRuleModel[], acl: NetworkAcl, direction: Direction, numbers: RuleNumbers, out: Diagnostic[]): void {
  for (let i = 1; i < rules.length; i++) {
    const rule = rules[i];
    const first = rules.findIndex((other) => other.number === rule.number);
    if (first === i) continue;
    const next = rules.find((other) => other.number > rule.number)?.number ?? MAX_RULE_NUMBER + 1;
    // Keep the rule in its place when a number is free before the next one; else any free number.
    const free = numbers.takeBetween(rule.number, next) ?? numbers.takeBetween(0, MAX_RULE_NUMBER + 1);
    out.push(makeDiagnostic('duplicateRuleNumber', rule.decl!.number!.range,
      `${direction} rule number ${rule.number} is used twice in network ACL '${acl.name}'; AWS requires unique numbers per direction`, {
        related: [related(rules[first], `the other ${direction} rule ${rule.number}`)],
        fixes: free === undefined ? [] : [{ title: `Renumber to ${free}`, edits: [{ range: rule.decl!.number!.range, newText: String(free) }] }],
      }));
  }
}

/** Whether `outer` matches every packet `inner` matches. */
function encloses(outer: NaclRuleModel, inner: NaclRuleModel): boolean {
  return (outer.protocol === -1 || outer.protocol === inner.protocol) && outer.family === inner.family &&
    inner.keys.within(outer.keys) && ofFamily(inner.cidr, inner.family).within(ofFamily(outer.cidr, inner.family));
}

/**
 * How a redundant rule is reported. A rule that only restates, for part of its packets, what a
 * broader rule after it decides anyway is a normal way to write intent: a service rule inside a
 * return rule (`100 allow tcp 8080` before `120 allow tcp 1024-65535`), an explicit deny before
 * the `*` deny (which guards against allow rules added later). Those are hints. A redundant allow
 * rule that no single later allow rule encloses is decided by several narrower rules after it:
 * it states a policy that the ACL does not have, and stays a warning.
 */
function redundancyFinding(rules: NaclRuleModel[], i: number): { severity: 'warning' | 'hint'; why?: string } {
  const rule = rules[i];
  const enclosing = rules.slice(i + 1).find((later) => later.action === rule.action && encloses(later, rule));
  if (enclosing) return { severity: 'hint', why: `it lies inside rule ${enclosing.number}, so it only states intent` };
  if (rule.action === 'deny') return { severity: 'hint', why: 'an explicit deny only states intent, and guards against allow rules added after it' };
  return { severity: 'warning' };
}

function reportRedundant(rules: NaclRuleModel[], i: number, fallbacks: Set<number | undefined>, label: string, out: Diagnostic[]): void {
  const rule = rules[i];
  const after = [...fallbacks].sort((a, b) => (a ?? Infinity) - (b ?? Infinity)).map((j) => (j === undefined ? undefined : rules[j]));
  const { severity, why } = redundancyFinding(rules, i);
  out.push(makeDiagnostic('naclRedundant', ruleRange(rule),
    `${label} is redundant: without it, the packets it decides are still ${rule.action === 'allow' ? 'allowed' : 'denied'} by ${after.map(describe).join(', ')}${why ? `; ${why}` : ''}`, {
      related: after.flatMap((r) => (r ? [related(r, `rule ${r.number} decides the same`)] : [])),
      severity,
      unnecessary: severity === 'hint',
    }));
}

/** Shadowed: never first to match. Redundant: first somewhere, but the rules after it decide the same. */
function checkShadowedAndRedundant(rules: NaclRuleModel[], acl: NetworkAcl, direction: Direction, out: Diagnostic[]): void {
  const decides = rules.map(() => false);
  const changesSomething = rules.map(() => false);
  const shadowers = rules.map(() => new Set<number>());
  const fallbacks = rules.map(() => new Set<number | undefined>());
  for (const matching of matchingSets(rules.map((rule) => ({ protocol: rule.protocol, keys: rule.keys, addrs: rule.cidr })))) {
    const [first, second] = matching;
    decides[first] = true;
    const fallbackAction = second === undefined ? 'deny' : rules[second].action;
    if (fallbackAction !== rules[first].action) changesSomething[first] = true;
    fallbacks[first].add(second);
    for (const other of matching.slice(1)) shadowers[other].add(first);
  }
  rules.forEach((rule, i) => {
    const label = `${direction} rule ${rule.number} of network ACL '${acl.name}'`;
    if (!decides[i]) {
      const by = [...shadowers[i]].map((j) => rules[j]);
      out.push(makeDiagnostic('naclShadowed', ruleRange(rule),
        `${label} never decides a packet: ${by.map((r) => `rule ${r.number}`).join(', ')} ${by.length > 1 ? 'decide' : 'decides'} everything it matches first`, {
          related: by.map((r) => related(r, `rule ${r.number} (${r.action}) decides first`)),
        }));
    } else if (!changesSomething[i]) {
      reportRedundant(rules, i, fallbacks[i], label, out);
    }
  });
}

function checkQuota(rules: NaclRuleModel[], acl: NetworkAcl, direction: Direction, out: Diagnostic[]): void {
  for (const family of [4, 6] as const) {
    const ofFam = rules.filter((rule) => rule.family === family);
    if (ofFam.length <= NACL_RULES_PER_DIRECTION) continue;
    out.push(makeDiagnostic('quota', ruleRange(ofFam[NACL_RULES_PER_DIRECTION]),
      `network ACL '${acl.name}' has ${ofFam.length} ${direction} IPv${family} rules; AWS allows ${NACL_RULES_PER_DIRECTION} per direction by default`));
  }
}

/** What the checks of one ACL read beyond the ACL itself: who its clients are, and the NAT gateways' traffic it judges. */
export interface AclCheckContext {
  clients: ClientContext;
  natLegs: Map<NetworkAcl, NatLeg[]>;
}

export function aclCheckContext(model: Model): AclCheckContext {
  return { clients: clientContext(model), natLegs: natLegs(model) };
}

/** The checks of one declared ACL: they read its rules and `context`. */
export function naclAclChecks(context: AclCheckContext, acl: NetworkAcl): Diagnostic[] {
  const out: Diagnostic[] = [];
  // One pool of free numbers per direction, so that every fix can be applied with the others.
  const numbers = aclRuleNumbers(acl);
  for (const direction of ['inbound', 'outbound'] as const) {
    const rules = declaredRules(acl, direction);
    checkDuplicateNumbers(rules, acl, direction, numbers[direction], out);
    checkShadowedAndRedundant(rules, acl, direction, out);
    checkQuota(rules, acl, direction, out);
  }
  // The rules that fixes add: checks that need the same rule share it.
  const added = new AddedRules();
  const missing = missingReturns(context.clients, acl, added);
  const natGaps = natTrafficGaps(acl, context.natLegs.get(acl) ?? [], added);
  added.number(acl, numbers);
  out.push(...missing.map((m) => reportMissingReturn(m, numbers)), ...natGaps.map((gap) => reportNatGap(gap, numbers)));
  return out;
}

export function naclChecks(model: Model): Diagnostic[] {
  const context = aclCheckContext(model);
  return [...model.acls.values()].flatMap((acl) => naclAclChecks(context, acl));
}
