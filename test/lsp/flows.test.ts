import * as assert from 'node:assert/strict';
import type { CodeLens } from 'vscode-languageserver-protocol';
import { openSession, Session } from './harness';
import { SHOP } from './models';

const URI = 'file:///shop.vpcrules';

describe('language server: flow verdicts', () => {
  let session: Session;
  before(async () => {
    session = await openSession({ debounceMs: 0 });
    await session.open(URI, SHOP);
  });
  after(() => session.close());

  it('puts a code lens with the verdict above each flow, opening its explanation', async () => {
    const lenses = await session.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: URI } });
    assert.deepEqual(lenses.map((lens) => [lens.range.start.line, lens.command?.title]), [
      [13, '✗ partial: 1024-32767 dropped'],
      [14, '✓ deny'],
    ]);
    assert.deepEqual(lenses.map((lens) => [lens.command?.command, lens.command?.arguments]), [
      ['vpcrules.explainFlow', [URI, 'https']],
      ['vpcrules.explainFlow', [URI, 'ssh']],
    ]);
  });

  it('explains a flow as text, like vpcrules explain, and as Markdown', async () => {
    const explanation = await session.request<{ name: string; verdict: string; expectationHolds: boolean; markdown: string; text: string }>(
      'vpcrules/explainFlow', { uri: URI, name: 'https' });
    assert.equal(explanation.name, 'https');
    assert.equal(explanation.verdict, 'partial');
    assert.equal(explanation.expectationHolds, false);
    const text = explanation.text.split('\n');
    assert.deepEqual(text.slice(0, 4), [
      'flow https: internet -> web-1 tcp 443',
      'verdict: partial (expected allow: fails)',
      'split: admitted for source ports 32768-65535, dropped for 1024-32767',
      'witness: tcp 1.0.0.1:1024 -> 10.0.1.10:443',
    ]);
    assert.ok(text.includes('  3. network ACL public-acl of subnet public, outbound (reply): deny by rule 200 (line 6)'), explanation.text);
    assert.ok(text.includes('      security groups of web-1 outbound: passes on connection tracking'), explanation.text);
    assert.match(explanation.markdown, /\*\*partial\*\*; expected allow: ✗ fails/);
    assert.match(explanation.markdown, /`SYN-ACK 10\.0\.1\.10:443 -> 1\.0\.0\.1:1024`/);
  });

  it('answers null for a flow that does not exist', async () => {
    assert.equal(await session.request('vpcrules/explainFlow', { uri: URI, name: 'htps' }), null);
  });

  it('tallies the verdicts and the failing expectations', async () => {
    assert.deepEqual(await session.request('vpcrules/flowTally', { uri: URI }), { allow: 0, deny: 1, partial: 1, failing: 1, total: 2 });
  });
});
