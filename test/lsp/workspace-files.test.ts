import * as assert from 'node:assert/strict';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import type { WorkspaceTally } from '../../server/src/lsp/workspace-files';
import { largeModel } from '../large-model';
import { openSession, Session } from './harness';
import { SHOP } from './models';

const URI = 'file:///work/shop.vpcrules';
/** SHOP with its return rule widened: flow https holds. */
const FIXED = SHOP.replace('32768-65535', '1024-65535').replace('  outbound 200 deny tcp 1024-32767 to 0.0.0.0/0\n', '');

const codes = (params: PublishDiagnosticsParams) => params.diagnostics.map((d) => d.code);

describe('language server: the workspace files on disk', () => {
  let session: Session;
  beforeEach(async () => (session = await openSession({ debounceMs: 0 })));
  afterEach(() => session.close());

  function sendFiles(files: { uri: string; text: string }[]) {
    return session.notify('vpcrules/workspaceFiles', { files });
  }

  /** Published for `uri` without a version: from its disk text. */
  function diskDiagnostics(uri: string, accept: (params: PublishDiagnosticsParams) => boolean = () => true) {
    return session.diagnosticsFor(uri, (params) => params.version === undefined && accept(params));
  }

  it('publishes the diagnostics of a file that is not open, from its text on disk', async () => {
    const published = diskDiagnostics(URI);
    await sendFiles([{ uri: URI, text: SHOP }]);
    const params = await published;
    const failed = params.diagnostics.find((d) => d.code === 'VR500');
    assert.ok(failed, JSON.stringify(params.diagnostics));
    assert.equal(failed.range.start.line, 13);
    assert.match(failed.message, /^flow 'https' expects allow but is partial/);
    assert.equal(failed.relatedInformation?.[0].location.uri, URI);
  });

  it('publishes every file of a batch, and a file with nothing wrong gets an empty list', async () => {
    const other = 'file:///work/fixed.vpcrules';
    const first = diskDiagnostics(URI);
    const second = diskDiagnostics(other);
    await sendFiles([{ uri: URI, text: SHOP }, { uri: other, text: FIXED }]);
    assert.ok(codes(await first).includes('VR500'));
    assert.ok(!codes(await second).includes('VR500'));
  });

  it('updates them when the file changes on disk', async () => {
    const before = diskDiagnostics(URI);
    await sendFiles([{ uri: URI, text: SHOP }]);
    assert.ok(codes(await before).includes('VR500'));
    const after = diskDiagnostics(URI);
    await sendFiles([{ uri: URI, text: FIXED }]);
    assert.ok(!codes(await after).includes('VR500'), JSON.stringify((await after).diagnostics));
  });

  it('clears them when the file is deleted', async () => {
    const before = diskDiagnostics(URI);
    await sendFiles([{ uri: URI, text: SHOP }]);
    await before;
    const cleared = diskDiagnostics(URI);
    await session.notify('vpcrules/workspaceFilesRemoved', { uris: [URI] });
    assert.deepEqual((await cleared).diagnostics, []);
  });

  it('publishes the disk text\'s diagnostics again when the file is opened and closed', async () => {
    const fromDisk = diskDiagnostics(URI);
    await sendFiles([{ uri: URI, text: SHOP }]);
    const expected = (await fromDisk).diagnostics;
    await session.open(URI, SHOP);
    const republished = diskDiagnostics(URI);
    await session.notify('textDocument/didClose', { textDocument: { uri: URI } });
    assert.deepEqual((await republished).diagnostics, expected);
  });

  it('after the close of an edited document that was not saved, shows the disk text\'s problems', async () => {
    await sendFiles([{ uri: URI, text: SHOP }]);
    const opened = await session.open(URI, FIXED);
    assert.ok(!codes(opened).includes('VR500'));
    const republished = diskDiagnostics(URI);
    await session.notify('textDocument/didClose', { textDocument: { uri: URI } });
    assert.ok(codes(await republished).includes('VR500'));
  });

  it('lets an open document\'s editor text win over its disk text', async () => {
    const fromDisk = diskDiagnostics(URI);
    await sendFiles([{ uri: URI, text: SHOP }]);
    await fromDisk;
    const opened = await session.open(URI, FIXED);
    assert.ok(!codes(opened).includes('VR500'));
    // The file changes on disk while it is open: nothing is published for it until it is closed.
    const mark = session.published.length;
    await sendFiles([{ uri: URI, text: SHOP.replace('tcp 22', 'tcp 23') }]);
    await session.request<WorkspaceTally>('vpcrules/workspaceTally', {});
    assert.deepEqual(session.published.slice(mark).filter((params) => params.uri === URI), []);
    // A deletion while it is open does not clear the editor's problems either; its close does.
    await session.notify('vpcrules/workspaceFilesRemoved', { uris: [URI] });
    await session.request<WorkspaceTally>('vpcrules/workspaceTally', {});
    assert.deepEqual(session.published.slice(mark).filter((params) => params.uri === URI), []);
    const cleared = diskDiagnostics(URI);
    await session.notify('textDocument/didClose', { textDocument: { uri: URI } });
    assert.deepEqual((await cleared).diagnostics, []);
  });

  it('clears the diagnostics of a closed document that is not a workspace file', async () => {
    const untitled = 'untitled:Untitled-1';
    await session.open(untitled, SHOP);
    const cleared = session.diagnosticsFor(untitled, () => true);
    await session.notify('textDocument/didClose', { textDocument: { uri: untitled } });
    assert.deepEqual((await cleared).diagnostics, []);
  });

  it('tallies every file, open or not, once each is analysed', async () => {
    const other = 'file:///work/fixed.vpcrules';
    const untitled = 'untitled:Untitled-1';
    await sendFiles([{ uri: URI, text: SHOP }, { uri: other, text: FIXED }]);
    await session.open(untitled, FIXED);
    const answer = await session.request<WorkspaceTally>('vpcrules/workspaceTally', {});
    assert.deepEqual(answer.files.map((file) => file.uri), [other, URI, untitled]);
    assert.deepEqual(answer.files.find((file) => file.uri === URI)?.tally, { allow: 0, deny: 1, partial: 1, failing: 1, total: 2 });
    assert.deepEqual(answer.files.find((file) => file.uri === other)?.tally, { allow: 1, deny: 1, partial: 0, failing: 0, total: 2 });
    assert.deepEqual(answer.files.find((file) => file.uri === untitled)?.tally, { allow: 1, deny: 1, partial: 0, failing: 0, total: 2 });
  });

  it('tallies an open workspace file from its editor text', async () => {
    await sendFiles([{ uri: URI, text: SHOP }]);
    await session.open(URI, FIXED);
    const answer = await session.request<WorkspaceTally>('vpcrules/workspaceTally', {});
    assert.deepEqual(answer.files, [{ uri: URI, tally: { allow: 1, deny: 1, partial: 0, failing: 0, total: 2 } }]);
  });

  it('analyses the disk texts again when a setting changes their verdicts', async () => {
    const fromDisk = diskDiagnostics(URI);
    await sendFiles([{ uri: URI, text: SHOP }]);
    assert.ok(codes(await fromDisk).includes('VR500'));
    // Clients that only use ports 32768-65535: the return rule then admits every reply.
    const again = diskDiagnostics(URI, (params) => !codes(params).includes('VR500'));
    session.settings.externalEphemeralPorts = '32768-65535';
    await session.notify('workspace/didChangeConfiguration', { settings: null });
    await again;
  });

  it('analyses an open document and answers requests while large closed files wait their turn', async () => {
    const big = largeModel(50_000).text;
    const uris = [1, 2, 3, 4].map((n) => `file:///work/big-${n}.vpcrules`);
    await sendFiles(uris.map((uri) => ({ uri, text: big })));
    const opened = await session.open(URI, SHOP);
    assert.ok(codes(opened).includes('VR500'));
    assert.deepEqual(await session.request('vpcrules/flowTally', { uri: URI }), { allow: 0, deny: 1, partial: 1, failing: 1, total: 2 });
    // The open document did not wait for the closed files: most are still being analysed.
    const done = session.published.filter((params) => uris.includes(params.uri)).length;
    assert.ok(done < uris.length, `${done} of ${uris.length} closed files were analysed first`);
    const answer = await session.request<WorkspaceTally>('vpcrules/workspaceTally', {});
    assert.equal(answer.files.length, uris.length + 1);
    assert.equal(session.published.filter((params) => uris.includes(params.uri)).length, uris.length);
  });

  it('ignores malformed notifications', async () => {
    await session.notify('vpcrules/workspaceFiles', { files: [{ uri: 3, text: 'x' }, null] });
    await session.notify('vpcrules/workspaceFiles', null);
    await session.notify('vpcrules/workspaceFilesRemoved', { uris: 'file:///x' });
    const answer = await session.request<WorkspaceTally>('vpcrules/workspaceTally', {});
    assert.deepEqual(answer.files, []);
  });
});
