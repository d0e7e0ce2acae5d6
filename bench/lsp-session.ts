// Drives the language server over stdio as an editor would: open a document, type one-character
// edits, hover flows; measures each answer's latency and the server's peak memory.
import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { Position } from './generate';
import { elapsedMs, percentile } from './stats';

const SERVER = join(__dirname, '..', '..', 'server', 'bin', 'vpcrules-language-server.js');
const ANSWER_TIMEOUT_MS = 60_000;
const SETTINGS = { debounceMs: 0 };

export interface LspTimings {
  openMs: number;
  editP50: number;
  editP95: number;
  edits: number;
  hoverP50: number;
  hoverP95: number;
  hovers: number;
  peakRssMb: number;
}

interface Published {
  uri: string;
  version?: number;
}

class Session {
  private readonly waiters: { accept: (p: Published) => boolean; resolve: () => void }[] = [];

  constructor(readonly child: ChildProcess, readonly connection: MessageConnection) {
    connection.onNotification('textDocument/publishDiagnostics', (params: Published) => {
      for (const waiter of [...this.waiters]) {
        if (!waiter.accept(params)) continue;
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    });
    connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => SETTINGS));
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.listen();
  }

  /** Resolves at the first publishDiagnostics for `uri` at `version` or later (or without a version). */
  diagnostics(uri: string, version: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for version ${version} within ${ANSWER_TIMEOUT_MS} ms`)), ANSWER_TIMEOUT_MS);
      this.waiters.push({
        accept: (p) => p.uri === uri && (p.version === undefined || p.version >= version),
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  peakRssMb(): number {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    return kb / 1024;
  }
}

function startServer(): Session {
  const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  return new Session(child, connection);
}

/** Digits at these positions are changed in turn (each to a different digit), keeping the model valid. */
function toggledDigit(lines: string[], at: Position): string {
  const current = lines[at.line][at.character];
  const next = current === '9' ? '1' : String(Number(current) + 1);
  lines[at.line] = lines[at.line].slice(0, at.character) + next + lines[at.line].slice(at.character + 1);
  return next;
}

function spread<T>(items: T[], count: number): T[] {
  if (items.length === 0) return [];
  return Array.from({ length: count }, (_, i) => items[Math.floor((i * items.length) / count) % items.length]);
}

export async function measureLanguageServer(file: string, text: string, digits: Position[], flowNames: Position[], samples: number): Promise<LspTimings> {
  const session = startServer();
  const { connection } = session;
  const uri = pathToFileURL(file).href;
  try {
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: { workspace: { configuration: true }, textDocument: { publishDiagnostics: { versionSupport: true }, hover: { contentFormat: ['markdown', 'plaintext'] } } },
      initializationOptions: SETTINGS,
    });
    await connection.sendNotification('initialized', {});

    let version = 1;
    let start = process.hrtime.bigint();
    const opened = session.diagnostics(uri, version);
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'vpcrules', version, text } });
    await opened;
    const openMs = elapsedMs(start);

    const lines = text.split('\n');
    const editTimes: number[] = [];
    for (const at of spread(digits, samples)) {
      version++;
      const newText = toggledDigit(lines, at);
      const published = session.diagnostics(uri, version);
      start = process.hrtime.bigint();
      await connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version },
        contentChanges: [{ range: { start: at, end: { line: at.line, character: at.character + 1 } }, rangeLength: 1, text: newText }],
      });
      await published;
      editTimes.push(elapsedMs(start));
    }

    const hoverTimes: number[] = [];
    for (const at of spread(flowNames, samples)) {
      start = process.hrtime.bigint();
      const hover = await connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: at });
      hoverTimes.push(elapsedMs(start));
      if (!hover) throw new Error(`no hover on the flow at line ${at.line + 1}`);
    }

    const peakRssMb = session.peakRssMb();
    await connection.sendRequest('shutdown');
    await connection.sendNotification('exit');
    return {
      openMs, edits: editTimes.length, editP50: percentile(editTimes, 50), editP95: percentile(editTimes, 95),
      hovers: hoverTimes.length, hoverP50: percentile(hoverTimes, 50), hoverP95: percentile(hoverTimes, 95), peakRssMb,
    };
  } finally {
    connection.dispose();
    session.child.kill();
  }
}
