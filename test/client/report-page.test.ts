import * as assert from 'node:assert/strict';
import { ExplainResult, missingFlowPage, missingPairPage, reportPage, reportTitle } from '../../client/src/report-page';

const RESULT: ExplainResult = {
  name: 'ssh<x>',
  verdict: 'partial',
  expectationHolds: false,
  markdown: '# Flow ssh\n\nSG in: allow by rule (line 7)',
  text: 'flow ssh: ...',
};

describe('client: report page', () => {
  it('is titled after the flow', () => {
    assert.equal(reportTitle('web-db'), 'Explain: web-db');
  });

  it('admits no script, only its own stylesheet and inline images', () => {
    const html = reportPage(RESULT, { nonce: 'n0nce' });
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'nonce-n0nce'">/);
    assert.match(html, /<style nonce="n0nce">/);
    assert.doesNotMatch(html, /<script|style="|\son\w+=/i);
  });

  it('escapes the flow name and marks the verdict and the expectation', () => {
    const html = reportPage(RESULT, { nonce: 'n', lineHref: (line) => `command:reveal?${line}` });
    assert.match(html, /<title>Explain: ssh&lt;x&gt;<\/title>/);
    assert.match(html, /<body class="verdict-partial expectation-fails">/);
    assert.match(html, /<a href="command:reveal\?7">line 7<\/a>/);
  });

  it('falls back to the plain text when there is no markdown', () => {
    const html = reportPage({ ...RESULT, markdown: '', text: 'a < b' }, { nonce: 'n' });
    assert.match(html, /<pre>a &lt; b<\/pre>/);
  });

  it('shows the path diagram above the text as an image of the SVG itself', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><title>flow ssh</title><script>alert(1)</script></svg>';
    const html = reportPage({ ...RESULT, svg }, { nonce: 'n' });
    const match = /<figure class="diagram"><img src="data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)" alt="Path diagram of flow ssh&lt;x&gt;: partial, expectation fails"><\/figure>/.exec(html);
    assert.ok(match, html);
    assert.equal(Buffer.from(match[1], 'base64').toString('utf8'), svg);
    // Whatever the SVG holds, the page has no script: an image never runs one.
    assert.doesNotMatch(html, /<script|<svg/i);
    assert.ok(html.indexOf('<figure') < html.indexOf('SG in'), 'the diagram comes first');
    // The image follows the editor's theme: its own dark palette in a dark theme.
    assert.match(html, /body\.vscode-dark figure\.diagram img[^{]*\{ color-scheme: dark; \}/);
    assert.match(html, /body\.vscode-light figure\.diagram img[^{]*\{ color-scheme: light; \}/);
  });

  it('shows no diagram without an SVG', () => {
    assert.doesNotMatch(reportPage(RESULT, { nonce: 'n' }), /<figure|<img/);
    assert.doesNotMatch(reportPage({ ...RESULT, svg: '<html>' }, { nonce: 'n' }), /<figure|<img/);
  });

  it('titles the report of a matrix cell after the pair', () => {
    const html = reportPage({ ...RESULT, name: 'internet->web-1' }, { nonce: 'n', title: 'internet → web-1, tcp 443' });
    assert.match(html, /<title>Explain: internet → web-1, tcp 443<\/title>/);
    assert.match(missingPairPage('a → b, tcp 1', 'shop.vpcrules', 'n'), /shop\.vpcrules no longer has both ends/);
  });

  it('says when the file no longer declares the flow', () => {
    const html = missingFlowPage('gone', 'shop.vpcrules', 'n');
    assert.match(html, /shop\.vpcrules no longer declares a flow named <code>gone<\/code>/);
  });
});
