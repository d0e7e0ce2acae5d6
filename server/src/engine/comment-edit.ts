// An edit that stays inside one comment changes nothing but that comment: a comment runs to the end
// of its line, so the tokens, their ranges and the text between them are all as they were. The
// previous analysis then holds with the comment's new text.
import type { Comment, Range } from '../syntax/ast';
import type { Analysis } from './analyze';

/** Characters that end a line, or that an editor might count as ending one. */
const LINE_BREAKS = /[\r\n\u2028\u2029\u0085]/;

interface ChangedRegion {
  start: number;
  /** End of the replaced text in the old text. */
  endBefore: number;
  /** End of the replacement in the new text. */
  endAfter: number;
}

/** Texts are compared a chunk at a time first: string equality is far faster than a loop over characters. */
const CHUNK = 4096;

function changedRegion(before: string, after: string): ChangedRegion {
  const shorter = Math.min(before.length, after.length);
  let start = 0;
  while (start + CHUNK <= shorter && before.slice(start, start + CHUNK) === after.slice(start, start + CHUNK)) start += CHUNK;
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore - CHUNK >= start && endAfter - CHUNK >= start && before.slice(endBefore - CHUNK, endBefore) === after.slice(endAfter - CHUNK, endAfter)) {
    endBefore -= CHUNK;
    endAfter -= CHUNK;
  }
  while (endBefore > start && endAfter > start && before.charCodeAt(endBefore - 1) === after.charCodeAt(endAfter - 1)) {
    endBefore--;
    endAfter--;
  }
  return { start, endBefore, endAfter };
}

/** The line and character of an offset, counting line breaks as the lexer does (\r\n, \r, \n). */
function positionOf(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    const code = text.charCodeAt(i);
    if (code === 13 && text.charCodeAt(i + 1) === 10) i++;
    if (code === 10 || code === 13) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: offset - lineStart };
}

/** Rule texts are cut from their lines; one that spans lines would take in the comment's text. */
function hasMultiLineRuleOn(previous: Analysis, line: number): boolean {
  const spansFrom = (range: Range) => range.start.line === line && range.end.line !== line;
  for (const group of previous.model.groups.values()) if (group.rules.some((rule) => rule.decl && spansFrom(rule.decl.range))) return true;
  for (const acl of previous.model.acls.values()) if ([...acl.inbound, ...acl.outbound].some((rule) => rule.decl && spansFrom(rule.decl.range))) return true;
  return false;
}

/** The analysis of `text` when it differs from the previous one's only inside one comment. */
export function afterCommentEdit(previous: Analysis, text: string): Analysis | undefined {
  const { start, endBefore, endAfter } = changedRegion(previous.text, text);
  if (start === endBefore && start === endAfter) return undefined;
  if (LINE_BREAKS.test(previous.text.slice(start, endBefore)) || LINE_BREAKS.test(text.slice(start, endAfter))) return undefined;
  const at = positionOf(previous.text, start);
  const index = previous.file.comments.findIndex((comment) => comment.range.start.line === at.line && comment.range.start.character < at.character);
  if (index < 0 || hasMultiLineRuleOn(previous, at.line)) return undefined;
  const old = previous.file.comments[index];
  const commentStart = start - (at.character - old.range.start.character);
  const length = old.text.length + endAfter - endBefore;
  const comment: Comment = {
    text: text.slice(commentStart, commentStart + length),
    range: { start: old.range.start, end: { line: old.range.end.line, character: old.range.start.character + length } },
  };
  const comments = [...previous.file.comments];
  comments[index] = comment;
  // The line's text changes with its comment; what else the parse saw of its lines holds.
  const texts = [...previous.file.lines.texts];
  const line = texts[at.line];
  texts[at.line] = line.slice(0, at.character) + text.slice(start, endAfter) + line.slice(at.character + endBefore - start);
  return { ...previous, text, file: { ...previous.file, comments, lines: { ...previous.file.lines, texts } } };
}
