import type { Direction, Range } from '../../syntax/ast';
import { Diagnostic, makeDiagnostic, RelatedInfo } from '../../diagnostics/diagnostic';
import { formatAddrSet, ofFamily } from '../addresses';
import { LINUX_EPHEMERAL } from '../build-model';
import { judgeNacl } from '../hops';
import { IntervalSet, PortSet } from '../intervals';
import { formatPorts } from '../keys';
import type { Model, NaclRuleModel, NetworkAcl } from '../model';
import { EphemeralIndex, unionOfDistinct } from './client-ports';
import { matchingSets } from './rule-space';

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

function declaredRules(acl: NetworkAcl, direction: Direction): NaclRuleModel[] {
  return acl[direction].filter((rule) => rule.decl);
}

function checkDuplicateNumbers(rules: NaclRuleModel[], acl: NetworkAcl, direction: Direction, out: Diagnostic[]): void {
  const used = new Set(rules.map((rule) => rule.number));
  for (let i = 1; i < rules.length; i++) {
    const rule = rules[i];
    const first = rules.findIndex((other) => other.number === rule.number);
    if (first === i) continue;
    const next = rules.find((other) => other.number > rule.number)?.number ?? 32767;
    let free = rule.number + 1;
    while (free < next && used.has(free)) free++;
    if (free >= next) {
      free = 1;
      while (used.has(free) && free < 32766) free++;
    }
    out.push(makeDiagnostic('duplicateRuleNumber', rule.decl!.number!.range,
      `${direction} rule number ${rule.number} is used twice in network ACL '${acl.name}'; AWS requires unique numbers per direction`, {
        related: [related(rules[first], `the other ${direction} rule ${rule.number}`)],
        fixes: [{ title: `Renumber to ${free}`, edits: [{ range: rule.decl!.number!.range, newText: String(free) }] }],
      }));
    used.add(free);
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

/** Whether a rule reads as a service's request rule rather than a return rule for ephemeral ports. */
function isServiceRule(rule: NaclRuleModel): boolean {
  if (rule.action !== 'allow' || (rule.protocol !== 6 && rule.protocol !== 17)) return false;
  const [lo, hi] = rule.keys.intervals[0];
  return hi - lo < 1024 || hi < 1024;
}

/** What the return-rule check asks of the model, computed once per model. */
export interface ClientContext {
  model: Model;
  /** The union of the ephemeral ranges of the instances behind each network ACL. */
  localPorts: Map<NetworkAcl, PortSet>;
  ephemeral: EphemeralIndex;
}

export function clientContext(model: Model): ClientContext {
  const behind = new Map<NetworkAcl, PortSet[]>();
  for (const subnet of model.subnets.values()) {
    const sets = behind.get(subnet.acl) ?? [];
    for (const instance of subnet.instances) sets.push(instance.ephemeral);
    behind.set(subnet.acl, sets);
  }
  const localPorts = new Map([...behind].filter(([, sets]) => sets.length > 0).map(([acl, sets]) => [acl, unionOfDistinct(sets)]));
  return { model, localPorts, ephemeral: new EphemeralIndex(model.instances.values()) };
}

/** The source ports the clients of a service rule use: the instances behind the ACL for outbound requests. */
function clientPorts(context: ClientContext, acl: NetworkAcl, rule: NaclRuleModel): PortSet {
  if (rule.direction === 'outbound') return context.localPorts.get(acl) ?? LINUX_EPHEMERAL;
  const remote = ofFamily(rule.cidr, rule.family);
  const vpc = context.model.vpc;
  const vpcBlocks = vpc ? ofFamily(vpc.blocks, rule.family) : IntervalSet.empty<bigint>();
  if (!remote.within(vpcBlocks)) return context.model.externalEphemeral;
  const [lo, hi] = remote.intervals[0];
  return context.ephemeral.portsWithin(rule.family, lo, hi) ?? LINUX_EPHEMERAL;
}

function serviceRules(acl: NetworkAcl): NaclRuleModel[] {
  return [...declaredRules(acl, 'inbound'), ...declaredRules(acl, 'outbound')].filter(isServiceRule);
}

/** All the return-rule check reads from outside the ACL: the client ports of each service rule. */
export function serviceRuleClientPorts(context: ClientContext, acl: NetworkAcl): PortSet[] {
  return serviceRules(acl).map((rule) => clientPorts(context, acl, rule));
}

function checkReturnRules(context: ClientContext, acl: NetworkAcl, out: Diagnostic[]): void {
  for (const rule of serviceRules(acl)) {
    const back: Direction = rule.direction === 'inbound' ? 'outbound' : 'inbound';
    const needed = clientPorts(context, acl, rule);
    const remote = ofFamily(rule.cidr, rule.family);
    // Cut the remote side where the return direction's rules change, then judge each piece.
    const cuts = new Set<bigint>();
    for (const other of acl[back]) if (other.family === rule.family) for (const [lo, hi] of ofFamily(other.cidr, rule.family).intervals) cuts.add(lo).add(hi + 1n);
    let missing: { addrs: bigint; ports: PortSet } | undefined;
    let droppedAddrs = IntervalSet.empty<bigint>();
    const [lo, hi] = remote.intervals[0];
    const points = [lo, ...[...cuts].filter((c) => c > lo && c <= hi).sort((a, b) => (a < b ? -1 : 1))];
    points.forEach((start, i) => {
      const end = i + 1 < points.length ? points[i + 1] - 1n : hi;
      const allowed = judgeNacl(acl, back, rule.protocol, rule.family, start, needed).allowed;
      const gap = needed.subtract(allowed);
      if (gap.isEmpty()) return;
      missing ??= { addrs: start, ports: gap };
      droppedAddrs = droppedAddrs.union(IntervalSet.of(start, end));
    });
    if (!missing) continue;
    const proto = rule.protocol === 6 ? 'tcp' : 'udp';
    const who = rule.direction === 'inbound' ? 'clients' : 'servers';
    const cidrText = rule.decl!.cidr!.text;
    const ruleText = `${back} ${freeNumber(acl, back)} allow ${proto} ${formatPorts(needed)} ${back === 'inbound' ? 'from' : 'to'} ${cidrText}`;
    const where = droppedAddrs.equals(remote) ? cidrText : formatAddrSet(droppedAddrs, rule.family);
    out.push(makeDiagnostic('missingReturnRule', ruleRange(rule),
      `${rule.direction} rule ${rule.number} admits ${proto} ${formatPorts(rule.keys)} ${rule.direction === 'inbound' ? 'requests from' : 'requests to'} ${cidrText}, but the ${back} rules drop the replies ${rule.direction === 'inbound' ? `to ${who} in ${where}` : `from ${who} in ${where}`} on ports ${formatPorts(missing.ports)} (network ACLs are stateless); add '${ruleText}'`, {
        fixes: [{ title: `Add return rule '${ruleText}'`, edits: [insertRule(acl, back, ruleText)] }],
      }));
  }
}

/** A rule number after every existing rule of the direction, on a multiple of 10. */
function freeNumber(acl: NetworkAcl, direction: Direction): number {
  const max = declaredRules(acl, direction).reduce((m, rule) => Math.max(m, rule.number), 0);
  return Math.min(32766, Math.floor(max / 10) * 10 + 10);
}

function insertRule(acl: NetworkAcl, direction: Direction, ruleText: string) {
  const rules = acl.decl!.rules;
  const anchor = [...rules].reverse().find((rule) => rule.direction === direction) ?? rules[rules.length - 1];
  const indent = anchor ? ' '.repeat(anchor.range.start.character) : '  ';
  const line = anchor ? anchor.range.end.line + 1 : acl.decl!.range.start.line + 1;
  const position = { line, character: 0 };
  return { range: { start: position, end: position }, newText: `${indent}${ruleText}\n` };
}

/** The checks of one declared ACL: they read its rules and, for return rules, `context`. */
export function naclAclChecks(context: ClientContext, acl: NetworkAcl): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const direction of ['inbound', 'outbound'] as const) {
    const rules = declaredRules(acl, direction);
    checkDuplicateNumbers(rules, acl, direction, out);
    checkShadowedAndRedundant(rules, acl, direction, out);
    checkQuota(rules, acl, direction, out);
  }
  checkReturnRules(context, acl, out);
  return out;
}

export function naclChecks(model: Model): Diagnostic[] {
  const context = clientContext(model);
  return [...model.acls.values()].flatMap((acl) => naclAclChecks(context, acl));
}

