// The rules that fixes add to one network ACL (return rules for VR405, the rules a NAT gateway's
// traffic needs for VR407). Checks that need the same rule share it, and all of them are numbered
// together from the ACL's pool of free numbers, so that every fix can be applied with the others.
import type { Direction } from '../../syntax/ast';
import type { Fix } from '../../diagnostics/diagnostic';
import { BigSet, IntervalSet, PortSet } from '../intervals';
import { formatPorts } from '../keys';
import type { NetworkAcl } from '../model';
import { AclRuleNumbers, insertRuleEdit } from './rule-numbers';

const TCP = 6;

/** An allow rule to add; findings that need the same one share it. */
export interface AddedRule {
  /** What the fix calls it: a rule for replies, or one for requests. */
  purpose: 'return rule' | 'rule';
  direction: Direction;
  protocol: number;
  /** One range of ports. */
  ports: PortSet;
  cidrText: string;
  cidr: BigSet;
  /** It must be numbered below this: the first rule that denies what it must allow, or past the last rule. */
  before: number;
  number?: number;
  fix?: Fix;
}

/** The rule as written; without a number when it has none yet. */
export function addedRuleText(rule: AddedRule, number?: number): string {
  const protocol = rule.protocol === TCP ? 'tcp' : 'udp';
  const numbered = number === undefined ? '' : ` ${number}`;
  return `${rule.direction}${numbered} allow ${protocol} ${formatPorts(rule.ports)} ${rule.direction === 'inbound' ? 'from' : 'to'} ${rule.cidrText}`;
}

/** One range, from the lowest port of the set to the highest. */
export function hull(ports: PortSet): PortSet {
  return IntervalSet.of(ports.intervals[0][0], ports.intervals[ports.intervals.length - 1][1]);
}

function addressCount(set: BigSet): bigint {
  return set.intervals.reduce((count, [lo, hi]) => count + hi - lo + 1n, 0n);
}

function portCount(ports: PortSet): number {
  return ports.intervals.reduce((count, [lo, hi]) => count + hi - lo + 1, 0);
}

/**
 * Narrower rules first: one that another added rule encloses then gets the lower number, so that
 * applying every fix leaves no added rule shadowed by another (only redundant inside it).
 */
function narrowerFirst(a: AddedRule, b: AddedRule): number {
  const addresses = addressCount(a.cidr) - addressCount(b.cidr);
  if (addresses !== 0n) return addresses < 0n ? -1 : 1;
  return portCount(a.ports) - portCount(b.ports);
}

/** The rules to add to one ACL, shared by text. */
export class AddedRules {
  private readonly byText = new Map<string, AddedRule>();

  /** The rule that `candidate` asks for: the same rule as an earlier finding's when their texts agree. */
  need(candidate: AddedRule): AddedRule {
    const key = addedRuleText(candidate);
    const rule = this.byText.get(key) ?? candidate;
    rule.before = Math.min(rule.before, candidate.before);
    this.byText.set(key, rule);
    return rule;
  }

  /** Numbers every rule: each after the rules before its limit, each its own number, with its fix. */
  number(acl: NetworkAcl, numbers: AclRuleNumbers): void {
    for (const rule of [...this.byText.values()].sort(narrowerFirst)) {
      const free = numbers[rule.direction];
      rule.number = free.takeBetween(free.lastBelow(rule.before), rule.before);
      if (rule.number === undefined) continue;
      const text = addedRuleText(rule, rule.number);
      rule.fix = { title: `Add ${rule.purpose} '${text}'`, edits: [insertRuleEdit(acl, free, rule.number, text)] };
    }
  }
}

/** What to add and where, once the rule is numbered; `blocker` is the rule that denies, if any. */
export function addRuleAdvice(rule: AddedRule, blocker: number | undefined, numbers: AclRuleNumbers): string {
  const before = blocker === undefined ? '' : ` (before rule ${blocker}, which denies them)`;
  if (rule.number !== undefined) return `add '${addedRuleText(rule, rule.number)}'${before}`;
  const after = numbers[rule.direction].lastBelow(rule.before);
  return `add '${addedRuleText(rule)}' between rule ${after} and rule ${rule.before}, which leave no number free: renumber to make room`;
}
