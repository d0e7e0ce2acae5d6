// The problems of the workspace's .vpcrules files that are not open in the editor. The server reads
// no file: the client sends each file's text as it is on disk (`vpcrules/workspaceFiles`) and says
// when one is gone (`vpcrules/workspaceFilesRemoved`). Each closed file's disk text is analysed once,
// in the background and behind the open documents, and its diagnostics are published without a
// version. An open document's editor text always wins over its disk text: nothing is published for
// it here while it is open, and when it is closed its disk text's diagnostics replace the editor's.
// `vpcrules/workspaceTally` answers, once every file is analysed, the flow tally of every file,
// open or not ("Check All Files").
import {
  CancellationToken, Connection, Diagnostic as LspDiagnostic, LSPErrorCodes, ResponseError,
} from 'vscode-languageserver';
import { Analysis, analysisSteps } from '../engine/analyze';
import type { ModelOptions } from '../engine/build-model';
import type { AnalysisSource } from './analysis-source';
import { toLspDiagnostic } from './convert';
import { FlowTally, tallyOf } from './flow-tally';

export const WORKSPACE_FILES_METHOD = 'vpcrules/workspaceFiles';
export const WORKSPACE_FILES_REMOVED_METHOD = 'vpcrules/workspaceFilesRemoved';
export const WORKSPACE_TALLY_METHOD = 'vpcrules/workspaceTally';

export interface WorkspaceFile {
  uri: string;
  /** The file's text as it is on disk. */
  text: string;
}

/** `vpcrules/workspaceFiles`: files found, created or changed on disk (the whole text of each). */
export interface WorkspaceFilesParams {
  files: WorkspaceFile[];
}

/** `vpcrules/workspaceFilesRemoved`: files deleted, or no longer part of the workspace. */
export interface WorkspaceFilesRemovedParams {
  uris: string[];
}

export interface FileTally {
  uri: string;
  /** Null when the file could not be analysed. */
  tally: FlowTally | null;
}

/** `vpcrules/workspaceTally` → every file the server knows, open or not, sorted by uri. */
export interface WorkspaceTally {
  files: FileTally[];
}

export interface WorkspaceFileEvents {
  /** A closed file's diagnostics changed (none: its file is gone). */
  publish(uri: string, diagnostics: LspDiagnostic[]): void;
  failed(uri: string, error: unknown): void;
}

/** What is kept of a disk text's analysis: not the model, which an open document alone needs. */
interface DiskResult {
  diagnostics: LspDiagnostic[];
  tally: FlowTally;
}

interface DiskFile {
  text: string;
  result?: DiskResult;
}

function resultOf(analysis: Analysis, uri: string): DiskResult {
  return { diagnostics: analysis.diagnostics.map((diagnostic) => toLspDiagnostic(diagnostic, uri)), tally: tallyOf(analysis) };
}

/** How long a background slice may take before the connection and the open documents get a turn. */
const SLICE_MS = 4;

/**
 * One analysis in short slices scheduled by timer: the open documents' runs (analysis-run.ts,
 * scheduled by setImmediate) and the connection's messages go first, so the editor never waits
 * on a file it does not show.
 */
class BackgroundRun {
  private stopped = false;

  constructor(steps: Generator<void, Analysis, void>, onDone: (analysis: Analysis) => void, onError: (error: unknown) => void) {
    const slice = () => {
      if (this.stopped) return;
      const deadline = performance.now() + SLICE_MS;
      try {
        for (;;) {
          const step = steps.next();
          if (step.done) return onDone(step.value);
          if (performance.now() >= deadline) break;
        }
      } catch (error) {
        return onError(error);
      }
      setTimeout(slice, 0);
    };
    setTimeout(slice, 0);
  }

  stop(): void {
    this.stopped = true;
  }
}

export class WorkspaceFiles {
  private readonly files = new Map<string, DiskFile>();
  /** Closed files whose disk text waits for its analysis, in the order they are analysed. */
  private queue = new Set<string>();
  private running?: { uri: string; run: BackgroundRun };
  private readonly idleWaiters = new Set<() => void>();

  constructor(
    private readonly isOpen: (uri: string) => boolean,
    private readonly modelOptions: () => ModelOptions,
    private readonly events: WorkspaceFileEvents,
  ) {}

  /** Files found, created or changed on disk. */
  update(files: readonly WorkspaceFile[]): void {
    for (const { uri, text } of files) {
      if (this.files.get(uri)?.text === text) continue;
      this.files.set(uri, { text });
      if (this.running?.uri === uri) this.stopRunning();
      this.queue.delete(uri);
      this.queue.add(uri);
    }
    this.pump();
  }

  /** Files deleted: the diagnostics of those not open are cleared. */
  remove(uris: readonly string[]): void {
    for (const uri of uris) {
      if (!this.files.delete(uri)) continue;
      this.queue.delete(uri);
      if (this.running?.uri === uri) this.stopRunning();
      if (!this.isOpen(uri)) this.events.publish(uri, []);
    }
    this.pump();
  }

  /** A document was opened: its editor text wins, and its disk text waits for the close. */
  opened(uri: string): void {
    if (this.running?.uri !== uri) return;
    this.stopRunning();
    this.pump();
  }

  /**
   * A document was closed: true when it is a workspace file, whose disk text's diagnostics are then
   * published (at once if known, or the editor's analysis was of the same text; else as soon as its
   * analysis, first in line, is done). False for a document the server knows only from the editor.
   */
  closed(uri: string, editorAnalysis?: Analysis): boolean {
    const file = this.files.get(uri);
    if (!file) return false;
    if (!file.result && editorAnalysis?.text === file.text) file.result = resultOf(editorAnalysis, uri);
    if (file.result) {
      this.events.publish(uri, file.result.diagnostics);
    } else {
      this.queue = new Set([uri, ...this.queue]);
      this.pump();
    }
    return true;
  }

  /** The model options changed: every disk text is analysed again. */
  reconfigured(): void {
    this.stopRunning();
    for (const [uri, file] of this.files) {
      file.result = undefined;
      this.queue.add(uri);
    }
    this.pump();
  }

  has(uri: string): boolean {
    return this.files.has(uri);
  }

  /** The tallies of the closed workspace files (call once idle). */
  closedTallies(): FileTally[] {
    return [...this.files].filter(([uri]) => !this.isOpen(uri)).map(([uri, file]) => ({ uri, tally: file.result?.tally ?? null }));
  }

  /** Resolves when every closed file's disk text is analysed (or the token is cancelled). */
  whenIdle(token?: CancellationToken): Promise<void> {
    if (!this.running && this.queue.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        listener?.dispose();
        this.idleWaiters.delete(done);
        resolve();
      };
      this.idleWaiters.add(done);
      const listener = token?.onCancellationRequested(done);
    });
  }

  dispose(): void {
    this.stopRunning();
    this.queue.clear();
    for (const waiter of [...this.idleWaiters]) waiter();
  }

  private stopRunning(): void {
    this.running?.run.stop();
    this.running = undefined;
  }

  /** Starts the next analysis, if none runs; open files leave the queue (their close queues them). */
  private pump(): void {
    if (this.running) return;
    for (const uri of this.queue) {
      this.queue.delete(uri);
      const file = this.files.get(uri);
      if (!file || this.isOpen(uri)) continue;
      const finished = () => {
        this.running = undefined;
        this.pump();
      };
      const run = new BackgroundRun(
        analysisSteps(file.text, this.modelOptions()),
        (analysis) => {
          file.result = resultOf(analysis, uri);
          if (this.files.get(uri) === file && !this.isOpen(uri)) this.events.publish(uri, file.result.diagnostics);
          finished();
        },
        (error) => {
          this.events.failed(uri, error);
          finished();
        },
      );
      this.running = { uri, run };
      return;
    }
    for (const waiter of [...this.idleWaiters]) waiter();
  }
}

function throwIfCancelled(token: CancellationToken): void {
  if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'request cancelled');
}

function validFiles(params: unknown): WorkspaceFile[] {
  const files = typeof params === 'object' && params !== null ? (params as { files?: unknown }).files : undefined;
  if (!Array.isArray(files)) return [];
  return files.filter((file): file is WorkspaceFile =>
    typeof file === 'object' && file !== null && typeof file.uri === 'string' && typeof file.text === 'string');
}

function validUris(params: unknown): string[] {
  const uris = typeof params === 'object' && params !== null ? (params as { uris?: unknown }).uris : undefined;
  return Array.isArray(uris) ? uris.filter((uri): uri is string => typeof uri === 'string') : [];
}

/**
 * The notifications that keep the server's copy of the workspace's files, and the tally of every
 * file; `openUris` are the documents open in the editor, whose analyses `source` gives.
 */
export function registerWorkspaceFiles(
  connection: Connection, workspace: WorkspaceFiles, source: AnalysisSource, openUris: () => string[],
): void {
  connection.onNotification(WORKSPACE_FILES_METHOD, (params: unknown) => workspace.update(validFiles(params)));
  connection.onNotification(WORKSPACE_FILES_REMOVED_METHOD, (params: unknown) => workspace.remove(validUris(params)));
  connection.onRequest(WORKSPACE_TALLY_METHOD, async (_params: unknown, token): Promise<WorkspaceTally> => {
    throwIfCancelled(token);
    await workspace.whenIdle(token);
    throwIfCancelled(token);
    const open = await Promise.all(openUris().map(async (uri): Promise<FileTally> => {
      const analyzed = await source.get(uri, token);
      return { uri, tally: analyzed ? tallyOf(analyzed.analysis) : null };
    }));
    throwIfCancelled(token);
    const files = [...open, ...workspace.closedTallies()].sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
    return { files };
  });
}
