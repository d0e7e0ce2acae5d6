import type { Comment, Range } from './ast';

export type TokenKind =
  | 'word' // a name or keyword
  | 'number'
  | 'portRange' // N-M
  | 'ipv4' // an IPv4 address or CIDR candidate
  | 'ipv6' // an IPv6 address or CIDR candidate
  | 'string'
  | 'lbrace'
  | 'rbrace'
  | 'comma'
  | 'arrow' // `->`, and in a Suricata rule `<>`
  | 'variable' // a Suricata `$NAME`
  | 'bang' // a Suricata `!`
  | 'lbracket' // a Suricata `[`
  | 'rbracket' // a Suricata `]`
  | 'options' // a Suricata rule's `(...)`, whole
  | 'newline'
  | 'invalid'
  | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  range: Range;
  /** For `invalid` and unterminated strings: why the text is not a token. */
  problem?: string;
}

export interface LexResult {
  tokens: Token[];
  comments: Comment[];
  lineCount: number;
}

/**
 * How a line is read: as the language's statements, or as a Suricata rule (the lines of a
 * stateful-rule-group), where `$VAR`, `!`, `[`, `]`, `<>` and the `(...)` options are tokens and
 * `#` inside the options is text.
 */
export type LexMode = 'vpcrules' | 'suricata';

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
/** Characters of words, names, numbers and addresses: [A-Za-z0-9_.:/-], by character code. */
const WORD_CHARS = new Uint8Array(128);
for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:/-') WORD_CHARS[ch.charCodeAt(0)] = 1;

// Character codes, compared instead of one-character strings: the lexer visits every character.
const NEWLINE = 10;
const RETURN = 13;
const HASH = 35;
const QUOTE = 34;
const BACKSLASH = 92;
const LBRACE = 123;
const RBRACE = 125;
const COMMA = 44;
const MINUS = 45;
const GREATER = 62;
const LESS = 60;
const BANG = 33;
const DOLLAR = 36;
const LBRACKET = 91;
const RBRACKET = 93;
const LPAREN = 40;
const RPAREN = 41;

/** NaN (past the end of the text) is no word character. */
function isWordChar(code: number): boolean {
  return code < 128 && WORD_CHARS[code] === 1;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 12 || code === 11 || code === 0xa0 || code === 0xfeff;
}

function isLineBreak(code: number): boolean {
  return code === NEWLINE || code === RETURN;
}

function isPunctuation(code: number): boolean {
  return code === HASH || code === QUOTE || code === LBRACE || code === RBRACE || code === COMMA;
}

/** The characters that are tokens of their own in a Suricata rule. */
function isSuricataPunctuation(code: number): boolean {
  return code === BANG || code === DOLLAR || code === LBRACKET || code === RBRACKET || code === LPAREN || code === LESS;
}

function isVariableChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

/** Splits text into tokens. Never throws: text it cannot read becomes an `invalid` token. */
export function lex(text: string): LexResult {
  const tokens: Token[] = [];
  const comments: Comment[] = [];
  let line = 0;
  let lineStart = 0;
  for (;;) {
    const lineEnd = lineEndAt(text, lineStart);
    lexLine(text, lineStart, lineEnd, line, tokens, comments);
    const position = { line, character: lineEnd - lineStart };
    if (lineEnd >= text.length) {
      tokens.push({ kind: 'eof', text: '', range: { start: position, end: position } });
      return { tokens, comments, lineCount: line + 1 };
    }
    const next = lineEnd + lineBreakWidth(text, lineEnd);
    tokens.push({ kind: 'newline', text: text.slice(lineEnd, next), range: { start: position, end: { line, character: next - lineStart } } });
    line++;
    lineStart = next;
  }
}

/** Where the line starting at `start` ends: its line break, or the end of the text. */
export function lineEndAt(text: string, start: number): number {
  let end = start;
  while (end < text.length && !isLineBreak(text.charCodeAt(end))) end++;
  return end;
}

/** Line breaks as editors and LSP count them: \n, \r\n, and a lone \r. */
export function lineBreakWidth(text: string, at: number): number {
  return text.charCodeAt(at) === RETURN && text.charCodeAt(at + 1) === NEWLINE ? 2 : 1;
}

/**
 * Appends the tokens and comments of one line, `text` from `lineStart` to `lineEnd` (its line
 * break or the end of the text), numbered `line`; with `from`, only of the part of the line from there.
 */
export function lexLine(
  text: string, lineStart: number, lineEnd: number, line: number, tokens: Token[], comments: Comment[],
  mode: LexMode = 'vpcrules', from = lineStart,
): void {
  const suricata = mode === 'suricata';
  let i = from;
  const n = lineEnd;
  const pos = (offset: number) => ({ line, character: offset - lineStart });
  const push = (kind: TokenKind, start: number, end: number, problem?: string) => {
    const token: Token = { kind, text: text.slice(start, end), range: { start: pos(start), end: pos(end) } };
    if (problem) token.problem = problem;
    tokens.push(token);
  };
  const isArrowAt = (offset: number) => offset + 1 < n && text.charCodeAt(offset) === MINUS && text.charCodeAt(offset + 1) === GREATER;

  while (i < n) {
    const code = text.charCodeAt(i);
    if (isSpace(code)) {
      i++;
      continue;
    }
    if (code === HASH) {
      comments.push({ text: text.slice(i, n), range: { start: pos(i), end: pos(n) } });
      i = n;
      continue;
    }
    if (code === QUOTE) {
      const end = closingQuote(text, i + 1, n);
      if (end < n) {
        push('string', i, end + 1);
        i = end + 1;
      } else {
        push('invalid', i, n, 'unterminated string: add the closing "');
        i = n;
      }
      continue;
    }
    if (code === LBRACE) { push('lbrace', i, i + 1); i++; continue; }
    if (code === RBRACE) { push('rbrace', i, i + 1); i++; continue; }
    if (code === COMMA) { push('comma', i, i + 1); i++; continue; }
    if (isArrowAt(i)) { push('arrow', i, i + 2); i += 2; continue; }
    if (suricata) {
      const end = lexSuricataPunctuation(text, i, n, push);
      if (end > i) {
        i = end;
        continue;
      }
    }
    if (isWordChar(code)) {
      let end = i;
      while (end < n && isWordChar(text.charCodeAt(end)) && !isArrowAt(end)) end++;
      const word = text.slice(i, end);
      const { kind, problem } = suricata && SURICATA_PORT_RANGE.test(word) ? { kind: 'portRange' as const, problem: undefined } : classifyWord(word);
      push(kind, i, end, problem);
      i = end;
      continue;
    }
    // A run of characters the language has no use for.
    let end = i + 1;
    while (end < n) {
      const next = text.charCodeAt(end);
      if (isSpace(next) || isWordChar(next) || isPunctuation(next) || (suricata && (isSuricataPunctuation(next) || next === RPAREN))) break;
      end++;
    }
    push('invalid', i, end, `unexpected character${end - i > 1 ? 's' : ''} '${shorten(text.slice(i, end))}'`);
    i = end;
  }
}

/** `N:M` and `N:` (N and up): a Suricata port range. */
const SURICATA_PORT_RANGE = /^[0-9]+:[0-9]*$/;

/**
 * The Suricata token at `at`, if one starts there (`<>`, `!`, `[`, `]`, `$NAME`, `(...)`): pushes it
 * and returns where it ends, else returns `at`.
 */
function lexSuricataPunctuation(text: string, at: number, end: number, push: (kind: TokenKind, start: number, end: number, problem?: string) => void): number {
  const code = text.charCodeAt(at);
  if (code === LESS && text.charCodeAt(at + 1) === GREATER && at + 1 < end) { push('arrow', at, at + 2); return at + 2; }
  if (code === BANG) { push('bang', at, at + 1); return at + 1; }
  if (code === LBRACKET) { push('lbracket', at, at + 1); return at + 1; }
  if (code === RBRACKET) { push('rbracket', at, at + 1); return at + 1; }
  if (code === DOLLAR) {
    let stop = at + 1;
    while (stop < end && isVariableChar(text.charCodeAt(stop))) stop++;
    if (stop === at + 1) push('invalid', at, at + 1, "expected a variable name after '$', as in $HOME_NET");
    else push('variable', at, stop);
    return stop;
  }
  if (code === LPAREN) {
    const { close, quoted } = closingParenthesis(text, at + 1, end);
    if (close !== undefined) {
      push('options', at, close + 1);
      return close + 1;
    }
    push('invalid', at, end, quoted ? 'unterminated string in the options: add the closing "' : "unterminated options: add the closing ')'");
    return end;
  }
  return at;
}

/**
 * Where the options whose text starts at `start` close: the first `)` outside a quoted value (a
 * backslash takes the next character with it); undefined when they do not before `end`, and then
 * whether a quoted value is still open there.
 */
export function closingParenthesis(text: string, start: number, end: number): { close?: number; quoted: boolean } {
  let quoted = false;
  let at = start;
  while (at < end) {
    const code = text.charCodeAt(at);
    if (code === BACKSLASH) {
      at += 2;
      continue;
    }
    if (code === QUOTE) quoted = !quoted;
    else if (code === RPAREN && !quoted) return { close: at, quoted };
    at++;
  }
  return { quoted };
}

/** Where the string whose text starts at `start` closes: its `"`, or `end` when it does not. */
function closingQuote(text: string, start: number, end: number): number {
  let at = start;
  while (at < end && text.charCodeAt(at) !== QUOTE) {
    // A backslash takes the next character with it, so that `\"` does not close the string.
    at += text.charCodeAt(at) === BACKSLASH ? 2 : 1;
  }
  return Math.min(at, end);
}

/**
 * The value of a string token: the text between its quotes with `\"` and `\\` read as `"` and `\`.
 * A backslash before any other character stays as written.
 */
export function stringValue(token: string): string {
  return token.slice(1, -1).replace(/\\(["\\])/g, '$1');
}

function classifyWord(word: string): { kind: TokenKind; problem?: string } {
  if (word.includes(':')) return { kind: 'ipv6' };
  if (/^[0-9]/.test(word)) {
    if (/^[0-9]+$/.test(word)) return { kind: 'number' };
    if (/^[0-9]+-[0-9]+$/.test(word)) return { kind: 'portRange' };
    if (/^[0-9./]+$/.test(word)) return { kind: 'ipv4' };
    return { kind: 'invalid', problem: `'${shorten(word)}' is not a number, port range or address` };
  }
  if (NAME.test(word)) return { kind: 'word' };
  return { kind: 'invalid', problem: `'${shorten(word)}' is not a name, number or address` };
}

export function shorten(text: string, max = 40): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The text's lines, split where the lexer (and every editor) breaks lines: \n, \r\n or a lone \r. */
export function textLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}
