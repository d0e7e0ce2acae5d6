import * as assert from 'node:assert/strict';
import type { CompletionItem, TextEdit } from 'vscode-languageserver';
import { completionItems, completionList, MAX_COMPLETION_ITEMS } from '../../server/src/lsp/completion';
import { analyzedOf, MODEL } from './analyzed';

/** Completion at the end of `line`, typed as a new line inserted before line `at` of the model. */
function completeAt(line: string, at = MODEL.split('\n').length - 1): CompletionItem[] {
  const lines = MODEL.split('\n');
  lines.splice(at, 0, line);
  return completionItems(analyzedOf(lines.join('\n')), { line: at, character: line.length });
}

const labels = (items: CompletionItem[]) => items.map((item) => item.label);
const insideWebSg = MODEL.split('\n').indexOf('}');
const insideAcl = MODEL.split('\n').indexOf('network-acl web-acl {') + 1;

describe('completion', () => {
  it('offers the declaration keywords at the start of a top-level line', () => {
    assert.deepEqual(labels(completeAt('')), [
      'vpc', 'subnet', 'internet-gateway', 'egress-only-gateway', 'nat-gateway', 'route-table', 'firewall', 'firewall-policy',
      'stateless-rule-group', 'stateful-rule-group', 'prefix-list', 'security-group', 'network-acl', 'instance', 'flow',
    ]);
  });

  it('offers rule directions at the start of a line inside a block', () => {
    assert.deepEqual(labels(completeAt('  ', insideWebSg)), ['inbound', 'outbound']);
  });

  it('offers the security groups after sg and the prefix lists after pl, on a line that does not parse yet', () => {
    assert.deepEqual(labels(completeAt('  outbound tcp 5432 to sg ', insideWebSg)), ['web-sg', 'app-sg']);
    assert.deepEqual(labels(completeAt('  inbound all from pl ', insideWebSg)), ['office']);
  });

  it('replaces the half-typed name', () => {
    const [item] = completeAt('  outbound tcp 5432 to sg ap', insideWebSg).filter((i) => i.label === 'app-sg');
    assert.deepEqual((item.textEdit as TextEdit).range, { start: { line: insideWebSg, character: 26 }, end: { line: insideWebSg, character: 28 } });
  });

  it('walks a security group rule: protocols, ports with their services, from, peers', () => {
    assert.deepEqual(labels(completeAt('  inbound ', insideWebSg)), ['tcp', 'udp', 'icmp', 'icmpv6', 'all']);
    const ports = completeAt('  inbound tcp ', insideWebSg);
    assert.equal(ports.find((item) => item.label === '443')?.detail, 'HTTPS');
    assert.equal(ports.find((item) => item.label === '5432')?.detail, 'PostgreSQL');
    assert.deepEqual(labels(completeAt('  inbound tcp 443 ', insideWebSg)), ['from']);
    assert.deepEqual(labels(completeAt('  outbound udp 53 ', insideWebSg)), ['to']);
    assert.deepEqual(labels(completeAt('  inbound tcp 443 from ', insideWebSg)), ['sg', 'pl', '0.0.0.0/0', '::/0']);
    assert.deepEqual(labels(completeAt('  inbound icmp ', insideWebSg)), ['type', 'all', 'from']);
    assert.ok(labels(completeAt('  inbound icmp type ', insideWebSg)).includes('8'));
  });

  it('walks a network ACL rule: number, action, protocol', () => {
    assert.deepEqual(completeAt('  inbound ', insideAcl).map((item) => [item.label, item.detail]), [['120', 'next free inbound rule number']]);
    assert.deepEqual(labels(completeAt('  outbound ', insideAcl)), ['120']);
    assert.deepEqual(labels(completeAt('  inbound 120 ', insideAcl)), ['allow', 'deny']);
    assert.deepEqual(labels(completeAt('  inbound 120 deny ', insideAcl)), ['tcp', 'udp', 'icmp', 'icmpv6', 'all']);
    assert.deepEqual(labels(completeAt('  outbound 120 deny all ', insideAcl)), ['to']);
  });

  it('offers names of the right kind in declarations', () => {
    assert.deepEqual(labels(completeAt('subnet db 10.0.3.0/24 acl ')), ['web-acl']);
    assert.deepEqual(labels(completeAt('instance db-1 subnet ')), ['web', 'app']);
    assert.deepEqual(labels(completeAt('instance db-1 subnet app ip 10.0.2.20 groups web-sg,')), ['app-sg']);
    assert.deepEqual(labels(completeAt('instance db-1 subnet app ip 10.0.2.20 groups web-sg, app-sg,')), []);
    // After a comma of an address list: an address comes next, never a group or a keyword.
    assert.deepEqual(labels(completeAt('instance db-1 subnet app ip 10.0.2.20,')), []);
    assert.deepEqual(labels(completeAt('instance db-1 subnet app ip 10.0.2.20,10.0.2.21,10.0.')), []);
    assert.deepEqual(labels(completeAt('instance db-1 subnet app ip6 2600:1f18::10, ')), []);
    assert.deepEqual(labels(completeAt('instance db-1 subnet app ip 10.0.2.20,10.0.2.21 ')), ['ip6', 'groups', 'os', 'ephemeral', 'public-ip']);
    assert.deepEqual(labels(completeAt('instance db-1 subnet app ip 10.0.2.20 ')), ['ip6', 'groups', 'os', 'ephemeral', 'public-ip']);
    assert.deepEqual(labels(completeAt('instance db-1 subnet app ip 10.0.2.20 public-ip ')), []);
    assert.deepEqual(labels(completeAt('instance db-1 subnet app ip 10.0.2.20 os ')), ['linux', 'windows']);
  });

  it('walks a flow: ends, protocol, ports, options, verdict', () => {
    assert.deepEqual(labels(completeAt('flow f ')), ['web-1', 'app-1', 'internet']);
    assert.deepEqual(labels(completeAt('flow f web-1 -> ')), ['web-1', 'app-1', 'internet']);
    assert.deepEqual(labels(completeAt('flow f web-1 -> app-1 ')), ['tcp', 'udp', 'icmp', 'icmpv6']);
    assert.ok(labels(completeAt('flow f web-1 -> app-1 tcp ')).includes('8080'));
    assert.deepEqual(labels(completeAt('flow f web-1 -> app-1 tcp 8080 ')), ['from-ports', 'ipv6', 'oneway', 'expect']);
    assert.deepEqual(labels(completeAt('flow f web-1 -> app-1 tcp 8080 oneway ')), ['from-ports', 'ipv6', 'expect']);
    assert.deepEqual(labels(completeAt('flow f web-1 -> app-1 tcp 8080 expect ')), ['allow', 'deny']);
    assert.deepEqual(labels(completeAt('flow f web-1 -> app-1 icmp ')), ['type', 'all', 'ipv6', 'oneway', 'expect']);
  });

  it('offers nothing inside a comment, a string or after a complete rule', () => {
    assert.deepEqual(completeAt('# instance '), []);
    assert.deepEqual(completeAt('  inbound tcp 443 from 0.0.0.0/0 "web ', insideWebSg), []);
    assert.deepEqual(completeAt('  inbound tcp 443 from 0.0.0.0/0 ', insideWebSg), []);
  });

  it('answers a large model with its keywords and the first names that match what is typed, and says the list is incomplete', () => {
    const text = [MODEL, ...Array.from({ length: 1200 }, (_, i) => `instance host-${i} subnet app ip 10.0.2.${(i % 250) + 4}`)].join('\n');
    const complete = (line: string) => {
      const lines = [...text.split('\n'), line];
      return completionList(analyzedOf(lines.join('\n')), { line: lines.length - 1, character: line.length });
    };
    const all = complete('flow f ');
    assert.equal(all.isIncomplete, true);
    assert.equal(all.items.length, MAX_COMPLETION_ITEMS);
    assert.ok(labels(all.items).includes('internet'), 'the keyword stays');
    assert.deepEqual(labels(all.items).slice(0, 4), ['internet', 'app-1', 'host-0', 'host-1']);
    const typed = complete('flow f host-11');
    assert.equal(typed.isIncomplete, true);
    // Every host whose name holds 'host-11' in order, loosely as the editor filters: far fewer than the limit.
    const found = labels(typed.items);
    for (const name of ['host-11', ...Array.from({ length: 10 }, (_, i) => `host-11${i}`)]) assert.ok(found.includes(name), name);
    assert.ok(found.length < 200 && found.every((label) => label.startsWith('host-')), found.join(' '));
    assert.deepEqual(found, [...found].sort());
    // A small model's list is whole.
    const lines = [...MODEL.split('\n'), 'flow f '];
    assert.equal(completionList(analyzedOf(lines.join('\n')), { line: lines.length - 1, character: 'flow f '.length }).isIncomplete, false);
  });
});
