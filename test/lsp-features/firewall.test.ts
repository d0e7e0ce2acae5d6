// The editor features on the AWS Network Firewall forms: outline, folding, workspace symbols,
// completion, navigation, rename and the syntax-level hovers of firewalls, policies, rule groups
// and their rules.
import * as assert from 'node:assert/strict';
import { CompletionItem, MarkupContent, SymbolKind, TextEdit } from 'vscode-languageserver';
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

const FIREWALLED = [
  'vpc prod 10.0.0.0/16',
  'subnet fw-sub 10.0.0.0/28',
  'subnet app-a 10.0.1.0/24 routes app-rt',
  'firewall fw-a subnet fw-sub policy egress',
  'route-table app-rt {',
  '  route 0.0.0.0/0 -> firewall fw-a',
  '}',
  'firewall-policy egress {',
  '  stateless-default forward',
  '  stateless strict-in priority 10',
  '  stateful web-out',
  '}',
  'stateless-rule-group strict-in {',
  '  rule 10 drop tcp from any to any port 22',
  '  rule 20 forward all from any to any',
  '}',
  'stateful-rule-group web-out {',
  '  pass tcp $HOME_NET any -> any 443 (msg:"web out"; flow:to_server; sid:10; rev:1;)',
  '  drop ip any any -> any any (sid:11;)',
  '}',
  'instance app-1 subnet app-a ip 10.0.1.10',
  '',
].join('\n');

const lineOf = (needle: string) => positionOf(FIREWALLED, needle).line;
const labels = (items: CompletionItem[]) => items.map((item) => item.label);

/** Completion at the end of `line`, typed as a new line inserted before the line that holds `before`. */
function completeAt(line: string, before = 'instance app-1'): CompletionItem[] {
  const lines = FIREWALLED.split('\n');
  const at = lineOf(before);
  lines.splice(at, 0, line);
  return completionItems(analyzedOf(lines.join('\n')), { line: at, character: line.length });
}

function hoverText(needle: string, nth = 0, offset = 0): string {
  const hover = hoverAt(analyzedOf(FIREWALLED), positionOf(FIREWALLED, needle, nth, offset));
  assert.ok(hover, `no hover at '${needle}'`);
  return (hover.contents as MarkupContent).value;
}

describe('AWS Network Firewall in the editor', () => {
  const analyzed = analyzedOf(FIREWALLED);

  it('parses the model without a syntax error', () => {
    assert.deepEqual(analyzed.analysis.diagnostics.filter((d) => d.code === 'VR100' || d.code === 'VR101'), []);
  });

  describe('outline', () => {
    const symbols = documentSymbols(analyzed);
    const named = (name: string) => symbols.find((symbol) => symbol.name === name)!;

    it('lists firewalls, policies and rule groups with their kinds and details', () => {
      assert.deepEqual(symbols.map((s) => [s.name, s.kind]), [
        ['prod', SymbolKind.Namespace], ['fw-sub', SymbolKind.Module], ['app-a', SymbolKind.Module], ['fw-a', SymbolKind.Interface],
        ['app-rt', SymbolKind.Enum], ['egress', SymbolKind.Package], ['strict-in', SymbolKind.Struct], ['web-out', SymbolKind.Class],
        ['app-1', SymbolKind.Object],
      ]);
      assert.equal(named('fw-a').detail, 'subnet fw-sub policy egress');
      assert.equal(named('egress').detail, '1 stateless group, 1 stateful group');
      assert.equal(named('strict-in').detail, '2 rules');
    });

    it('nests the statements of a policy and the rules of the rule groups, named by what they say', () => {
      assert.deepEqual(named('egress').children!.map((c) => [c.name, c.kind]), [
        ['stateless-default forward', SymbolKind.Key], ['stateless strict-in priority 10', SymbolKind.Key], ['stateful web-out', SymbolKind.Key],
      ]);
      const stateless = named('strict-in').children!;
      assert.deepEqual(stateless.map((c) => [c.name, c.detail, c.kind]), [
        ['rule 10 drop tcp', 'from any to any port 22', SymbolKind.Field], ['rule 20 forward all', 'from any to any', SymbolKind.Field],
      ]);
      assert.equal(textAt(FIREWALLED, stateless[0].selectionRange), '10');
      const stateful = named('web-out').children!;
      assert.deepEqual(stateful.map((c) => [c.name, c.detail, c.kind]), [['sid 10 pass tcp', 'web out', SymbolKind.Property], ['sid 11 drop ip', undefined, SymbolKind.Property]]);
      assert.equal(textAt(FIREWALLED, stateful[0].selectionRange), 'sid:10');
      assert.equal(named('web-out').range.end.line, lineOf('stateful-rule-group web-out') + 3);
    });

    it('names a Suricata rule without a sid by its action and protocol', () => {
      const text = FIREWALLED.replace(' (sid:11;)', '');
      const group = documentSymbols(analyzedOf(text)).find((s) => s.name === 'web-out')!;
      assert.equal(group.children![1].name, 'drop ip');
    });
  });

  it('folds policies and rule groups up to their closing brace', () => {
    const folds = foldingRanges(analyzed).map((r) => [r.startLine, r.endLine]);
    for (const header of ['firewall-policy egress', 'stateful-rule-group web-out', 'stateless-rule-group strict-in']) {
      const start = lineOf(header);
      assert.deepEqual(folds.find(([line]) => line === start), [start, start + (header.startsWith('firewall-policy') ? 3 : 2)]);
    }
  });

  it('finds firewalls, policies and rule groups among the workspace symbols', () => {
    assert.deepEqual(workspaceSymbols([analyzed], 'fw-a').map((s) => [s.name, s.kind, s.containerName]), [['fw-a', SymbolKind.Interface, 'firewall']]);
    assert.deepEqual(workspaceSymbols([analyzed], 'out').map((s) => [s.name, s.containerName]), [['web-out', 'stateful-rule-group']]);
  });

  describe('completion', () => {
    it('offers the firewall declarations, and what starts a line in each firewall block', () => {
      const declarations = labels(completeAt(''));
      for (const keyword of ['firewall', 'firewall-policy', 'stateless-rule-group', 'stateful-rule-group']) assert.ok(declarations.includes(keyword), keyword);
      assert.deepEqual(labels(completeAt('  ', '  stateful web-out')), ['stateless-default', 'stateless', 'stateful', 'stateful-order', 'stateful-default']);
      assert.deepEqual(labels(completeAt('  ', '  rule 20')), ['rule']);
      assert.deepEqual(labels(completeAt('  ', '  drop ip any')), ['pass', 'drop', 'reject', 'alert']);
      // An empty line before the closing brace is still in the block.
      assert.deepEqual(labels(completeAt('', '}\ninstance')), ['pass', 'drop', 'reject', 'alert']);
    });

    it('walks a firewall: clauses, subnets, policies', () => {
      assert.deepEqual(labels(completeAt('firewall fw-b ')), ['subnet', 'policy']);
      assert.deepEqual(labels(completeAt('firewall fw-b subnet ')), ['fw-sub', 'app-a']);
      assert.deepEqual(labels(completeAt('firewall fw-b subnet fw-sub ')), ['policy']);
      assert.deepEqual(labels(completeAt('firewall fw-b subnet fw-sub policy ')), ['egress']);
      assert.deepEqual(labels(completeAt('  route 10.1.0.0/16 -> firewall ', '  route 0.0.0.0/0')), ['fw-a']);
    });

    it('walks a policy statement: actions, rule groups, priorities, orders, default actions', () => {
      const inPolicy = '  stateful web-out';
      assert.deepEqual(labels(completeAt('  stateless-default ', inPolicy)), ['pass', 'drop', 'forward']);
      assert.deepEqual(labels(completeAt('  stateful ', inPolicy)), []);
      assert.deepEqual(labels(completeAt('  stateless ', inPolicy)), []);
      // A group the policy does not list yet.
      const unlisted = FIREWALLED.replace('  stateless strict-in priority 10\n', '');
      const at = { line: positionOf(unlisted, '  stateful web-out').line, character: '  stateful web-out'.length };
      assert.deepEqual(labels(completionItems(analyzedOf(unlisted.replace('  stateful web-out', '  stateless ')), { ...at, character: '  stateless '.length })), ['strict-in']);
      // The name on the line being typed is offered again.
      assert.deepEqual(labels(completionItems(analyzedOf(unlisted), at)), ['web-out']);
      assert.deepEqual(labels(completeAt('  stateless strict-in ', inPolicy)), ['priority']);
      assert.deepEqual(completeAt('  stateless strict-in priority ', inPolicy).map((item) => [item.label, item.detail]), [['20', 'next free stateless group priority']]);
      assert.deepEqual(labels(completeAt('  stateful-order ', inPolicy)), ['default', 'strict']);
      assert.deepEqual(labels(completeAt('  stateful-default ', inPolicy)), ['drop-strict', 'drop-established', 'alert-strict', 'alert-established']);
      assert.deepEqual(labels(completeAt('  stateful-default drop-strict,', inPolicy)), ['alert-strict', 'alert-established']);
      assert.deepEqual(labels(completeAt('  stateful-default drop-strict ', inPolicy)), []);
    });

    it('walks a stateless rule: priority, action, protocols, addresses, ports', () => {
      const inGroup = '  rule 20';
      assert.deepEqual(completeAt('  rule ', inGroup).map((item) => [item.label, item.detail]), [['30', 'next free rule priority']]);
      assert.deepEqual(labels(completeAt('  rule 30 ', inGroup)), ['pass', 'drop', 'forward']);
      assert.deepEqual(labels(completeAt('  rule 30 pass ', inGroup)), ['tcp', 'udp', 'icmp', 'icmpv6', 'all']);
      assert.deepEqual(labels(completeAt('  rule 30 pass tcp,', inGroup)), ['tcp', 'udp', 'icmp', 'icmpv6', 'all']);
      assert.deepEqual(labels(completeAt('  rule 30 pass tcp ', inGroup)), ['from']);
      assert.deepEqual(labels(completeAt('  rule 30 pass tcp from ', inGroup)), ['any', '0.0.0.0/0', '::/0']);
      assert.deepEqual(labels(completeAt('  rule 30 pass tcp from 10.0.0.0/8 ', inGroup)), ['port', 'to']);
      assert.deepEqual(labels(completeAt('  rule 30 pass tcp from 10.0.0.0/8,', inGroup)), ['0.0.0.0/0', '::/0']);
      assert.ok(labels(completeAt('  rule 30 pass tcp from any port ', inGroup)).includes('443'));
      assert.deepEqual(labels(completeAt('  rule 30 pass tcp from any port 1024-65535 ', inGroup)), ['to']);
      assert.deepEqual(labels(completeAt('  rule 30 pass tcp from any to any ', inGroup)), ['port']);
      assert.ok(labels(completeAt('  rule 30 pass tcp from any to any port 80,', inGroup)).includes('443'));
      assert.deepEqual(labels(completeAt('  rule 30 pass tcp from any to any port 443 ', inGroup)), []);
    });

    it('walks a Suricata rule: protocol, addresses and variables, ports, direction, options', () => {
      const inGroup = '  drop ip any';
      const protocols = labels(completeAt('  pass ', inGroup));
      assert.deepEqual(protocols.slice(0, 4), ['ip', 'tcp', 'udp', 'icmp']);
      assert.ok(protocols.includes('http') && protocols.includes('tls'));
      assert.deepEqual(labels(completeAt('  pass tcp ', inGroup)), ['any', '$HOME_NET', '$EXTERNAL_NET', '0.0.0.0/0', '::/0']);
      assert.deepEqual(labels(completeAt('  pass tcp [10.0.0.0/8, !', inGroup)), ['$HOME_NET', '$EXTERNAL_NET', '0.0.0.0/0', '::/0']);
      assert.ok(labels(completeAt('  pass tcp $HOME_NET ', inGroup)).includes('any'));
      assert.deepEqual(labels(completeAt('  pass tcp [10.0.0.0/8,!10.0.1.0/24] [1024:, !2000] ', inGroup)), ['->', '<>']);
      assert.deepEqual(labels(completeAt('  pass tcp $HOME_NET any -> ', inGroup)), ['any', '$HOME_NET', '$EXTERNAL_NET', '0.0.0.0/0', '::/0']);
      assert.ok(labels(completeAt('  pass tcp $HOME_NET any <> any ', inGroup)).includes('443'));
      assert.deepEqual(labels(completeAt('  pass tcp $HOME_NET any -> any 443 ', inGroup)), ['(msg:""; sid:12; rev:1;)']);
    });

    it('replaces a half-typed variable with the variable', () => {
      for (const line of ['  pass tcp $HO', '  pass tcp $', '  pass tcp any any -> !$']) {
        const [item] = completeAt(line, '  drop ip any').filter((i) => i.label === '$HOME_NET');
        const range = (item.textEdit as TextEdit).range;
        assert.deepEqual([range.start.character, range.end.character], [line.lastIndexOf('$'), line.length], line);
      }
    });

    it('offers option names, flow values and the next sid inside the options, nothing inside a quoted value', () => {
      const inGroup = '  drop ip any';
      const head = '  pass tcp any any -> any 443 ';
      assert.deepEqual(labels(completeAt(`${head}(`, inGroup)), ['msg', 'sid', 'flow', 'rev', 'priority', 'metadata', 'classtype']);
      const key = completeAt(`${head}(msg:"x; #"; fl`, inGroup).find((item) => item.label === 'flow')!;
      assert.deepEqual((item(key).range.start.character), `${head}(msg:"x; #"; `.length);
      assert.deepEqual(labels(completeAt(`${head}(flow:`, inGroup)), ['to_server', 'to_client', 'from_server', 'from_client', 'established', 'not_established']);
      assert.deepEqual(labels(completeAt(`${head}(flow:to_server,`, inGroup)), ['to_client', 'from_server', 'from_client', 'established', 'not_established']);
      assert.deepEqual(labels(completeAt(`${head}(sid:`, inGroup)), ['12']);
      assert.deepEqual(labels(completeAt(`${head}(msg:"a; `, inGroup)), []);
      assert.deepEqual(labels(completeAt(`${head}(sid:12;) `, inGroup)), []);
    });
  });

  describe('navigation and rename', () => {
    const declarationLine = (needle: string, offset: number) =>
      definitionLocations(analyzed, positionOf(FIREWALLED, needle, 0, offset)).map((location) => location.range.start.line);

    it("goes from a use to the declaration of a firewall's subnet and policy, a policy's groups and a route's firewall", () => {
      assert.deepEqual(declarationLine('subnet fw-sub policy', 7), [lineOf('subnet fw-sub 10.0.0.0/28')]);
      assert.deepEqual(declarationLine('policy egress', 7), [lineOf('firewall-policy egress')]);
      assert.deepEqual(declarationLine('stateless strict-in', 10), [lineOf('stateless-rule-group strict-in')]);
      assert.deepEqual(declarationLine('stateful web-out', 9), [lineOf('stateful-rule-group web-out')]);
      assert.deepEqual(declarationLine('-> firewall fw-a', 12), [lineOf('firewall fw-a')]);
    });

    it('finds every use of a firewall and of a rule group', () => {
      const firewall = referenceLocations(analyzed, positionOf(FIREWALLED, 'firewall fw-a', 0, 9), true);
      assert.deepEqual(firewall.map((l) => `${l.range.start.line}:${textAt(FIREWALLED, l.range)}`), [`${lineOf('firewall fw-a')}:fw-a`, `${lineOf('-> firewall fw-a')}:fw-a`]);
      const group = referenceLocations(analyzed, positionOf(FIREWALLED, 'stateful-rule-group web-out', 0, 20), false);
      assert.deepEqual(group.map((l) => l.range.start.line), [lineOf('stateful web-out')]);
    });

    it('renames a firewall, a policy and a rule group everywhere, and refuses a keyword', () => {
      const firewall = applyEdits(FIREWALLED, renameEdits(analyzed, positionOf(FIREWALLED, '-> firewall fw-a', 0, 13), 'fw-main')!.changes![URI]);
      assert.match(firewall, /^firewall fw-main subnet/m);
      assert.match(firewall, /-> firewall fw-main\n/);
      const policy = applyEdits(FIREWALLED, renameEdits(analyzed, positionOf(FIREWALLED, 'firewall-policy egress', 0, 17), 'outbound-policy')!.changes![URI]);
      assert.match(policy, /policy outbound-policy\n/);
      assert.match(policy, /firewall-policy outbound-policy \{/);
      const group = applyEdits(FIREWALLED, renameEdits(analyzed, positionOf(FIREWALLED, 'stateless strict-in', 0, 11), 'ssh-block')!.changes![URI]);
      assert.match(group, /stateless ssh-block priority 10/);
      assert.match(group, /stateless-rule-group ssh-block \{/);
      assert.throws(() => renameEdits(analyzed, positionOf(FIREWALLED, 'stateful web-out', 0, 10), 'pass'), /keyword/);
      // A stateful and a stateless group may share a name: they are of different kinds.
      assert.ok(renameEdits(analyzed, positionOf(FIREWALLED, 'stateful web-out', 0, 10), 'strict-in'));
    });
  });

  describe('hover', () => {
    it('describes a firewall, a policy and a rule group where they are declared', () => {
      const firewall = hoverText('firewall fw-a', 0, 9);
      assert.match(firewall, /\*\*firewall fw-a\*\*, declared on line 4/);
      assert.match(firewall, /- endpoint in subnet fw-sub\n- policy: egress\n- routes to it: app-rt \(line 6\)/);
      assert.match(firewall, /referenced 1 time$/);
      const policy = hoverText('firewall-policy egress', 0, 17);
      assert.match(policy, /\*\*firewall policy egress\*\*/);
      assert.match(policy, /- firewalls: fw-a\n- stateless default: forward\n- stateless rule groups: strict-in \(priority 10\)\n- stateful rule groups: web-out/);
      assert.match(hoverText('stateless-rule-group strict-in', 0, 22), /- 2 rules\n- in policies: egress \(priority 10\)/);
      assert.match(hoverText('stateful-rule-group web-out', 0, 21), /- 2 rules\n- in policies: egress\n/);
    });

    it('shows the declaration of a name used in a policy and in a route', () => {
      assert.match(hoverText('stateless strict-in', 0, 11), /\*\*stateless rule group strict-in\*\*, declared on line 13/);
      assert.match(hoverText('-> firewall fw-a', 0, 13), /\*\*firewall fw-a\*\*, declared on line 4/);
    });

    it('says what a stateless and a Suricata rule match', () => {
      const stateless = hoverText('rule 10 drop', 0, 9);
      assert.match(stateless, /\*\*stateless rule group strict-in\*\*, rule 10 \(line 14\)/);
      assert.match(stateless, /drop: tcp from any address to any address, port 22/);
      const stateful = hoverText('pass tcp $HOME_NET', 0, 2);
      assert.match(stateful, /\*\*stateful rule group web-out\*\*, sid 10 \(line 18\)\n\nweb out\n/);
      assert.match(stateful, /pass tcp from `\$HOME_NET`, any port to any address, port 443/);
      assert.match(stateful, /options: `flow:to_server`, `rev:1`/);
    });
  });
});

function item(completion: CompletionItem): TextEdit {
  return completion.textEdit as TextEdit;
}
