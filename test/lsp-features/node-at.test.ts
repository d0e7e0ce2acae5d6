// What lies under the cursor is found by a binary search over the declarations and an index of the
// references by line: it must be what a walk over every declaration and reference finds, at every
// position of every example and fixture.
import * as assert from 'node:assert/strict';
import { analyze } from '../../server/src/engine/analyze';
import type { Reference } from '../../server/src/engine/model';
import { contains, targetAt } from '../../server/src/lsp/node-at';
import type { Position, SourceFile } from '../../server/src/syntax/ast';
import { modelTexts } from '../model-files';

/** The same search as a walk over everything, as it was first written. */
function targetByWalk(file: SourceFile, references: Reference[], position: Position) {
  const declaration = file.declarations.find((decl) => contains(decl.range, position));
  if (!declaration) return undefined;
  const reference = references.find((ref) => contains(ref.range, position));
  return { declaration, reference };
}

describe('the target under the cursor', () => {
  it('is in the declaration and on the reference a walk over all of them finds, everywhere', () => {
    let positions = 0;
    for (const text of modelTexts('examples', 'test/fixtures')) {
      const { file, model } = analyze(text);
      file.lines.texts.forEach((line, lineIndex) => {
        for (let character = 0; character <= line.length + 1; character++) {
          const position = { line: lineIndex, character };
          const target = targetAt(file, model.references, position);
          const walked = targetByWalk(file, model.references, position);
          positions++;
          if (!walked) {
            assert.equal(target, undefined, `line ${lineIndex + 1}:${character}`);
            continue;
          }
          assert.ok(target, `line ${lineIndex + 1}:${character}`);
          const declaration = target.kind === 'cidr' || target.kind === 'declaration' ? target.declaration
            : target.kind === 'sg-rule' ? target.group : target.kind === 'nacl-rule' ? target.acl : target.kind === 'flow' ? target.flow : undefined;
          if (declaration) assert.equal(declaration, walked.declaration, `line ${lineIndex + 1}:${character}`);
          if (target.kind === 'reference') assert.equal(target.reference, walked.reference, `line ${lineIndex + 1}:${character}`);
          else if (target.kind !== 'cidr' && target.kind !== 'ports') assert.equal(walked.reference, undefined, `line ${lineIndex + 1}:${character}`);
        }
      });
    }
    assert.ok(positions > 10_000);
  });
});
