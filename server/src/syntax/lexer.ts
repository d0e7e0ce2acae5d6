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
  | 'arrow'
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

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const WORD_CHAR = /[A-Za-z0-9_.:/-]/;

function isWordChar(ch: string): boolean {
  return WORD_CHAR.test(ch);
}

function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\f' || ch === '\v' || ch === '\u00a0' || ch === '\ufeff';
}

/** Splits text into tokens. Never throws: text it cannot read becomes an `invalid` token. */
export function lex(text: string): LexResult {
  const tokens: Token[] = [];
  const comments: Comment[] = [];
  let line = 0;
  let lineStart = 0;
  let i = 0;
  const n = text.length;
  const pos = (offset: number) => ({ line, character: offset - lineStart });
  const push = (kind: TokenKind, start: number, end: number, problem?: string) => {
    const token: Token = { kind, text: text.slice(start, end), range: { start: pos(start), end: pos(end) } };
    if (problem) token.problem = problem;
    tokens.push(token);
  };

  while (i < n) {
    const ch = text[i];
    if (ch === '\n') {
      push('newline', i, i + 1);
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (isSpace(ch)) {
      i++;
      continue;
    }
    if (ch === '#') {
      let end = text.indexOf('\n', i);
      if (end < 0) end = n;
      let contentEnd = end;
      if (contentEnd > i && text[contentEnd - 1] === '\r') contentEnd--;
      comments.push({ text: text.slice(i, contentEnd), range: { start: pos(i), end: pos(contentEnd) } });
      i = end;
      continue;
    }
    if (ch === '"') {
      let end = i + 1;
      while (end < n && text[end] !== '"' && text[end] !== '\n') end++;
      if (end < n && text[end] === '"') {
        push('string', i, end + 1);
        i = end + 1;
      } else {
        push('invalid', i, end, 'unterminated string: add the closing "');
        i = end;
      }
      continue;
    }
    if (ch === '{') { push('lbrace', i, i + 1); i++; continue; }
    if (ch === '}') { push('rbrace', i, i + 1); i++; continue; }
    if (ch === ',') { push('comma', i, i + 1); i++; continue; }
    if (ch === '-' && text[i + 1] === '>') { push('arrow', i, i + 2); i += 2; continue; }
    if (isWordChar(ch)) {
      let end = i;
      while (end < n && isWordChar(text[end]) && !(text[end] === '-' && text[end + 1] === '>')) end++;
      const word = text.slice(i, end);
      const { kind, problem } = classifyWord(word);
      push(kind, i, end, problem);
      i = end;
      continue;
    }
    // A run of characters the language has no use for.
    let end = i + 1;
    while (end < n && !isSpace(text[end]) && text[end] !== '\n' && !isWordChar(text[end]) && !'#"{},'.includes(text[end])) end++;
    push('invalid', i, end, `unexpected character${end - i > 1 ? 's' : ''} '${shorten(text.slice(i, end))}'`);
    i = end;
  }
  push('eof', n, n);
  return { tokens, comments, lineCount: line + 1 };
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
