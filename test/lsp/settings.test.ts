import * as assert from 'node:assert/strict';
import { openSession, Session } from './harness';
import { SHOP } from './models';

const URI = 'file:///shop.vpcrules';

function codes(params: { diagnostics: { code?: string | number }[] }): (string | number | undefined)[] {
  return params.diagnostics.map((d) => d.code);
}

describe('language server: the external clients\' source ports setting', () => {
  let session: Session | undefined;
  afterEach(() => session?.close());

  it('judges external clients on the ports given in initializationOptions', async () => {
    session = await openSession({ debounceMs: 0, initializationOptions: { externalEphemeralPorts: '32768-65535' } });
    const published = await session.open(URI, SHOP);
    assert.ok(!codes(published).includes('VR500'), JSON.stringify(published.diagnostics));
    assert.deepEqual(await session.request('vpcrules/flowTally', { uri: URI }), { allow: 1, deny: 1, partial: 0, failing: 0, total: 2 });
  });

  it('re-analyses open documents when the setting changes, and ignores a value that is not a port range', async () => {
    session = await openSession({ debounceMs: 0 });
    assert.ok(codes(await session.open(URI, SHOP)).includes('VR500'));
    session.settings.externalEphemeralPorts = '32768-65535';
    const reanalysed = session.diagnosticsFor(URI, (params) => !codes(params).includes('VR500'));
    await session.notify('workspace/didChangeConfiguration', { settings: {} });
    assert.equal((await reanalysed).version, 1);
    session.settings.externalEphemeralPorts = 'lots';
    const reread = session.configurationRequested();
    await session.notify('workspace/didChangeConfiguration', { settings: {} });
    await reread;
    assert.deepEqual(await session.request('vpcrules/flowTally', { uri: URI }), { allow: 1, deny: 1, partial: 0, failing: 0, total: 2 });
  });
});
