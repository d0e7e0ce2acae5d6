// vpcrules/matrix: the reachability matrix of a document for one protocol and port range, from
// its current analysis (the text is never read again), computed a slice of cells at a time so
// that the connection is served in between, with work-done progress, stopped by cancellation,
// and kept per (uri, version, protocol, ports).
import { Connection, ErrorCodes, ResponseError, TextDocuments, WorkDoneProgressReporter } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { WorkDoneProgressServerReporter } from 'vscode-languageserver';
import type { ProgressToken } from 'vscode-languageserver';
import { parsePortRange } from '../engine/keys';
import { Matrix, MatrixCell, MatrixEnd, matrixJson, MatrixProtocol, matrixSteps } from '../engine/matrix';
import type { AnalysisSource } from './analysis-source';
import { onAnalyzed } from './requests';
import { runInSlices } from './stepped-work';

export const MATRIX_METHOD = 'vpcrules/matrix';

export interface MatrixParams {
  uri: string;
  protocol: MatrixProtocol;
  /** "443" or "1024-2048"; required for tcp and udp, ignored for icmp (echo request). */
  ports?: string;
  /** A progress token of the client's: the computation reports on it. */
  workDoneToken?: ProgressToken;
}

/** The CLI's JSON (`vpcrules matrix --format json`), with each end's subnet and the version it is of. */
export interface MatrixAnswer {
  protocol: MatrixProtocol;
  ports: string | null;
  sources: string[];
  destinations: string[];
  cells: MatrixCell[];
  /** Sources and destinations alike, in order, with their subnets (for grouping). */
  ends: MatrixEnd[];
  version: number;
}

export interface MatrixSelection {
  protocol: MatrixProtocol;
  ports?: { from: number; to: number };
}

/** The protocol and ports of a request; InvalidParams when they are not a matrix's. */
export function matrixSelection(params: { protocol?: unknown; ports?: unknown } | undefined): MatrixSelection {
  const protocol = params?.protocol;
  if (protocol !== 'tcp' && protocol !== 'udp' && protocol !== 'icmp') {
    throw new ResponseError(ErrorCodes.InvalidParams, "the protocol must be 'tcp', 'udp' or 'icmp'");
  }
  if (protocol === 'icmp') return { protocol };
  const set = typeof params?.ports === 'string' ? parsePortRange(params.ports) : typeof params?.ports === 'number' ? parsePortRange(String(params.ports)) : undefined;
  if (!set) throw new ResponseError(ErrorCodes.InvalidParams, `a ${protocol} matrix needs ports: a port or a range N-M within 0-65535`);
  const [from, to] = set.intervals[0];
  return { protocol, ports: { from, to } };
}

function portsText(ports: { from: number; to: number }): string {
  return ports.from === ports.to ? String(ports.from) : `${ports.from}-${ports.to}`;
}

function selectionKey(selection: MatrixSelection): string {
  return selection.ports ? `${selection.protocol} ${portsText(selection.ports)}` : selection.protocol;
}

/** From this many cells on, the server shows progress of its own when the client gave no token. */
const LARGE_MATRIX_CELLS = 1000;
/** Matrices kept per document (of its latest version). */
const KEPT_PER_DOCUMENT = 16;

/** The finished matrices of each document's latest analysed version. */
export class MatrixCache {
  private readonly documents = new Map<string, { version: number; matrices: Map<string, MatrixAnswer> }>();

  get(uri: string, version: number, key: string): MatrixAnswer | undefined {
    const entry = this.documents.get(uri);
    return entry?.version === version ? entry.matrices.get(key) : undefined;
  }

  set(uri: string, version: number, key: string, answer: MatrixAnswer): void {
    let entry = this.documents.get(uri);
    if (!entry || entry.version < version) this.documents.set(uri, (entry = { version, matrices: new Map() }));
    if (entry.version !== version) return;
    entry.matrices.delete(key);
    entry.matrices.set(key, answer);
    if (entry.matrices.size > KEPT_PER_DOCUMENT) entry.matrices.delete(entry.matrices.keys().next().value!);
  }

  forget(uri: string): void {
    this.documents.delete(uri);
  }
}

function answerOf(matrix: Matrix, version: number): MatrixAnswer {
  return { ...(matrixJson(matrix) as Omit<MatrixAnswer, 'ends' | 'version'>), ends: matrix.ends, version };
}

/** Registers the request; the matrices of a document are dropped when it closes. */
export function registerMatrix(connection: Connection, source: AnalysisSource, documents: Pick<TextDocuments<TextDocument>, 'onDidClose'>): void {
  const cache = new MatrixCache();
  documents.onDidClose((event) => cache.forget(event.document.uri));
  connection.onRequest(MATRIX_METHOD, (params: MatrixParams | undefined, token) => {
    const selection = matrixSelection(params);
    const key = selectionKey(selection);
    return onAnalyzed(connection, source, params?.uri, token, ({ uri, version, analysis }) => {
      const cached = cache.get(uri, version, key);
      if (cached) return cached;
      return (async (): Promise<MatrixAnswer | null> => {
        const size = (analysis.model.instances.size + 1) ** 2;
        let serverProgress: WorkDoneProgressServerReporter | undefined;
        let progress: WorkDoneProgressReporter | undefined;
        if (params?.workDoneToken !== undefined) progress = connection.window.attachWorkDoneProgress(params.workDoneToken);
        else if (size >= LARGE_MATRIX_CELLS) progress = serverProgress = await connection.window.createWorkDoneProgress();
        let done = 0;
        let total = size;
        let reported = 0;
        const steps = matrixSteps(analysis.model, {
          ...selection,
          onProgress: (cells, all) => {
            done = cells;
            total = all;
          },
        });
        const title = `vpcrules: reachability matrix, ${selection.ports ? `${selection.protocol} ${portsText(selection.ports)}` : 'icmp echo request'}`;
        progress?.begin(title, 0, `0/${total} cells`, serverProgress !== undefined);
        try {
          const matrix = await runInSlices(
            steps,
            () => token.isCancellationRequested || serverProgress?.token.isCancellationRequested === true,
            () => {
              // At most one report per percent.
              const percentage = Math.floor((100 * done) / Math.max(1, total));
              if (percentage === reported) return;
              reported = percentage;
              progress?.report(percentage, `${done}/${total} cells`);
            },
          );
          const answer = answerOf(matrix, version);
          cache.set(uri, version, key, answer);
          return answer;
        } catch (error) {
          if (error instanceof ResponseError) throw error;
          connection.console.error(`vpcrules: the ${title.slice('vpcrules: '.length)} of ${uri} failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
          return null;
        } finally {
          progress?.done();
        }
      })();
    });
  });
}
