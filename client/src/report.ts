// The explain reports: one webview beside the editor per (file, flow), reused when the flow is
// explained again and refreshed when its file's analysis changes.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { ExplainResult, missingFlowPage, reportPage, reportTitle } from './report-page';

/** Not contributed: the report's line links run it (the only command the webview may run). */
export const REVEAL_LINE_COMMAND = 'vpcrules.revealLine';

export type ExplainFetcher = (uri: string, flowName: string) => Promise<ExplainResult | null>;

interface OpenReport {
  panel: vscode.WebviewPanel;
  uri: string;
  flowName: string;
}

export class ExplainReports implements vscode.Disposable {
  private readonly open = new Map<string, OpenReport>();

  constructor(
    private readonly fetch: ExplainFetcher,
    private readonly iconPath: vscode.Uri,
  ) {}

  /** Explains a flow in its report, opening the report beside the editor the first time. */
  async show(uri: string, flowName: string): Promise<void> {
    const result = await this.fetch(uri, flowName);
    if (!result) {
      void vscode.window.showWarningMessage(`vpcrules: ${fileName(uri)} declares no flow named '${flowName}'.`);
      return;
    }
    const key = reportKey(uri, flowName);
    let report = this.open.get(key);
    if (report) {
      report.panel.reveal(report.panel.viewColumn, true);
    } else {
      report = { panel: this.createPanel(flowName), uri, flowName };
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
          const result = await this.fetch(report.uri, report.flowName);
          if (this.open.get(reportKey(report.uri, report.flowName)) === report) this.render(report, result);
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
    report.panel.webview.html = result
      ? reportPage(result, { nonce, lineHref: (line) => revealLineHref(report.uri, line) })
      : missingFlowPage(report.flowName, fileName(report.uri), nonce);
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
