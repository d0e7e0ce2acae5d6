// The syntax tree of the routing forms: gateways, NAT gateways, route tables and their routes, a
// subnet's `routes` and an instance's `public-ip`. Their diagnostics are in
// test/fixtures/parser/routing-errors.vpcrules.
import * as assert from 'node:assert/strict';
import type { Declaration, InstanceDecl, NatGatewayDecl, Range, RouteTableDecl, SubnetDecl } from '../server/src/syntax/ast';
import { parse } from '../server/src/syntax/parser';

function declarations(text: string): Declaration[] {
  return parse(text).file.declarations;
}

function only<K extends Declaration['kind']>(text: string, kind: K): Extract<Declaration, { kind: K }> {
  const found = declarations(text).filter((decl): decl is Extract<Declaration, { kind: K }> => decl.kind === kind);
  assert.equal(found.length, 1, `one ${kind} in ${JSON.stringify(text)}`);
  return found[0];
}

/** The text a single-line range covers. */
function slice(text: string, range: Range): string {
  return text.split('\n')[range.start.line].slice(range.start.character, range.end.character);
}

const TABLE = [
  'route-table private-rt {',
  '  route 0.0.0.0/0 -> nat nat-a',
  '  route ::/0 -> eigw eigw',
  '  route 10.0.3.0/24 -> firewall fw-a',
  '  route 10.0.0.0/16 -> local',
  '  route 192.168.0.0/16 -> blackhole',
  '  route 172.16.0.0/12 -> unmodelled "transit gateway \\"tgw-1\\""',
  '  route 203.0.113.0/24 -> igw igw',
  '}',
].join('\n');

describe('routing syntax', () => {
  it('reads internet and egress-only gateways', () => {
    const [igw, eigw] = declarations('internet-gateway igw\negress-only-gateway eigw\n');
    assert.deepEqual([igw.kind, igw.name?.text], ['internet-gateway', 'igw']);
    assert.deepEqual([eigw.kind, eigw.name?.text], ['egress-only-gateway', 'eigw']);
  });

  it('reads a NAT gateway, its clauses in any order', () => {
    const text = 'nat-gateway nat-a public-ip 203.0.113.10 ip 10.0.1.5 subnet public-a\n';
    const nat: NatGatewayDecl = only(text, 'nat-gateway');
    assert.equal(nat.name?.text, 'nat-a');
    assert.equal(nat.subnet?.text, 'public-a');
    assert.equal(nat.ip?.text, '10.0.1.5');
    assert.equal(nat.publicIp?.text, '203.0.113.10');
    assert.deepEqual(parse(text).diagnostics, []);
  });

  it("reads a subnet's acl and routes in either order", () => {
    for (const text of ['subnet a 10.0.1.0/24 acl web-acl routes rt\n', 'subnet a 10.0.1.0/24 routes rt acl web-acl\n']) {
      const subnet: SubnetDecl = only(text, 'subnet');
      assert.deepEqual([subnet.acl?.text, subnet.routes?.text], ['web-acl', 'rt'], text);
    }
    const dual: SubnetDecl = only('subnet a 10.0.1.0/24 2600:1f18::/64 routes rt\n', 'subnet');
    assert.deepEqual(dual.cidrs.map((cidr) => cidr.text), ['10.0.1.0/24', '2600:1f18::/64']);
  });

  it("reads an instance's public-ip among its other clauses", () => {
    const instance: InstanceDecl = only('instance web-1 public-ip 203.0.113.20 subnet a ip 10.0.1.10 groups web\n', 'instance');
    assert.equal(instance.publicIp?.text, '203.0.113.20');
    assert.deepEqual(instance.groups.map((group) => group.text), ['web']);
  });

  it('reads every kind of route target, with the ranges of destination and target', () => {
    const table: RouteTableDecl = only(TABLE, 'route-table');
    assert.deepEqual(parse(TABLE).diagnostics, []);
    assert.equal(table.name?.text, 'private-rt');
    assert.equal(table.main, undefined);
    assert.equal(table.edge, undefined);
    assert.deepEqual(table.routes.map((route) => [route.dest?.text, route.target?.kind]), [
      ['0.0.0.0/0', 'nat'], ['::/0', 'eigw'], ['10.0.3.0/24', 'firewall'], ['10.0.0.0/16', 'local'],
      ['192.168.0.0/16', 'blackhole'], ['172.16.0.0/12', 'unmodelled'], ['203.0.113.0/24', 'igw'],
    ]);
    const targets = table.routes.map((route) => slice(TABLE, route.target!.range));
    assert.deepEqual(targets, ['nat nat-a', 'eigw eigw', 'firewall fw-a', 'local', 'blackhole', 'unmodelled "transit gateway \\"tgw-1\\""', 'igw igw']);
    const unmodelled = table.routes[5].target!;
    assert.equal(unmodelled.kind === 'unmodelled' && unmodelled.text?.text, 'transit gateway "tgw-1"');
    const named = table.routes[0].target!;
    assert.equal(named.kind === 'nat' && named.name?.text, 'nat-a');
    assert.equal(slice(TABLE, table.routes[0].range), 'route 0.0.0.0/0 -> nat nat-a');
    assert.equal(table.range.end.line, 8);
  });

  it('reads main and edge tables', () => {
    const main: RouteTableDecl = only('route-table public-rt main {\n}\n', 'route-table');
    assert.ok(main.main);
    const edge: RouteTableDecl = only('route-table ingress edge igw {\n  route 10.0.1.0/24 -> local\n}\n', 'route-table');
    assert.equal(edge.edge?.text, 'igw');
    assert.equal(edge.routes.length, 1);
  });

  it('keeps the first of main and edge when both are written', () => {
    const mainFirst: RouteTableDecl = only('route-table t main edge igw {\n}\n', 'route-table');
    assert.deepEqual([Boolean(mainFirst.main), mainFirst.edge?.text], [true, undefined]);
    const edgeFirst: RouteTableDecl = only('route-table t edge igw main {\n}\n', 'route-table');
    assert.deepEqual([Boolean(edgeFirst.main), edgeFirst.edge?.text], [false, 'igw']);
  });

  it('keeps a route with a syntax error in the tree, with what was read before the error', () => {
    const text = 'route-table t {\n  route 0.0.0.0/0 ->\n  route 10.1.0.0/16 -> igx igw\n  route 10.2.0.0/16 -> local\n}\n';
    const table: RouteTableDecl = only(text, 'route-table');
    assert.deepEqual(table.routes.map((route) => [route.dest?.text, route.target?.kind]), [
      ['0.0.0.0/0', undefined], ['10.1.0.0/16', undefined], ['10.2.0.0/16', 'local'],
    ]);
    assert.equal(parse(text).diagnostics.length, 2);
  });

  it('parses routes as routes and rules as rules when a block changes kind', () => {
    const routes = 'route-table t {\n  route 0.0.0.0/0 -> local\n}\n';
    const group = routes.replace('route-table t', 'security-group t');
    assert.equal(parse(routes).diagnostics.length, 0);
    assert.match(parse(group).diagnostics[0].message, /expected a rule starting with 'inbound' or 'outbound'/);
  });
});
