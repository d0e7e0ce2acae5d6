import { Diagnostic, makeDiagnostic } from '../../diagnostics/diagnostic';
import type { Family } from '../../syntax/ast';
import { protocolName } from '../../syntax/ast';
import { AddrSet, isWholeFamily, universe } from '../addresses';
import { IntervalSet } from '../intervals';
import type { Model, SecurityGroup, SgRuleModel } from '../model';
import { ADMIN_SERVICES, AdminService, serviceName } from '../services';
import { matchingSets } from './rule-space';

const SG_RULES_PER_DIRECTION = 60;

/** The group an `sg NAME` rule names; undefined for a CIDR or prefix list peer. */
function namedGroup(rule: SgRuleModel): string | undefined {
  return rule.decl?.peer?.kind === 'sg' ? rule.decl.peer.name.text : undefined;
}

/**
 * Every address a packet of the protocol can have from a member of a group, one day: the VPC's
 * blocks (every address when the file declares no VPC), of its own family for ICMP and ICMPv6.
 */
function memberSpace(protocol: number, vpcBlocks: AddrSet | undefined): AddrSet {
  return {
    v4: protocol === 58 ? IntervalSet.empty() : vpcBlocks?.v4 ?? universe(4),
    v6: protocol === 1 ? IntervalSet.empty() : vpcBlocks?.v6 ?? universe(6),
  };
}

/**
 * The addresses a rule admits whatever the group's membership becomes. A CIDR or a prefix list is
 * fixed in the file; the members of a named group change as the tier scales, so an `sg` rule is
 * judged over every address a member could have in the VPC.
 */
function lastingPeer(rule: SgRuleModel, vpcBlocks: AddrSet | undefined): AddrSet {
  return namedGroup(rule) === undefined ? rule.peer : memberSpace(rule.protocol, vpcBlocks);
}

/**
 * Whether `coverer` can stand in for `covered` where both match: an `sg` rule only for a rule
 * naming the same group (a CIDR that holds today's members may miss tomorrow's), a CIDR or
 * prefix list rule for any rule (a group's members are no fixed addresses, so an `sg` rule never
 * stands in for a CIDR).
 */
function canStandIn(coverer: SgRuleModel, covered: SgRuleModel): boolean {
  const group = namedGroup(coverer);
  return group === undefined || group === namedGroup(covered);
}

/**
 * A rule is covered when the group's other rules admit everything it admits, whatever the members
 * of the groups it names. Rules are judged from last to first and a covered rule no longer covers
 * others, so removing every reported rule at once keeps the group's meaning (two identical rules:
 * only the later one is reported).
 */
function checkCovered(group: SecurityGroup, rules: SgRuleModel[], vpcBlocks: AddrSet | undefined, out: Diagnostic[]): void {
  const cellsOf: number[][][] = rules.map(() => []);
  for (const matching of matchingSets(rules.map((rule) => ({ protocol: rule.protocol, keys: rule.keys, addrs: lastingPeer(rule, vpcBlocks) })))) {
    for (const index of matching) cellsOf[index].push(matching);
  }
  const removed = rules.map(() => false);
  for (let i = rules.length - 1; i >= 0; i--) {
    const coverers = new Set<number>();
    let covered = true;
    const matchesAnything = cellsOf[i].length > 0;
    for (const matching of cellsOf[i]) {
      const other = matching.find((j) => j !== i && !removed[j] && canStandIn(rules[j], rules[i]));
      if (other === undefined) {
        covered = false;
        break;
      }
      coverers.add(other);
    }
    if (!covered || !matchesAnything) continue;
    removed[i] = true;
    const by = [...coverers].map((j) => rules[j]);
    out.push(makeDiagnostic('sgCovered', rules[i].decl!.range,
      `this rule of security group '${group.name}' admits nothing that ${by.length > 1 ? 'its rules' : 'its rule'} ${[...by].sort((a, b) => a.order - b.order).map((rule) => `'${rule.text}'`).join(' and ')} ${by.length > 1 ? 'do' : 'does'} not already admit`, {
        related: by.map((rule) => ({ range: rule.decl!.range, message: 'covering rule' })),
      }));
  }
}

/** The listed services a rule opens: their port in its range and their protocol among its own. */
function adminServicesOpenedBy(rule: SgRuleModel): AdminService[] {
  return ADMIN_SERVICES.filter((service) => rule.keys.has(service.port) && (rule.protocol === -1 || service.protocols.includes(rule.protocol)));
}

function checkWorldOpen(group: SecurityGroup, out: Diagnostic[]): void {
  for (const rule of group.rules) {
    if (rule.direction !== 'inbound') continue;
    const world = [isWholeFamily(rule.peer.v4, 4) ? '0.0.0.0/0' : undefined, isWholeFamily(rule.peer.v6, 6) ? '::/0' : undefined].filter(Boolean);
    if (world.length === 0) continue;
    const open = adminServicesOpenedBy(rule).map((service) => service.port);
    if (open.length === 0) continue;
    const protocol = rule.protocol === -1 ? '' : `${protocolName(rule.protocol)} `;
    const names = open.slice(0, 4).map((port) => `${port} (${serviceName(port) ?? 'admin'})`).join(', ');
    out.push(makeDiagnostic('worldOpenAdminPort', rule.decl!.range,
      `security group '${group.name}' opens ${protocol}${open.length > 1 ? 'ports' : 'port'} ${names}${open.length > 4 ? ` and ${open.length - 4} more` : ''} to ${world.join(' and ')}: restrict it to known networks or a bastion's group`));
  }
}

/**
 * How many rules of a family's quota a rule takes: one when its peer can hold addresses of that
 * family, one in both for an `sg` peer, and for a prefix list its entries of that family (AWS
 * counts a list as its maximum size; the model knows its entries).
 */
function quotaWeight(rule: SgRuleModel, family: Family): number {
  if (rule.decl!.peer?.kind === 'sg') return 1;
  if (rule.prefixList) return rule.prefixList.decl.cidrs.filter((cidr) => cidr.family === family).length;
  return (family === 4 ? rule.peer.v4 : rule.peer.v6).isEmpty() ? 0 : 1;
}

function checkQuota(group: SecurityGroup, rules: SgRuleModel[], out: Diagnostic[]): void {
  for (const family of [4, 6] as const) {
    let count = 0;
    let first: SgRuleModel | undefined;
    for (const rule of rules) {
      count += quotaWeight(rule, family);
      if (!first && count > SG_RULES_PER_DIRECTION) first = rule;
    }
    if (!first) continue;
    const lists = rules.some((rule) => rule.prefixList && quotaWeight(rule, family) > 0);
    out.push(makeDiagnostic('quota', first.decl!.range,
      `security group '${group.name}' has ${count} ${rules[0].direction} IPv${family} rules${lists ? ', each prefix list counted as its entries' : ''}; AWS allows ${SG_RULES_PER_DIRECTION} by default`));
  }
}

/** The checks of one group: they read only its rules (with their resolved peers). */
/** The checks of one group; `vpcBlocks` bound where its members (and those of groups it names) can be. */
export function sgGroupChecks(group: SecurityGroup, vpcBlocks: AddrSet | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const direction of ['inbound', 'outbound'] as const) {
    const rules = group.rules.filter((rule) => rule.direction === direction);
    if (rules.length === 0) continue;
    checkCovered(group, rules, vpcBlocks, out);
    checkQuota(group, rules, out);
  }
  checkWorldOpen(group, out);
  return out;
}

export function sgChecks(model: Model): Diagnostic[] {
  return [...model.groups.values()].flatMap((group) => sgGroupChecks(group, model.vpc?.blocks));
}
