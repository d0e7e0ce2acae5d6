// The options of a Suricata rule, `(key:value; key; ...)`, split as Suricata reads them: an option
// ends at the first `;` outside a quoted value, a backslash takes the next character with it, and
// `#` is text. The parser reads the options from this split, and the formatter rewrites their
// spacing from it.

/** One option as written: offsets are into the text of the options token, parentheses included. */
export interface RawOption {
  /** The option's name, trimmed (empty when the option has none). */
  key: string;
  keyStart: number;
  keyEnd: number;
  /** The value after the first `:`, trimmed, quotes kept; undefined without a `:`. */
  value?: string;
  valueStart: number;
  valueEnd: number;
  /** The option ends with its `;`. */
  terminated: boolean;
}

const BACKSLASH = 92;
const QUOTE = 34;
const COLON = 58;
const SEMICOLON = 59;

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 12 || code === 11 || code === 0xa0 || code === 0xfeff;
}

/** Where the first of `stops` outside a quoted value lies at or after `at`, or `end`. */
function scanTo(text: string, at: number, end: number, stopAtColon: boolean): number {
  let quoted = false;
  while (at < end) {
    const code = text.charCodeAt(at);
    if (code === BACKSLASH) {
      at += 2;
      continue;
    }
    if (code === QUOTE) quoted = !quoted;
    else if (!quoted && (code === SEMICOLON || (stopAtColon && code === COLON))) return at;
    at++;
  }
  return end;
}

/** The part of `text` from `start` to `end` without the spaces at either end, as offsets. */
function trimmed(text: string, start: number, end: number): [number, number] {
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  return [start, end];
}

/** The options of an options token's text, `(` to `)`. */
export function splitOptions(text: string): RawOption[] {
  const options: RawOption[] = [];
  const end = Math.max(1, text.length - 1);
  let at = 1;
  for (;;) {
    while (at < end && isSpace(text.charCodeAt(at))) at++;
    if (at >= end) return options;
    const keyStop = scanTo(text, at, end, true);
    const [keyStart, keyEnd] = trimmed(text, at, keyStop);
    const option: RawOption = { key: text.slice(keyStart, keyEnd), keyStart, keyEnd, valueStart: keyEnd, valueEnd: keyEnd, terminated: false };
    at = keyStop;
    if (text.charCodeAt(at) === COLON && at < end) {
      const valueStop = scanTo(text, at + 1, end, false);
      [option.valueStart, option.valueEnd] = trimmed(text, at + 1, valueStop);
      option.value = text.slice(option.valueStart, option.valueEnd);
      at = valueStop;
    }
    if (at < end && text.charCodeAt(at) === SEMICOLON) {
      option.terminated = true;
      at++;
    }
    options.push(option);
  }
}

const QUOTED = /^"((?:[^"\\]|\\.)*)"$/s;

/** A value's meaning: a quoted value without its quotes and with its escapes (`\"`, `\\`, `\;`...) read. */
export function optionValue(raw: string): string {
  const quoted = QUOTED.exec(raw);
  return quoted ? quoted[1].replace(/\\(.)/gs, '$1') : raw;
}

/**
 * A value with every run of spaces outside its quoted parts made one space. A quoted part, and a
 * character after a backslash, stays as written.
 */
export function normalizeValueSpaces(raw: string): string {
  let out = '';
  let quoted = false;
  let space = false;
  for (let at = 0; at < raw.length; at++) {
    const code = raw.charCodeAt(at);
    if (!quoted && isSpace(code)) {
      space = true;
      continue;
    }
    if (space) out += ' ';
    space = false;
    if (code === BACKSLASH) {
      out += raw.slice(at, at + 2);
      at++;
      continue;
    }
    if (code === QUOTE) quoted = !quoted;
    out += raw[at];
  }
  return out;
}

/** The options written canonically: `(key:value; key;)`, with no space inside the parentheses. */
export function formatOptions(text: string): string {
  const options = splitOptions(text).map((option) =>
    option.value === undefined ? `${option.key};` : `${option.key}:${normalizeValueSpaces(option.value)};`);
  return `(${options.join(' ')})`;
}
