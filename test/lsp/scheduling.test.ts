import * as assert from 'node:assert/strict';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { openSession, rangeOf, Session } from './harness';
import { SHOP } from './models';

const URI = 'file:///shop.vpcrules';
const WIDEN_RETURN_RULE = { range: rangeOf(SHOP, '32768-65535'), text: '1024-65535' };
const NARROW_RETURN_RULE = { range: rangeOf(SHOP.replace('32768-65535', '1024-65535'), '1024-65535'), text: '32768-65535' };
/** Long enough that a test would time out if the server waited for it. */
const LONG_DEBOUNCE_MS = 600_000;

function versionsOf(published: PublishDiagnosticsParams[]): (number | undefined)[] {
  return published.filter((params) => params.uri === URI).map((params) => params.version);
}

/** Opens the model and edits it twice without waiting; a request then wants the newest version. */
async function editTwiceThenAsk(session: Session): Promise<void> {
  await session.notify('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'vpcrules', version: 1, text: SHOP } });
  await session.notify('textDocument/didChange', { textDocument: { uri: URI, version: 2 }, contentChanges: [WIDEN_RETURN_RULE] });
  await session.notify('textDocument/didChange', { textDocument: { uri: URI, version: 3 }, contentChanges: [NARROW_RETURN_RULE] });
  const tally = await session.request('vpcrules/flowTally', { uri: URI });
  assert.deepEqual(tally, { allow: 0, deny: 1, partial: 1, failing: 1, total: 2 });
}

describe('language server: analysis scheduling', () => {
  let session: Session | undefined;
  afterEach(() => session?.close());

  it('never publishes a stale version after a newer one', async () => {
    session = await openSession({ debounceMs: 0 });
    const newest = session.diagnosticsFor(URI, (params) => params.version === 3);
    await editTwiceThenAsk(session);
    const published = await newest;
    assert.ok(published.diagnostics.some((d) => d.code === 'VR500'));
    // One more round trip: anything still in flight would have arrived by now.
    await session.request('vpcrules/flowTally', { uri: URI });
    const versions = versionsOf(session.published);
    assert.equal(versions[versions.length - 1], 3);
    assert.deepEqual(versions, [...versions].sort((a, b) => (a ?? 0) - (b ?? 0)), `published in order ${versions.join(', ')}`);
  });

  it('waits the debounce delay from initializationOptions: edits typed in a row are analysed once', async () => {
    session = await openSession({ initializationOptions: { debounceMs: LONG_DEBOUNCE_MS } });
    await editTwiceThenAsk(session);
    // Only the request made the server analyse, and only the version it asked about.
    assert.deepEqual(versionsOf(session.published), [3]);
  });

  it('reads the debounce delay through workspace/configuration, again after didChangeConfiguration', async () => {
    session = await openSession({ debounceMs: LONG_DEBOUNCE_MS });
    await editTwiceThenAsk(session);
    assert.deepEqual(versionsOf(session.published), [3]);
    session.settings.debounceMs = 0;
    const reread = session.configurationRequested();
    await session.notify('workspace/didChangeConfiguration', { settings: {} });
    await reread;
    // Without a delay the edit is analysed and published with no request asking for it.
    const published = await session.change(URI, 4, [WIDEN_RETURN_RULE]);
    assert.deepEqual(published.diagnostics.filter((d) => d.code === 'VR500'), []);
  });

  it('keeps answering while a large document is analysed', async () => {
    session = await openSession({ debounceMs: 0 });
    await session.open('file:///small.vpcrules', SHOP);
    const flows = Array.from({ length: 3000 }, (_, i) => `flow f${i} internet -> web-1 tcp ${(i % 1000) + 1} expect deny`);
    const large = session.diagnosticsFor('file:///large.vpcrules', () => true);
    let largeDone = false;
    void large.then(() => (largeDone = true));
    await session.notify('textDocument/didOpen', { textDocument: { uri: 'file:///large.vpcrules', languageId: 'vpcrules', version: 1, text: `${SHOP}${flows.join('\n')}\n` } });
    const tally = await session.request('vpcrules/flowTally', { uri: 'file:///small.vpcrules' });
    assert.deepEqual(tally, { allow: 0, deny: 1, partial: 1, failing: 1, total: 2 });
    assert.equal(largeDone, false, 'the small request waited for the large analysis');
    assert.equal((await large).version, 1);
  });

  it('clears the diagnostics of a closed document', async () => {
    session = await openSession({ debounceMs: 0 });
    await session.open(URI, SHOP);
    const cleared = session.diagnosticsFor(URI, (params) => params.diagnostics.length === 0);
    await session.notify('textDocument/didClose', { textDocument: { uri: URI } });
    assert.equal((await cleared).version, undefined);
  });
});
