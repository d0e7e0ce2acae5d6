// The explain report's HTML page. The webview runs no script: the policy allows nothing but the
// page's own stylesheet (by nonce) and images given inline as data: URLs, and links to lines of
// the file are command links that the editor handles. The path diagram, an SVG image the server
// draws, is shown as an <img> of a data: URL, so that nothing in it could ever run (an image is
// never scripted) whatever it held. No `vscode` import, so that it is unit tested in plain Node.
import { escapeHtml, renderMarkdown } from './markdown';
import { webviewDocument } from './webview-html';

/** The answer of the server's `vpcrules/explainFlow` request. */
export interface ExplainResult {
  name: string;
  verdict: 'allow' | 'deny' | 'partial';
  expectationHolds: boolean;
  markdown: string;
  text: string;
  /** The diagram of the example's path, an SVG image (servers before it had none). */
  svg?: string;
}

export interface PageOptions {
  /** A fresh random value per page: the only stylesheet the policy admits carries it. */
  nonce: string;
  /** Where a mention of a line of the explained file points (see RenderOptions). */
  lineHref?: (line: number) => string;
  /** The page's title after "Explain: " (the flow's name by default). */
  title?: string;
}

export function reportTitle(flowName: string): string {
  return `Explain: ${flowName}`;
}

export function reportPage(result: ExplainResult, options: PageOptions): string {
  const body = result.markdown.trim()
    ? renderMarkdown(result.markdown, { lineHref: options.lineHref })
    : `<h1>${escapeHtml(`Flow ${result.name}`)}</h1>\n<pre>${escapeHtml(result.text)}</pre>`;
  const outcome = result.expectationHolds ? 'holds' : 'fails';
  return page(reportTitle(options.title ?? result.name), `verdict-${result.verdict} expectation-${outcome}`, diagram(result) + body, options.nonce);
}

/** The path diagram as an image whose source is the SVG itself, base64-encoded. */
export function diagram(result: ExplainResult): string {
  if (!result.svg || !/^\s*<svg[\s>]/.test(result.svg)) return '';
  const source = `data:image/svg+xml;base64,${Buffer.from(result.svg, 'utf8').toString('base64')}`;
  const alt = `Path diagram of flow ${result.name}: ${result.verdict}, expectation ${result.expectationHolds ? 'holds' : 'fails'}`;
  return `<figure class="diagram"><img src="${source}" alt="${escapeHtml(alt)}"></figure>\n`;
}

/** Shown in a flow's open report when the file no longer declares that flow. */
export function missingFlowPage(flowName: string, fileName: string, nonce: string): string {
  const body =
    `<h1>${escapeHtml(`Flow ${flowName}`)}</h1>\n` +
    `<p>${escapeHtml(fileName)} no longer declares a flow named <code>${escapeHtml(flowName)}</code>.</p>`;
  return page(reportTitle(flowName), 'missing', body, nonce);
}

/** Shown in the open report of a matrix cell when its flow can no longer be written (an instance is gone). */
export function missingPairPage(title: string, fileName: string, nonce: string): string {
  const body =
    `<h1>${escapeHtml(title)}</h1>\n` +
    `<p>${escapeHtml(fileName)} no longer has both ends of this flow as instances (or <code>internet</code>).</p>`;
  return page(reportTitle(title), 'missing', body, nonce);
}

function page(title: string, bodyClass: string, body: string, nonce: string): string {
  const policy = `default-src 'none'; img-src data:; style-src 'nonce-${escapeHtml(nonce)}'`;
  return webviewDocument({ title, policy, nonce, style: STYLE, body, bodyClass });
}

// Theme variables keep the report readable in light, dark and high-contrast themes; the top
// border tells at a glance whether the flow's expectation holds.
const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground);
  line-height: 1.5; padding: 0 20px 24px; max-width: 960px; border-top: 4px solid transparent; }
body.expectation-holds { border-top-color: var(--vscode-testing-iconPassed, #3fb950); }
body.expectation-fails { border-top-color: var(--vscode-testing-iconFailed, #f85149); }
h1 { font-size: 1.5em; border-bottom: 1px solid var(--vscode-panel-border, rgba(128,128,128,.35)); padding-bottom: .3em; }
h2 { font-size: 1.25em; margin-top: 1.4em; }
h3 { font-size: 1.1em; }
a { color: var(--vscode-textLink-foreground); text-decoration: none; }
a:hover { color: var(--vscode-textLink-activeForeground); text-decoration: underline; }
code, pre { font-family: var(--vscode-editor-font-family); background: var(--vscode-textCodeBlock-background, rgba(128,128,128,.15)); border-radius: 3px; }
code { font-size: .95em; padding: 1px 4px; }
pre { padding: 10px 12px; overflow-x: auto; line-height: 1.35; }
pre code { background: none; padding: 0; }
table { border-collapse: collapse; margin: 10px 0; }
th, td { border: 1px solid var(--vscode-panel-border, rgba(128,128,128,.35)); padding: 4px 10px; text-align: left; vertical-align: top; }
hr { border: 0; border-top: 1px solid var(--vscode-panel-border, rgba(128,128,128,.35)); }
figure.diagram { margin: 16px 0 8px; width: calc(100vw - 40px); overflow-x: auto; }
figure.diagram img { display: block; max-width: none; border-radius: 8px; border: 1px solid var(--vscode-panel-border, rgba(128,128,128,.35)); }
body.vscode-dark figure.diagram img, body.vscode-high-contrast:not(.vscode-high-contrast-light) figure.diagram img { color-scheme: dark; }
body.vscode-light figure.diagram img, body.vscode-high-contrast-light figure.diagram img { color-scheme: light; }
`;
