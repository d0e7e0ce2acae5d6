// Free rule numbers of one network ACL direction, shared by every fix that renumbers or adds a
// rule there, so that the fixes of one analysis can all be applied together: no two of them take
// the same number, and none takes the number of a rule that is there.
import type { TextEdit } from '../../diagnostics/diagnostic';
import type { Direction, NaclRule } from '../../syntax/ast';
import type { NaclRuleModel, NetworkAcl } from '../model';

export const MAX_RULE_NUMBER = 32766;

export class RuleNumbers {
  private readonly taken: Set<number>;

  /** `rules`: the declared rules of the direction, in number order. */
  constructor(readonly rules: readonly NaclRuleModel[]) {
    this.taken = new Set(rules.map((rule) => rule.number));
  }

  /**
   * Takes the first free number strictly between `after` and `before`: a multiple of 10 if one is
   * free (the numbering people leave room in), else any; undefined when none is.
   */
  takeBetween(after: number, before: number): number | undefined {
    const low = Math.max(after, 0);
    const high = Math.min(before, MAX_RULE_NUMBER + 1);
    for (const step of [10, 1]) {
      for (let candidate = Math.floor(low / step) * step + step; candidate < high; candidate += step) {
        if (!this.taken.has(candidate)) {
          this.taken.add(candidate);
          return candidate;
        }
      }
    }
    return undefined;
  }

  /** The highest number of a rule that is there below `before`, 0 if none. */
  lastBelow(before: number): number {
    return this.rules.reduce((last, rule) => (rule.number < before && rule.number > last ? rule.number : last), 0);
  }
}

/** The free numbers of both directions of an ACL. */
export type AclRuleNumbers = Record<Direction, RuleNumbers>;

/** The rules of one direction written in the file (the default ACL's are not), in number order. */
export function declaredRules(acl: NetworkAcl, direction: Direction): NaclRuleModel[] {
  return acl[direction].filter((rule) => rule.decl);
}

export function aclRuleNumbers(acl: NetworkAcl): AclRuleNumbers {
  return { inbound: new RuleNumbers(declaredRules(acl, 'inbound')), outbound: new RuleNumbers(declaredRules(acl, 'outbound')) };
}

/**
 * Inserts the text of a new rule numbered `number` where a reader looks for it: on the line after
 * the direction's rule numbered just below it, else before the one numbered just above it, else
 * after the ACL's last rule (or its header).
 */
export function insertRuleEdit(acl: NetworkAcl, numbers: RuleNumbers, number: number, ruleText: string): TextEdit {
  const below = [...numbers.rules].reverse().find((rule) => rule.number < number)?.decl;
  const above = numbers.rules.find((rule) => rule.number > number)?.decl;
  const last: NaclRule | undefined = acl.decl!.rules[acl.decl!.rules.length - 1];
  let line: number;
  if (below) line = below.range.end.line + 1;
  else if (above) line = above.range.start.line;
  else line = last ? last.range.end.line + 1 : acl.decl!.range.start.line + 1;
  const indent = ' '.repeat((below ?? above ?? last)?.range.start.character ?? 2);
  const position = { line, character: 0 };
  return { range: { start: position, end: position }, newText: `${indent}${ruleText}\n` };
}
