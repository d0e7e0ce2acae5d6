import * as assert from 'node:assert/strict';
import { escapeHtml, renderInline, renderMarkdown } from '../../client/src/markdown';

const lineHref = (line: number) => `command:go?${line}`;

describe('client: report markdown', () => {
  it('escapes every character that could open markup', () => {
    assert.equal(escapeHtml(`<a href="x" onclick='y'>&</a>`), '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('never lets raw HTML through, in text, code, headings or tables', () => {
    const html = renderMarkdown(
      '# <script>alert(1)</script>\n\ntext <img src=x onerror=alert(1)>\n\n```\n</pre><script>\n```\n\n| a | <b> |\n|---|---|\n| `<i>` | x |',
    );
    assert.doesNotMatch(html, /<script|<img|<b>|<i>/);
    assert.match(html, /&lt;script&gt;/);
  });

  it('renders headings, paragraphs, emphasis and code', () => {
    assert.equal(renderMarkdown('## Verdict'), '<h2>Verdict</h2>');
    assert.equal(
      renderMarkdown('**partial**: *some* `tcp 22` pass\nsecond line'),
      '<p><strong>partial</strong>: <em>some</em> <code>tcp 22</code> pass<br>\nsecond line</p>',
    );
    assert.equal(renderMarkdown('```text\n  a  *b*\n```'), '<pre><code>  a  *b*</code></pre>');
    assert.equal(renderInline('rule \\*, not \\*emphasis\\*'), 'rule *, not *emphasis*');
    assert.equal(renderInline('sg_web_db and _this_'), 'sg_web_db and <em>this</em>');
  });

  it('renders the server\'s flow story, escapes included', () => {
    const html = renderMarkdown(
      [
        '**flow ssh\\_in**: `internet -> web1 tcp 22`',
        '',
        '**hops**',
        '',
        '- 1\\. security groups of web1, inbound: **deny** by rule \\<none\\> (line 9)',
        '',
        '**packets**',
        '',
        '- `SYN`',
        '  - SG web inbound: _passes on connection tracking_',
      ].join('\n'),
      { lineHref },
    );
    assert.equal(
      html,
      [
        '<p><strong>flow ssh_in</strong>: <code>internet -&gt; web1 tcp 22</code></p>',
        '<p><strong>hops</strong></p>',
        '<ul>\n<li>1. security groups of web1, inbound: <strong>deny</strong> by rule &lt;none&gt; (<a href="command:go?9">line 9</a>)</li>\n</ul>',
        '<p><strong>packets</strong></p>',
        '<ul>\n<li><code>SYN</code>\n<ul>\n<li>SG web inbound: <em>passes on connection tracking</em></li>\n</ul></li>\n</ul>',
      ].join('\n'),
    );
  });

  it('renders nested lists tight', () => {
    assert.equal(
      renderMarkdown('- request\n  1. SG out: allow\n  2. NACL out: deny\n- reply'),
      '<ul>\n<li>request\n<ol>\n<li>SG out: allow</li>\n<li>NACL out: deny</li>\n</ol></li>\n<li>reply</li>\n</ul>',
    );
  });

  it('renders pipe tables, escaped pipes included', () => {
    assert.equal(
      renderMarkdown('| hop | rule |\n| --- | :-: |\n| SG in | `a \\| b` |\n\nafter'),
      '<table><thead><tr><th>hop</th><th>rule</th></tr></thead><tbody><tr><td>SG in</td><td><code>a | b</code></td></tr></tbody></table>\n<p>after</p>',
    );
  });

  it('links mentions of lines of the file only when told where to', () => {
    assert.equal(renderInline('allow by rule 100 (line 12)'), 'allow by rule 100 (line 12)');
    assert.equal(
      renderInline('allow by rule 100 (line 12)', { lineHref }),
      'allow by rule 100 (<a href="command:go?12">line 12</a>)',
    );
    assert.equal(renderInline('`line 3`', { lineHref }), '<code>line 3</code>');
  });

  it('keeps web links, turns #L links into line links and drops other targets', () => {
    assert.equal(renderInline('[spec](https://example.com/a?b=1&c=2)'), '<a href="https://example.com/a?b=1&amp;c=2">spec</a>');
    assert.equal(renderInline('[rule 100](file:///x/shop.vpcrules#L12)', { lineHref }), '<a href="command:go?12">rule 100</a>');
    assert.equal(renderInline('[run](javascript:void0)'), 'run');
    assert.equal(renderInline('[run](command:workbench.action.terminal.new)'), 'run');
  });
});
