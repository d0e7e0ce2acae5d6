// VR407: a network ACL drops the traffic of a NAT gateway, found without any flow. A private
// subnet's connections to the internet leave through a NAT gateway, which rewrites their source to
// its own address and a port it chooses in 1024-65535 (paths.md). NACLs are stateless, and three
// of their packets are easy to forget:
//   - the replies entering the NAT gateway's subnet come from the internet to the gateway's ports
//     1024-65535, not to the clients' ephemeral ports;
//   - the replies entering the private subnet come from the internet addresses, not from the NAT
//     gateway's;
//   - the requests that the NAT gateway's subnet admits from the private subnet must also leave it
//     towards the internet.
// Which connections exist is read from the ACLs: a protocol is forwarded to an internet address
// when some request of it gets from the private subnet through the NAT gateway's subnet to that
// address. As for VR405, UDP replies are expected only where the ACL already returns UDP to those
// addresses; the forwarded requests are those that a service rule admits into the NAT's subnet.
import type { Direction } from '../../syntax/ast';
import { Diagnostic, makeDiagnostic, RelatedInfo } from '../../diagnostics/diagnostic';
import { formatAddrSet } from '../addresses';
import { judgeNacl } from '../hops';
import { BigSet, IntervalSet, PortSet } from '../intervals';
import { formatPorts } from '../keys';
import type { Model, NaclRuleModel, NatGateway, NetworkAcl, RouteModel, Subnet } from '../model';
import { NAT_GATEWAY_PORTS } from '../services';
import { AddedRule, AddedRules, addRuleAdvice, hull } from './added-rules';
import { subnetBlock, subnetClientPorts } from './client-ports';
import { DroppedPackets, droppedPackets, mergeDropped, piecesAtRuleBounds } from './dropped-packets';
import { isServiceRule, returnsUdp } from './return-rules';
import { addressesRoutedBy, internetGatewayRoutes, routeTableOf } from './route-reach';
import { AclRuleNumbers, MAX_RULE_NUMBER } from './rule-numbers';

const TCP = 6;
const UDP = 17;
const ALL_PORTS: PortSet = IntervalSet.of(0, 65535);

/** A private subnet's traffic that a NAT gateway forwards to the internet by one route of its subnet. */
interface Forwarding {
  nat: NatGateway;
  natSubnet: Subnet;
  client: Subnet;
  clientBlock: BigSet;
  /** The client subnet's route to the NAT gateway. */
  natRoute: RouteModel;
  /** The NAT gateway's subnet's route to the internet gateway. */
  internetRoute: RouteModel;
  /** The internet addresses the client subnet reaches this way. */
  destinations: BigSet;
  /** By protocol (TCP, UDP), the destinations to which some request gets through (`forwardedTo`). */
  forwarded: Map<number, BigSet>;
}

/** A part of NAT gateways' traffic that must cross one ACL direction, and the rule that would let it. */
export interface NatLeg {
  kind: 'gateway-replies' | 'client-replies' | 'forwarded-requests';
  nat: NatGateway;
  /** The private subnets whose traffic it is. */
  clients: Subnet[];
  /** The subnet whose ACL judges it. */
  subnet: Subnet;
  direction: Direction;
  protocol: number;
  /** Replies: UDP is expected only where the ACL returns UDP to the address (as for VR405). */
  replies: boolean;
  /** The packets that must pass: by remote addresses, the destination ports they need. */
  needs: { addrs: BigSet; ports: PortSet }[];
  /** The rule to add when some are dropped (its `before` is set from what denies them). */
  rule: Omit<AddedRule, 'before'>;
  /** Forwarded requests: the service rule that admits them into the NAT gateway's subnet. */
  admittedBy?: NaclRuleModel;
}

function forwardings(model: Model): Forwarding[] {
  if (!model.routing) return [];
  const found: Forwarding[] = [];
  for (const client of model.subnets.values()) {
    const clientBlock = subnetBlock(client, 4);
    if (!clientBlock) continue;
    for (const natRoute of routeTableOf(model, client).routes) {
      if (natRoute.family !== 4 || natRoute.target.kind !== 'nat') continue;
      const nat = natRoute.target.nat;
      const natSubnet = nat.subnet;
      if (!natSubnet || natSubnet === client) continue;
      const reached = addressesRoutedBy(natRoute);
      for (const internetRoute of internetGatewayRoutes(routeTableOf(model, natSubnet), 4)) {
        const destinations = reached.intersect(addressesRoutedBy(internetRoute));
        if (destinations.isEmpty()) continue;
        const f: Forwarding = { nat, natSubnet, client, clientBlock, natRoute, internetRoute, destinations, forwarded: new Map() };
        for (const protocol of [TCP, UDP]) f.forwarded.set(protocol, forwardedTo(f, protocol));
        found.push(f);
      }
    }
  }
  return found;
}

/** The keys of `protocol` a direction admits from any of `remote`. */
function admittedFromAny(acl: NetworkAcl, direction: Direction, protocol: number, remote: BigSet): PortSet {
  return piecesAtRuleBounds(acl[direction], 4, remote)
    .reduce<PortSet>((keys, [start]) => keys.union(judgeNacl(acl, direction, protocol, 4, start, ALL_PORTS).allowed), IntervalSet.empty());
}

/** The destinations to which some request of `protocol` gets from the client subnet out of the NAT gateway's subnet. */
function forwardedTo(f: Omit<Forwarding, 'forwarded'>, protocol: number): BigSet {
  const clientAcl = f.client.acl;
  const natAcl = f.natSubnet.acl;
  const intoNatSubnet = admittedFromAny(natAcl, 'inbound', protocol, f.clientBlock);
  const pieces = piecesAtRuleBounds([...clientAcl.outbound, ...natAcl.outbound], 4, f.destinations);
  return IntervalSet.from(pieces.filter(([start]) => {
    const leaving = judgeNacl(clientAcl, 'outbound', protocol, 4, start, intoNatSubnet).allowed;
    return !judgeNacl(natAcl, 'outbound', protocol, 4, start, leaving).allowed.isEmpty();
  }));
}

function protocolName(protocol: number): string {
  return protocol === TCP ? 'tcp' : 'udp';
}

function returnRule(protocol: number, ports: PortSet, route: RouteModel): Omit<AddedRule, 'before'> {
  return { purpose: 'return rule', direction: 'inbound', protocol, ports: hull(ports), cidrText: route.destText, cidr: IntervalSet.of(route.first, route.last) };
}

/** The replies entering the NAT gateway's subnet, for the client subnets it forwards by one internet route. */
function gatewayReplyLeg(group: Forwarding[], protocol: number): NatLeg | undefined {
  const forwarded = group.map((f) => ({ client: f.client, addrs: f.forwarded.get(protocol)! })).filter((part) => !part.addrs.isEmpty());
  if (forwarded.length === 0) return undefined;
  const { nat, natSubnet, internetRoute } = group[0];
  return {
    kind: 'gateway-replies', nat, clients: forwarded.map((part) => part.client), subnet: natSubnet, direction: 'inbound', protocol, replies: true,
    needs: forwarded.map((part) => ({ addrs: part.addrs, ports: NAT_GATEWAY_PORTS })),
    rule: returnRule(protocol, NAT_GATEWAY_PORTS, internetRoute),
  };
}

/** The replies entering the client subnet, from the internet addresses, to its hosts' ephemeral ports. */
function clientReplyLeg(model: Model, f: Forwarding, protocol: number): NatLeg | undefined {
  const addrs = f.forwarded.get(protocol)!;
  if (addrs.isEmpty()) return undefined;
  const ports = subnetClientPorts(model, f.client, 4);
  return {
    kind: 'client-replies', nat: f.nat, clients: [f.client], subnet: f.client, direction: 'inbound', protocol, replies: true,
    needs: [{ addrs, ports }], rule: returnRule(protocol, ports, f.natRoute),
  };
}

/** The service rules of the NAT gateway's subnet that admit requests from the client subnet, with the ports each decides. */
function serviceRulesAdmitting(f: Forwarding): Map<NaclRuleModel, PortSet> {
  const acl = f.natSubnet.acl;
  const admitted = new Map<NaclRuleModel, PortSet>();
  for (const protocol of [TCP, UDP]) {
    for (const [start] of piecesAtRuleBounds(acl.inbound, 4, f.clientBlock)) {
      for (const part of judgeNacl(acl, 'inbound', protocol, 4, start, ALL_PORTS).parts) {
        if (!part.rule || part.action !== 'allow' || !isServiceRule(part.rule)) continue;
        admitted.set(part.rule, (admitted.get(part.rule) ?? IntervalSet.empty()).union(part.keys));
      }
    }
  }
  return admitted;
}

/** The requests a service rule admits into the NAT gateway's subnet, which must also leave it towards the internet. */
function forwardedRequestLegs(f: Forwarding): NatLeg[] {
  const clientAcl = f.client.acl;
  return [...serviceRulesAdmitting(f)].flatMap(([admittedBy, keys]): NatLeg[] => {
    // Only what the client subnet lets out towards each destination reaches the NAT gateway.
    const needs = piecesAtRuleBounds(clientAcl.outbound, 4, f.destinations)
      .map(([start, end]) => ({ addrs: IntervalSet.of(start, end), ports: judgeNacl(clientAcl, 'outbound', admittedBy.protocol, 4, start, keys).allowed }))
      .filter((need) => !need.ports.isEmpty());
    if (needs.length === 0) return [];
    return [{
      kind: 'forwarded-requests', nat: f.nat, clients: [f.client], subnet: f.natSubnet, direction: 'outbound', protocol: admittedBy.protocol,
      replies: false, needs, admittedBy,
      rule: {
        purpose: 'rule', direction: 'outbound', protocol: admittedBy.protocol, ports: hull(admittedBy.keys),
        cidrText: f.internetRoute.destText, cidr: IntervalSet.of(f.internetRoute.first, f.internetRoute.last),
      },
    }];
  });
}

/** The forwardings grouped by NAT gateway and internet route. */
function byGatewayRoute(all: Forwarding[]): Forwarding[][] {
  const groups = new Map<RouteModel, Map<NatGateway, Forwarding[]>>();
  for (const f of all) {
    const byNat = groups.get(f.internetRoute) ?? new Map<NatGateway, Forwarding[]>();
    groups.set(f.internetRoute, byNat);
    byNat.set(f.nat, [...(byNat.get(f.nat) ?? []), f]);
  }
  return [...groups.values()].flatMap((byNat) => [...byNat.values()]);
}

/** Every NAT gateway's traffic that must cross a declared network ACL, by the ACL that judges it. */
export function natLegs(model: Model): Map<NetworkAcl, NatLeg[]> {
  const all = forwardings(model);
  const legs: NatLeg[] = [];
  for (const protocol of [TCP, UDP]) {
    for (const group of byGatewayRoute(all)) {
      const leg = gatewayReplyLeg(group, protocol);
      if (leg) legs.push(leg);
    }
    for (const f of all) {
      const leg = clientReplyLeg(model, f, protocol);
      if (leg) legs.push(leg);
    }
  }
  for (const f of all) legs.push(...forwardedRequestLegs(f));
  const byAcl = new Map<NetworkAcl, NatLeg[]>();
  for (const leg of legs) {
    if (leg.subnet.acl.isDefault) continue;
    byAcl.set(leg.subnet.acl, [...(byAcl.get(leg.subnet.acl) ?? []), leg]);
  }
  return byAcl;
}

// --- the check on one ACL ------------------------------------------------------------------------

export interface NatGap {
  leg: NatLeg;
  dropped: DroppedPackets;
  rule: AddedRule;
}

/** What the ACL drops of the NAT gateways' traffic it judges, each with the rule to add. */
export function natTrafficGaps(acl: NetworkAcl, legs: readonly NatLeg[], added: AddedRules): NatGap[] {
  return legs.flatMap((leg) => {
    const expected = leg.replies && leg.protocol === UDP ? returnsUdp(acl, leg.direction, 4) : undefined;
    const dropped = leg.needs
      .map((need) => droppedPackets(acl, leg.direction, leg.protocol, 4, need.addrs, need.ports, expected))
      .reduce(mergeDropped, undefined);
    if (!dropped) return [];
    return [{ leg, dropped, rule: added.need({ ...leg.rule, before: dropped.blocker?.number ?? MAX_RULE_NUMBER + 1 }) }];
  });
}

function subnetNames(subnets: Subnet[]): string {
  return `${subnets.length > 1 ? 'subnets' : 'subnet'} ${subnets.map((subnet) => `'${subnet.name}'`).join(', ')}`;
}

/** Where the packets are dropped: the internet, or the part of it the message must name. */
function droppedWhere(gap: NatGap): string {
  const all = gap.leg.needs.reduce<BigSet>((addrs, need) => addrs.union(need.addrs), IntervalSet.empty());
  return gap.dropped.addrs.equals(all) ? 'the internet' : formatAddrSet(gap.dropped.addrs, 4);
}

function gapMessage(gap: NatGap): string {
  const { leg, dropped } = gap;
  const acl = `network ACL '${leg.subnet.acl.name}'`;
  const protocol = protocolName(leg.protocol);
  const ports = formatPorts(dropped.ports);
  switch (leg.kind) {
    case 'gateway-replies':
      return `NAT gateway '${leg.nat.name}' forwards ${protocol} connections of ${subnetNames(leg.clients)} to the internet, but ${acl} of its subnet '${leg.subnet.name}' ` +
        `drops their replies from ${droppedWhere(gap)} to its ports ${ports}: each connection leaves from a port the gateway chooses in 1024-65535, and network ACLs are stateless`;
    case 'client-replies':
      return `NAT gateway '${leg.nat.name}' forwards ${protocol} connections of subnet '${leg.subnet.name}' to the internet, but ${acl} of that subnet ` +
        `drops their replies from ${droppedWhere(gap)} to the clients' ports ${ports}: the replies come from the internet addresses, not from the gateway's, and network ACLs are stateless`;
    case 'forwarded-requests':
      return `NAT gateway '${leg.nat.name}' cannot forward the ${protocol} ${ports} requests of ${subnetNames(leg.clients)} that inbound rule ${leg.admittedBy!.number} of ${acl} admits: ` +
        `its outbound rules drop them towards ${droppedWhere(gap)}`;
  }
}

/** VR407 on the NAT gateway's declaration, once the rules to add are numbered. */
export function reportNatGap(gap: NatGap, numbers: AclRuleNumbers): Diagnostic {
  const { leg, dropped, rule } = gap;
  const related: RelatedInfo[] = [];
  if (dropped.blocker) related.push({ range: dropped.blocker.decl!.range, message: `rule ${dropped.blocker.number} denies some of them` });
  if (leg.admittedBy) related.push({ range: leg.admittedBy.decl!.range, message: `rule ${leg.admittedBy.number} admits the requests` });
  return makeDiagnostic('natTrafficDropped', leg.nat.decl.range, `${gapMessage(gap)}; ${addRuleAdvice(rule, dropped.blocker?.number, numbers)}`, {
    related, fixes: rule.fix ? [rule.fix] : [],
  });
}
