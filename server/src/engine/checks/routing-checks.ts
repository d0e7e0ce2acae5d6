// The routing checks: routes, gateways and public addresses that are valid in AWS but cannot do
// what they are there for (VR312-VR315). They read the model's routing only, never a flow; they
// run once the file declares a route table, since routing is not modelled before.
import type { Cidr, Family } from '../../syntax/ast';
import { Diagnostic, makeDiagnostic } from '../../diagnostics/diagnostic';
import { lookupRoute } from '../build-routing';
import { ofFamily } from '../addresses';
import { IntervalSet } from '../intervals';
import type { Gateway, Model, NatGateway, RouteModel, RouteTable, Subnet } from '../model';
import { internetGatewayRoutes, routeLocation, routeTableOf } from './route-reach';

function natTarget(route: RouteModel): NatGateway | undefined {
  return route.target.kind === 'nat' ? route.target.nat : undefined;
}

/** VR312: IPv6 routes to a NAT gateway (NAT64) are not modelled; the packets taking them are dropped. */
function checkNat64Routes(model: Model): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const table of model.routeTables.values()) {
    for (const route of table.routes) {
      const nat = natTarget(route);
      if (!nat || route.family !== 6 || !route.decl) continue;
      out.push(makeDiagnostic('routeTargetFamily', route.decl.range,
        `route ${route.destText} sends IPv6 to NAT gateway '${nat.name}': NAT64 (64:ff9b::/96) is not modelled, so the IPv6 packets taking this route are dropped`));
    }
  }
  return out;
}

/**
 * Why a subnet's packets cannot reach the internet gateway, or undefined when they may: its table
 * has an IPv4 route to it, or an IPv4 route out of the VPC to a target the file cannot follow (an
 * appliance that forwards to the internet gateway, say).
 */
function noInternetRoute(model: Model, subnet: Subnet): string | undefined {
  const igw = model.internetGateway;
  if (!igw) return 'the VPC has no internet gateway';
  const table = routeTableOf(model, subnet);
  if (internetGatewayRoutes(table, 4).length > 0 || table.routes.some((route) => leavesThroughUnmodelled(model, route) || leavesThroughFirewall(model, route))) return undefined;
  if (!table.decl) return 'the subnet has only the local routes (no route table of its own, and no main one)';
  return `its route table '${table.name}' has no IPv4 route to internet gateway '${igw.name}'`;
}

/** Whether a route sends addresses outside the VPC to a target the file cannot follow. */
function leavesThroughUnmodelled(model: Model, route: RouteModel): boolean {
  const vpcBlocks = model.vpc?.blocks.v4 ?? IntervalSet.empty();
  return route.family === 4 && route.target.kind === 'unmodelled' && !IntervalSet.of(route.first, route.last).within(vpcBlocks);
}

/** Whether a route sends addresses outside the VPC to a firewall endpoint whose subnet routes them to the internet gateway. */
function leavesThroughFirewall(model: Model, route: RouteModel): boolean {
  if (route.family !== 4 || route.target.kind !== 'firewall') return false;
  const vpcBlocks = model.vpc?.blocks.v4 ?? IntervalSet.empty();
  const endpoint = route.target.firewall.subnet;
  return !IntervalSet.of(route.first, route.last).within(vpcBlocks) && endpoint !== undefined && internetGatewayRoutes(routeTableOf(model, endpoint), 4).length > 0;
}

/** VR313: a NAT gateway reaches the internet only from a subnet routed to the internet gateway. (Its public-ip is required by the syntax.) */
function checkNatGateways(model: Model): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const nat of model.natGateways.values()) {
    const subnet = nat.subnet;
    if (!subnet) continue;
    const why = noInternetRoute(model, subnet);
    if (!why) continue;
    out.push(makeDiagnostic('natGatewayNotPublic', nat.decl.range,
      `NAT gateway '${nat.name}' is in subnet '${subnet.name}', but ${why}: it cannot reach the internet` +
      (model.internetGateway ? ' (a NAT gateway belongs in a public subnet, whose table routes to the internet gateway)' : '')));
  }
  return out;
}

/** VR314: a public address is of use only where the subnet routes to the internet gateway. */
function checkPublicAddresses(model: Model): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const instance of model.instances.values()) {
    if (instance.publicIp === undefined || !instance.subnet) continue;
    const why = noInternetRoute(model, instance.subnet);
    if (!why) continue;
    out.push(makeDiagnostic('publicIpUnreachable', instance.decl.publicIp!.range,
      `instance '${instance.name}' has public address ${instance.decl.publicIp!.text} in subnet '${instance.subnet.name}', but ${why}: ` +
      `nothing reaches the instance by that address, and its replies cannot leave by it`));
  }
  return out;
}

/** A route target that carries packets through something that filters them, named for messages. */
function middlebox(route: RouteModel): string | undefined {
  switch (route.target.kind) {
    case 'unmodelled': return `unmodelled "${route.target.text}"`;
    case 'firewall': return `firewall ${route.target.firewall.name}`;
    default: return undefined;
  }
}

function subnetBlock(subnet: Subnet, family: Family): Cidr | undefined {
  return family === 4 ? subnet.v4 : subnet.v6;
}

/**
 * VR315: the edge table sends what the internet sends to a subnet through an appliance, while
 * the subnet's table sends what it sends to the internet straight to the internet gateway. Each
 * connection then crosses the appliance one way only, and a stateful appliance drops it.
 */
function checkAsymmetricEdgeRoutes(model: Model, igw: Gateway, edge: RouteTable): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const subnet of model.subnets.values()) {
    for (const family of [4, 6] as const) {
      const block = subnetBlock(subnet, family);
      if (!block) continue;
      const inward = lookupRoute(edge, family, block.first);
      const through = inward && middlebox(inward);
      if (!inward?.decl || !through) continue;
      const table = routeTableOf(model, subnet);
      for (const outward of internetGatewayRoutes(table, family)) {
        out.push(makeDiagnostic('asymmetricRouting', inward.decl.range,
          `edge route table '${edge.name}' sends the internet's traffic for subnet '${subnet.name}' through ${through}, but the subnet's route table '${outward.table.name}' ` +
          `sends ${outward.destText} straight to internet gateway '${igw.name}' (${routeLocation(outward)}): each connection crosses the appliance one way only (asymmetric routing), and a stateful appliance drops it`, {
            related: outward.decl ? [{ range: outward.decl.range, message: 'the route that bypasses the appliance' }] : [],
          }));
      }
      // The copy-paste across availability zones: in through one endpoint, out through another.
      const inwardFirewall = inward.target.kind === 'firewall' ? inward.target.firewall : undefined;
      for (const outward of table.routes) {
        if (!inwardFirewall || outward.family !== family || outward.target.kind !== 'firewall' || outward.target.firewall === inwardFirewall || !outward.decl) continue;
        if (IntervalSet.of(outward.first, outward.last).within(model.vpc ? ofFamily(model.vpc.blocks, family) : IntervalSet.empty())) continue;
        out.push(makeDiagnostic('asymmetricRouting', inward.decl.range,
          `edge route table '${edge.name}' sends the internet's traffic for subnet '${subnet.name}' through ${through}, but the subnet's route table '${outward.table.name}' ` +
          `sends ${outward.destText} through firewall ${outward.target.firewall.name} (${routeLocation(outward)}): each connection crosses each endpoint one way only (asymmetric routing), and AWS Network Firewall drops it`, {
            related: [{ range: outward.decl.range, message: 'the route through the other endpoint' }],
          }));
      }
    }
  }
  return out;
}

export function routingChecks(model: Model): Diagnostic[] {
  if (!model.routing) return [];
  const igw = model.internetGateway;
  return [
    ...checkNat64Routes(model),
    ...checkNatGateways(model),
    ...checkPublicAddresses(model),
    ...(igw?.edgeTable ? checkAsymmetricEdgeRoutes(model, igw, igw.edgeTable) : []),
  ];
}
