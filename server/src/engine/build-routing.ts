// Routing in the model: gateways, NAT gateways and route tables, with names resolved and what AWS
// refuses reported. Routing is modelled once the file declares a route table (paths.md).
import type { Cidr, Declaration, GatewayDecl, Name, NatGatewayDecl, Route, RouteTableDecl } from '../syntax/ast';
import { Diagnostic, makeDiagnostic } from '../diagnostics/diagnostic';
import { ofFamily } from './addresses';
import type {
  Gateway, Model, NatGateway, RouteModel, RouteTable, RouteTargetModel, SymbolKind,
} from './model';

/** What the routing part needs of the model builder. */
export interface RoutingContext {
  model: Model;
  report(diagnostic: Diagnostic): void;
  resolve<T>(kind: SymbolKind, name: Name, table: Map<string, T>): T | undefined;
  isDuplicateIn<T extends { decl?: { name?: Name } }>(kind: SymbolKind, name: Name, table: Map<string, T>): boolean;
  /** The text of a declaration's line, spaces normalised, for traces. */
  textOf(node: { range: Cidr['range'] }): string;
}

/** Gateways and NAT gateways; subnets must be built. */
export function buildGateways(ctx: RoutingContext, decls: Declaration[]): void {
  for (const decl of decls) {
    if (decl.kind === 'internet-gateway' || decl.kind === 'egress-only-gateway') buildGateway(ctx, decl);
    else if (decl.kind === 'nat-gateway') buildNatGateway(ctx, decl);
  }
}

function buildGateway(ctx: RoutingContext, decl: GatewayDecl): void {
  if (!decl.name) return;
  const slot = decl.kind === 'internet-gateway' ? 'internetGateway' : 'egressOnlyGateway';
  const first = ctx.model[slot];
  if (first) {
    if (first.name === decl.name.text) {
      ctx.isDuplicateIn(decl.kind, decl.name, new Map([[first.name, first]]));
    } else {
      ctx.report(makeDiagnostic('gatewayDeclaration', decl.name.range, `a VPC has at most one ${decl.kind === 'internet-gateway' ? 'internet' : 'egress-only'} gateway; '${first.name}' is declared on line ${first.decl.range.start.line + 1}`, {
        related: [{ range: first.decl.range, message: `the ${decl.kind}` }],
      }));
    }
    return;
  }
  ctx.model[slot] = { name: decl.name.text, decl, kind: decl.kind };
}

function buildNatGateway(ctx: RoutingContext, decl: NatGatewayDecl): void {
  if (!decl.name || ctx.isDuplicateIn('nat-gateway', decl.name, ctx.model.natGateways)) return;
  const subnet = decl.subnet ? ctx.resolve('subnet', decl.subnet, ctx.model.subnets) : undefined;
  const nat: NatGateway = { name: decl.name.text, decl, subnet, ip: decl.ip?.address, publicIp: decl.publicIp?.address };
  if (subnet && decl.ip && (!subnet.v4 || decl.ip.address < subnet.v4.first || decl.ip.address > subnet.v4.last)) {
    ctx.report(makeDiagnostic('gatewayDeclaration', decl.ip.range, `address ${decl.ip.text} of NAT gateway '${nat.name}' is not in subnet '${subnet.name}' (${subnet.v4?.text ?? 'no IPv4 block'})`));
  }
  if (decl.publicIp) checkPublicAddress(ctx, decl.publicIp, `NAT gateway '${nat.name}'`);
  ctx.model.natGateways.set(nat.name, nat);
}

/** A public address must lie outside the VPC's blocks: inside, it would be a private one. */
export function checkPublicAddress(ctx: RoutingContext, address: Cidr, owner: string): void {
  const vpc = ctx.model.vpc;
  if (!vpc || !ofFamily(vpc.blocks, address.family).has(address.address)) return;
  ctx.report(makeDiagnostic('gatewayDeclaration', address.range, `public address ${address.text} of ${owner} lies inside VPC '${vpc.name}': a public address is outside the VPC's blocks`));
}

/** Route tables and their routes; gateways and NAT gateways must be built. */
export function buildRouteTables(ctx: RoutingContext, decls: Declaration[]): void {
  const tables = decls.filter((decl): decl is RouteTableDecl => decl.kind === 'route-table');
  ctx.model.routing = tables.length > 0;
  ctx.model.localOnly = localOnlyTable(ctx.model);
  let main: RouteTable | undefined;
  for (const decl of tables) {
    if (!decl.name || ctx.isDuplicateIn('route-table', decl.name, ctx.model.routeTables)) continue;
    const table: RouteTable = { name: decl.name.text, decl, main: Boolean(decl.main), routes: [] };
    ctx.model.routeTables.set(table.name, table);
    if (decl.main) {
      if (main) {
        ctx.report(makeDiagnostic('routeTableAssociation', decl.main, `a VPC has one main route table; '${main.name}' is already main`, {
          related: [{ range: main.decl!.main!, message: 'the main route table' }],
        }));
        table.main = false;
      } else {
        main = table;
      }
    }
    if (decl.edge) associateEdge(ctx, table, decl.edge);
    for (const route of decl.routes) addRoute(ctx, table, route);
    addImplicitLocalRoutes(ctx.model, table);
  }
  for (const subnet of ctx.model.subnets.values()) {
    const named = subnet.decl.routes ? ctx.resolve('route-table', subnet.decl.routes, ctx.model.routeTables) : undefined;
    if (named?.edgeOf && subnet.decl.routes) {
      ctx.report(makeDiagnostic('routeTableAssociation', subnet.decl.routes.range, `route table '${named.name}' is the edge table of gateway '${named.edgeOf.name}': a subnet cannot use it`));
    }
    subnet.routeTable = named ?? main;
  }
}

function associateEdge(ctx: RoutingContext, table: RouteTable, name: Name): void {
  const igw = ctx.model.internetGateway;
  if (igw?.name === name.text) {
    ctx.model.references.push({ kind: 'internet-gateway', name: name.text, range: name.range });
    if (igw.edgeTable) {
      ctx.report(makeDiagnostic('routeTableAssociation', name.range, `internet gateway '${igw.name}' already has edge table '${igw.edgeTable.name}'`));
      return;
    }
    igw.edgeTable = table;
    table.edgeOf = igw;
    return;
  }
  const eigw = ctx.model.egressOnlyGateway;
  if (eigw?.name === name.text) {
    ctx.model.references.push({ kind: 'egress-only-gateway', name: name.text, range: name.range });
    ctx.report(makeDiagnostic('routeTableAssociation', name.range, `an edge route table belongs to an internet gateway; '${name.text}' is an egress-only gateway`));
    return;
  }
  if (ctx.model.natGateways.has(name.text) || ctx.model.subnets.has(name.text)) {
    ctx.report(makeDiagnostic('routeTableAssociation', name.range, `an edge route table belongs to an internet gateway; '${name.text}' is not one`));
    return;
  }
  ctx.resolve('internet-gateway', name, new Map<string, Gateway>(igw ? [[igw.name, igw]] : []));
}

/** The target of a route with its name resolved, or undefined when it names nothing usable. */
function resolveTarget(ctx: RoutingContext, route: Route, family: 4 | 6): RouteTargetModel | undefined {
  const target = route.target!;
  switch (target.kind) {
    case 'local': return { kind: 'local' };
    case 'blackhole': return { kind: 'blackhole' };
    case 'unmodelled': return { kind: 'unmodelled', text: target.text?.text ?? '' };
    case 'firewall': {
      if (!target.name) return undefined;
      const firewall = ctx.resolve('firewall', target.name, ctx.model.firewalls);
      return firewall && { kind: 'firewall', firewall };
    }
    case 'igw': case 'eigw': {
      if (!target.name) return undefined;
      const kind = target.kind === 'igw' ? 'internet-gateway' : 'egress-only-gateway';
      const wanted = target.kind === 'igw' ? ctx.model.internetGateway : ctx.model.egressOnlyGateway;
      const other = target.kind === 'igw' ? ctx.model.egressOnlyGateway : ctx.model.internetGateway;
      if (!wanted && other?.name === target.name.text) {
        ctx.model.references.push({ kind: other.kind, name: other.name, range: target.name.range });
        ctx.report(makeDiagnostic('routeRefused', target.range, `'${target.name.text}' is ${other.kind === 'internet-gateway' ? 'an internet' : 'an egress-only'} gateway: write '${other.kind === 'internet-gateway' ? 'igw' : 'eigw'} ${target.name.text}'`));
        return undefined;
      }
      const gateway = ctx.resolve(kind, target.name, new Map<string, Gateway>(wanted ? [[wanted.name, wanted]] : []));
      if (!gateway) return undefined;
      if (target.kind === 'eigw' && family === 4) {
        ctx.report(makeDiagnostic('routeRefused', route.range, 'an egress-only gateway carries IPv6 only: AWS refuses an IPv4 route to it'));
        return undefined;
      }
      return target.kind === 'igw' ? { kind: 'igw', gateway } : { kind: 'eigw', gateway };
    }
    case 'nat': {
      if (!target.name) return undefined;
      const nat = ctx.resolve('nat-gateway', target.name, ctx.model.natGateways);
      return nat && { kind: 'nat', nat };
    }
  }
}

function addRoute(ctx: RoutingContext, table: RouteTable, route: Route): void {
  if (!route.dest || !route.target) return;
  const dest = route.dest;
  const target = resolveTarget(ctx, route, dest.family);
  if (!target) return;
  const same = table.routes.find((other) => other.family === dest.family && other.first === dest.first && other.prefix === dest.prefix);
  if (same) {
    ctx.report(makeDiagnostic('routeRefused', dest.range, `route table '${table.name}' already has a route for ${dest.text} on line ${same.decl!.range.start.line + 1}`, {
      related: [{ range: same.decl!.range, message: 'the first route' }],
    }));
    return;
  }
  const refused = refusal(ctx.model, table, dest, target);
  if (refused) {
    ctx.report(makeDiagnostic('routeRefused', route.range, refused));
    return;
  }
  table.routes.push({
    decl: route, table, family: dest.family, first: dest.first, last: dest.last, prefix: dest.prefix,
    destText: dest.text, target, text: ctx.textOf(route),
  });
}

/** Why AWS refuses a route that is more specific than, or replaces, a local route; undefined if it does not. */
function refusal(model: Model, table: RouteTable, dest: Cidr, target: RouteTargetModel): string | undefined {
  const blocks = model.vpc?.decl.cidrs.filter((cidr) => cidr.family === dest.family) ?? [];
  const replacesLocal = blocks.some((block) => block.first === dest.first && block.prefix === dest.prefix);
  const insideVpc = blocks.some((block) => dest.first >= block.first && dest.last <= block.last);
  const subnetBlock = [...model.subnets.values()].some((subnet) => {
    const block = dest.family === 4 ? subnet.v4 : subnet.v6;
    return block?.first === dest.first && block.prefix === dest.prefix;
  });
  if (table.edgeOf) {
    if (target.kind !== 'local' && target.kind !== 'unmodelled' && target.kind !== 'firewall') return `an edge route table's routes target local, a firewall endpoint or a network interface: AWS refuses a route to ${target.kind}`;
    if (!replacesLocal && !subnetBlock) return `an edge route table's routes are for a whole VPC block or exactly a subnet's block; ${dest.text} is neither`;
    return undefined;
  }
  if (target.kind === 'local' && !replacesLocal) return `a local route is for a VPC block; ${dest.text} is not one`;
  if (replacesLocal) {
    return target.kind === 'local' || target.kind === 'unmodelled' || target.kind === 'firewall' ? undefined : `a route that replaces the local route of ${dest.text} may target a firewall endpoint or a network interface only`;
  }
  if (!insideVpc) return undefined;
  if (!subnetBlock) return `a route more specific than the local route must be for exactly a subnet's block; ${dest.text} is not one`;
  return target.kind === 'nat' || target.kind === 'unmodelled' || target.kind === 'firewall' ? undefined : `a route for a subnet's block may target a NAT gateway, a firewall endpoint or a network interface only`;
}

/** Every table routes the VPC's own blocks locally, unless a route replaces that local route. */
function addImplicitLocalRoutes(model: Model, table: RouteTable): void {
  for (const block of model.vpc?.decl.cidrs ?? []) {
    const replaced = table.routes.some((route) => route.family === block.family && route.first === block.first && route.prefix === block.prefix);
    if (replaced) continue;
    table.routes.push({
      table, family: block.family, first: block.first, last: block.last, prefix: block.prefix,
      destText: block.text, target: { kind: 'local' }, text: `route ${block.text} -> local (implicit)`,
    });
  }
}

function localOnlyTable(model: Model): RouteTable {
  const table: RouteTable = { name: '(local routes only)', main: false, routes: [] };
  addImplicitLocalRoutes(model, table);
  return table;
}

/** The route a table sends an address to: the longest prefix that holds it, of its family. */
export function lookupRoute(table: RouteTable, family: 4 | 6, address: bigint): RouteModel | undefined {
  let best: RouteModel | undefined;
  for (const route of table.routes) {
    if (route.family !== family || address < route.first || address > route.last) continue;
    if (!best || route.prefix > best.prefix) best = route;
  }
  return best;
}
