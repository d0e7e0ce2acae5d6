import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { ErrorCodes, LSPErrorCodes } from 'vscode-languageserver-protocol';
import { frame, openSession, rangeOf, Session } from './harness';
import { SHOP } from './models';

const URI = 'file:///shop.vpcrules';
const ROOT = join(__dirname, '..', '..', '..');
const SERVER_BIN = join(ROOT, 'server', 'bin', 'vpcrules-language-server.js');

describe('language server: protocol', () => {
  let session: Session;
  beforeEach(async () => {
    session = await openSession({ debounceMs: 0 });
    await session.open(URI, SHOP);
  });
  afterEach(() => session.close());

  it('answers requests about documents that are not open with null', async () => {
    const unknown = { textDocument: { uri: 'file:///nowhere.vpcrules' }, position: { line: 0, character: 0 } };
    assert.equal(await session.request('textDocument/hover', unknown), null);
    assert.equal(await session.request('textDocument/codeLens', unknown), null);
    assert.equal(await session.request('vpcrules/explainFlow', { uri: 'file:///nowhere.vpcrules', name: 'https' }), null);
    assert.equal(await session.request('vpcrules/flowTally', { uri: 'file:///nowhere.vpcrules' }), null);
  });

  it('answers a request cancelled before it runs with RequestCancelled', async () => {
    const answer = session.serverMessage((message) => message.id === 'cancelled-hover');
    // Both messages in one write: the cancellation arrives while the request waits its turn.
    session.sendRaw(
      frame({ jsonrpc: '2.0', id: 'cancelled-hover', method: 'textDocument/hover', params: { textDocument: { uri: URI }, position: rangeOf(SHOP, 'flow https').start } })
      + frame({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: 'cancelled-hover' } }),
    );
    const message = await answer;
    assert.equal((message.error as { code: number }).code, LSPErrorCodes.RequestCancelled);
  });

  it('answers an unknown method with MethodNotFound and goes on answering', async () => {
    await assert.rejects(session.request('vpcrules/noSuchMethod', {}), (error: { code: number }) => error.code === ErrorCodes.MethodNotFound);
    assert.deepEqual(await session.request('vpcrules/flowTally', { uri: URI }), { allow: 0, deny: 1, partial: 1, failing: 1, total: 2 });
  });

  it('answers a request with malformed params with InvalidParams and goes on answering', async () => {
    const answer = session.serverMessage((message) => message.id === 'bad-params');
    session.sendRaw(frame({ jsonrpc: '2.0', id: 'bad-params', method: 'textDocument/hover', params: 'not an object' }));
    assert.equal(((await answer).error as { code: number }).code, ErrorCodes.InvalidParams);
    assert.deepEqual(await session.request('vpcrules/flowTally', { uri: URI }), { allow: 0, deny: 1, partial: 1, failing: 1, total: 2 });
  });

  it('survives a message that is not JSON and goes on answering', async () => {
    session.sendRaw('Content-Length: 9\r\n\r\n{"json":,');
    assert.deepEqual(await session.request('vpcrules/flowTally', { uri: URI }), { allow: 0, deny: 1, partial: 1, failing: 1, total: 2 });
  });
});

/** Splits what the server wrote into Content-Length frames; throws on anything else. */
function parseFrames(output: Buffer): Record<string, unknown>[] {
  const messages: Record<string, unknown>[] = [];
  let offset = 0;
  while (offset < output.length) {
    const headerEnd = output.indexOf('\r\n\r\n', offset);
    assert.ok(headerEnd > 0, `unframed bytes on stdout: ${JSON.stringify(output.subarray(offset).toString())}`);
    const header = output.subarray(offset, headerEnd).toString('ascii');
    const length = /^Content-Length: (\d+)$/m.exec(header);
    assert.ok(length, `not a Content-Length header: ${JSON.stringify(header)}`);
    const bodyStart = headerEnd + 4;
    const bodyEnd = bodyStart + Number(length[1]);
    assert.ok(bodyEnd <= output.length, 'a frame is cut short');
    const message = JSON.parse(output.subarray(bodyStart, bodyEnd).toString('utf8'));
    assert.equal(message.jsonrpc, '2.0');
    messages.push(message);
    offset = bodyEnd;
  }
  return messages;
}

/** The messages of the frames that have fully arrived so far. */
function completeFrames(output: Buffer): Record<string, unknown>[] {
  const messages: Record<string, unknown>[] = [];
  let offset = 0;
  for (;;) {
    const headerEnd = output.indexOf('\r\n\r\n', offset);
    const length = headerEnd < 0 ? null : /Content-Length: (\d+)/.exec(output.subarray(offset, headerEnd).toString('ascii'));
    if (!length || headerEnd + 4 + Number(length[1]) > output.length) return messages;
    messages.push(JSON.parse(output.subarray(headerEnd + 4, headerEnd + 4 + Number(length[1])).toString('utf8')));
    offset = headerEnd + 4 + Number(length[1]);
  }
}

describe('language server: the vpcrules-language-server command', () => {
  it('writes nothing but framed JSON-RPC on stdout, from initialize to exit', async () => {
    const child = spawn(process.execPath, [SERVER_BIN, '--stdio'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const arrived = new EventEmitter();
    child.stdout.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      arrived.emit('data');
    });
    // Each step waits for the answer it needs before sending the next message.
    const waitFor = (id: number) => new Promise<Record<string, unknown>>((resolve) => {
      const check = () => {
        const found = completeFrames(Buffer.concat(chunks)).find((message) => message.id === id);
        if (!found) return;
        arrived.off('data', check);
        resolve(found);
      };
      arrived.on('data', check);
    });
    const send = (message: object) => child.stdin.write(frame(message));

    const initialized = waitFor(1);
    send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
    assert.ok(((await initialized).result as { capabilities: { hoverProvider: boolean } }).capabilities.hoverProvider);
    send({ jsonrpc: '2.0', method: 'initialized', params: {} });
    send({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri: URI, languageId: 'vpcrules', version: 1, text: SHOP } } });
    const hovered = waitFor(2);
    send({ jsonrpc: '2.0', id: 2, method: 'textDocument/hover', params: { textDocument: { uri: URI }, position: rangeOf(SHOP, '443 from').start } });
    assert.equal(((await hovered).result as { contents: { value: string } }).contents.value, '**port 443**: HTTPS');
    const shutDown = waitFor(3);
    send({ jsonrpc: '2.0', id: 3, method: 'shutdown' });
    await shutDown;
    send({ jsonrpc: '2.0', method: 'exit' });
    assert.equal(await exited, 0);

    const messages = parseFrames(Buffer.concat(chunks));
    assert.ok(messages.some((message) => message.method === 'textDocument/publishDiagnostics'));
  });
});
