// The reachability matrix of a file: one webview beside the editor per file, computed by the server
// for the protocol and ports the user picks (the services the file's groups open are offered
// first), refreshed when the file's analysis changes, with the server's progress on its status
// line. A click on a cell (or Enter) opens the explain report of that pair.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import {
  choiceSelection, MatrixAnswer, MatrixChoice, matrixPage, MatrixPageState, matrixPanelTitle, matrixTable, MatrixSelection,
  parseSelection, selectionText,
} from './matrix-page';
import { ExplainReports } from './report';

export interface MatrixRequests {
  defaults(uri: string): Promise<MatrixChoice[] | null>;
  /** The matrix, with the server's progress reported as it computes; a cancelled token abandons it. */
  matrix(uri: string, selection: MatrixSelection, onProgress: (message: string) => void, token: vscode.CancellationToken): Promise<MatrixAnswer | null>;
}

interface OpenMatrix {
  panel: vscode.WebviewPanel;
  uri: string;
  state: MatrixPageState;
  /** True once the page's script runs: later updates are posted to it instead of replacing the page. */
  ready: boolean;
  running?: vscode.CancellationTokenSource;
}

export class MatrixViews implements vscode.Disposable {
  private readonly open = new Map<string, OpenMatrix>();

  constructor(
    private readonly requests: MatrixRequests,
    private readonly reports: ExplainReports,
    private readonly iconPath: vscode.Uri,
  ) {}

  /** Shows the matrix of a file, opening it beside the editor the first time. */
  async show(uri: string): Promise<void> {
    const existing = this.open.get(uri);
    if (existing) {
      existing.panel.reveal(existing.panel.viewColumn);
      return;
    }
    const choices = (await this.requests.defaults(uri).catch(() => null)) ?? [];
    if (this.open.has(uri)) return this.show(uri);
    const fileName = vscode.workspace.asRelativePath(vscode.Uri.parse(uri), false);
    const panel = vscode.window.createWebviewPanel(
      'vpcrules.matrix',
      matrixPanelTitle(fileName),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
      { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [], enableFindWidget: true },
    );
    panel.iconPath = this.iconPath;
    const view: OpenMatrix = { panel, uri, ready: false, state: { fileName, selection: choiceSelection(choices[0]), choices } };
    this.open.set(uri, view);
    panel.onDidDispose(() => {
      view.running?.cancel();
      if (this.open.get(uri) === view) this.open.delete(uri);
    });
    panel.webview.onDidReceiveMessage((message: unknown) => this.received(view, message));
    this.render(view);
    await this.compute(view);
  }

  /** Computes the open matrix of a file again (its analysis changed). */
  async refresh(uri: string): Promise<void> {
    const view = this.open.get(uri);
    if (view) await this.compute(view);
  }

  dispose(): void {
    for (const view of [...this.open.values()]) view.panel.dispose();
  }

  private async received(view: OpenMatrix, message: unknown): Promise<void> {
    if (!message || typeof message !== 'object') return;
    const data = message as Record<string, unknown>;
    if (data.type === 'ready') {
      view.ready = true;
      if (view.state.status) this.status(view, view.state.status);
      return;
    }
    if (data.type === 'select') {
      const selection = parseSelection(data.protocol, data.ports);
      if (typeof selection === 'string') return this.status(view, selection, true);
      view.state.selection = selection;
      return this.compute(view);
    }
    if (data.type === 'explain' && typeof data.src === 'string' && typeof data.dst === 'string') {
      const { protocol, ports } = view.state.selection;
      await this.reports.showPair(view.uri, { src: data.src, dst: data.dst, protocol, ports: protocol === 'icmp' ? undefined : ports })
        .catch((error: unknown) => void vscode.window.showErrorMessage(`vpcrules: explaining ${data.src} -> ${data.dst} failed: ${errorText(error)}`));
    }
  }

  private async compute(view: OpenMatrix): Promise<void> {
    view.running?.cancel();
    const source = new vscode.CancellationTokenSource();
    view.running = source;
    const selection = view.state.selection;
    const what = selectionText(selection);
    this.status(view, `Computing the matrix for ${what}…`);
    try {
      const answer = await this.requests.matrix(view.uri, selection, (message) => {
        if (view.running === source) this.status(view, `Computing the matrix for ${what}: ${message}…`);
      }, source.token);
      if (view.running !== source) return;
      if (!answer) return this.status(view, `${view.state.fileName} is not open in an editor: open it to see its matrix.`, true);
      view.state.matrix = answer;
      view.state.status = `${what}: ${answer.ends.length} ends, ${answer.cells.length} cells. Click a cell or press Enter on it to explain it.`;
      if (view.ready) {
        void view.panel.webview.postMessage({ type: 'table', html: matrixTable(answer) });
        this.status(view, view.state.status);
      } else {
        this.render(view);
      }
    } catch (error) {
      if (view.running === source && !source.token.isCancellationRequested) this.status(view, `The matrix for ${what} failed: ${errorText(error)}`, true);
    } finally {
      if (view.running === source) view.running = undefined;
      source.dispose();
    }
  }

  private status(view: OpenMatrix, text: string, error = false): void {
    view.state.status = text;
    if (view.ready) void view.panel.webview.postMessage({ type: 'status', text, error });
  }

  private render(view: OpenMatrix): void {
    const nonce = randomBytes(16).toString('base64');
    view.ready = false;
    view.panel.webview.html = matrixPage(view.state, { nonce, cspSource: view.panel.webview.cspSource });
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The "Reachability Matrix" command: of the file whose editor title was clicked (a Uri), of a uri
 * given as a string, or else of the active editor's file.
 */
export async function showMatrix(views: MatrixViews, uri?: unknown): Promise<void> {
  if (uri instanceof vscode.Uri) return views.show(uri.toString());
  if (typeof uri === 'string') return views.show(vscode.Uri.parse(uri).toString());
  const editor = vscode.window.activeTextEditor;
  if (editor?.document.languageId !== 'vpcrules') {
    void vscode.window.showInformationMessage('vpcrules: open a .vpcrules file to see its reachability matrix.');
    return;
  }
  await views.show(editor.document.uri.toString());
}
