import * as assert from 'node:assert/strict';
import {
  cellLabel, choiceSelection, FALLBACK_SELECTION, MatrixAnswer, matrixPage, matrixPanelTitle, matrixTable, parseSelection, selectionText,
} from '../../client/src/matrix-page';

// Two subnets, an instance without a subnet, and `internet` (as vpcrules/matrix answers).
const ENDS = [
  { name: 'web-1', subnet: 'public' },
  { name: 'web-2', subnet: 'public' },
  { name: 'db<1>', subnet: 'data' },
  { name: 'loose' },
  { name: 'internet' },
];
const VERDICTS = [
  'self', 'allow', 'deny', 'none', 'partial',
  'allow', 'self', 'deny', 'none', 'partial',
  'deny', 'deny', 'self', 'none', 'deny',
  'none', 'none', 'none', 'self', 'none',
  'partial', 'partial', 'deny', 'none', 'self',
] as const;
const MATRIX: MatrixAnswer = {
  protocol: 'tcp',
  ports: '443',
  sources: ENDS.map((end) => end.name),
  destinations: ENDS.map((end) => end.name),
  cells: VERDICTS.map((verdict, k) => ({ src: ENDS[Math.floor(k / 5)].name, dst: ENDS[k % 5].name, verdict })),
  ends: ENDS,
  version: 3,
};
const OPTIONS = { nonce: 'n0nce', cspSource: 'https://webview.example' };

function buttons(html: string): string[] {
  return html.match(/<button type="button" class="cell[^>]*>[^<]*<\/button>/g) ?? [];
}

describe('client: matrix page', () => {
  it('admits only its own stylesheet and script', () => {
    const html = matrixPage({ fileName: 'shop.vpcrules', selection: FALLBACK_SELECTION, choices: [], matrix: MATRIX }, OPTIONS);
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src https:\/\/webview\.example 'nonce-n0nce'; script-src 'nonce-n0nce'">/);
    assert.equal(html.match(/<script/g)?.length, 1);
    assert.match(html, /<script nonce="n0nce">/);
    assert.match(html, /<style nonce="n0nce">/);
    // No inline handler or style attribute, which the policy would refuse.
    assert.doesNotMatch(html, /\son\w+=|style="/i);
    assert.match(html, /<title>Reachability: shop\.vpcrules<\/title>/);
    assert.equal(matrixPanelTitle('a.vpcrules'), 'Reachability: a.vpcrules');
  });

  it('makes every cell a button named after its pair and verdict, one of them in the tab order', () => {
    const cells = buttons(matrixTable(MATRIX));
    assert.equal(cells.length, 25);
    assert.match(cells[1], /aria-label="web-1 to web-2: allow"/);
    assert.match(cells[1], /data-explain="true"/);
    assert.match(cells[2], /aria-label="web-1 to db&lt;1&gt;: deny"/);
    assert.match(cells[2], /data-dst="db&lt;1&gt;"/);
    assert.match(cells[4], /aria-label="web-1 to internet: partial"/);
    assert.match(cells[0], /aria-label="web-1 to web-1: itself, not evaluated"/);
    assert.match(cells[0], /aria-disabled="true"/);
    assert.match(cells[3], /no flow/);
    assert.deepEqual(cells.map((cell) => /tabindex="(-?\d)"/.exec(cell)?.[1]).filter((index) => index === '0'), ['0']);
    // Colour and a letter for each verdict.
    assert.match(cells[1], /class="cell v-allow"[^>]*>A</);
    assert.match(cells[2], /class="cell v-deny"[^>]*>D</);
    assert.match(cells[4], /class="cell v-partial"[^>]*>P</);
    assert.equal(cellLabel('a', 'b', 'deny'), 'a to b: deny');
  });

  it('groups rows and columns by subnet', () => {
    const html = matrixTable(MATRIX);
    const columnGroups = [...html.matchAll(/<th scope="colgroup" colspan="(\d+)"[^>]*><span>([^<]*)<\/span><\/th>/g)].map((m) => [m[2], Number(m[1])]);
    assert.deepEqual(columnGroups, [['public', 2], ['data', 1], ['no subnet', 1], ['outside the VPC', 1]]);
    const rowGroups = [...html.matchAll(/<th scope="rowgroup" rowspan="(\d+)"[^>]*>([^<]*)<\/th>/g)].map((m) => [m[2], Number(m[1])]);
    assert.deepEqual(rowGroups, columnGroups);
    assert.equal(html.match(/<tbody class="group">/g)?.length, 4);
    const rows = [...html.matchAll(/<th scope="row" class="src">([^<]*)<\/th>/g)].map((m) => m[1]);
    assert.deepEqual(rows, ['web-1', 'web-2', 'db&lt;1&gt;', 'loose', 'internet']);
    assert.match(html, /<caption>tcp 443: rows are sources, columns destinations<\/caption>/);
    assert.match(html, /<p class="summary">2 allow, 6 deny, 4 partial<\/p>/);
  });

  it('has a legend, a status line, and the selection with the services offered', () => {
    const html = matrixPage({
      fileName: 'shop.vpcrules',
      selection: { protocol: 'udp', ports: '5000-5100' },
      choices: [{ protocol: 'tcp', ports: '443', rules: 2 }, { protocol: 'udp', ports: '5000-5100', rules: 1 }, { protocol: 'icmp', rules: 1 }],
      status: 'Computing…',
    }, OPTIONS);
    assert.match(html, /<ul class="legend" id="legend"[^>]*>.*allow.*deny.*partial.*itself/);
    assert.match(html, /<p id="status" role="status" aria-live="polite">Computing…<\/p>/);
    assert.match(html, /<option value="tcp 443">tcp 443 \(2 rules\)<\/option>/);
    assert.match(html, /<option value="udp 5000-5100" selected>udp 5000-5100 \(1 rule\)<\/option>/);
    assert.match(html, /<option value="icmp">icmp echo request \(1 rule\)<\/option>/);
    assert.match(html, /<option value="udp" selected>udp<\/option>/);
    assert.match(html, /<input id="ports"[^>]*value="5000-5100"/);
    assert.match(html, /<div id="grid"><\/div>/);
  });

  it('reads the selection the page posts', () => {
    assert.deepEqual(parseSelection('tcp', ' 443 '), { protocol: 'tcp', ports: '443' });
    assert.deepEqual(parseSelection('udp', '5000 - 5100'), { protocol: 'udp', ports: '5000-5100' });
    assert.deepEqual(parseSelection('tcp', '22-22'), { protocol: 'tcp', ports: '22' });
    assert.deepEqual(parseSelection('icmp', 'x'), { protocol: 'icmp', ports: '' });
    assert.equal(typeof parseSelection('tcp', '70000'), 'string');
    assert.equal(typeof parseSelection('tcp', '443-80'), 'string');
    assert.equal(typeof parseSelection('gre', '1'), 'string');
    assert.deepEqual(choiceSelection(undefined), FALLBACK_SELECTION);
    assert.deepEqual(choiceSelection({ protocol: 'icmp', rules: 2 }), { protocol: 'icmp', ports: '' });
    assert.equal(selectionText({ protocol: 'icmp', ports: null }), 'icmp echo request');
  });
});
