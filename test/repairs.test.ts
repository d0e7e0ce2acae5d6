import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze } from '../server/src/engine/analyze';
import { lineEdits, unifiedDiff } from '../server/src/engine/line-diff';
import { coveringCidr, repairAll, repairFlow } from '../server/src/engine/repairs';
import { IntervalSet } from '../server/src/engine/intervals';
import { formatText } from '../server/src/syntax/format';
import { applyEdits } from './apply-edits';
import { assertRepairHolds } from './repair-check';
import { modelFiles, REPOSITORY_ROOT } from './model-files';

describe('repairs of the real models', () => {
  const offered = new Map<string, number>();
  for (const file of modelFiles('examples', 'test/fixtures')) {
    const text = fs.readFileSync(path.join(REPOSITORY_ROOT, file), 'utf8');
    if (!text.includes('expect')) continue;
    const analysis = analyze(text);
    if (analysis.flows.every((r) => r.ok)) continue;
    it(`every repair of ${file} makes its flow hold and changes other flows only as announced`, () => {
      for (const repairs of repairAll(analysis)) {
        offered.set(`${file}:${repairs.flow}`, repairs.repairs.length);
        for (const repair of repairs.repairs) assertRepairHolds(analysis, repairs.flow, repair, `${file} ${repairs.flow}`);
      }
    });
  }
  it('finds a repair for the examples that fail on purpose', () => {
    for (const key of ['examples/ecommerce-tcp.vpcrules:https', 'examples/nat-return-gotcha.vpcrules:updates', 'examples/mistakes/expectation-failed.vpcrules:app-db']) {
      assert.ok((offered.get(key) ?? 0) > 0, key);
    }
  });
});

const SHOP = `vpc shop 10.0.0.0/16
subnet public 10.0.1.0/24 acl public-acl
network-acl public-acl {
  inbound  100 allow tcp 443 from 0.0.0.0/0
  outbound 100 allow tcp 32768-65535 to 0.0.0.0/0
}
security-group web {
  inbound tcp 443 from 0.0.0.0/0
}
instance web-1 subnet public ip 10.0.1.10 groups web
flow https internet -> web-1 tcp 443 expect allow
flow ssh internet -> web-1 tcp 22 expect deny
`;

const TIERS = `vpc shop 10.0.0.0/16
subnet web 10.0.1.0/24
subnet app 10.0.2.0/24
security-group web-sg {
  inbound  tcp 443 from 0.0.0.0/0
  outbound tcp 8080 to sg app-sg
}
security-group app-sg {
  inbound tcp 22 from 10.0.0.0/16
}
instance web-1 subnet web ip 10.0.1.10 groups web-sg
instance app-1 subnet app ip 10.0.2.10 groups app-sg
flow web-app web-1 -> app-1 tcp 8080 expect allow
`;

describe('repairs: typical breakages', () => {
  it('adds the return rule a NACL lacks for the clients ephemeral ports, or widens the one it has', () => {
    const analysis = analyze(SHOP);
    const { repairs } = repairFlow(analysis, 'https');
    assert.deepEqual(repairs.map((r) => r.title), [
      'Add outbound 110 allow tcp 1024-32767 to 0.0.0.0/0 to public-acl',
      "Widen 'outbound 100 allow tcp 32768-65535 to 0.0.0.0/0' of public-acl to ports 1024-65535",
    ]);
    assert.deepEqual(repairs[0].edits, [{ range: { start: { line: 5, character: 0 }, end: { line: 5, character: 0 } }, newText: '  outbound 110 allow tcp 1024-32767 to 0.0.0.0/0\n' }]);
    assert.ok(repairs[1].text.includes('  outbound 100 allow tcp 1024-65535 to 0.0.0.0/0\n'));
    assert.deepEqual(repairs[0].otherFlows, []);
    for (const repair of repairs) assertRepairHolds(analysis, 'https', repair, 'shop');
  });

  it('admits a peer by its security group when the peer is an instance', () => {
    const analysis = analyze(TIERS);
    const [repair] = repairFlow(analysis, 'web-app').repairs;
    assert.equal(repair.title, 'Add inbound tcp 8080 from sg web-sg to app-sg');
    assert.ok(repair.text.includes('security-group app-sg {\n  inbound tcp 22 from 10.0.0.0/16\n  inbound tcp 8080 from sg web-sg\n}'), repair.text);
    assertRepairHolds(analysis, 'web-app', repair, 'tiers');
  });

  it('makes several edits when the flow is dropped at several hops, naming the first', () => {
    const text = `vpc shop 10.0.0.0/16
subnet web 10.0.1.0/24 acl web-acl
subnet app 10.0.2.0/24 acl app-acl
network-acl web-acl {
  inbound  100 allow tcp 443 from 0.0.0.0/0
}
network-acl app-acl {
  inbound  100 allow tcp 22 from 10.0.0.0/16
}
security-group web-sg {
  inbound tcp 443 from 0.0.0.0/0
}
security-group app-sg {
  inbound tcp 22 from 10.0.0.0/16
}
instance web-1 subnet web ip 10.0.1.10 groups web-sg
instance app-1 subnet app ip 10.0.2.10 groups app-sg
flow web-app web-1 -> app-1 tcp 8080 expect allow
`;
    const analysis = analyze(text);
    const [repair] = repairFlow(analysis, 'web-app').repairs;
    assert.ok(repair, 'a repair');
    assert.deepEqual(repair.changes, [
      'Add outbound tcp 8080 to sg app-sg to web-sg',
      'Add outbound 10 allow tcp 8080 to 10.0.2.10/32 to web-acl',
      'Add inbound 110 allow tcp 8080 from 10.0.1.10/32 to app-acl',
      'Add inbound tcp 8080 from sg web-sg to app-sg',
      'Add outbound 10 allow tcp 32768-60999 to 10.0.1.10/32 to app-acl',
      'Add inbound 110 allow tcp 32768-60999 from 10.0.2.10/32 to web-acl',
    ]);
    assert.equal(repair.title, 'Add outbound tcp 8080 to sg app-sg to web-sg (+5 more)');
    assertRepairHolds(analysis, 'web-app', repair, 'several hops');
  });

  it('narrows an over-broad rule for a flow that must be denied, and never adds a deny', () => {
    const text = SHOP.replace('inbound tcp 443 from 0.0.0.0/0', 'inbound tcp 0-65535 from 0.0.0.0/0').replace('inbound  100 allow tcp 443', 'inbound  100 allow tcp all');
    const analysis = analyze(text);
    const { repairs } = repairFlow(analysis, 'ssh');
    assert.equal(repairs[0].title, "Narrow 'inbound tcp 0-65535 from 0.0.0.0/0' of web to ports 0-21, 23-65535");
    assert.ok(repairs[0].text.includes('  inbound tcp 0-21 from 0.0.0.0/0\n  inbound tcp 23-65535 from 0.0.0.0/0\n'), repairs[0].text);
    for (const repair of repairs) {
      assert.ok(!/ deny /.test(repair.edits.map((e) => e.newText).join('')), repair.title);
      assertRepairHolds(analysis, 'ssh', repair, 'over-broad');
    }
  });

  it('says which other flows a repair changes', () => {
    const text = fs.readFileSync(path.join(REPOSITORY_ROOT, 'test/fixtures/engine/nacl-order.vpcrules'), 'utf8');
    const [repair] = repairFlow(analyze(text), 'http').repairs;
    assert.deepEqual(repair.otherFlows, [{ name: 'blocked', before: { verdict: 'deny', holds: true }, after: { verdict: 'allow', holds: false } }]);
  });

  it('adds a route to the internet gateway to a table that has none for the flow', () => {
    const text = `vpc shop 10.0.0.0/16
subnet public 10.0.1.0/24 acl open routes public-rt
internet-gateway igw
route-table public-rt {
  route 10.9.0.0/16 -> igw igw
}
network-acl open {
  inbound  100 allow all from 0.0.0.0/0
  outbound 100 allow all to 0.0.0.0/0
}
security-group web {
  inbound  tcp 443 from 0.0.0.0/0
  outbound tcp 443 to 0.0.0.0/0
}
instance web-1 subnet public ip 10.0.1.10 public-ip 198.51.100.10 groups web
flow https internet -> web-1 tcp 443 expect allow
flow out web-1 -> internet tcp 443 expect allow
`;
    const analysis = analyze(text);
    const [repair] = repairFlow(analysis, 'out').repairs;
    assert.equal(repair.title, 'Add route 0.0.0.0/0 -> igw igw to public-rt');
    assert.ok(repair.text.includes('  route 10.9.0.0/16 -> igw igw\n  route 0.0.0.0/0 -> igw igw\n}'), repair.text);
    assert.deepEqual(repair.otherFlows.map((change) => change.name), ['https']);
    assertRepairHolds(analysis, 'out', repair, 'route');
  });

  it('writes the added lines with the file\'s own line breaks', () => {
    const text = SHOP.replace(/\n/g, '\r\n');
    const analysis = analyze(text);
    const [repair] = repairFlow(analysis, 'https').repairs;
    assert.equal(repair.edits[0].newText, '  outbound 110 allow tcp 1024-32767 to 0.0.0.0/0\r\n');
    assert.ok(!/[^\r]\n/.test(repair.text));
    assertRepairHolds(analysis, 'https', repair, 'crlf');
  });

  it('offers nothing for a flow that holds', () => {
    assert.deepEqual(repairFlow(analyze(SHOP), 'ssh'), { flow: 'ssh', holds: true, repairs: [] });
  });

  it('keeps a file in the canonical layout in it', () => {
    const text = formatText(SHOP);
    assert.notEqual(text, SHOP);
    const [repair] = repairFlow(analyze(text), 'https').repairs;
    assert.equal(formatText(repair.text), repair.text);
    assert.deepEqual(repair.edits.map((edit) => edit.newText), ['  outbound 110 allow tcp 1024-32767  to   0.0.0.0/0\n']);
  });
});

describe('line differences', () => {
  it('gives edits that turn one text into the other', () => {
    const cases: [string, string][] = [
      ['a\nb\nc\n', 'a\nx\nc\n'], ['a\nb\nc\n', 'a\nb\nc\nd\n'], ['a\nb\nc', 'b\nc\nd'], ['', 'a\n'], ['a\n', ''],
      ['a\nb\na\nb\nc\n', 'b\na\nc\nb\n'], ['x\ny', 'x\ny\n'],
    ];
    for (const [a, b] of cases) assert.equal(applyEdits(a, lineEdits(a, b)), b, JSON.stringify([a, b]));
  });

  it('prints a unified diff with three lines of context', () => {
    const a = '1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n';
    const b = '1\n2\n3\n4\n5\nfive and a half\n6\n7\n8\n9\n10\n';
    assert.equal(unifiedDiff(a, b, 'a/f', 'b/f'), '--- a/f\n+++ b/f\n@@ -3,6 +3,7 @@\n 3\n 4\n 5\n+five and a half\n 6\n 7\n 8');
    assert.equal(unifiedDiff(a, a, 'a/f', 'b/f'), '');
  });

  it('writes the narrowest CIDR of a set', () => {
    assert.equal(coveringCidr(IntervalSet.of(0x0a000105n, 0x0a000105n), 4), '10.0.1.5/32');
    assert.equal(coveringCidr(IntervalSet.from([[0x0a000100n, 0x0a0001ffn], [0x0a000300n, 0x0a000310n]]), 4), '10.0.0.0/22');
    assert.equal(coveringCidr(IntervalSet.from([[0n, 5n], [0xffffffffn, 0xffffffffn]]), 4), '0.0.0.0/0');
  });
});
