// A small, dependency-free Markdown to HTML renderer for the explain report. It covers what the
// report uses: ATX headings, paragraphs, lists (nested by indentation), fenced code blocks,
// pipe tables, block quotes, rules, and inline code, emphasis and links. Everything that is not
// markup is HTML-escaped, so the output is safe to place in a webview with a strict policy.

export interface RenderOptions {
  /** Turn "line N" mentions in prose into links that reveal that line of the report's file. */
  linkLines?: boolean;
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)?.*$/;
const HEADING = /^ {0,3}(#{1,6})(?:\s+(.*?))?\s*#*\s*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE = /^ {0,3}>\s?(.*)$/;
const LIST_ITEM = /^( *)([-*+]|\d{1,9}[.)])(?:[ \t]+(.*))?$/;
const TABLE_SEPARATOR = /^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$/;

export function renderMarkdown(markdown: string, options: RenderOptions = {}): string {
  const lines = markdown.replace(/\r\n?/g, '\n').replace(/\t/g, '    ').split('\n');
  return renderBlocks(lines, options);
}

function isBlank(line: string): boolean {
  return line.trim() === '';
}

function startsBlock(line: string, next: string | undefined): boolean {
  return (
    FENCE.test(line) ||
    HEADING.test(line) ||
    RULE.test(line) ||
    QUOTE.test(line) ||
    LIST_ITEM.test(line) ||
    (line.includes('|') && next !== undefined && next.includes('-') && TABLE_SEPARATOR.test(next))
  );
}

function renderBlocks(lines: string[], options: RenderOptions): string {
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (isBlank(line)) {
      i++;
      continue;
    }

    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1];
      const lang = fence[2] ?? '';
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i].trimStart().startsWith(marker)) body.push(lines[i++]);
      i++; // closing fence (or end of input)
      const cls = lang ? ` class="language-${escapeHtml(lang)}"` : '';
      out.push(`<pre><code${cls}>${escapeHtml(body.join('\n'))}</code></pre>`);
      continue;
    }

    const heading = HEADING.exec(line);
    if (heading) {
      const level = heading[1].length;
      out.push(`<h${level}>${renderInline(heading[2] ?? '', options)}</h${level}>`);
      i++;
      continue;
    }

    if (RULE.test(line)) {
      out.push('<hr>');
      i++;
      continue;
    }

    if (line.includes('|') && i + 1 < lines.length && TABLE_SEPARATOR.test(lines[i + 1]) && lines[i + 1].includes('-')) {
      const header = splitRow(line);
      const aligns = splitRow(lines[i + 1]).map((cell) => {
        const left = cell.startsWith(':');
        const right = cell.endsWith(':');
        return left && right ? 'center' : right ? 'right' : left ? 'left' : '';
      });
      i += 2;
      const rows: string[][] = [];
      while (i < lines.length && !isBlank(lines[i]) && lines[i].includes('|')) rows.push(splitRow(lines[i++]));
      const cell = (tag: string, text: string, index: number) => {
        const align = aligns[index] ? ` style="text-align:${aligns[index]}"` : '';
        return `<${tag}${align}>${renderInline(text, options)}</${tag}>`;
      };
      const head = `<thead><tr>${header.map((text, index) => cell('th', text, index)).join('')}</tr></thead>`;
      const body = rows
        .map((row) => `<tr>${header.map((_, index) => cell('td', row[index] ?? '', index)).join('')}</tr>`)
        .join('');
      out.push(`<table>${head}<tbody>${body}</tbody></table>`);
      continue;
    }

    if (QUOTE.test(line)) {
      const inner: string[] = [];
      while (i < lines.length && !isBlank(lines[i])) {
        const quote = QUOTE.exec(lines[i]);
        inner.push(quote ? quote[1] : lines[i]);
        i++;
      }
      out.push(`<blockquote>${renderBlocks(inner, options)}</blockquote>`);
      continue;
    }

    const item = LIST_ITEM.exec(line);
    if (item) {
      const [html, next] = renderList(lines, i, options);
      out.push(html);
      i = next;
      continue;
    }

    // Paragraph: consecutive lines until a blank line or the start of another block.
    const para: string[] = [];
    while (i < lines.length && !isBlank(lines[i]) && (para.length === 0 || !startsBlock(lines[i], lines[i + 1]))) {
      para.push(lines[i++]);
    }
    out.push(`<p>${renderParagraphLines(para, options)}</p>`);
  }
  return out.join('\n');
}

function renderParagraphLines(lines: string[], options: RenderOptions): string {
  return lines
    .map((line, index) => {
      const last = index === lines.length - 1;
      const hardBreak = !last && (/ {2,}$/.test(line) || /\\$/.test(line));
      const text = renderInline(line.replace(/\\$/, '').trim(), options);
      return hardBreak ? `${text}<br>` : text;
    })
    .join('\n');
}

/** Renders the list starting at lines[start]; returns the HTML and the index after the list. */
function renderList(lines: string[], start: number, options: RenderOptions): [string, number] {
  const first = LIST_ITEM.exec(lines[start])!;
  const indent = first[1].length;
  const ordered = /\d/.test(first[2]);
  const startNumber = ordered ? parseInt(first[2], 10) : 1;
  const items: string[][] = [];
  let loose = false;
  let i = start;
  while (i < lines.length) {
    const match = LIST_ITEM.exec(lines[i]);
    if (!match || match[1].length !== indent || /\d/.test(match[2]) !== ordered) break;
    const contentIndent = indent + match[2].length + 1;
    const body: string[] = [match[3] ?? ''];
    i++;
    while (i < lines.length) {
      const line = lines[i];
      if (isBlank(line)) {
        // A blank line continues the item only if indented content follows.
        let j = i + 1;
        while (j < lines.length && isBlank(lines[j])) j++;
        if (j < lines.length && leadingSpaces(lines[j]) >= contentIndent) {
          loose = true;
          for (; i < j; i++) body.push('');
          continue;
        }
        const sibling = j < lines.length ? LIST_ITEM.exec(lines[j]) : null;
        if (sibling && sibling[1].length === indent) loose = true;
        i = j;
        break;
      }
      const nested = LIST_ITEM.exec(line);
      if (nested && nested[1].length <= indent) break;
      if (leadingSpaces(line) > indent) {
        body.push(line.slice(Math.min(leadingSpaces(line), contentIndent)));
        i++;
        continue;
      }
      if (startsBlock(line, lines[i + 1])) break;
      body.push(line.trim()); // lazy continuation of the item's paragraph
      i++;
    }
    items.push(body);
    if (i < lines.length) {
      const match2 = LIST_ITEM.exec(lines[i]);
      if (!match2 || match2[1].length !== indent) break;
    }
  }
  const rendered = items.map((body) => {
    let html = renderBlocks(body, options);
    if (!loose) html = html.replace(/^<p>([\s\S]*?)<\/p>(?=\n|$)/, '$1');
    return `<li>${html}</li>`;
  });
  const tag = ordered ? 'ol' : 'ul';
  const startAttr = ordered && startNumber !== 1 ? ` start="${startNumber}"` : '';
  return [`<${tag}${startAttr}>\n${rendered.join('\n')}\n</${tag}>`, i];
}

function leadingSpaces(line: string): number {
  return line.length - line.trimStart().length;
}

function splitRow(line: string): string[] {
  let row = line.trim();
  if (row.startsWith('|')) row = row.slice(1);
  if (row.endsWith('|') && !row.endsWith('\\|')) row = row.slice(0, -1);
  const cells: string[] = [];
  let current = '';
  let inCode = false;
  for (let k = 0; k < row.length; k++) {
    const ch = row[k];
    if (ch === '\\' && row[k + 1] === '|') {
      current += '|';
      k++;
    } else if (ch === '`') {
      inCode = !inCode;
      current += ch;
    } else if (ch === '|' && !inCode) {
      cells.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  cells.push(current.trim());
  return cells;
}

/** Inline markup: code spans, links, strong and emphasis; everything else escaped. */
export function renderInline(text: string, options: RenderOptions = {}): string {
  const out: string[] = [];
  let rest = text;
  const codeSpan = /(`+)([\s\S]*?[^`])\1(?!`)/;
  const link = /\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+"([^"]*)")?\s*\)/;
  while (rest.length > 0) {
    const code = codeSpan.exec(rest);
    const anchor = link.exec(rest);
    const next = [code, anchor].filter((m): m is RegExpExecArray => m !== null).sort((a, b) => a.index - b.index)[0];
    if (!next) {
      out.push(renderText(rest, options));
      break;
    }
    out.push(renderText(rest.slice(0, next.index), options));
    if (next === code) {
      let body = next[2];
      if (/^ .* $/.test(body)) body = body.slice(1, -1);
      out.push(`<code>${escapeHtml(body)}</code>`);
    } else {
      const href = next[2];
      const title = next[3] ? ` title="${escapeHtml(next[3])}"` : '';
      const label = renderInline(next[1], { ...options, linkLines: false });
      out.push(isSafeHref(href) ? `<a href="${escapeHtml(href)}"${title}>${label}</a>` : label);
    }
    rest = rest.slice(next.index + next[0].length);
  }
  return out.join('');
}

function isSafeHref(href: string): boolean {
  return /^(https?:|file:|untitled:|command:|mailto:|#)/i.test(href) || !/^[a-z][a-z0-9+.-]*:/i.test(href);
}

function renderText(text: string, options: RenderOptions): string {
  let html = escapeHtml(text.replace(/\\([\\`*_{}\[\]()#+\-.!|>])/g, (_, ch: string) => `\u0000${ch.charCodeAt(0)}\u0000`));
  html = html
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^\w])__(?=\S)([\s\S]*?\S)__(?!\w)/g, '$1<strong>$2</strong>')
    .replace(/(^|[^*\w])\*(?=[^\s*])([^*]*?[^\s*])\*(?!\*)/g, '$1<em>$2</em>')
    .replace(/(^|[^\w])_(?=[^\s_])([^_]*?[^\s_])_(?!\w)/g, '$1<em>$2</em>');
  if (options.linkLines) {
    html = html.replace(/\b(lines?) (\d+)(?:(-|–)(\d+))?\b/g, (_m, word: string, a: string, dash?: string, b?: string) => {
      const first = `<a href="#" class="line-link" data-line="${a}">${word} ${a}</a>`;
      return b ? `${first}${dash}<a href="#" class="line-link" data-line="${b}">${b}</a>` : first;
    });
  }
  return html.replace(/\u0000(\d+)\u0000/g, (_, code: string) => escapeHtml(String.fromCharCode(Number(code))));
}
