// The editor features on the routing forms: outline, folding, workspace symbols, completion,
// navigation, rename and hovers of gateways, NAT gateways, route tables and routes.
import * as assert from 'node:assert/strict';
import { CompletionItem, MarkupContent, SymbolKind } from 'vscode-languageserver';
import { completionItems } from '../../server/src/lsp/completion';
import { definitionLocations } from '../../server/src/lsp/definition';
import { documentSymbols } from '../../server/src/lsp/document-symbols';
import { foldingRanges } from '../../server/src/lsp/folding';
import { hoverAt } from '../../server/src/lsp/hover';
import { referenceLocations } from '../../server/src/lsp/references';
import { renameEdits } from '../../server/src/lsp/rename';
import { workspaceSymbols } from '../../server/src/lsp/workspace-symbols';
import { applyEdits } from '../apply-edits';
import { analyzedOf, positionOf, textAt, URI } from './analyzed';
import type { NatGatewayDecl, RouteTableDecl } from '../../server/src/syntax/ast';
import type { RouteModel, RouteTable } from '../../server/src/engine/model';

const ROUTED = [
  'vpc prod 10.0.0.0/16 2600:1f18:aa00::/56',
  'internet-gateway igw',
  'egress-only-gateway eigw',
  'subnet public-a 10.0.1.0/24',
  'subnet app-a 10.0.2.0/24 2600:1f18:aa00:2::/64 routes private-rt',
  'nat-gateway nat-a subnet public-a ip 10.0.1.5 public-ip 203.0.113.10',
  'route-table public-rt main {',
  '  route 0.0.0.0/0 -> igw igw',
  '  route ::/0      -> igw igw',
  '}',
  'route-table private-rt {',
  '  route 0.0.0.0/0 -> nat nat-a',
  '  route ::/0      -> eigw eigw',
  '}',
  'route-table ingress edge igw {',
  '  route 10.0.1.0/24 -> local',
  '}',
  'instance web-1 subnet public-a ip 10.0.1.10 public-ip 203.0.113.20',
  'instance app-1 subnet app-a ip 10.0.2.10',
  'flow updates app-1 -> internet tcp 443 expect allow',
  '',
].join('\n');

const lineOf = (needle: string) => positionOf(ROUTED, needle).line;
const labels = (items: CompletionItem[]) => items.map((item) => item.label);

/** Completion at the end of `line`, typed as a new line inserted before the line that holds `before`. */
function completeAt(line: string, before = 'instance web-1'): CompletionItem[] {
  const lines = ROUTED.split('\n');
  const at = lineOf(before);
  lines.splice(at, 0, line);
  return completionItems(analyzedOf(lines.join('\n')), { line: at, character: line.length });
}

function hoverText(needle: string, nth = 0, offset = 0): string {
  const hover = hoverAt(analyzedOf(ROUTED), positionOf(ROUTED, needle, nth, offset));
  assert.ok(hover, `no hover at '${needle}'`);
  return (hover.contents as MarkupContent).value;
}

describe('routing in the editor', () => {
  const analyzed = analyzedOf(ROUTED);

  it('parses the model without a syntax error', () => {
    assert.deepEqual(analyzed.analysis.diagnostics.filter((d) => d.code === 'VR100' || d.code === 'VR101'), []);
  });

  describe('outline', () => {
    const symbols = documentSymbols(analyzed);
    const named = (name: string) => symbols.find((symbol) => symbol.name === name)!;

    it('lists gateways, NAT gateways and route tables with their kinds and details', () => {
      assert.deepEqual(symbols.slice(0, 9).map((s) => [s.name, s.kind]), [
        ['prod', SymbolKind.Namespace], ['igw', SymbolKind.Interface], ['eigw', SymbolKind.Interface], ['public-a', SymbolKind.Module],
        ['app-a', SymbolKind.Module], ['nat-a', SymbolKind.Constructor], ['public-rt', SymbolKind.Enum],
        ['private-rt', SymbolKind.Enum], ['ingress', SymbolKind.Enum],
      ]);
      assert.equal(named('app-a').detail, '10.0.2.0/24 2600:1f18:aa00:2::/64 routes private-rt');
      assert.equal(named('nat-a').detail, 'subnet public-a ip 10.0.1.5 public-ip 203.0.113.10');
      assert.equal(named('public-rt').detail, 'main, 2 routes');
      assert.equal(named('ingress').detail, 'edge igw, 1 route');
      assert.equal(named('web-1').detail, '10.0.1.10, public 203.0.113.20');
    });

    it('nests the routes of a route table, named by what they say', () => {
      const table = named('private-rt');
      assert.deepEqual(table.children!.map((c) => [c.name, c.kind]), [['0.0.0.0/0 -> nat nat-a', SymbolKind.EnumMember], ['::/0 -> eigw eigw', SymbolKind.EnumMember]]);
      assert.equal(table.range.end.line, lineOf('route-table private-rt') + 3);
      assert.equal(textAt(ROUTED, table.children![0].selectionRange), '0.0.0.0/0');
    });
  });

  it('folds route tables up to their closing brace', () => {
    const folds = foldingRanges(analyzed).map((r) => [r.startLine, r.endLine]);
    for (const header of ['route-table public-rt', 'route-table private-rt']) assert.deepEqual(folds.find(([start]) => start === lineOf(header)), [lineOf(header), lineOf(header) + 2]);
    assert.deepEqual(folds.find(([start]) => start === lineOf('route-table ingress')), [lineOf('route-table ingress'), lineOf('route-table ingress') + 1]);
  });

  it('finds gateways, NAT gateways and route tables among the workspace symbols', () => {
    const found = workspaceSymbols([analyzed], 'nat');
    assert.deepEqual(found.map((s) => [s.name, s.kind, s.containerName]), [['nat-a', SymbolKind.Constructor, 'nat-gateway']]);
    assert.deepEqual(workspaceSymbols([analyzed], 'rt').map((s) => s.name), ['public-rt', 'private-rt']);
  });

  describe('completion', () => {
    const insideTable = 'route 0.0.0.0/0 -> nat';

    it('offers the routing declarations and the route keyword inside a route table', () => {
      const declarations = labels(completeAt(''));
      for (const keyword of ['internet-gateway', 'egress-only-gateway', 'nat-gateway', 'route-table']) assert.ok(declarations.includes(keyword), keyword);
      assert.deepEqual(labels(completeAt('  ', insideTable)), ['route']);
    });

    it('walks a route: destination, arrow, target kind, target name', () => {
      const destinations = labels(completeAt('  route ', insideTable));
      assert.deepEqual(destinations, ['0.0.0.0/0', '::/0', '10.0.0.0/16', '2600:1f18:aa00::/56', '10.0.1.0/24', '10.0.2.0/24', '2600:1f18:aa00:2::/64']);
      assert.deepEqual(labels(completeAt('  route 10.0.3.0/24 ', insideTable)), ['->']);
      assert.deepEqual(labels(completeAt('  route 10.0.3.0/24 -> ', insideTable)), ['local', 'igw', 'eigw', 'nat', 'firewall', 'blackhole', 'unmodelled']);
      assert.deepEqual(labels(completeAt('  route 10.0.3.0/24 -> igw ', insideTable)), ['igw']);
      assert.deepEqual(labels(completeAt('  route 10.0.3.0/24 -> eigw ', insideTable)), ['eigw']);
      assert.deepEqual(labels(completeAt('  route 10.0.3.0/24 -> nat ', insideTable)), ['nat-a']);
      assert.deepEqual(labels(completeAt('  route 10.0.3.0/24 -> nat na', insideTable)), ['nat-a']);
      assert.deepEqual(labels(completeAt('  route 10.0.3.0/24 -> local ', insideTable)), []);
    });

    it('offers route tables after routes, gateways after edge, subnets in a NAT gateway', () => {
      assert.deepEqual(labels(completeAt('subnet db 10.0.3.0/24 ')), ['acl', 'routes']);
      assert.deepEqual(labels(completeAt('subnet db 10.0.3.0/24 routes ')), ['public-rt', 'private-rt', 'ingress']);
      assert.deepEqual(labels(completeAt('subnet db 10.0.3.0/24 routes private-rt ')), ['acl']);
      assert.deepEqual(labels(completeAt('route-table db-rt ')), ['main', 'edge']);
      assert.deepEqual(labels(completeAt('route-table db-rt edge ')), ['igw']);
      assert.deepEqual(labels(completeAt('route-table db-rt main ')), []);
      assert.deepEqual(labels(completeAt('nat-gateway nat-b ')), ['subnet', 'ip', 'public-ip']);
      assert.deepEqual(labels(completeAt('nat-gateway nat-b subnet ')), ['public-a', 'app-a']);
      assert.deepEqual(labels(completeAt('nat-gateway nat-b subnet public-a ip 10.0.1.6 ')), ['public-ip']);
    });
  });

  describe('navigation and rename', () => {
    const declarationLine = (needle: string, offset: number) =>
      definitionLocations(analyzed, positionOf(ROUTED, needle, 0, offset)).map((location) => location.range.start.line);

    it('goes from a use to the declaration of each routing name', () => {
      assert.deepEqual(declarationLine('-> igw igw', 8), [lineOf('internet-gateway igw')]);
      assert.deepEqual(declarationLine('-> eigw eigw', 9), [lineOf('egress-only-gateway eigw')]);
      assert.deepEqual(declarationLine('-> nat nat-a', 8), [lineOf('nat-gateway nat-a')]);
      assert.deepEqual(declarationLine('edge igw', 6), [lineOf('internet-gateway igw')]);
      assert.deepEqual(declarationLine('routes private-rt', 8), [lineOf('route-table private-rt')]);
      assert.deepEqual(declarationLine('nat-a subnet public-a', 14), [lineOf('subnet public-a')]);
    });

    it('finds every use of the internet gateway', () => {
      const uses = referenceLocations(analyzed, positionOf(ROUTED, 'internet-gateway igw', 0, 17), false);
      assert.deepEqual(uses.map((l) => `${l.range.start.line}:${textAt(ROUTED, l.range)}`), [
        `${lineOf('0.0.0.0/0 -> igw')}:igw`, `${lineOf('::/0      -> igw')}:igw`, `${lineOf('edge igw')}:igw`,
      ]);
    });

    it('renames a gateway and a route table everywhere', () => {
      const gateway = renameEdits(analyzed, positionOf(ROUTED, 'internet-gateway igw', 0, 17), 'main-igw')!;
      const renamed = applyEdits(ROUTED, gateway.changes![URI]);
      assert.match(renamed, /internet-gateway main-igw\n/);
      assert.match(renamed, /route 0\.0\.0\.0\/0 -> igw main-igw\n/);
      assert.match(renamed, /route-table ingress edge main-igw \{/);
      const table = renameEdits(analyzed, positionOf(ROUTED, 'routes private-rt', 0, 8), 'app-rt')!;
      assert.equal(table.changes![URI].length, 2);
      assert.throws(() => renameEdits(analyzed, positionOf(ROUTED, 'nat-gateway nat-a', 0, 12), 'route'), /keyword/);
    });
  });

  describe('hover', () => {
    it('says where a route sends which addresses', () => {
      const text = hoverText('0.0.0.0/0 -> nat', 0, 10);
      assert.match(text, /\*\*route table private-rt\*\*, route \(line 12\)/);
      assert.match(text, /sends `0\.0\.0\.0\/0` \(IPv4\) to NAT gateway nat-a/);
      assert.match(hoverText('10.0.1.0/24 -> local', 0, 12), /route table ingress\*\* \(edge of igw\).*\n\nsends `10\.0\.1\.0\/24` \(IPv4\) to the VPC's local routing/);
    });

    it('describes gateways, NAT gateways and route tables where they are declared', () => {
      const nat = hoverText('nat-gateway nat-a', 0, 12);
      assert.match(nat, /\*\*NAT gateway nat-a\*\*/);
      assert.match(nat, /- public IPv4: `203\.0\.113\.10`/);
      assert.match(nat, /- routes to it: private-rt \(line 12\)/);
      const igw = hoverText('internet-gateway igw', 0, 17);
      assert.match(igw, /- edge route table: ingress/);
      assert.match(igw, /- routes to it: public-rt \(line 8\), public-rt \(line 9\)/);
      assert.match(hoverText('route-table public-rt', 0, 12), /the main table: every subnet without `routes` uses it\n- subnets: public-a/);
      assert.match(hoverText('route-table private-rt', 0, 12), /- subnets: app-a/);
      assert.match(hoverText('instance web-1', 0, 9), /- public IPv4: `203\.0\.113\.20`, mapped to `10\.0\.1\.10`/);
    });

    it('lists the flows whose path the route decides', () => {
      const routed = analyzedOf(ROUTED);
      const { file, model } = routed.analysis;
      // The route's model object, as the engine builds it, among the deciding rules of the flow that takes it.
      const table = file.declarations.find((decl): decl is RouteTableDecl => decl.kind === 'route-table' && decl.name?.text === 'private-rt')!;
      const tableModel: RouteTable = { name: 'private-rt', decl: table, main: false, routes: [] };
      const route: RouteModel = {
        decl: table.routes[0], table: tableModel, family: 4, first: 0n, last: 2n ** 32n - 1n, prefix: 0, destText: '0.0.0.0/0',
        target: { kind: 'nat', nat: model.natGateways.get('nat-a') ?? { name: 'nat-a', decl: file.declarations[5] as NatGatewayDecl } },
        text: 'route 0.0.0.0/0 -> nat nat-a',
      };
      tableModel.routes.push(route);
      model.routeTables.set('private-rt', tableModel);
      const [updates] = routed.analysis.flows;
      (updates.decidingRules as Set<unknown>).add(route);
      const hover = hoverAt(routed, positionOf(ROUTED, '0.0.0.0/0 -> nat', 0, 10))!;
      assert.match((hover.contents as MarkupContent).value, /flows that take it:\n\n- flow updates \(line 20\): /);
      (updates.decidingRules as Set<unknown>).delete(route);
      assert.match((hoverAt(routed, positionOf(ROUTED, '0.0.0.0/0 -> nat', 0, 10))!.contents as MarkupContent).value, /no flow of this file takes it/);
    });

    it('shows the declaration of a name used in a route', () => {
      assert.match(hoverText('-> eigw eigw', 0, 9), /\*\*egress-only gateway eigw\*\*, declared on line 3/);
    });
  });
});
