// What a subnet's route table does with addresses, for the checks that reason about routes
// without a flow: which route decides which addresses (the longest prefix wins, paths.md).
import type { Family } from '../../syntax/ast';
import { BigSet, IntervalSet } from '../intervals';
import type { Model, RouteModel, RouteTable, Subnet } from '../model';

/** The table a subnet's packets are routed by: its own, the main one, else the implicit local routes. */
export function routeTableOf(model: Model, subnet: Subnet): RouteTable {
  return subnet.routeTable ?? model.localOnly;
}

/** The addresses a route decides in its table: its block, less the longer routes inside it. */
export function addressesRoutedBy(route: RouteModel): BigSet {
  let addrs: BigSet = IntervalSet.of(route.first, route.last);
  for (const other of route.table.routes) {
    if (other.family !== route.family || other.prefix <= route.prefix) continue;
    if (other.first >= route.first && other.last <= route.last) addrs = addrs.subtract(IntervalSet.of(other.first, other.last));
  }
  return addrs;
}

/** The table's routes of a family that send packets straight to the internet gateway. */
export function internetGatewayRoutes(table: RouteTable, family: Family): RouteModel[] {
  return table.routes.filter((route) => route.family === family && route.target.kind === 'igw');
}

/** The line of a route for messages: where it is written, or that it is implicit. */
export function routeLocation(route: RouteModel): string {
  return route.decl ? `line ${route.decl.range.start.line + 1}` : 'implicit';
}
