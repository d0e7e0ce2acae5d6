// Drives the language server over stdio as an editor would: open a document, type one-character
// edits (first in comments, then in the code), hover flows; measures each answer's latency and the
// server's peak memory.
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

export interface EditTimings {
  p50: number;
  p95: number;
  count: number;
}

export interface LspTimings {
  openMs: number;
  /** Digits changed inside comments: the meaning is kept. */
  commentEdits: EditTimings;
  /** Port digits changed inside rules and flows: the meaning changes. */
  codeEdits: EditTimings;
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
export function toggledDigit(lines: string[], at: Position): string {
  const current = lines[at.line][at.character];
  const next = current === '9' ? '1' : String(Number(current) + 1);
  lines[at.line] = lines[at.line].slice(0, at.character) + next + lines[at.line].slice(at.character + 1);
  return next;
}

export function spread<T>(items: T[], count: number): T[] {
  if (items.length === 0) return [];
  return Array.from({ length: count }, (_, i) => items[Math.floor((i * items.length) / count) % items.length]);
}

/** The series' text edits, one at a time, each timed from didChange to its diagnostics. */
async function timeEdits(session: Session, uri: string, lines: string[], at: Position[], version: { value: number }): Promise<EditTimings> {
  const times: number[] = [];
  for (const position of at) {
    const current = ++version.value;
    const newText = toggledDigit(lines, position);
    const published = session.diagnostics(uri, current);
    const start = process.hrtime.bigint();
    await session.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: current },
      contentChanges: [{ range: { start: position, end: { line: position.line, character: position.character + 1 } }, rangeLength: 1, text: newText }],
    });
    await published;
    times.push(elapsedMs(start));
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95), count: times.length };
}

export interface EditPositions {
  comment: Position[];
  code: Position[];
}

export async function measureLanguageServer(file: string, text: string, edits: EditPositions, flowNames: Position[], samples: number): Promise<LspTimings> {
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

    const version = { value: 1 };
    let start = process.hrtime.bigint();
    const opened = session.diagnostics(uri, version.value);
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'vpcrules', version: version.value, text } });
    await opened;
    const openMs = elapsedMs(start);

    const lines = text.split('\n');
    const commentEdits = await timeEdits(session, uri, lines, spread(edits.comment, samples), version);
    const codeEdits = await timeEdits(session, uri, lines, spread(edits.code, samples), version);

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
      openMs, commentEdits, codeEdits,
      hovers: hoverTimes.length, hoverP50: percentile(hoverTimes, 50), hoverP95: percentile(hoverTimes, 95), peakRssMb,
    };
  } finally {
    connection.dispose();
    session.child.kill();
  }
}
