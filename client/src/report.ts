// The explain report: one webview beside the editor per (file, flow), showing the hop-by-hop
// explanation returned by the language server. Mentions of "line N" and file links in the
// report reveal that place in the editor.
import * as vscode from 'vscode';
import { escapeHtml, renderMarkdown } from './markdown';

export interface ExplainResult {
  markdown: string;
  text: string;
}

export type Verdict = 'allow' | 'deny' | 'partial';

const VERDICT = /\b(allow|deny|partial)\b/i;

/** The flow's verdict as stated by the report ("verdict: partial", "**partial**", ...), if any. */
export function findVerdict(result: ExplainResult): Verdict | undefined {
  for (const source of [result.markdown, result.text]) {
    if (!source) continue;
    const stated = /\bverdict\b[^a-z\n]*(?:is\s+)?[^a-z\n]*\b(allow|deny|partial)\b/i.exec(source);
    if (stated) return stated[1].toLowerCase() as Verdict;
  }
  const heading = /^\s*#{1,6}\s+(.*)$/m.exec(result.markdown ?? '');
  const inHeading = heading ? VERDICT.exec(heading[1]) : null;
  return inHeading ? (inHeading[1].toLowerCase() as Verdict) : undefined;
}

/**
 * Makes sure the report opens with a heading naming the flow and its verdict: keeps the
 * report's own first heading when it already does, completes it otherwise.
 */
export function withTitleHeading(markdown: string, flowName: string, verdict: Verdict | undefined): string {
  const lines = markdown.split(/\r?\n/);
  const firstContent = lines.findIndex((line) => line.trim() !== '');
  const title = verdict ? `Flow ${flowName}: ${verdict}` : `Flow ${flowName}`;
  if (firstContent >= 0) {
    const heading = /^\s*(#{1,6})\s+(.*?)\s*#*\s*$/.exec(lines[firstContent]);
    if (heading) {
      const text = heading[2];
      const hasName = text.includes(flowName);
      const hasVerdict = !verdict || new RegExp(`\\b${verdict}\\b`, 'i').test(text);
      if (hasName && hasVerdict) return markdown;
      if (heading[1].length === 1) {
        const suffix = [hasName ? '' : flowName, hasVerdict ? '' : verdict].filter(Boolean).join(': ');
        lines[firstContent] = `# ${text} (${suffix})`;
        return lines.join('\n');
      }
    }
  }
  return `# ${title}\n\n${markdown}`;
}

interface OpenReport {
  panel: vscode.WebviewPanel;
  uri: string;
  flowName: string;
}

export class ExplainReports implements vscode.Disposable {
  private readonly reports = new Map<string, OpenReport>();

  constructor(
    private readonly fetch: (uri: string, flowName: string) => Promise<ExplainResult | null | undefined>,
    private readonly iconPath?: vscode.Uri,
  ) {}

  /** Opens (or refreshes and reveals) the report for a flow beside the active editor. */
  async show(uri: string, flowName: string): Promise<void> {
    const result = await this.fetch(uri, flowName);
    if (!result || (!result.markdown && !result.text)) {
      void vscode.window.showWarningMessage(`vpcrules: no flow named '${flowName}' in ${displayName(uri)}.`);
      return;
    }
    const key = `${uri}#${flowName}`;
    let report = this.reports.get(key);
    if (report) {
      report.panel.reveal(vscode.ViewColumn.Beside, false);
    } else {
      const panel = vscode.window.createWebviewPanel(
        'vpcrules.explain',
        `Explain: ${flowName}`,
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
        { enableScripts: true, enableCommandUris: true, enableFindWidget: true, localResourceRoots: [] },
      );
      if (this.iconPath) panel.iconPath = this.iconPath;
      report = { panel, uri, flowName };
      this.reports.set(key, report);
      panel.onDidDispose(() => this.reports.delete(key));
      panel.webview.onDidReceiveMessage((message: unknown) => void this.onMessage(uri, message));
    }
    this.render(report, result);
  }

  /** Re-explains the open reports of a file (after an edit changed its analysis). */
  async refresh(uri: string): Promise<void> {
    const open = [...this.reports.values()].filter((report) => report.uri === uri);
    await Promise.all(
      open.map(async (report) => {
        try {
          const result = await this.fetch(report.uri, report.flowName);
          if (!this.reports.has(`${report.uri}#${report.flowName}`)) return;
          if (result && (result.markdown || result.text)) this.render(report, result);
          else this.renderMissing(report);
        } catch {
          // The server is restarting or the file went away: keep the last report.
        }
      }),
    );
  }

  hasReportsFor(uri: string): boolean {
    for (const report of this.reports.values()) if (report.uri === uri) return true;
    return false;
  }

  dispose(): void {
    for (const report of [...this.reports.values()]) report.panel.dispose();
    this.reports.clear();
  }

  private render(report: OpenReport, result: ExplainResult): void {
    const verdict = findVerdict(result);
    const markdown = result.markdown ? withTitleHeading(result.markdown, report.flowName, verdict) : '';
    const body = markdown
      ? renderMarkdown(markdown, { linkLines: true })
      : `<h1>${escapeHtml(`Flow ${report.flowName}${verdict ? `: ${verdict}` : ''}`)}</h1><pre>${escapeHtml(result.text)}</pre>`;
    report.panel.webview.html = page(report.panel.webview, `Explain: ${report.flowName}`, body, verdict);
  }

  private renderMissing(report: OpenReport): void {
    const body =
      `<h1>${escapeHtml(`Flow ${report.flowName}`)}</h1>` +
      `<p>There is no longer a flow named <code>${escapeHtml(report.flowName)}</code> in ${escapeHtml(displayName(report.uri))}.</p>`;
    report.panel.webview.html = page(report.panel.webview, `Explain: ${report.flowName}`, body, undefined);
  }

  private async onMessage(uri: string, message: unknown): Promise<void> {
    if (!message || typeof message !== 'object') return;
    const { type, line, href } = message as { type?: string; line?: number; href?: string };
    if (type === 'revealLine' && typeof line === 'number' && line >= 1) {
      await revealLine(vscode.Uri.parse(uri), line - 1, 0);
    } else if (type === 'openLink' && typeof href === 'string') {
      await openLink(uri, href);
    }
  }
}

async function openLink(reportUri: string, href: string): Promise<void> {
  if (/^https?:/i.test(href)) {
    await vscode.env.openExternal(vscode.Uri.parse(href));
    return;
  }
  let target: vscode.Uri;
  let fragment: string;
  if (href.startsWith('#')) {
    target = vscode.Uri.parse(reportUri);
    fragment = href.slice(1);
  } else {
    const parsed = vscode.Uri.parse(href);
    target = parsed.with({ fragment: '' });
    fragment = parsed.fragment;
  }
  // Fragments as written by editors and servers: L12, L12,5, L12:5, 12, L12-L14.
  const position = /^L?(\d+)(?:[,:.]C?(\d+))?/i.exec(fragment);
  const line = position ? Math.max(0, parseInt(position[1], 10) - 1) : 0;
  const character = position && position[2] ? Math.max(0, parseInt(position[2], 10) - 1) : 0;
  await revealLine(target, line, character);
}

async function revealLine(uri: vscode.Uri, line: number, character: number): Promise<void> {
  const document = await vscode.workspace.openTextDocument(uri);
  const existing = vscode.window.visibleTextEditors.find((editor) => editor.document.uri.toString() === uri.toString());
  const editor = await vscode.window.showTextDocument(document, {
    viewColumn: existing?.viewColumn ?? vscode.ViewColumn.One,
    preserveFocus: false,
  });
  const clamped = Math.min(line, document.lineCount - 1);
  const range = document.lineAt(clamped).range;
  const start = new vscode.Position(clamped, Math.min(character, range.end.character));
  editor.selection = new vscode.Selection(start, start);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

function displayName(uri: string): string {
  try {
    const parsed = vscode.Uri.parse(uri);
    return vscode.workspace.asRelativePath(parsed, false);
  } catch {
    return uri;
  }
}

function nonce(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let value = '';
  for (let i = 0; i < 32; i++) value += chars.charAt(Math.floor(Math.random() * chars.length));
  return value;
}

function page(webview: vscode.Webview, title: string, body: string, verdict: Verdict | undefined): string {
  const scriptNonce = nonce();
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource} 'unsafe-inline'`,
    `img-src ${webview.cspSource} https: data:`,
    `script-src 'nonce-${scriptNonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(title)}</title>
<style>
  body {
    font-family: var(--vscode-font-family);
    font-size: var(--vscode-font-size);
    color: var(--vscode-foreground);
    background: var(--vscode-editor-background);
    line-height: 1.5;
    padding: 0 20px 24px;
    max-width: 960px;
  }
  h1 { font-size: 1.6em; border-bottom: 1px solid var(--vscode-panel-border, rgba(128,128,128,.35)); padding-bottom: .3em; }
  h2 { font-size: 1.3em; margin-top: 1.4em; }
  h3 { font-size: 1.1em; }
  a { color: var(--vscode-textLink-foreground); text-decoration: none; }
  a:hover { color: var(--vscode-textLink-activeForeground); text-decoration: underline; }
  code {
    font-family: var(--vscode-editor-font-family);
    font-size: .95em;
    background: var(--vscode-textCodeBlock-background, rgba(128,128,128,.15));
    padding: 1px 4px;
    border-radius: 3px;
  }
  pre {
    font-family: var(--vscode-editor-font-family);
    background: var(--vscode-textCodeBlock-background, rgba(128,128,128,.15));
    padding: 10px 12px;
    border-radius: 4px;
    overflow-x: auto;
    line-height: 1.35;
  }
  pre code { background: none; padding: 0; }
  table { border-collapse: collapse; margin: 10px 0; }
  th, td { border: 1px solid var(--vscode-panel-border, rgba(128,128,128,.35)); padding: 4px 10px; text-align: left; vertical-align: top; }
  th { background: var(--vscode-editorWidget-background, rgba(128,128,128,.1)); }
  blockquote { margin: 0; padding: 2px 14px; border-left: 4px solid var(--vscode-textBlockQuote-border, rgba(128,128,128,.5)); background: var(--vscode-textBlockQuote-background, transparent); }
  hr { border: 0; border-top: 1px solid var(--vscode-panel-border, rgba(128,128,128,.35)); }
  body.verdict-allow h1:first-child { border-bottom-color: var(--vscode-testing-iconPassed, #3fb950); }
  body.verdict-deny h1:first-child, body.verdict-partial h1:first-child { border-bottom-color: var(--vscode-editorWarning-foreground, #d29922); }
</style>
</head>
<body class="${verdict ? `verdict-${verdict}` : ''}">
${body}
<script nonce="${scriptNonce}">
  (function () {
    const vscode = acquireVsCodeApi();
    document.addEventListener('click', function (event) {
      const anchor = event.target && event.target.closest ? event.target.closest('a') : null;
      if (!anchor) return;
      const line = anchor.getAttribute('data-line');
      if (line) {
        event.preventDefault();
        vscode.postMessage({ type: 'revealLine', line: Number(line) });
        return;
      }
      const href = anchor.getAttribute('href') || '';
      if (/^command:/i.test(href)) return;
      if (href) {
        event.preventDefault();
        vscode.postMessage({ type: 'openLink', href: href });
      }
    });
  })();
</script>
</body>
</html>`;
}
