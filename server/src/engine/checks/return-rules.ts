// The missing-return-rule check (VR405): a network ACL rule admits requests to a service whose
// replies the other direction of the same ACL drops. docs/semantics.md gives the reasons for each
// choice: which rules are service rules, which ports the clients use, when UDP has replies, and
// how the suggested rules are numbered.
import type { Direction } from '../../syntax/ast';
import { Diagnostic, Fix, makeDiagnostic } from '../../diagnostics/diagnostic';
import { formatAddrSet, ofFamily } from '../addresses';
import { judgeNacl } from '../hops';
import { BigSet, IntervalSet, PortSet } from '../intervals';
import { formatPorts } from '../keys';
import type { NaclRuleModel, NetworkAcl } from '../model';
import { FIXED_SOURCE_PORT_UDP } from '../services';
import { ClientContext, clientPorts } from './client-ports';
import { AclRuleNumbers, declaredRules, insertRuleEdit, MAX_RULE_NUMBER } from './rule-numbers';

const TCP = 6;
const UDP = 17;

/** Whether a port range reads as a service's (narrower than 1024 ports, or below 1024) rather than as a return range. */
function isServicePortRange(keys: PortSet): boolean {
  const [lo, hi] = keys.intervals[0];
  return hi - lo < 1024 || hi < 1024;
}

function isServiceRule(rule: NaclRuleModel): boolean {
  return rule.action === 'allow' && (rule.protocol === TCP || rule.protocol === UDP) && isServicePortRange(rule.keys);
}

/** A rule that returns UDP to ephemeral ports: evidence that UDP is used with them towards its peers. */
function isUdpReturnRule(rule: NaclRuleModel): boolean {
  return rule.action === 'allow' && rule.protocol === UDP && !isServicePortRange(rule.keys);
}

const FIXED_PORT_UDP = IntervalSet.from(FIXED_SOURCE_PORT_UDP.map((port) => [port, port] as const));

/** DNS: resolvers send every query, to clients and to other servers alike, from a random port. */
const DNS = 53;

/**
 * Whether a UDP service rule describes an exchange on fixed ports, whose replies come back to the
 * service port rather than to an ephemeral one: a service whose clients send from the service port
 * (NTP, IKE, DHCP...), or a pair written both ways (`inbound allow udp 5060 from X` with `outbound
 * allow udp 5060 to X`), unless it is DNS.
 */
function isFixedPortExchange(acl: NetworkAcl, rule: NaclRuleModel): boolean {
  if (rule.protocol !== UDP) return false;
  if (rule.keys.within(FIXED_PORT_UDP)) return true;
  if (rule.keys.has(DNS)) return false;
  return acl[otherDirection(rule.direction)].some((other) =>
    other.action === 'allow' && other.protocol === UDP && other.keys.equals(rule.keys) && other.family === rule.family &&
    ofFamily(other.cidr, rule.family).equals(ofFamily(rule.cidr, rule.family)));
}

function serviceRules(acl: NetworkAcl): NaclRuleModel[] {
  return [...declaredRules(acl, 'inbound'), ...declaredRules(acl, 'outbound')].filter(isServiceRule);
}

function otherDirection(direction: Direction): Direction {
  return direction === 'inbound' ? 'outbound' : 'inbound';
}

/** All the return-rule check reads from outside the ACL: the client ports of each service rule. */
export function serviceRuleClientPorts(context: ClientContext, acl: NetworkAcl): PortSet[] {
  return serviceRules(acl).map((rule) => clientPorts(context, acl, rule));
}

// --- where the replies are dropped -------------------------------------------------------------

/** The rule's remote addresses, cut where the decisions of the other direction's rules can change. */
function remotePieces(acl: NetworkAcl, back: Direction, rule: NaclRuleModel): [bigint, bigint][] {
  const [lo, hi] = ofFamily(rule.cidr, rule.family).intervals[0];
  const cuts = new Set<bigint>();
  for (const other of acl[back]) {
    if (other.family !== rule.family) continue;
    for (const [start, end] of ofFamily(other.cidr, rule.family).intervals) cuts.add(start).add(end + 1n);
  }
  const starts = [lo, ...[...cuts].filter((cut) => cut > lo && cut <= hi).sort((a, b) => (a < b ? -1 : 1))];
  return starts.map((start, i) => [start, i + 1 < starts.length ? starts[i + 1] - 1n : hi]);
}

/**
 * Where replies to the rule's peers are expected on ephemeral ports: everywhere for TCP. For UDP
 * only where the other direction returns UDP to ephemeral ports of these peers: elsewhere the
 * traffic is taken to be one-way (syslog, StatsD, flow logs...).
 */
function expectsEphemeralReplies(acl: NetworkAcl, back: Direction, rule: NaclRuleModel): (address: bigint) => boolean {
  if (rule.protocol === TCP) return () => true;
  const returned = acl[back].filter((other) => isUdpReturnRule(other) && other.family === rule.family).map((other) => ofFamily(other.cidr, rule.family));
  return (address) => returned.some((addrs) => addrs.has(address));
}

interface DroppedReplies {
  /** The remote addresses whose replies are dropped, on some of the ports. */
  addrs: BigSet;
  /** The ports dropped for the first of them. */
  ports: PortSet;
  /** The lowest-numbered rule that denies some of the replies; undefined when only `*` does. */
  blocker?: NaclRuleModel;
}

function droppedReplies(acl: NetworkAcl, back: Direction, rule: NaclRuleModel, needed: PortSet): DroppedReplies | undefined {
  let dropped: DroppedReplies | undefined;
  const expectsReplies = expectsEphemeralReplies(acl, back, rule);
  for (const [start, end] of remotePieces(acl, back, rule)) {
    if (!expectsReplies(start)) continue;
    const judgement = judgeNacl(acl, back, rule.protocol, rule.family, start, needed);
    const gap = needed.subtract(judgement.allowed);
    if (gap.isEmpty()) continue;
    dropped ??= { addrs: IntervalSet.empty(), ports: gap };
    dropped.addrs = dropped.addrs.union(IntervalSet.of(start, end));
    for (const part of judgement.parts) {
      if (part.action === 'deny' && part.rule && (!dropped.blocker || part.rule.number < dropped.blocker.number)) dropped.blocker = part.rule;
    }
  }
  return dropped;
}

// --- the rules to add --------------------------------------------------------------------------

/** A return rule to add; service rules that need the same one share it. */
interface ReturnRule {
  direction: Direction;
  protocol: number;
  /** One range: every client port, from the lowest to the highest. */
  ports: PortSet;
  cidrText: string;
  cidr: BigSet;
  /** It must be numbered below this: the first rule that denies some of the replies, or past the last rule. */
  before: number;
  number?: number;
  fix?: Fix;
}

/** The rule as written; without a number when it has none yet. */
function returnRuleText(rule: ReturnRule, number?: number): string {
  const protocol = rule.protocol === TCP ? 'tcp' : 'udp';
  const numbered = number === undefined ? '' : ` ${number}`;
  return `${rule.direction}${numbered} allow ${protocol} ${formatPorts(rule.ports)} ${rule.direction === 'inbound' ? 'from' : 'to'} ${rule.cidrText}`;
}

function hull(ports: PortSet): PortSet {
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
function narrowerFirst(a: ReturnRule, b: ReturnRule): number {
  const addresses = addressCount(a.cidr) - addressCount(b.cidr);
  if (addresses !== 0n) return addresses < 0n ? -1 : 1;
  return portCount(a.ports) - portCount(b.ports);
}

/** Numbers the added rules of an ACL: each after the rules before its limit, each its own number. */
function numberReturnRules(acl: NetworkAcl, rules: ReturnRule[], numbers: AclRuleNumbers): void {
  for (const rule of [...rules].sort(narrowerFirst)) {
    const free = numbers[rule.direction];
    rule.number = free.takeBetween(free.lastBelow(rule.before), rule.before);
    if (rule.number === undefined) continue;
    const text = returnRuleText(rule, rule.number);
    rule.fix = { title: `Add return rule '${text}'`, edits: [insertRuleEdit(acl, free, rule.number, text)] };
  }
}

// --- the check ---------------------------------------------------------------------------------

interface MissingReturn {
  service: NaclRuleModel;
  dropped: DroppedReplies;
  returnRule: ReturnRule;
}

function missingReturns(context: ClientContext, acl: NetworkAcl): MissingReturn[] {
  const shared = new Map<string, ReturnRule>();
  const found: MissingReturn[] = [];
  for (const service of serviceRules(acl)) {
    if (isFixedPortExchange(acl, service)) continue;
    const back = otherDirection(service.direction);
    const needed = clientPorts(context, acl, service);
    const dropped = droppedReplies(acl, back, service, needed);
    if (!dropped) continue;
    const candidate: ReturnRule = {
      direction: back, protocol: service.protocol, ports: hull(needed), cidrText: service.decl!.cidr!.text,
      cidr: ofFamily(service.cidr, service.family), before: dropped.blocker?.number ?? MAX_RULE_NUMBER + 1,
    };
    const key = returnRuleText(candidate);
    const returnRule = shared.get(key) ?? candidate;
    returnRule.before = Math.min(returnRule.before, candidate.before);
    shared.set(key, returnRule);
    found.push({ service, dropped, returnRule });
  }
  return found;
}

function advice(missing: MissingReturn, numbers: AclRuleNumbers): string {
  const { returnRule, dropped } = missing;
  const blocker = dropped.blocker ? ` (before rule ${dropped.blocker.number}, which denies them)` : '';
  if (returnRule.number !== undefined) return `add '${returnRuleText(returnRule, returnRule.number)}'${blocker}`;
  const after = numbers[returnRule.direction].lastBelow(returnRule.before);
  return `add '${returnRuleText(returnRule)}' between rule ${after} and rule ${returnRule.before}, which leave no number free: renumber to make room`;
}

function report(missing: MissingReturn, numbers: AclRuleNumbers): Diagnostic {
  const { service, dropped, returnRule } = missing;
  const inbound = service.direction === 'inbound';
  const cidrText = service.decl!.cidr!.text;
  const where = dropped.addrs.equals(returnRule.cidr) ? cidrText : formatAddrSet(dropped.addrs, service.family);
  const protocol = service.protocol === TCP ? 'tcp' : 'udp';
  return makeDiagnostic('missingReturnRule', service.decl!.range,
    `${service.direction} rule ${service.number} admits ${protocol} ${formatPorts(service.keys)} requests ${inbound ? 'from' : 'to'} ${cidrText}, ` +
    `but the ${returnRule.direction} rules drop the replies ${inbound ? `to clients in ${where}` : `from servers in ${where}`} on ports ${formatPorts(dropped.ports)} ` +
    `(network ACLs are stateless); ${advice(missing, numbers)}`, {
      related: dropped.blocker ? [{ range: dropped.blocker.decl!.range, message: `rule ${dropped.blocker.number} denies some of the replies` }] : [],
      fixes: returnRule.fix ? [returnRule.fix] : [],
    });
}

/** VR405 on one declared ACL; `numbers` are its free rule numbers, shared with its other fixes. */
export function checkReturnRules(context: ClientContext, acl: NetworkAcl, numbers: AclRuleNumbers): Diagnostic[] {
  const missing = missingReturns(context, acl);
  numberReturnRules(acl, [...new Set(missing.map((m) => m.returnRule))], numbers);
  return missing.map((m) => report(m, numbers));
}
