// A 5 MB document must not freeze the connection: its analysis runs in slices between which the
// server answers, and a newer version abandons it.
import * as assert from 'node:assert/strict';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { largeModel } from '../large-model';
import { openSession, Session } from './harness';
import { SHOP } from './models';

const LARGE = 'file:///large.vpcrules';
const SMALL = 'file:///small.vpcrules';

describe('language server: very large documents', function () {
  this.timeout(60_000);
  let session: Session | undefined;
  afterEach(() => session?.close());

  it('answers about another document while a 5 MB one is analysed, and drops that analysis for a newer version', async () => {
    session = await openSession({ debounceMs: 0 });
    await session.open(SMALL, SHOP);
    const { text } = largeModel(5_000_000);
    const largePublished: PublishDiagnosticsParams[] = [];
    const replaced = session.diagnosticsFor(LARGE, (params) => {
      largePublished.push(params);
      return params.version === 2;
    });
    await session.notify('textDocument/didOpen', { textDocument: { uri: LARGE, languageId: 'vpcrules', version: 1, text } });
    const tally = await session.request('vpcrules/flowTally', { uri: SMALL });
    assert.deepEqual(tally, { allow: 0, deny: 1, partial: 1, failing: 1, total: 2 });
    assert.equal(largePublished.length, 0, 'the small request waited for the large analysis');
    // The whole text replaced by a small model: version 1's analysis is abandoned, never published.
    await session.notify('textDocument/didChange', { textDocument: { uri: LARGE, version: 2 }, contentChanges: [{ text: SHOP }] });
    const published = await replaced;
    assert.deepEqual(largePublished.map((params) => params.version), [2]);
    assert.ok(published.diagnostics.some((d) => d.code === 'VR500'));
  });
});
