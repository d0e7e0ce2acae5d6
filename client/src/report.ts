// The explain reports: one webview beside the editor per (file, flow), reused when the flow is
// explained again and refreshed when its file's analysis changes; the same for a cell of the
// reachability matrix, a flow the file does not declare.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { ExplainResult, missingFlowPage, missingPairPage, reportPage, reportTitle } from './report-page';

/** Not contributed: the report's line links run it (the only command the webview may run). */
export const REVEAL_LINE_COMMAND = 'vpcrules.revealLine';

export type ExplainFetcher = (uri: string, flowName: string) => Promise<ExplainResult | null>;

interface OpenReport {
  panel: vscode.WebviewPanel;
  uri: string;
  flowName: string;
  /** The report's explanation, asked again at each refresh. */
  load: () => Promise<ExplainResult | null>;
  /** The title of a matrix cell's report; undefined for a declared flow. */
  pairTitle?: string;
}

/** A cell of the reachability matrix: the flow `src -> dst` on a protocol and ports. */
export interface PairFlow {
  src: string;
  dst: string;
  protocol: string;
  ports?: string;
}

export type PairFetcher = (uri: string, pair: PairFlow) => Promise<ExplainResult | null>;

/** "web-1 → db-1, tcp 5432". */
export function pairTitle(pair: PairFlow): string {
  return `${pair.src} → ${pair.dst}, ${pair.protocol}${pair.ports ? ` ${pair.ports}` : ' echo request'}`;
}

export class ExplainReports implements vscode.Disposable {
  private readonly open = new Map<string, OpenReport>();

  constructor(
    private readonly fetch: ExplainFetcher,
    private readonly iconPath: vscode.Uri,
    private readonly fetchPair?: PairFetcher,
  ) {}

  /** Explains a flow in its report, opening the report beside the editor the first time. */
  async show(uri: string, flowName: string): Promise<void> {
    const load = () => this.fetch(uri, flowName);
    const result = await load();
    if (!result) {
      void vscode.window.showWarningMessage(`vpcrules: ${fileName(uri)} declares no flow named '${flowName}'.`);
      return;
    }
    this.showReport({ uri, flowName, load }, reportKey(uri, flowName), result);
  }

  /** Explains a cell of the reachability matrix, in a report of its own. */
  async showPair(uri: string, pair: PairFlow): Promise<void> {
    const fetchPair = this.fetchPair;
    if (!fetchPair) return;
    const load = () => fetchPair(uri, pair);
    const result = await load();
    const title = pairTitle(pair);
    if (!result) {
      void vscode.window.showInformationMessage(`vpcrules: ${title} is no flow of ${fileName(uri)} (a connection of an instance to itself, or an end without an IPv4 address or subnet).`);
      return;
    }
    this.showReport({ uri, flowName: result.name, load, pairTitle: title }, reportKey(uri, `pair ${title}`), result);
  }

  private showReport(what: Omit<OpenReport, 'panel'>, key: string, result: ExplainResult): void {
    let report = this.open.get(key);
    if (report) {
      report.panel.reveal(report.panel.viewColumn, true);
    } else {
      report = { ...what, panel: this.createPanel(what.pairTitle ?? what.flowName) };
      this.open.set(key, report);
      report.panel.onDidDispose(() => this.open.delete(key));
    }
    this.render(report, result);
  }

  /** Re-explains the open reports of a file. */
  async refresh(uri: string): Promise<void> {
    const reports = [...this.open.values()].filter((report) => report.uri === uri);
    await Promise.all(
      reports.map(async (report) => {
        try {
          const result = await report.load();
          if ([...this.open.values()].includes(report)) this.render(report, result);
        } catch {
          // The server is restarting: the report keeps its last content until the next change.
        }
      }),
    );
  }

  dispose(): void {
    for (const report of [...this.open.values()]) report.panel.dispose();
  }

  private createPanel(flowName: string): vscode.WebviewPanel {
    const panel = vscode.window.createWebviewPanel(
      'vpcrules.explain',
      reportTitle(flowName),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: false, enableCommandUris: [REVEAL_LINE_COMMAND], localResourceRoots: [], enableFindWidget: true },
    );
    panel.iconPath = this.iconPath;
    return panel;
  }

  private render(report: OpenReport, result: ExplainResult | null): void {
    const nonce = randomBytes(16).toString('base64');
    // A matrix cell's flow is not in the file: its report has no line to link to.
    const lineHref = report.pairTitle ? undefined : (line: number) => revealLineHref(report.uri, line);
    report.panel.webview.html = result
      ? reportPage(result, { nonce, lineHref, title: report.pairTitle })
      : report.pairTitle ? missingPairPage(report.pairTitle, fileName(report.uri), nonce) : missingFlowPage(report.flowName, fileName(report.uri), nonce);
  }
}

function reportKey(uri: string, flowName: string): string {
  return `${uri}#${flowName}`;
}

function revealLineHref(uri: string, line: number): string {
  return `command:${REVEAL_LINE_COMMAND}?${encodeURIComponent(JSON.stringify([uri, line]))}`;
}

/** Shows a line (1-based) of a file, in the editor group that already shows the file if any. */
export async function revealLine(uri: string, line: number): Promise<void> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  const visible = vscode.window.visibleTextEditors.find((editor) => editor.document === document);
  const target = Math.max(0, Math.min(line - 1, document.lineCount - 1));
  const start = new vscode.Position(target, document.lineAt(target).firstNonWhitespaceCharacterIndex);
  await vscode.window.showTextDocument(document, {
    viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One,
    selection: new vscode.Range(start, start),
  });
}

function fileName(uri: string): string {
  return vscode.workspace.asRelativePath(vscode.Uri.parse(uri), false);
}
