// The canonical layout of a .vpcrules file. Formatting only moves whitespace and line breaks
// between tokens, never the tokens of a line, and leaves every line the parser rejects exactly as
// written, so it cannot change what a file means.
import type { Comment, Range } from './ast';
import { textLines, Token } from './lexer';
import { BLOCK_KEYWORDS, BlockDecl, DECLARATION_KEYWORDS, lexSourceLine, parse } from './parser';
import { formatOptions } from './suricata-options';
import type { TextEdit } from '../diagnostics/diagnostic';

export type BlockKind = BlockDecl['kind'];

/** One line of the text as the parser sees it. */
export interface LineInfo {
  /** The line's tokens, without the newline. */
  tokens: Token[];
  comment?: Comment;
  /** The block open when the line starts, as the parser tracks it. */
  blockBefore?: BlockKind;
  /** The line that opened the block this line belongs to (its own index when it opens one). */
  blockLine?: number;
  /** The line is a declaration, not a line of a block. */
  topLevel: boolean;
  /** The line starts a block's declaration (one of BLOCK_KEYWORDS). */
  opensBlock?: BlockKind;
  /** The line's last token closes the open block. */
  closesBlock: boolean;
  /** The parser reported a syntax error on this line. */
  hasError: boolean;
}

const INDENT = '  ';

function isDeclarationKeyword(token: Token | undefined): boolean {
  return token?.kind === 'word' && (DECLARATION_KEYWORDS as readonly string[]).includes(token.text);
}

function isBlockKeyword(token: Token | undefined): token is Token & { text: BlockKind } {
  return token?.kind === 'word' && (BLOCK_KEYWORDS as readonly string[]).includes(token.text);
}

/** Every line with its tokens and the block around it, tracked exactly as the parser does. */
export function lineLayout(text: string): LineInfo[] {
  const texts = textLines(text);
  const lines: LineInfo[] = texts.map(() => ({ tokens: [], topLevel: false, closesBlock: false, hasError: false }));
  for (const diagnostic of parse(text).diagnostics) markLines(lines, diagnostic.range);
  let block: BlockKind | undefined;
  let blockLine: number | undefined;
  lines.forEach((line, index) => {
    line.blockBefore = block;
    line.blockLine = blockLine;
    // Each line lexed as the parser lexes it: a stateful rule group's lines are Suricata rules.
    const comments: Comment[] = [];
    lexSourceLine(texts[index], index, block === 'stateful-rule-group', line.tokens, comments);
    line.comment = comments[0];
    const [first] = line.tokens;
    if (!first) return;
    if (block && !isDeclarationKeyword(first)) {
      if (line.tokens[line.tokens.length - 1].kind === 'rbrace') {
        line.closesBlock = true;
        block = blockLine = undefined;
      }
      return;
    }
    line.topLevel = true;
    block = blockLine = undefined;
    if (!isBlockKeyword(first)) return;
    line.opensBlock = first.text;
    line.blockLine = blockLine = index;
    block = first.text;
    const brace = line.tokens.findIndex((token) => token.kind === 'lbrace');
    if (brace >= 0 && brace < line.tokens.length - 1 && line.tokens[line.tokens.length - 1].kind === 'rbrace') {
      line.closesBlock = true;
      block = blockLine = undefined;
    }
  });
  return lines;
}

function markLines(lines: LineInfo[], range: Range): void {
  for (let line = range.start.line; line <= range.end.line && line < lines.length; line++) lines[line].hasError = true;
}

/** Tokens joined by single spaces, except around commas (`groups a,b`, `ip A,B`, as the spec writes them). */
function joinTokens(tokens: Token[]): string {
  return tokens.map((token, i) => (i === 0 || token.kind === 'comma' || tokens[i - 1].kind === 'comma' ? '' : ' ') + token.text).join('');
}

/** A route split into its columns: `route`, destination, `->`, target. */
function routeCells(tokens: Token[]): string[] {
  return [...tokens.slice(0, 3).map((token) => token.text), joinTokens(tokens.slice(3))];
}

/**
 * A line of a block split into its columns. A rule: direction, [number, action,] protocol,
 * arguments, from/to, peer, rest. A route: see routeCells.
 */
/**
 * A stateless rule split into its columns: `rule`, priority, action, protocols, `from`, sources,
 * source ports, `to`, destinations, destination ports (a port column is empty without `port`).
 */
function statelessRuleCells(tokens: Token[]): string[] {
  const isWord = (token: Token, text: string) => token.kind === 'word' && token.text === text;
  const from = tokens.findIndex((token, i) => i > 3 && isWord(token, 'from'));
  const to = tokens.findIndex((token, i) => i > from && isWord(token, 'to'));
  if (from < 0 || to < 0) return [joinTokens(tokens)];
  const portIn = (start: number, end: number) => {
    const at = tokens.findIndex((token, i) => i > start && i < end && isWord(token, 'port'));
    return at < 0 ? end : at;
  };
  const sourcePort = portIn(from, to);
  const destinationPort = portIn(to, tokens.length);
  return [
    ...tokens.slice(0, 3).map((token) => token.text),
    joinTokens(tokens.slice(3, from)),
    tokens[from].text,
    joinTokens(tokens.slice(from + 1, sourcePort)),
    joinTokens(tokens.slice(sourcePort, to)),
    tokens[to].text,
    joinTokens(tokens.slice(to + 1, destinationPort)),
    joinTokens(tokens.slice(destinationPort)),
  ];
}

/**
 * A Suricata rule in one column, its text kept: single spaces between the parts of its header,
 * none inside `[...]` lists or after `!`, and its options written canonically (formatOptions).
 */
function suricataRule(tokens: Token[]): string {
  return tokens.map((token, i) => {
    const previous = tokens[i - 1];
    const tight = i === 0 || token.kind === 'comma' || token.kind === 'rbracket'
      || previous.kind === 'comma' || previous.kind === 'bang' || previous.kind === 'lbracket';
    return (tight ? '' : ' ') + (token.kind === 'options' ? formatOptions(token.text) : token.text);
  }).join('');
}

function ruleCells(tokens: Token[], kind: BlockKind): string[] {
  switch (kind) {
    case 'route-table': return routeCells(tokens);
    case 'firewall-policy': return [joinTokens(tokens)];
    case 'stateless-rule-group': return statelessRuleCells(tokens);
    case 'stateful-rule-group': return [suricataRule(tokens)];
    default: break;
  }
  const protocolIndex = kind === 'network-acl' ? 3 : 1;
  let remote = tokens.findIndex((token, i) => i > protocolIndex && token.kind === 'word' && (token.text === 'from' || token.text === 'to'));
  if (remote < 0) remote = tokens.length;
  const peerEnd = tokens[remote + 1]?.text === 'sg' || tokens[remote + 1]?.text === 'pl' ? remote + 3 : remote + 2;
  return [
    ...tokens.slice(0, protocolIndex + 1).map((token) => token.text),
    joinTokens(tokens.slice(protocolIndex + 1, remote)),
    joinTokens(tokens.slice(remote, remote + 1)),
    joinTokens(tokens.slice(remote + 1, peerEnd)),
    joinTokens(tokens.slice(peerEnd)),
  ];
}

/** Pads each column to its widest cell; rule numbers and priorities (column 1 of a network ACL or a stateless rule group) align right. */
function alignRows(rows: string[][], kind: BlockKind): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  const numbered = kind === 'network-acl' || kind === 'stateless-rule-group';
  return rows.map((row) => {
    const padded = row.map((cell, i) => (numbered && i === 1 ? cell.padStart(widths[i]) : cell.padEnd(widths[i])));
    // Columns no row uses would otherwise leave double spaces.
    return padded.filter((_, i) => widths[i] > 0).join(' ').trimEnd();
  });
}

type OutputLine =
  | { kind: 'blank' }
  | { kind: 'verbatim'; text: string }
  | { kind: 'text'; indent: number; text: string; comment?: string }
  | { kind: 'rule'; block: BlockKind; blockLine: number; tokens: Token[]; comment?: string };

/** The lines a source line becomes: a one-line block splits into header, rule and closing brace. */
function layoutLine(line: LineInfo, source: string): OutputLine[] {
  const comment = line.comment?.text.trimEnd();
  if (line.tokens.length === 0) return comment === undefined ? [{ kind: 'blank' }] : [{ kind: 'text', indent: line.blockBefore ? 1 : 0, text: comment }];
  if (line.hasError) return [{ kind: 'verbatim', text: source.replace(/\r$/, '') }];
  const out: OutputLine[] = [];
  let ruleTokens = line.tokens;
  let block = line.blockBefore;
  if (line.topLevel) {
    const brace = line.tokens.findIndex((token) => token.kind === 'lbrace');
    const headerEnd = brace >= 0 ? brace + 1 : line.tokens.length;
    out.push({ kind: 'text', indent: 0, text: joinTokens(line.tokens.slice(0, headerEnd)) });
    ruleTokens = line.tokens.slice(headerEnd);
    block = line.opensBlock;
  }
  if (line.closesBlock) ruleTokens = ruleTokens.slice(0, -1);
  if (ruleTokens.length > 0 && block && line.blockLine !== undefined) out.push({ kind: 'rule', block, blockLine: line.blockLine, tokens: ruleTokens });
  if (line.closesBlock) out.push({ kind: 'text', indent: 0, text: '}' });
  const last = out[out.length - 1];
  if (comment !== undefined && last.kind !== 'blank' && last.kind !== 'verbatim') last.comment = comment;
  return out;
}

type RuleLine = Extract<OutputLine, { kind: 'rule' }>;

/** Renders the lines, the rules of each block with their columns aligned across the block. */
function renderLines(lines: OutputLine[]): string[] {
  const blocks = new Map<number, RuleLine[]>();
  for (const line of lines) if (line.kind === 'rule') blocks.set(line.blockLine, [...(blocks.get(line.blockLine) ?? []), line]);
  const renderedRules = new Map<RuleLine, string>();
  for (const rules of blocks.values()) {
    const aligned = alignRows(rules.map((rule) => ruleCells(rule.tokens, rule.block)), rules[0].block);
    rules.forEach((rule, i) => renderedRules.set(rule, withComment(INDENT + aligned[i], rule.comment)));
  }
  return lines.map((line) => {
    switch (line.kind) {
      case 'blank': return '';
      case 'verbatim': return line.text;
      case 'text': return withComment(INDENT.repeat(line.indent) + line.text, line.comment);
      case 'rule': return renderedRules.get(line)!;
    }
  });
}

function withComment(text: string, comment: string | undefined): string {
  if (comment === undefined) return text;
  return text.trim() === '' ? text + comment : `${text} ${comment}`;
}

/** The text in canonical layout. Idempotent; lines with syntax errors are kept as written. */
export function formatText(text: string): string {
  // Lines break as the lexer breaks them; a lone '\r' (old Mac files) comes out as '\n'.
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const sources = textLines(text);
  const layout = lineLayout(text);
  const lines = renderLines(layout.flatMap((line, i) => layoutLine(line, sources[i] ?? '')));
  const kept: string[] = [];
  for (const line of lines) {
    const isBlank = line.trim() === '';
    if (isBlank && (kept.length === 0 || kept[kept.length - 1] === '')) continue;
    kept.push(isBlank ? '' : line);
  }
  while (kept.length > 0 && kept[kept.length - 1] === '') kept.pop();
  return kept.length === 0 ? '' : kept.join(eol) + eol;
}

/**
 * The edits that turn `text` into its formatted form: none when it is already formatted, else one
 * edit spanning only the lines that change.
 */
export function formatEdits(text: string): TextEdit[] {
  const formatted = formatText(text);
  if (formatted === text) return [];
  const before = text.split('\n');
  const after = formatted.split('\n');
  let head = 0;
  while (head < before.length - 1 && head < after.length - 1 && before[head] === after[head]) head++;
  let tail = 0;
  while (tail < before.length - head - 1 && tail < after.length - head - 1 && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
  const endLine = before.length - 1 - tail;
  const replaced = after.slice(head, after.length - tail);
  const start = { line: head, character: 0 };
  // Whole lines up to the next line's start, so that a '\r' before the line break is replaced too.
  if (endLine + 1 < before.length) {
    return [{ range: { start, end: { line: endLine + 1, character: 0 } }, newText: replaced.map((line) => `${line}\n`).join('') }];
  }
  return [{ range: { start, end: { line: endLine, character: before[endLine].length } }, newText: replaced.join('\n') }];
}
