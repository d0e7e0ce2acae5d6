// The missing-return-rule check (VR405): a network ACL rule admits requests to a service whose
// replies the other direction of the same ACL drops. docs/semantics.md gives the reasons for each
// choice: which rules are service rules, which ports the clients use, when UDP has replies, and
// how the suggested rules are numbered.
import type { Direction, Family } from '../../syntax/ast';
import { Diagnostic, makeDiagnostic } from '../../diagnostics/diagnostic';
import { formatAddrSet, ofFamily } from '../addresses';
import { IntervalSet, PortSet } from '../intervals';
import { formatPorts } from '../keys';
import type { NaclRuleModel, NetworkAcl } from '../model';
import { FIXED_SOURCE_PORT_UDP } from '../services';
import { ClientContext, clientPorts } from './client-ports';
import { DroppedPackets, droppedPackets } from './dropped-packets';
import { AddedRule, AddedRules, addRuleAdvice, hull } from './added-rules';
import { AclRuleNumbers, declaredRules, MAX_RULE_NUMBER } from './rule-numbers';

const TCP = 6;
const UDP = 17;

/** Whether a port range reads as a service's (narrower than 1024 ports, or below 1024) rather than as a return range. */
function isServicePortRange(keys: PortSet): boolean {
  const [lo, hi] = keys.intervals[0];
  return hi - lo < 1024 || hi < 1024;
}

export function isServiceRule(rule: NaclRuleModel): boolean {
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

/**
 * Where replies to the rule's peers are expected on ephemeral ports: everywhere for TCP. For UDP
 * only where the other direction returns UDP to ephemeral ports of these peers: elsewhere the
 * traffic is taken to be one-way (syslog, StatsD, flow logs...).
 */
function expectsEphemeralReplies(acl: NetworkAcl, back: Direction, rule: NaclRuleModel): (address: bigint) => boolean {
  return rule.protocol === TCP ? () => true : returnsUdp(acl, back, rule.family);
}

/** Whether the direction returns UDP to ephemeral ports of an address: it has a UDP return rule for it. */
export function returnsUdp(acl: NetworkAcl, direction: Direction, family: Family): (address: bigint) => boolean {
  const returned = acl[direction].filter((other) => isUdpReturnRule(other) && other.family === family).map((other) => ofFamily(other.cidr, family));
  return (address) => returned.some((addrs) => addrs.has(address));
}

function droppedReplies(acl: NetworkAcl, back: Direction, rule: NaclRuleModel, needed: PortSet): DroppedPackets | undefined {
  return droppedPackets(acl, back, rule.protocol, rule.family, ofFamily(rule.cidr, rule.family), needed, expectsEphemeralReplies(acl, back, rule));
}

// --- the check ---------------------------------------------------------------------------------

export interface MissingReturn {
  service: NaclRuleModel;
  dropped: DroppedPackets;
  returnRule: AddedRule;
}

/** The service rules of a declared ACL whose replies its other direction drops, each with the rule to add. */
export function missingReturns(context: ClientContext, acl: NetworkAcl, added: AddedRules): MissingReturn[] {
  const found: MissingReturn[] = [];
  for (const service of serviceRules(acl)) {
    if (isFixedPortExchange(acl, service)) continue;
    const back = otherDirection(service.direction);
    const needed = clientPorts(context, acl, service);
    const dropped = droppedReplies(acl, back, service, needed);
    if (!dropped) continue;
    const returnRule = added.need({
      purpose: 'return rule', direction: back, protocol: service.protocol, ports: hull(needed), cidrText: service.decl!.cidr!.text,
      cidr: ofFamily(service.cidr, service.family), before: dropped.blocker?.number ?? MAX_RULE_NUMBER + 1,
    });
    found.push({ service, dropped, returnRule });
  }
  return found;
}

/** VR405, once the rules to add are numbered. */
export function reportMissingReturn(missing: MissingReturn, numbers: AclRuleNumbers): Diagnostic {
  const { service, dropped, returnRule } = missing;
  const inbound = service.direction === 'inbound';
  const cidrText = service.decl!.cidr!.text;
  const where = dropped.addrs.equals(returnRule.cidr) ? cidrText : formatAddrSet(dropped.addrs, service.family);
  const protocol = service.protocol === TCP ? 'tcp' : 'udp';
  return makeDiagnostic('missingReturnRule', service.decl!.range,
    `${service.direction} rule ${service.number} admits ${protocol} ${formatPorts(service.keys)} requests ${inbound ? 'from' : 'to'} ${cidrText}, ` +
    `but the ${returnRule.direction} rules drop the replies ${inbound ? `to clients in ${where}` : `from servers in ${where}`} on ports ${formatPorts(dropped.ports)} ` +
    `(network ACLs are stateless); ${addRuleAdvice(returnRule, dropped.blocker?.number, numbers)}`, {
      related: dropped.blocker ? [{ range: dropped.blocker.decl!.range, message: `rule ${dropped.blocker.number} denies some of the replies` }] : [],
      fixes: returnRule.fix ? [returnRule.fix] : [],
    });
}
