// The analyses of the open documents: started after each edit once the debounce delay has passed
// (at once when a request is waiting), abandoned when a newer version arrives or the document
// closes, and cached per version. Each open document has its own incremental analyzer, so that an
// edit recomputes only the checks and flows whose inputs it changed.
import type { CancellationToken, TextDocuments } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { ModelOptions } from '../engine/build-model';
import { IncrementalAnalyzer } from '../engine/incremental';
import type { AnalysisSource, AnalyzedDocument } from './analysis-source';
import { AnalysisRun } from './analysis-run';

export interface AnalysisEvents {
  analyzed(analyzed: AnalyzedDocument): void;
  failed(uri: string, version: number, error: unknown): void;
}

type Waiter = (analyzed: AnalyzedDocument | undefined) => void;

interface DocumentState {
  latest?: AnalyzedDocument;
  analyzer: IncrementalAnalyzer;
  /** The running analysis; always of the document's current version. */
  run?: AnalysisRun;
  timer?: NodeJS.Timeout;
  /** Counts edits, so that a delay that ends after a newer edit does nothing. */
  edits: number;
  waiters: Set<Waiter>;
}

export class DocumentAnalyses implements AnalysisSource {
  private readonly states = new Map<string, DocumentState>();

  constructor(
    private readonly documents: TextDocuments<TextDocument>,
    private readonly debounceMs: () => Promise<number>,
    private readonly modelOptions: () => ModelOptions,
    private readonly events: AnalysisEvents,
  ) {}

  /** After a document is opened or changed. */
  async edited(uri: string): Promise<void> {
    let state = this.states.get(uri);
    if (!state) this.states.set(uri, (state = { edits: 0, waiters: new Set(), analyzer: new IncrementalAnalyzer(this.modelOptions()) }));
    const edit = ++state.edits;
    this.stopPending(state);
    if (state.waiters.size > 0) return this.start(uri, state);
    const delay = await this.debounceMs();
    if (edit !== state.edits || state.run || this.states.get(uri) !== state) return;
    if (delay === 0) this.start(uri, state);
    else state.timer = setTimeout(() => this.start(uri, state), delay);
  }

  /** The model options changed: every open document is analysed afresh with them. */
  reconfigured(): void {
    for (const [uri, state] of this.states) {
      state.analyzer = new IncrementalAnalyzer(this.modelOptions());
      state.latest = undefined;
      void this.edited(uri);
    }
  }

  closed(uri: string): void {
    const state = this.states.get(uri);
    if (!state) return;
    this.stopPending(state);
    this.states.delete(uri);
    this.settle(state, undefined);
  }

  get(uri: string, token?: CancellationToken): Promise<AnalyzedDocument | undefined> {
    const document = this.documents.get(uri);
    const state = this.states.get(uri);
    if (!document || !state || token?.isCancellationRequested) return Promise.resolve(undefined);
    if (state.latest?.version === document.version) return Promise.resolve(state.latest);
    if (!state.run) this.start(uri, state);
    return new Promise((resolve) => {
      const waiter: Waiter = (analyzed) => {
        cancelListener?.dispose();
        state.waiters.delete(waiter);
        resolve(analyzed);
      };
      state.waiters.add(waiter);
      const cancelListener = token?.onCancellationRequested(() => waiter(undefined));
    });
  }

  /** Stops every pending analysis: the server is shutting down. */
  dispose(): void {
    for (const state of this.states.values()) this.stopPending(state);
  }

  all(): AnalyzedDocument[] {
    return [...this.states.values()].flatMap((state) => (state.latest ? [state.latest] : []));
  }

  private start(uri: string, state: DocumentState): void {
    this.stopPending(state);
    const document = this.documents.get(uri);
    if (!document) return;
    // TextDocuments updates its documents in place: keep the text this analysis is of.
    const snapshot = TextDocument.create(uri, document.languageId, document.version, document.getText());
    state.run = new AnalysisRun(
      state.analyzer.steps(snapshot.getText()),
      (analysis) => {
        state.run = undefined;
        state.latest = { uri, version: snapshot.version, document: snapshot, analysis };
        // Diagnostics go out before the answers that waited, so the client sees them first.
        this.events.analyzed(state.latest);
        this.settle(state, state.latest);
      },
      (error) => {
        state.run = undefined;
        this.events.failed(uri, snapshot.version, error);
        this.settle(state, undefined);
      },
    );
  }

  private stopPending(state: DocumentState): void {
    clearTimeout(state.timer);
    state.timer = undefined;
    state.run?.stop();
    state.run = undefined;
  }

  private settle(state: DocumentState, analyzed: AnalyzedDocument | undefined): void {
    for (const waiter of [...state.waiters]) waiter(analyzed);
  }
}
