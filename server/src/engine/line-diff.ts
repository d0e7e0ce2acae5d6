// Line differences between two texts (Myers' O(ND) algorithm): as the text edits that turn one
// into the other, line by line, and as a unified diff. Repairs change a few lines of a file, so
// the cost follows the number of changed lines, not the size of the file.
import type { TextEdit } from '../diagnostics/diagnostic';

/** A run of lines: kept in both texts, or removed from the old one and added from the new one. */
export type DiffOp = { kind: 'same'; lines: string[] } | { kind: 'change'; removed: string[]; added: string[] };

/** The lines of a text, each with its line break (the last may have none). */
export function splitLines(text: string): string[] {
  const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  return lines;
}

/** The edit script from `a` to `b`, as runs of kept and changed lines. */
export function diffLines(a: readonly string[], b: readonly string[]): DiffOp[] {
  // Common head and tail first: the middle is all the search has to look at.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  const middle = myers(x, y);
  const ops: DiffOp[] = [];
  const push = (op: DiffOp) => {
    const last = ops[ops.length - 1];
    if (last && last.kind === 'same' && op.kind === 'same') last.lines.push(...op.lines);
    else if (last && last.kind === 'change' && op.kind === 'change') {
      last.removed.push(...op.removed);
      last.added.push(...op.added);
    } else ops.push(op);
  };
  if (head > 0) push({ kind: 'same', lines: a.slice(0, head) });
  for (const op of middle) push(op);
  if (tail > 0) push({ kind: 'same', lines: a.slice(a.length - tail) });
  return ops;
}

/** Myers' greedy shortest edit script, kept as the furthest points per diagonal of each round. */
function myers(a: readonly string[], b: readonly string[]): DiffOp[] {
  const n = a.length;
  const m = b.length;
  if (n === 0 && m === 0) return [];
  if (n === 0 || m === 0) return [{ kind: 'change', removed: [...a], added: [...b] }];
  const max = n + m;
  const offset = max;
  let v = new Int32Array(2 * max + 2);
  const rounds: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    rounds.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
    if (found >= 0) rounds.push(v.slice());
  }
  // Walk back from the end, one edit per round.
  const ops: DiffOp[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const prev = rounds[d];
    const k = x - y;
    const down = k === -d || (k !== d && prev[offset + k - 1] < prev[offset + k + 1]);
    const prevK = down ? k + 1 : k - 1;
    const prevX = prev[offset + prevK];
    const prevY = prevX - prevK;
    const startX = down ? prevX : prevX + 1;
    if (x > startX) ops.push({ kind: 'same', lines: a.slice(startX, x) as string[] });
    ops.push(down ? { kind: 'change', removed: [], added: [b[prevY]] } : { kind: 'change', removed: [a[prevX]], added: [] });
    x = prevX;
    y = prevY;
  }
  if (x > 0) ops.push({ kind: 'same', lines: a.slice(0, x) as string[] });
  ops.reverse();
  // Adjacent single-line edits into runs.
  const merged: DiffOp[] = [];
  for (const op of ops) {
    const last = merged[merged.length - 1];
    if (last && last.kind === 'change' && op.kind === 'change') {
      last.removed.push(...op.removed);
      last.added.push(...op.added);
    } else merged.push(op.kind === 'same' ? { kind: 'same', lines: [...op.lines] } : { kind: 'change', removed: [...op.removed], added: [...op.added] });
  }
  return merged;
}

/** The edits, on whole lines of `oldText`, that turn it into `newText`. */
export function lineEdits(oldText: string, newText: string): TextEdit[] {
  const ops = diffLines(splitLines(oldText), splitLines(newText));
  const edits: TextEdit[] = [];
  let line = 0;
  for (const op of ops) {
    if (op.kind === 'same') {
      line += op.lines.length;
      continue;
    }
    const start = { line, character: 0 };
    const endLine = line + op.removed.length;
    // A last line without a line break ends where its text ends.
    const lastRemoved = op.removed[op.removed.length - 1];
    const end = lastRemoved !== undefined && !lastRemoved.endsWith('\n')
      ? { line: endLine - 1, character: lastRemoved.length }
      : { line: endLine, character: 0 };
    edits.push({ range: { start, end }, newText: op.added.join('') });
    line = endLine;
  }
  return edits;
}

/** A unified diff of two versions of one file, with `context` lines around each change; '' when they are equal. */
export function unifiedDiff(oldText: string, newText: string, oldName: string, newName: string, context = 3): string {
  const ops = diffLines(splitLines(oldText), splitLines(newText));
  if (!ops.some((op) => op.kind === 'change')) return '';
  // Every line, tagged, with its position in each text.
  type Row = { tag: ' ' | '-' | '+'; text: string };
  const rows: Row[] = [];
  for (const op of ops) {
    if (op.kind === 'same') for (const text of op.lines) rows.push({ tag: ' ', text });
    else {
      for (const text of op.removed) rows.push({ tag: '-', text });
      for (const text of op.added) rows.push({ tag: '+', text });
    }
  }
  const out = [`--- ${oldName}`, `+++ ${newName}`];
  let i = 0;
  let oldLine = 1;
  let newLine = 1;
  const advance = (row: Row) => {
    if (row.tag !== '+') oldLine++;
    if (row.tag !== '-') newLine++;
  };
  while (i < rows.length) {
    // The next change, and the hunk from `context` lines before it to `context` lines after the
    // last change within reach.
    let first = i;
    while (first < rows.length && rows[first].tag === ' ') first++;
    if (first === rows.length) break;
    const start = Math.max(i, first - context);
    for (let j = i; j < start; j++) advance(rows[j]);
    let end = first;
    let last = first;
    while (end < rows.length) {
      if (rows[end].tag !== ' ') last = end;
      else if (end - last > 2 * context) break;
      end++;
    }
    const stop = Math.min(rows.length, last + context + 1);
    const hunk = rows.slice(start, stop);
    const oldCount = hunk.filter((row) => row.tag !== '+').length;
    const newCount = hunk.filter((row) => row.tag !== '-').length;
    const range = (line: number, count: number) => `${count === 0 ? line - 1 : line}${count === 1 ? '' : `,${count}`}`;
    out.push(`@@ -${range(oldLine, oldCount)} +${range(newLine, newCount)} @@`);
    for (const row of hunk) {
      out.push(`${row.tag}${row.text.replace(/\n$/, '')}`);
      if (!row.text.endsWith('\n')) out.push('\\ No newline at end of file');
      advance(row);
    }
    i = stop;
  }
  return out.join('\n');
}
