// Drives the language server over stdio as an editor would: open a document, type one-character
// edits (first in comments, then in the code), press Enter, delete lines, paste blocks of lines,
// and after each code edit ask what VS Code asks after every keystroke (the outline, the folding
// ranges, the code lenses and, when the server offers them, the semantic tokens); then hover and
// complete. Measures each answer's latency and the server's peak memory.
import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { Position } from './generate';
import { elapsedMs, percentile } from './stats';

const SERVER = join(__dirname, '..', '..', 'server', 'bin', 'vpcrules-language-server.js');
export const ANSWER_TIMEOUT_MS = 120_000;
const SETTINGS = { debounceMs: 0 };

export interface Latencies {
  p50: number;
  p95: number;
  count: number;
}

/** Kept under its old name for the callers that time edits. */
export type EditTimings = Latencies;

/** The requests timed, by protocol method. */
export const TIMED_REQUESTS = [
  'textDocument/documentSymbol',
  'textDocument/foldingRange',
  'textDocument/codeLens',
  'textDocument/semanticTokens/full',
  'textDocument/hover',
  'textDocument/completion',
] as const;
export type TimedRequest = (typeof TIMED_REQUESTS)[number];

/** The steps of a session, in order. */
export type SessionStep = 'comment edit' | 'code edit' | 'Enter' | 'line deletion' | 'paste' | 'hover' | 'completion';

export interface LspTimings {
  openMs: number;
  /** Digits changed inside comments: the meaning is kept. */
  commentEdits?: Latencies;
  /** Port digits changed inside rules and flows: the meaning changes. */
  codeEdits?: Latencies;
  /** An empty line inserted near the top of the file: every line below moves. */
  enter?: Latencies;
  /** A rule line deleted. */
  lineDeletion?: Latencies;
  /** Twenty rule lines pasted into a security group. */
  paste?: Latencies;
  /** The edits that undo the three above, each timed alike (information). */
  undo?: Latencies;
  /** Latencies of the requests, on an analysed version; absent for a request the server does not offer. */
  requests: Partial<Record<TimedRequest, Latencies>>;
  peakRssMb: number;
  /** The step at which the session gave up (an answer that did not come in time): the steps after it are not measured. */
  failure?: { step: SessionStep; message: string };
}

/** What to do to the document; an empty list skips its series. */
export interface SessionPlan {
  comment: Position[];
  code: Position[];
  /** Lines before which an empty line is inserted. */
  enter: number[];
  /** Lines deleted (each restored at once). */
  deletions: number[];
  /** Where twenty lines are pasted (each paste removed at once). */
  pastes: { line: number; lines: string[] }[];
  hovers: Position[];
  completions: Position[];
}

interface Published {
  uri: string;
  version?: number;
}

interface Change {
  range: { start: Position; end: Position };
  text: string;
}

class Session {
  private readonly waiters: { accept: (p: Published) => boolean; resolve: () => void }[] = [];
  capabilities: Record<string, unknown> = {};

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

export function latencies(times: number[]): Latencies {
  return { p50: percentile(times, 50), p95: percentile(times, 95), count: times.length };
}

/** The document as the client holds it: its lines, its version, and edits timed to their diagnostics. */
class Document {
  version = 1;
  readonly lines: string[];

  constructor(private readonly session: Session, readonly uri: string, text: string) {
    this.lines = text.split('\n');
  }

  /** Sends one change (already applied to `lines` by the caller) and times it to its diagnostics. */
  async timed(change: Change): Promise<number> {
    const version = ++this.version;
    const published = this.session.diagnostics(this.uri, version);
    const start = process.hrtime.bigint();
    await this.session.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: this.uri, version },
      contentChanges: [{ range: change.range, text: change.text }],
    });
    await published;
    return elapsedMs(start);
  }

  toggleDigit(at: Position): Promise<number> {
    const text = toggledDigit(this.lines, at);
    return this.timed({ range: { start: at, end: { line: at.line, character: at.character + 1 } }, text });
  }

  /** Inserts whole lines before `line`. */
  insertLines(line: number, inserted: string[]): Promise<number> {
    this.lines.splice(line, 0, ...inserted);
    const at = { line, character: 0 };
    return this.timed({ range: { start: at, end: at }, text: inserted.map((l) => `${l}\n`).join('') });
  }

  /** Deletes `count` whole lines from `line`, with their line breaks; answers the time and the lines. */
  async deleteLines(line: number, count: number): Promise<{ ms: number; deleted: string[] }> {
    const deleted = this.lines.splice(line, count);
    const ms = await this.timed({ range: { start: { line, character: 0 }, end: { line: line + count, character: 0 } }, text: '' });
    return { ms, deleted };
  }
}

const isEmptyAnswer = (answer: unknown) =>
  answer === null || (Array.isArray(answer) && answer.length === 0) || (typeof answer === 'object' && answer !== null && 'items' in answer && (answer as { items: unknown[] }).items.length === 0);

export async function measureLanguageServer(file: string, text: string, plan: SessionPlan): Promise<LspTimings> {
  const session = startServer();
  const { connection } = session;
  const uri = pathToFileURL(file).href;
  try {
    const initialized = await connection.sendRequest<{ capabilities: Record<string, unknown> }>('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: {
        workspace: { configuration: true },
        textDocument: {
          publishDiagnostics: { versionSupport: true },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          documentSymbol: { hierarchicalDocumentSymbolSupport: true },
          foldingRange: { lineFoldingOnly: true },
          semanticTokens: { requests: { full: true }, tokenTypes: [], tokenModifiers: [], formats: ['relative'] },
        },
      },
      initializationOptions: SETTINGS,
    });
    session.capabilities = initialized.capabilities;
    await connection.sendNotification('initialized', {});

    const document = new Document(session, uri, text);
    let start = process.hrtime.bigint();
    const opened = session.diagnostics(uri, document.version);
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'vpcrules', version: document.version, text } });
    await opened;
    const openMs = elapsedMs(start);

    const requestTimes = new Map<TimedRequest, number[]>();
    const timeRequest = async (method: TimedRequest, params: object): Promise<unknown> => {
      start = process.hrtime.bigint();
      const answer = await connection.sendRequest(method, { textDocument: { uri }, ...params });
      const took = elapsedMs(start);
      if (isEmptyAnswer(answer)) throw new Error(`${method} answered nothing (${JSON.stringify(params)})`);
      requestTimes.set(method, [...(requestTimes.get(method) ?? []), took]);
      return answer;
    };
    /** What VS Code asks after every edit, once the edit is analysed. */
    const afterEdit = async () => {
      await timeRequest('textDocument/documentSymbol', {});
      await timeRequest('textDocument/foldingRange', {});
      await timeRequest('textDocument/codeLens', {});
      if (session.capabilities.semanticTokensProvider) await timeRequest('textDocument/semanticTokens/full', {});
    };

    // A step whose answer does not come in time ends the session: what was measured before it is kept.
    let failure: LspTimings['failure'];
    const step = async (name: SessionStep, work: () => Promise<void>) => {
      if (failure) return;
      try {
        await work();
      } catch (error) {
        failure = { step: name, message: (error as Error).message };
      }
    };
    const commentTimes: number[] = [];
    await step('comment edit', async () => {
      for (const at of plan.comment) commentTimes.push(await document.toggleDigit(at));
    });
    const codeTimes: number[] = [];
    await step('code edit', async () => {
      for (const at of plan.code) {
        codeTimes.push(await document.toggleDigit(at));
        await afterEdit();
      }
    });

    const undoTimes: number[] = [];
    const enterTimes: number[] = [];
    await step('Enter', async () => {
      for (const line of plan.enter) {
        enterTimes.push(await document.insertLines(line, ['']));
        undoTimes.push((await document.deleteLines(line, 1)).ms);
      }
    });
    const deletionTimes: number[] = [];
    await step('line deletion', async () => {
      for (const line of plan.deletions) {
        const { ms, deleted } = await document.deleteLines(line, 1);
        deletionTimes.push(ms);
        undoTimes.push(await document.insertLines(line, deleted));
      }
    });
    const pasteTimes: number[] = [];
    await step('paste', async () => {
      for (const paste of plan.pastes) {
        pasteTimes.push(await document.insertLines(paste.line, paste.lines));
        undoTimes.push((await document.deleteLines(paste.line, paste.lines.length)).ms);
      }
    });

    await step('hover', async () => {
      for (const at of plan.hovers) await timeRequest('textDocument/hover', { position: at });
    });
    await step('completion', async () => {
      for (const at of plan.completions) await timeRequest('textDocument/completion', { position: at });
    });

    // The step that gave up reports no figure: the edits that came back in time are not all of it.
    const failed = (name: SessionStep, times: number[]) => (failure?.step === name ? [] : times);
    const peakRssMb = session.peakRssMb();
    // A server still busy with an edit that timed out is not waited for.
    if (!failure) {
      await connection.sendRequest('shutdown');
      await connection.sendNotification('exit');
    }
    const series = (times: number[]) => (times.length > 0 ? latencies(times) : undefined);
    const requests: Partial<Record<TimedRequest, Latencies>> = {};
    for (const [method, times] of requestTimes) requests[method] = latencies(times);
    return {
      openMs, commentEdits: series(failed('comment edit', commentTimes)), codeEdits: series(failed('code edit', codeTimes)),
      enter: series(failed('Enter', enterTimes)), lineDeletion: series(failed('line deletion', deletionTimes)), paste: series(failed('paste', pasteTimes)),
      undo: failure ? undefined : series(undoTimes),
      requests, peakRssMb, ...(failure ? { failure } : {}),
    };
  } finally {
    connection.dispose();
    session.child.kill();
  }
}
