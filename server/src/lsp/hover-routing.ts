// Hovers of routing: a route (where it sends which addresses, the flows that take it, what the
// checks say about it), and the lines that gateways, NAT gateways and route tables add to the
// hover of their declaration.
import type { Analysis } from '../engine/analyze';
import type { FlowResult } from '../engine/evaluate';
import type { Hop } from '../engine/hops';
import type { RouteModel } from '../engine/model';
import type { Declaration, GatewayDecl, NatGatewayDecl, Route, RouteTableDecl, RouteTarget, SourceFile } from '../syntax/ast';
import { canonicalCidr } from '../syntax/cidr';
import { ROUTE_TARGET_DECLARATIONS } from '../syntax/parser';
import { findings } from './hover-rule';
import { code, escapeMarkdown, lineLabel } from './markdown';

export function describeTarget(target: RouteTarget): string {
  switch (target.kind) {
    case 'local': return "the VPC's local routing (the subnet that holds the destination)";
    case 'blackhole': return 'nowhere: packets are dropped (blackhole)';
    case 'igw': return `internet gateway ${escapeMarkdown(target.name?.text ?? '')}`;
    case 'eigw': return `egress-only gateway ${escapeMarkdown(target.name?.text ?? '')} (IPv6, connections opened from inside only)`;
    case 'nat': return `NAT gateway ${escapeMarkdown(target.name?.text ?? '')}`;
    case 'firewall': return `firewall endpoint ${escapeMarkdown(target.name?.text ?? '')}`;
    case 'unmodelled': return `${escapeMarkdown(target.text?.text ?? '')}, which the model does not follow: packets routed there are dropped for the verdict`;
  }
}

function routeModel(analysis: Analysis, route: Route): RouteModel | undefined {
  for (const table of analysis.model.routeTables.values()) {
    const found = table.routes.find((model) => model.decl === route);
    if (found) return found;
  }
  return undefined;
}

/** The flows whose path the route decides: the engine counts such a route among a flow's deciding rules. */
function flowsTaking(analysis: Analysis, route: RouteModel): FlowResult[] {
  return analysis.flows.filter((result) => result.decidingRules.has(route));
}

function takenBy(analysis: Analysis, route: Route): string[] {
  const model = routeModel(analysis, route);
  // Without a model of the route (routing off, or a route the model could not use) no flow takes it.
  if (!model) return [];
  const flows = flowsTaking(analysis, model);
  if (flows.length === 0) return ['', 'no flow of this file takes it'];
  const lines = flows.map((result) => `- flow ${escapeMarkdown(result.flow.name)} (${lineLabel(result.flow.decl.range.start.line)}): ${result.verdict}`);
  return ['', 'flows that take it:', '', ...lines];
}

function tableRole(table: RouteTableDecl): string {
  if (table.main) return ' (main)';
  if (table.edge) return ` (edge of ${escapeMarkdown(table.edge.text)})`;
  return '';
}

export function routeHover(analysis: Analysis, route: Route, table: RouteTableDecl): string | undefined {
  if (!route.dest || !route.target) return undefined;
  const dest = route.dest;
  return [
    `**route table ${escapeMarkdown(table.name?.text ?? '')}**${tableRole(table)}, route (${lineLabel(route.range.start.line)})`,
    '',
    `sends ${code(canonicalCidr(dest))} (IPv${dest.family}) to ${describeTarget(route.target)}`,
    ...takenBy(analysis, route),
    ...findings(analysis, route.range),
  ].join('\n');
}

function routeTables(file: SourceFile): RouteTableDecl[] {
  return file.declarations.filter((decl): decl is RouteTableDecl => decl.kind === 'route-table');
}

/** `- routes to it: private-rt (line 12), ...`: the tables with a route whose target names the declaration. */
function routesTo(file: SourceFile, decl: GatewayDecl | NatGatewayDecl): string[] {
  const name = decl.name?.text;
  const lines = routeTables(file).flatMap((table) => table.routes
    .filter((route) => route.target && 'name' in route.target && route.target.name?.text === name && ROUTE_TARGET_DECLARATIONS[route.target.kind] === decl.kind)
    .map((route) => `${escapeMarkdown(table.name?.text ?? '')} (${lineLabel(route.range.start.line)})`));
  return [`- routes to it: ${lines.length > 0 ? lines.join(', ') : 'none'}`];
}

function edgeTables(file: SourceFile, gateway: GatewayDecl): string[] {
  const tables = routeTables(file).filter((table) => table.edge?.text === gateway.name?.text);
  if (gateway.kind !== 'internet-gateway' && tables.length === 0) return [];
  const names = tables.map((table) => escapeMarkdown(table.name?.text ?? ''));
  return [`- edge route table: ${names.length > 0 ? names.join(', ') : 'none (local routes only)'}`];
}

function subnetsUsing(file: SourceFile, table: RouteTableDecl): string[] {
  const subnets = file.declarations.filter((decl) => decl.kind === 'subnet' && decl.name &&
    (decl.routes ? decl.routes.text === table.name?.text : table.main !== undefined));
  return subnets.map((subnet) => escapeMarkdown(subnet.name?.text ?? ''));
}

function routeTableLines(file: SourceFile, table: RouteTableDecl): string[] {
  const role = table.main
    ? ['- the main table: every subnet without `routes` uses it']
    : table.edge ? [`- the edge table of ${escapeMarkdown(table.edge.text)}: routes what enters the VPC through it`] : [];
  const subnets = table.edge ? [] : [`- subnets: ${subnetsUsing(file, table).join(', ') || 'none'}`];
  return [...role, ...subnets, `- ${table.routes.length} route${table.routes.length === 1 ? '' : 's'} written, besides the implicit local routes`];
}

function natGatewayLines(file: SourceFile, nat: NatGatewayDecl): string[] {
  const lines = [
    ...(nat.subnet ? [`- subnet: ${escapeMarkdown(nat.subnet.text)}`] : []),
    ...(nat.ip ? [`- private IPv4: ${code(nat.ip.text)}, the source of what it forwards (ports 1024-65535)`] : []),
    ...(nat.publicIp ? [`- public IPv4: ${code(nat.publicIp.text)}`] : []),
  ];
  return [...lines, ...routesTo(file, nat)];
}

/** `- flows through it: https (line 40): allow, ...`: the flows some of whose connections cross the gateway. */
function flowsThrough(analysis: Analysis, decl: GatewayDecl | NatGatewayDecl): string[] {
  const name = decl.name?.text;
  const crosses = (hop: Hop) => (hop.kind === 'nat' && decl.kind === 'nat-gateway' && hop.nat.name === name)
    || (hop.kind === 'gateway' && hop.gateway?.kind === decl.kind && hop.gateway.name === name);
  const flows = analysis.flows.filter((result) => result.paths.some((path) => path.hops.some(crosses)));
  const listed = flows.map((result) => `${escapeMarkdown(result.flow.name)} (${lineLabel(result.flow.decl.range.start.line)}): ${result.verdict}`);
  return [`- flows through it: ${listed.length > 0 ? listed.join(', ') : 'none'}`];
}

/** What the hover of a routing declaration lists below its line. */
export function routingDetails(analysis: Analysis, decl: Declaration): string[] {
  const file = analysis.file;
  switch (decl.kind) {
    case 'internet-gateway':
    case 'egress-only-gateway':
      return [...edgeTables(file, decl), ...routesTo(file, decl), ...flowsThrough(analysis, decl)];
    case 'nat-gateway': return [...natGatewayLines(file, decl), ...flowsThrough(analysis, decl)];
    case 'route-table': return routeTableLines(file, decl);
    default: return [];
  }
}
