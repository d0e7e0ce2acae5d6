// Where the lines of a document's previous text are in its new text. An edit replaces one stretch
// of lines: the lines before it keep their number, those after it move by the difference in
// length, and the lines of the stretch are gone. Results computed from the previous text are kept
// under keys that hold no position (engine/fingerprints.ts); the positions they carry are moved
// here, and a result with a position on a line that is gone is computed again.
import type { Diagnostic } from '../diagnostics/diagnostic';
import type { Position, Range } from '../syntax/ast';

/** How words name a line of the document ("line 12"); given the 0-based line. */
export type LineLabel = (line: number) => string;

export const lineLabel: LineLabel = (line) => `line ${line + 1}`;

// A template's words name lines by token (private-use characters around the 0-based line), so that
// moving lines rewrites them; a template is rendered before anyone sees it.
const TOKEN = /\uE000(\d+)\uE001/g;
const TOKEN_START = '\uE000';

function countTokenStarts(text: string): number {
  let count = 0;
  for (let at = text.indexOf(TOKEN_START); at >= 0; at = text.indexOf(TOKEN_START, at + 1)) count++;
  return count;
}

/**
 * A diagnostic as a template: `make` writes lines with the label it is given. Undefined when the
 * words hold a token that the label did not write (text of the document itself): no template then.
 */
export function diagnosticTemplate(make: (label: LineLabel) => Diagnostic): Diagnostic | undefined {
  let labels = 0;
  const made = make((line) => {
    labels++;
    return `${TOKEN_START}${line}\uE001`;
  });
  const tokens = countTokenStarts(made.message) + made.related.reduce((sum, info) => sum + countTokenStarts(info.message), 0);
  return tokens === labels ? made : undefined;
}

const renderText = (text: string) => (text.includes(TOKEN_START) ? text.replace(TOKEN, (_, line: string) => lineLabel(Number(line))) : text);

/** The diagnostic a template stands for. */
export function renderTemplate(template: Diagnostic): Diagnostic {
  return { ...template, message: renderText(template.message), related: template.related.map((info) => ({ ...info, message: renderText(info.message) })) };
}

export class LineMap {
  /**
   * @param kept lines before the edited stretch, the same in both texts
   * @param oldTail the first line after it in the previous text
   * @param shift how far the lines after it move
   */
  private constructor(
    private readonly kept: number,
    private readonly oldTail: number,
    private readonly shift: number,
  ) {}

  static identity(): LineMap {
    return new LineMap(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 0);
  }

  /** A map that places no line: every kept result is computed again (unless nothing moved). */
  static nothing(): LineMap {
    return new LineMap(0, Number.MAX_SAFE_INTEGER, 0);
  }

  /** The map from `before` to `after`: the longest common first and last lines. */
  static between(before: readonly string[], after: readonly string[]): LineMap {
    const shortest = Math.min(before.length, after.length);
    let head = 0;
    while (head < shortest && before[head] === after[head]) head++;
    let tail = 0;
    while (tail < shortest - head && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
    return new LineMap(head, before.length - tail, after.length - before.length);
  }

  /** True when every line keeps its number. */
  get isIdentity(): boolean {
    return this.shift === 0 && this.kept >= this.oldTail;
  }

  /** The line's number in the new text, or undefined when the edit replaced it. */
  line(old: number): number | undefined {
    if (old < this.kept) return old;
    if (old >= this.oldTail) return old + this.shift;
    return undefined;
  }

  /**
   * A position in the new text. A position at the start of a line may stand for the end of the line
   * before (where an edit inserts after it) or the start of its own: it moves only when both readings
   * agree.
   */
  position(old: Position): Position | undefined {
    const line = this.line(old.line);
    if (line === undefined) return undefined;
    if (old.character === 0 && old.line > 0 && this.line(old.line - 1) !== line - 1) return undefined;
    return line === old.line ? old : { line, character: old.character };
  }

  range(old: Range): Range | undefined {
    const start = this.position(old.start);
    const end = start && this.position(old.end);
    if (!start || !end) return undefined;
    return start === old.start && end === old.end ? old : { start, end };
  }

  /** A template (`diagnosticTemplate`) with its positions and the lines its words name in the new text, or undefined when one is on an edited line. */
  template(old: Diagnostic): Diagnostic | undefined {
    const [moved] = this.diagnostics([old]) ?? [];
    if (!moved || moved === old) return moved;
    let lost = false;
    const words = (text: string) => text.includes(TOKEN_START)
      ? text.replace(TOKEN, (_, line: string) => {
        const now = this.line(Number(line));
        if (now === undefined) lost = true;
        return `${TOKEN_START}${now}\uE001`;
      })
      : text;
    const template = { ...moved, message: words(moved.message), related: moved.related.map((info) => ({ ...info, message: words(info.message) })) };
    return lost ? undefined : template;
  }

  /** The diagnostics at their places in the new text, or undefined when one of them is on an edited line. */
  diagnostics(old: readonly Diagnostic[]): Diagnostic[] | undefined {
    if (this.isIdentity) return old as Diagnostic[];
    const moved: Diagnostic[] = [];
    for (const diagnostic of old) {
      const range = this.range(diagnostic.range);
      if (!range) return undefined;
      const related = [];
      for (const info of diagnostic.related) {
        const at = this.range(info.range);
        if (!at) return undefined;
        related.push(at === info.range ? info : { ...info, range: at });
      }
      const fixes = [];
      for (const fix of diagnostic.fixes) {
        const edits = [];
        for (const edit of fix.edits) {
          const at = this.range(edit.range);
          if (!at) return undefined;
          edits.push(at === edit.range ? edit : { ...edit, range: at });
        }
        fixes.push({ ...fix, edits });
      }
      moved.push({ ...diagnostic, range, related, fixes });
    }
    return moved;
  }
}
