// A client for protocol tests: the real server (startServer) over a pair of in-memory streams,
// driven through a vscode-jsonrpc connection as an editor would drive it.
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import {
  createMessageConnection, MessageConnection, StreamMessageReader, StreamMessageWriter,
} from 'vscode-jsonrpc/node';
import type {
  InitializeResult, Position, Range, PublishDiagnosticsParams, TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from '../../server/src/lsp/server';

export interface SessionOptions {
  /** Served to the server as the `vpcrules.debounceMs` setting through workspace/configuration. */
  debounceMs?: number;
  initializationOptions?: object;
}

export interface Session {
  connection: MessageConnection;
  initializeResult: InitializeResult;
  /** Every diagnostics notification the server sent, in order. */
  published: PublishDiagnosticsParams[];
  /** What workspace/configuration answers for the `vpcrules` section; tests may change it. */
  settings: Record<string, unknown>;
  /** Resolves with the diagnostics published for version 1 of the opened document. */
  open(uri: string, text: string): Promise<PublishDiagnosticsParams>;
  /** Resolves with the diagnostics published for this version. */
  change(uri: string, version: number, contentChanges: TextDocumentContentChangeEvent[]): Promise<PublishDiagnosticsParams>;
  /** Resolves with the next diagnostics published for `uri` that satisfy `accept`. */
  diagnosticsFor(uri: string, accept: (params: PublishDiagnosticsParams) => boolean): Promise<PublishDiagnosticsParams>;
  request<R>(method: string, params: unknown): Promise<R>;
  notify(method: string, params: unknown): Promise<void>;
  /** Writes bytes to the server as they are, bypassing the client connection. */
  sendRaw(bytes: string): void;
  /** Resolves with the next message the server writes that satisfies `accept`. */
  serverMessage(accept: (message: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  /** Resolves when the server next asks for the configuration (after it is answered). */
  configurationRequested(): Promise<void>;
  close(): Promise<void>;
}

export const LANGUAGE_ID = 'vpcrules';

export async function openSession(options: SessionOptions = {}): Promise<Session> {
  const clientToServer = new PassThrough();
  const serverToClient = new PassThrough();
  startServer(createConnection(ProposedFeatures.all, new StreamMessageReader(clientToServer), new StreamMessageWriter(serverToClient)));

  const connection = createMessageConnection(new StreamMessageReader(serverToClient), new StreamMessageWriter(clientToServer));
  const events = new EventEmitter();
  const published: PublishDiagnosticsParams[] = [];
  const settings: Record<string, unknown> = options.debounceMs === undefined ? {} : { debounceMs: options.debounceMs };
  connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
    published.push(params);
    events.emit('diagnostics', params);
  });
  connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) => {
    const answer = params.items.map((item) => (item.section === 'vpcrules' ? { ...settings } : null));
    setImmediate(() => events.emit('configuration'));
    return answer;
  });
  connection.onRequest('client/registerCapability', () => null);
  connection.onNotification('window/logMessage', () => {});

  // A second reader on the server's output sees every message, including answers to raw requests.
  new StreamMessageReader(serverToClient).listen((message) => events.emit('message', message));
  connection.listen();

  const next = <T>(event: string, accept: (value: T) => boolean) =>
    new Promise<T>((resolve) => {
      const listener = (value: T) => {
        if (!accept(value)) return;
        events.off(event, listener);
        resolve(value);
      };
      events.on(event, listener);
    });
  const diagnosticsFor = (uri: string, accept: (params: PublishDiagnosticsParams) => boolean) =>
    next<PublishDiagnosticsParams>('diagnostics', (params) => params.uri === uri && accept(params));

  const initializeResult = await connection.sendRequest<InitializeResult>('initialize', {
    processId: null,
    rootUri: null,
    capabilities: {
      workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
      textDocument: { hover: { contentFormat: ['markdown', 'plaintext'] }, publishDiagnostics: { relatedInformation: true, versionSupport: true, tagSupport: { valueSet: [1, 2] } } },
    },
    initializationOptions: options.initializationOptions,
  });
  await connection.sendNotification('initialized', {});

  return {
    connection,
    initializeResult,
    published,
    settings,
    diagnosticsFor,
    async open(uri, text) {
      const diagnostics = diagnosticsFor(uri, (params) => params.version === 1);
      await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: LANGUAGE_ID, version: 1, text } });
      return diagnostics;
    },
    async change(uri, version, contentChanges) {
      const diagnostics = diagnosticsFor(uri, (params) => params.version === version);
      await connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
      return diagnostics;
    },
    request: <R>(method: string, params: unknown) => connection.sendRequest<R>(method, params),
    notify: (method, params) => connection.sendNotification(method, params),
    sendRaw: (bytes) => void clientToServer.write(bytes),
    serverMessage: (accept) => next('message', accept),
    configurationRequested: () => next<void>('configuration', () => true),
    async close() {
      // The exit notification would end this process (the server exits on it); the spawned-server
      // test covers exit.
      await connection.sendRequest('shutdown');
      connection.dispose();
      clientToServer.end();
      serverToClient.end();
    },
  };
}

/** One JSON-RPC message framed as it travels on the wire. */
export function frame(message: object): string {
  const body = JSON.stringify(message);
  return `Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`;
}

/** The range of an occurrence of `needle` in `text` (the first by default). */
export function rangeOf(text: string, needle: string, occurrence = 0): Range {
  let offset = -1;
  for (let i = 0; i <= occurrence; i++) offset = text.indexOf(needle, offset + 1);
  if (offset < 0) throw new Error(`'${needle}' is not in the text`);
  const position = (at: number): Position => {
    const before = text.slice(0, at).split('\n');
    return { line: before.length - 1, character: before[before.length - 1].length };
  };
  return { start: position(offset), end: position(offset + needle.length) };
}
