import { Diagnostic, makeDiagnostic } from '../../diagnostics/diagnostic';
import { protocolName } from '../../syntax/ast';
import { isWholeFamily } from '../addresses';
import type { Model, SecurityGroup, SgRuleModel } from '../model';
import { ADMIN_SERVICES, AdminService, serviceName } from '../services';
import { matchingSets } from './rule-space';

const SG_RULES_PER_DIRECTION = 60;

/**
 * A rule is covered when the group's other rules admit everything it admits. Rules are judged from
 * last to first and a covered rule no longer covers others, so removing every reported rule at
 * once keeps the group's meaning (two identical rules: only the later one is reported).
 */
function checkCovered(group: SecurityGroup, rules: SgRuleModel[], out: Diagnostic[]): void {
  const cellsOf: number[][][] = rules.map(() => []);
  for (const matching of matchingSets(rules.map((rule) => ({ protocol: rule.protocol, keys: rule.keys, addrs: rule.peer })))) {
    for (const index of matching) cellsOf[index].push(matching);
  }
  const removed = rules.map(() => false);
  for (let i = rules.length - 1; i >= 0; i--) {
    const coverers = new Set<number>();
    let covered = true;
    const matchesAnything = cellsOf[i].length > 0;
    for (const matching of cellsOf[i]) {
      const other = matching.find((j) => j !== i && !removed[j]);
      if (other === undefined) {
        covered = false;
        break;
      }
      coverers.add(other);
    }
    if (!covered || !matchesAnything) continue;
    removed[i] = true;
    const by = [...coverers].map((j) => rules[j]);
    out.push(makeDiagnostic('sgCovered', rules[i].decl.range,
      `this rule of security group '${group.name}' admits nothing that ${by.length > 1 ? `its rules on lines ${by.map((rule) => rule.decl.range.start.line + 1).sort((a, b) => a - b).join(', ')}` : `its rule on line ${by[0].decl.range.start.line + 1}`} ${by.length > 1 ? 'do' : 'does'} not already admit`, {
        related: by.map((rule) => ({ range: rule.decl.range, message: 'covering rule' })),
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
    out.push(makeDiagnostic('worldOpenAdminPort', rule.decl.range,
      `security group '${group.name}' opens ${protocol}${open.length > 1 ? 'ports' : 'port'} ${names}${open.length > 4 ? ` and ${open.length - 4} more` : ''} to ${world.join(' and ')}: restrict it to known networks or a bastion's group`));
  }
}

function checkQuota(group: SecurityGroup, rules: SgRuleModel[], out: Diagnostic[]): void {
  for (const family of [4, 6] as const) {
    // A rule counts against a family's quota when its peer can hold addresses of that family;
    // `sg` peers count against both, as AWS counts them.
    const counted = rules.filter((rule) => rule.decl.peer?.kind === 'sg' || !(family === 4 ? rule.peer.v4 : rule.peer.v6).isEmpty());
    if (counted.length <= SG_RULES_PER_DIRECTION) continue;
    out.push(makeDiagnostic('quota', counted[SG_RULES_PER_DIRECTION].decl.range,
      `security group '${group.name}' has ${counted.length} ${rules[0].direction} IPv${family} rules; AWS allows ${SG_RULES_PER_DIRECTION} by default`));
  }
}

/** The checks of one group: they read only its rules (with their resolved peers). */
export function sgGroupChecks(group: SecurityGroup): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const direction of ['inbound', 'outbound'] as const) {
    const rules = group.rules.filter((rule) => rule.direction === direction);
    if (rules.length === 0) continue;
    checkCovered(group, rules, out);
    checkQuota(group, rules, out);
  }
  checkWorldOpen(group, out);
  return out;
}

export function sgChecks(model: Model): Diagnostic[] {
  return [...model.groups.values()].flatMap(sgGroupChecks);
}
