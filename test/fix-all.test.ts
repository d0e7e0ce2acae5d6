// Every fix the engine offers can be applied together with all the others, as an editor's "fix
// all" would: on every example and fixture, applying every fix at once leaves no duplicate rule
// number, none of the missing rules (VR405, VR407) that had a fix, and no rule shadowed that was not.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Fix, TextEdit } from '../server/src/diagnostics/diagnostic';
import { analyze, Analysis } from '../server/src/engine/analyze';
import { applyEdits } from './apply-edits';
import { modelFiles, REPOSITORY_ROOT } from './model-files';

function offset(text: string, position: { line: number; character: number }): number {
  const lines = text.split('\n');
  return lines.slice(0, position.line).reduce((sum, line) => sum + line.length + 1, 0) + position.character;
}

/** The edits of every fix, each fix once (diagnostics that need the same fix share it). */
function allFixEdits(analysis: Analysis): TextEdit[] {
  const fixes = new Set<Fix>(analysis.diagnostics.flatMap((diagnostic) => diagnostic.fixes));
  return [...fixes].flatMap((fix) => fix.edits);
}

function assertNoOverlap(text: string, edits: TextEdit[], file: string): void {
  const spans = edits.map((edit) => [offset(text, edit.range.start), offset(text, edit.range.end)]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  for (let i = 1; i < spans.length; i++) assert.ok(spans[i][0] >= spans[i - 1][1], `${file}: two fixes edit the same text`);
}

function codes(analysis: Analysis, code: string): number {
  return analysis.diagnostics.filter((d) => d.code === code).length;
}

describe('all fixes applied together', () => {
  for (const file of modelFiles('examples', 'test/fixtures')) {
    const text = readFileSync(join(REPOSITORY_ROOT, file), 'utf8');
    const before = analyze(text);
    const edits = allFixEdits(before);
    if (!before.diagnostics.some((d) => ['VR405', 'VR407', 'VR202'].includes(d.code))) continue;
    it(file, () => {
      assertNoOverlap(text, edits, file);
      const after = analyze(applyEdits(text, edits));
      assert.equal(codes(after, 'VR202'), 0, 'duplicate rule numbers');
      for (const [code, what] of [['VR405', 'missing return rules'], ['VR407', 'NAT gateway traffic dropped']]) {
        const unfixable = before.diagnostics.filter((d) => d.code === code && d.fixes.length === 0).length;
        assert.equal(codes(after, code), unfixable, `${what} left`);
      }
      assert.ok(codes(after, 'VR401') <= codes(before, 'VR401'), 'an added rule is shadowed');
    });
  }
});
