import * as assert from 'node:assert/strict';
import { ExplainResult, missingFlowPage, reportPage, reportTitle } from '../../client/src/report-page';

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

  it('admits no script and only its own stylesheet', () => {
    const html = reportPage(RESULT, { nonce: 'n0nce' });
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-n0nce'">/);
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

  it('says when the file no longer declares the flow', () => {
    const html = missingFlowPage('gone', 'shop.vpcrules', 'n');
    assert.match(html, /shop\.vpcrules no longer declares a flow named <code>gone<\/code>/);
  });
});
