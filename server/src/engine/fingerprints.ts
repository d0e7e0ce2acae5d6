// Exact text keys of everything a check or a flow evaluation reads, so that a result is reused only
// when all of its inputs are the same. No key holds a position: a result is keyed by what the text
// says, not where, and the positions it carries are moved to where the lines now are
// (engine/line-map.ts), so that a line inserted above a block invalidates nothing in it.
import type { NaclRule, SgRule } from '../syntax/ast';
import type { AddrSet } from './addresses';
import type { NatLeg } from './checks/nat-traffic';
import type { IntervalSet } from './intervals';
import type { Flow, FlowEnd, Instance, Model, NaclRuleModel, NetworkAcl, Region, RouteTable, SecurityGroup, SgRuleModel, Subnet } from './model';

export function setKey(set: IntervalSet<number> | IntervalSet<bigint>): string {
  return set.intervals.map(([lo, hi]) => `${lo}-${hi}`).join(',');
}

export function addrsKey(addrs: AddrSet): string {
  return `${setKey(addrs.v4)}/${setKey(addrs.v6)}`;
}

/**
 * Keys an address set: `addrsKey`, or a shorter stand-in that is equal exactly when it is (a group's
 * member addresses are shared by every rule naming the group, and can be long).
 */
export type AddrsKeyer = (addrs: AddrSet) => string;

/**
 * The part of a rule's key that follows from its syntax node alone, kept per node: the parser
 * reuses the nodes of unchanged lines, so most rules are keyed once per document, not per edit.
 */
const declaredKeys = new WeakMap<SgRule | NaclRule, string>();

function declared(decl: SgRule | NaclRule, key: () => string): string {
  let found = declaredKeys.get(decl);
  if (found === undefined) declaredKeys.set(decl, (found = key()));
  return found;
}

function sgRuleKey(rule: SgRuleModel, addrs: AddrsKeyer): string {
  // AWS's default group's rules have no node: their text says all but the members.
  if (!rule.decl) return `${rule.direction}|${rule.text}|${addrs(rule.peer)}`;
  const decl = rule.decl;
  // Direction, protocol and keys come from the node; a CIDR peer too, while a named one resolves.
  const fromDecl = declared(decl, () => [
    rule.direction, rule.protocol, setKey(rule.keys), decl.peer?.kind ?? '-', decl.peer?.kind === 'cidr' ? addrsKey(rule.peer) : '',
  ].join('|'));
  // The quota counts a prefix list's entries, which its address set alone does not tell.
  const entries = rule.prefixList ? `|pl:${rule.prefixList.decl.cidrs.map((cidr) => cidr.family).join('')}` : '';
  return `${fromDecl}|${decl.peer?.kind === 'cidr' ? '' : addrs(rule.peer)}${entries}|${rule.text}`;
}

/**
 * A security group: its name, its rules with their resolved peers, and its rank among the groups in
 * file order (an instance's rules are tried in file order; the group's rules follow one another).
 */
export function groupKey(group: SecurityGroup, rank: number, addrs: AddrsKeyer): string {
  return relevantGroupKey(group, rank, addrs, () => true);
}

function naclRuleKey(rule: NaclRuleModel): string {
  const key = () => [
    rule.direction, rule.number, rule.action, rule.protocol, setKey(rule.keys), addrsKey(rule.cidr), rule.family,
    rule.decl?.cidr?.text ?? '-',
  ].join('|');
  // Every field but the text follows from the node (the default ACL's rules have none).
  return `${rule.decl ? declared(rule.decl, key) : key()}|${rule.text}`;
}

/** Whether a rule can match a packet of the flows a key is made for. */
export type RuleMatters = (rule: SgRuleModel | NaclRuleModel) => boolean;

/**
 * A security group as the flows that `matters` stands for see it: its rules that can match one of
 * their packets (the others never decide them), in order.
 */
export function relevantGroupKey(group: SecurityGroup, rank: number, addrs: AddrsKeyer, matters: RuleMatters): string {
  return [group.name, group.decl ? 'declared' : 'aws', rank, ...group.rules.filter(matters).map((rule) => sgRuleKey(rule, addrs))].join('\n');
}

/** A network ACL as some flows see it: its rules of each direction that can match one of their packets. */
export function relevantAclKey(acl: NetworkAcl, inbound: RuleMatters, outbound: RuleMatters): string {
  return [acl.name, acl.isDefault, ...acl.inbound.filter(inbound).map(naclRuleKey), '|', ...acl.outbound.filter(outbound).map(naclRuleKey)].join('\n');
}

/** A network ACL: its name, its rules, and the order in which its declaration writes them. */
export function aclKey(acl: NetworkAcl): string {
  const written = acl.decl ? [acl.decl.rules.map((rule) => (rule.direction === 'inbound' ? 'i' : 'o')).join('')] : ['default'];
  return [acl.name, acl.isDefault, ...written, ...acl.inbound.map(naclRuleKey), ...acl.outbound.map(naclRuleKey)].join('\n');
}

/** An instance as a flow end sees it; its groups are keyed apart. */
export function instanceKey(instance: Instance): string {
  return [
    instance.name, instance.ips.join(','), instance.ip6s.join(','), instance.subnet?.name ?? '-', instance.subnet?.acl.name ?? '-',
    instance.subnet ? subnetKey(instance.subnet) : '-',
    instance.groups.map((group) => group.name).join(','), setKey(instance.ephemeral),
  ].join('|');
}

function subnetKey(subnet: Subnet): string {
  return `${subnet.name}:${subnet.v4?.text ?? '-'}:${subnet.v6?.text ?? '-'}:${subnet.acl.name}`;
}

function endKey(end: FlowEnd): string {
  return `${end.kind}:${end.kind === 'instance' ? end.instance.name : end.label}:${setKey(end.addrs)}`;
}

/** Where a region is; the hops of its paths are keyed apart. */
export function regionKey(region: Region): string {
  switch (region.kind) {
    case 'instance': return `instance:${region.members.map((member) => member.name).join(',')}:${setKey(region.addrs)}`;
    case 'host': return `host:${subnetKey(region.subnet)}:${setKey(region.addrs)}`;
    case 'external': return `external:${setKey(region.addrs)}`;
    case 'aws-service': return `aws:${region.service.name}:${region.service.routerOf?.name ?? '-'}:${setKey(region.addrs)}`;
  }
}

/** The flow's own fields; the regions and hops it crosses are keyed apart. */
export function flowKey(flow: Flow): string {
  const reply = flow.reply.kind === 'icmp' ? `icmp:${flow.reply.key}` : flow.reply.kind;
  return [
    flow.name, endKey(flow.src), endKey(flow.dst), flow.protocol, flow.family,
    setKey(flow.keys), flow.fromPorts ? setKey(flow.fromPorts) : '-', setKey(flow.externalEphemeral), reply, flow.expect,
  ].join('|');
}

/**
 * Everything routing reads: every route table (its routes cut the flows' ends), the gateways,
 * the NAT gateways and the instances' public addresses.
 */
export function routingKey(model: Model): string {
  if (!model.routing) return 'no routing';
  const routes = (table: RouteTable) => [table.name, table.main, table.edgeOf?.name ?? '-', ...table.routes.map((route) => `${route.text}${route.decl ? '' : '@implicit'}`)].join(';');
  const nats = [...model.natGateways.values()].map((nat) => `${nat.name}:${nat.subnet?.name ?? '-'}:${nat.ip ?? '-'}:${nat.publicIp ?? '-'}`);
  const publicIps = [...model.instances.values()].flatMap((instance) => (instance.publicIp === undefined ? [] : [`${instance.name}=${instance.publicIp}`]));
  const associations = [...model.subnets.values()].map((subnet) => `${subnet.name}>${subnet.routeTable?.name ?? '-'}`);
  return [
    ...[model.localOnly, ...model.routeTables.values()].map(routes), model.internetGateway?.name ?? '-', model.egressOnlyGateway?.name ?? '-',
    ...nats, ...publicIps, ...associations, firewallsKey(model),
  ].join('\n');
}

/** The firewall endpoints, their policies and every rule group, as written. */
function firewallsKey(model: Model): string {
  return [
    ...[...model.firewalls.values()].map((firewall) => `${firewall.name}:${firewall.subnet?.name ?? '-'}:${firewall.policy?.name ?? '-'}`),
    ...[...model.firewallPolicies.values()].map((policy) => [policy.name, policy.decl.statements.length,
      policy.statelessDefault, policy.order, policy.dropDefault ?? '-', ...policy.stateless.map((rule) => rule.group.name + rule.priority),
      ...[...policy.stateful, ...policy.undecidable].map((rule) => rule.group.name + rule.group.rules.indexOf(rule))].join(';')),
    ...[...model.statelessGroups.values(), ...model.statefulGroups.values()].map((group) => [
      group.name, ...group.rules.map((rule: { text: string }) => rule.text),
    ].join(';')),
  ].join('\n');
}

/** What a witness's choice of addresses reads of the model: the subnets' and AWS's reserved addresses. */
export function reservedAddressesKey(model: Model): string {
  const services = ([4, 6] as const).map((family) => [...model.awsServices[family].keys()].join(',')).join('/');
  return [...[...model.subnets.values()].map(subnetKey), services].join(';');
}

/** The NAT gateways' traffic an ACL's checks judge, with all their messages and fixes say of it. */
export function natLegsKey(legs: readonly NatLeg[]): string {
  return legs.map((leg) => [
    leg.kind, leg.nat.name, leg.clients.map((subnet) => subnet.name).join(','), leg.subnet.name,
    leg.direction, leg.protocol, leg.replies, leg.needs.map((need) => `${setKey(need.addrs)}:${setKey(need.ports)}`).join(';'),
    leg.rule.purpose, leg.rule.direction, leg.rule.protocol, setKey(leg.rule.ports), leg.rule.cidrText, setKey(leg.rule.cidr),
    leg.admittedBy ? `${leg.admittedBy.number}#${leg.admittedBy.acl[leg.admittedBy.direction].indexOf(leg.admittedBy)}` : '-',
  ].join('|')).join('\n');
}
