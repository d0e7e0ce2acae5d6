// A small Markdown to HTML renderer for the explain report, covering what the server's report
// uses: headings, paragraphs, nested lists, fenced code, pipe tables, rules, inline code,
// emphasis and links. Everything that is not markup is escaped, and the output carries no
// script, style attribute or event handler, so it fits a webview whose policy forbids them all.
// No `vscode` import, so that it is unit tested in plain Node.

export interface RenderOptions {
  /**
   * Where a mention of a line of the explained file ("line 12", or a link whose fragment is
   * `#L12`) should point; without it, such mentions stay plain text.
   */
  lineHref?: (line: number) => string;
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const FENCE = /^\s*(`{3,}|~{3,})/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const RULE = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;
const LIST_ITEM = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;
const TABLE_SEPARATOR = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

export function renderMarkdown(markdown: string, options: RenderOptions = {}): string {
  return renderBlocks(markdown.replace(/\r\n?/g, '\n').replace(/\t/g, '    ').split('\n'), options);
}

const isBlank = (line: string) => line.trim() === '';
const indentOf = (line: string) => line.length - line.trimStart().length;
const isTableStart = (lines: string[], i: number) =>
  lines[i].includes('|') && i + 1 < lines.length && lines[i + 1].includes('-') && TABLE_SEPARATOR.test(lines[i + 1]);
const startsBlock = (lines: string[], i: number) =>
  FENCE.test(lines[i]) || HEADING.test(lines[i]) || RULE.test(lines[i]) || LIST_ITEM.test(lines[i]) || isTableStart(lines, i);

function renderBlocks(lines: string[], options: RenderOptions): string {
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const heading = HEADING.exec(line);
    if (isBlank(line)) {
      i++;
    } else if (FENCE.test(line)) {
      const marker = FENCE.exec(line)![1];
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i].trimStart().startsWith(marker); i++) body.push(lines[i]);
      i++; // the closing fence, if any
      out.push(`<pre><code>${escapeHtml(body.join('\n'))}</code></pre>`);
    } else if (heading) {
      const level = heading[1].length;
      out.push(`<h${level}>${renderInline(heading[2], options)}</h${level}>`);
      i++;
    } else if (RULE.test(line)) {
      out.push('<hr>');
      i++;
    } else if (isTableStart(lines, i)) {
      const header = splitRow(line);
      const rows: string[][] = [];
      for (i += 2; i < lines.length && !isBlank(lines[i]) && lines[i].includes('|'); i++) rows.push(splitRow(lines[i]));
      const row = (cells: string[], tag: string) =>
        `<tr>${header.map((_, k) => `<${tag}>${renderInline(cells[k] ?? '', options)}</${tag}>`).join('')}</tr>`;
      out.push(`<table><thead>${row(header, 'th')}</thead><tbody>${rows.map((cells) => row(cells, 'td')).join('')}</tbody></table>`);
    } else if (LIST_ITEM.test(line)) {
      i = renderList(lines, i, options, out);
    } else {
      const paragraph: string[] = [];
      while (i < lines.length && !isBlank(lines[i]) && (paragraph.length === 0 || !startsBlock(lines, i))) {
        paragraph.push(lines[i++].trim());
      }
      out.push(`<p>${paragraph.map((text) => renderInline(text, options)).join('<br>\n')}</p>`);
    }
  }
  return out.join('\n');
}

/**
 * Renders the list that starts at lines[start] into out and returns the index after it. An
 * item runs until the next item of the same indentation; its more indented lines (nested lists,
 * continuation text) are rendered as blocks of their own.
 */
function renderList(lines: string[], start: number, options: RenderOptions, out: string[]): number {
  const first = LIST_ITEM.exec(lines[start])!;
  const indent = first[1].length;
  const ordered = /\d/.test(first[2]);
  const items: string[][] = [];
  let i = start;
  while (i < lines.length) {
    const item = LIST_ITEM.exec(lines[i]);
    if (item && item[1].length === indent && /\d/.test(item[2]) === ordered) {
      items.push([item[3]]);
      i++;
    } else if (!isBlank(lines[i]) && indentOf(lines[i]) > indent) {
      items[items.length - 1].push(lines[i].slice(Math.min(indentOf(lines[i]), indent + 2)));
      i++;
    } else if (isBlank(lines[i]) && continuesList(lines, i, indent)) {
      items[items.length - 1].push('');
      i++;
    } else {
      break;
    }
  }
  const tag = ordered ? 'ol' : 'ul';
  const startNumber = ordered ? parseInt(first[2], 10) : 1;
  const startAttribute = startNumber !== 1 ? ` start="${startNumber}"` : '';
  // Items are rendered tight: the first paragraph of an item is not wrapped in <p>.
  const rendered = items.map((body) => `<li>${renderBlocks(body, options).replace(/^<p>([\s\S]*?)<\/p>/, '$1')}</li>`);
  out.push(`<${tag}${startAttribute}>\n${rendered.join('\n')}\n</${tag}>`);
  return i;
}

/** A blank line inside a list: the list goes on if the next text line is indented or an item. */
function continuesList(lines: string[], blank: number, indent: number): boolean {
  let next = blank;
  while (next < lines.length && isBlank(lines[next])) next++;
  if (next === lines.length) return false;
  const item = LIST_ITEM.exec(lines[next]);
  return indentOf(lines[next]) > indent || (item !== null && item[1].length === indent);
}

function splitRow(line: string): string[] {
  const cells = line
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '')
    .split(/(?<!\\)\|/);
  return cells.map((cell) => cell.trim().replace(/\\\|/g, '|'));
}

const CODE_SPAN = /(`+)([\s\S]*?[^`])\1(?!`)/;
const LINK = /\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/;

/** Inline markup: code spans and links first (their contents are not emphasis), then the rest. */
export function renderInline(text: string, options: RenderOptions = {}): string {
  const out: string[] = [];
  let rest = text;
  while (rest.length > 0) {
    const code = CODE_SPAN.exec(rest);
    const link = LINK.exec(rest);
    const next = code && (!link || code.index <= link.index) ? code : link;
    if (!next) {
      out.push(renderText(rest, options));
      break;
    }
    out.push(renderText(rest.slice(0, next.index), options));
    out.push(next === code ? `<code>${escapeHtml(next[2].trim())}</code>` : renderLink(next[1], next[2], options));
    rest = rest.slice(next.index + next[0].length);
  }
  return out.join('');
}

/** Web links stay links; a link to a line of the file (`...#L12`) points where lineHref says. */
function renderLink(label: string, href: string, options: RenderOptions): string {
  const labelHtml = renderInline(label, { ...options, lineHref: undefined });
  const line = /#L(\d+)/.exec(href);
  const target = /^https?:\/\//i.test(href) ? href : line && options.lineHref ? options.lineHref(Number(line[1])) : undefined;
  return target ? `<a href="${escapeHtml(target)}">${labelHtml}</a>` : labelHtml;
}

// Backslash-escaped punctuation is set aside during emphasis matching, as its character code.
const ESCAPED = /\\([!-/:-@[-`{-~])/g; // any ASCII punctuation, as in CommonMark
const SET_ASIDE = /\u0000(\d+)\u0000/g;

function renderText(text: string, options: RenderOptions): string {
  let html = escapeHtml(text.replace(ESCAPED, (_, char: string) => `\u0000${char.charCodeAt(0)}\u0000`))
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^*\w])\*(?=[^\s*])([^*]*?[^\s*])\*(?![*\w])/g, '$1<em>$2</em>')
    .replace(/(^|\W)_(?=[^\s_])([^_]*?[^\s_])_(?!\w)/g, '$1<em>$2</em>');
  const lineHref = options.lineHref;
  if (lineHref) {
    html = html.replace(/\bline (\d+)\b/gi, (mention, line: string) => `<a href="${escapeHtml(lineHref(Number(line)))}">${mention}</a>`);
  }
  return html.replace(SET_ASIDE, (_, code: string) => escapeHtml(String.fromCharCode(Number(code))));
}
