// The document every webview page of the extension is: a strict Content Security Policy, the
// page's style under a nonce, its body. No vscode import, so that pages are unit tested.
import { escapeHtml } from './markdown';

export interface WebviewDocument {
  title: string;
  /** The Content-Security-Policy, as the page's meta tag states it. */
  policy: string;
  nonce: string;
  style: string;
  body: string;
  bodyClass?: string;
}

export function webviewDocument(page: WebviewDocument): string {
  const bodyTag = page.bodyClass === undefined ? '<body>' : `<body class="${escapeHtml(page.bodyClass)}">`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${page.policy}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(page.title)}</title>
<style nonce="${escapeHtml(page.nonce)}">${page.style}</style>
</head>
${bodyTag}
${page.body}
</body>
</html>
`;
}
