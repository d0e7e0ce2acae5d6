// What every statement's parse shares: the cursor over one line's tokens, the failure that
// abandons the rest of a line, and the readers of names, numbers, addresses, ports and protocols.
import type { Cidr, Name, PortRange, Protocol, Range } from './ast';
import { PROTOCOL_NUMBERS } from './ast';
import { parseCidr } from './cidr';
import { shorten, Token } from './lexer';
import { closest } from './suggest';
import { Diagnostic, makeDiagnostic } from '../diagnostics/diagnostic';

/** Words that can never be names: a flow end and the port/protocol word, and the targets of AWS routes. */
export const RESERVED_NAMES = ['internet', 'any', 'all', 'local', 'blackhole'] as const;

/** Raised inside one line's parse to abandon the rest of that line; never escapes `parse`. */
export class LineError {
  constructor(readonly diagnostic: Diagnostic) {}
}

export function spanning(from: Range, to: Range): Range {
  return { start: from.start, end: to.end };
}

export class LineCursor {
  private index = 0;
  /** Problems that do not abandon the statement; reported with the line's diagnostics. */
  readonly notes: Diagnostic[] = [];
  constructor(private readonly tokens: Token[], private readonly lineEnd: Range) {}

  note(diagnostic: Diagnostic): void {
    this.notes.push(diagnostic);
  }

  peek(offset = 0): Token | undefined {
    return this.tokens[this.index + offset];
  }
  next(): Token | undefined {
    return this.tokens[this.index++];
  }
  atEnd(): boolean {
    return this.index >= this.tokens.length;
  }
  /** The range to blame when a token is missing: the next token, or the line's last token. */
  here(): Range {
    return this.peek()?.range ?? this.last();
  }
  last(): Range {
    return this.tokens[Math.max(0, this.index - 1)]?.range ?? this.lineEnd;
  }
  isWord(text: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token !== undefined && token.kind === 'word' && token.text === text;
  }
}

export function fail(range: Range, message: string, outOfRange = false): never {
  throw new LineError(makeDiagnostic(outOfRange ? 'outOfRange' : 'syntax', range, message));
}

/** Runs `work`; a failure becomes a note and the statement goes on after what `work` consumed. */
export function noting(cursor: LineCursor, work: () => void): void {
  try {
    work();
  } catch (error) {
    if (error instanceof LineError) cursor.note(error.diagnostic);
    else throw error;
  }
}

export function describe(token: Token | undefined): string {
  if (!token) return 'the end of the line';
  if (token.kind === 'eof') return 'the end of the file';
  return `'${shorten(token.text)}'`;
}

export function expected(cursor: LineCursor, what: string): never {
  const token = cursor.peek();
  if (token?.kind === 'invalid' && token.problem) fail(token.range, token.problem);
  fail(cursor.here(), `expected ${what}, found ${describe(token)}`);
}

export function expectWord(cursor: LineCursor, text: string, hint = `'${text}'`): Token {
  if (cursor.isWord(text)) return cursor.next()!;
  const token = cursor.peek();
  if (token?.kind === 'word' && closest(token.text, [text]) === text) fail(token.range, `unknown keyword '${token.text}'; did you mean '${text}'?`);
  expected(cursor, hint);
}

export function parseName(cursor: LineCursor, what: string): Name {
  const token = cursor.peek();
  if (token?.kind === 'word') {
    cursor.next();
    return { text: token.text, range: token.range };
  }
  expected(cursor, what);
}

/** The name a declaration gives: a reserved word is noted, and the declaration still counts. */
export function parseDeclaredName(cursor: LineCursor, what: string): Name {
  const name = parseName(cursor, what);
  if ((RESERVED_NAMES as readonly string[]).includes(name.text)) {
    cursor.note(makeDiagnostic('syntax', name.range, `'${name.text}' cannot be a name: ${RESERVED_NAMES.slice(0, -1).join(', ')} and ${RESERVED_NAMES[RESERVED_NAMES.length - 1]} are reserved words; choose another name`));
  }
  return name;
}

export function parseCidrToken(cursor: LineCursor, what: string): Cidr {
  const token = cursor.peek();
  if (token?.kind !== 'ipv4' && token?.kind !== 'ipv6') expected(cursor, what);
  cursor.next();
  const parsed = parseCidr(token.text, token.range);
  if (!parsed.ok) fail(token.range, parsed.message, parsed.outOfRange);
  return parsed.cidr;
}

export function parseNumber(token: Token, min: number, max: number, what: string): number {
  const value = token.text.length > 12 ? Infinity : Number(token.text);
  if (value < min || value > max) fail(token.range, `${what} ${shorten(token.text)} is out of range ${min}-${max}`, true);
  return value;
}

export function parsePorts(cursor: LineCursor, what: string): PortRange {
  const token = cursor.peek();
  if (token?.kind === 'word' && token.text === 'all') {
    cursor.next();
    return { from: 0, to: 65535, range: token.range };
  }
  if (token?.kind === 'number') {
    cursor.next();
    const port = parseNumber(token, 0, 65535, 'port');
    return { from: port, to: port, range: token.range };
  }
  if (token?.kind === 'portRange') {
    cursor.next();
    const [fromText, toText] = token.text.split('-');
    const from = parseNumber({ ...token, text: fromText }, 0, 65535, 'port');
    const to = parseNumber({ ...token, text: toText }, 0, 65535, 'port');
    if (from > to) fail(token.range, `port range ${token.text} is reversed; write ${to}-${from}`, true);
    return { from, to, range: token.range };
  }
  expected(cursor, what);
}

export function parseProtocol(cursor: LineCursor): Protocol {
  const token = cursor.peek();
  if (token?.kind === 'word' && token.text in PROTOCOL_NUMBERS) {
    cursor.next();
    return { text: token.text, number: PROTOCOL_NUMBERS[token.text], range: token.range };
  }
  if (token?.kind === 'number') {
    cursor.next();
    return { text: token.text, number: parseNumber(token, 0, 255, 'protocol number'), range: token.range };
  }
  if (token?.kind === 'word') {
    const suggestion = closest(token.text, Object.keys(PROTOCOL_NUMBERS));
    fail(token.range, `unknown protocol '${shorten(token.text)}'${suggestion ? `; did you mean '${suggestion}'?` : '; expected tcp, udp, icmp, icmpv6, all or a number 0-255'}`);
  }
  expected(cursor, 'a protocol (tcp, udp, icmp, icmpv6, all or a number 0-255)');
}

export function endOfLine(cursor: LineCursor): void {
  const token = cursor.peek();
  if (!token) return;
  if (token.kind === 'invalid' && token.problem) fail(token.range, token.problem);
  fail(token.range, `unexpected ${describe(token)} at the end of the statement`);
}

/**
 * Keyword clauses in any order, each at most once, up to the end of the statement: `parseClause`
 * reads what follows the keyword it is given. `wanted` says what may come when a word is unknown.
 */
export function parseClauses(
  cursor: LineCursor,
  keywords: readonly string[],
  wanted: string,
  parseClause: (keyword: Token) => void,
  givenTwice: (keyword: string) => string = (keyword) => `'${keyword}' is given twice`,
): void {
  const seen = new Set<string>();
  while (!cursor.atEnd()) {
    const token = cursor.peek()!;
    if (token.kind !== 'word' || !keywords.includes(token.text)) {
      const suggestion = token.kind === 'word' ? closest(token.text, keywords) : undefined;
      if (suggestion) fail(token.range, `unknown keyword '${shorten(token.text)}'; did you mean '${suggestion}'?`);
      expected(cursor, wanted);
    }
    if (seen.has(token.text)) fail(token.range, givenTwice(token.text));
    seen.add(token.text);
    cursor.next();
    parseClause(token);
  }
}

/** Fails on the statement's last token when a required clause was not read, naming every such clause. */
export function requireClauses(cursor: LineCursor, what: string, clauses: [value: unknown, clause: string][]): void {
  const absent = clauses.filter(([value]) => value === undefined).map(([, clause]) => `'${clause}'`);
  if (absent.length === 0) return;
  const list = absent.length === 1 ? absent[0] : `${absent.slice(0, -1).join(', ')} and ${absent[absent.length - 1]}`;
  fail(cursor.last(), `${what} needs ${list}`);
}
