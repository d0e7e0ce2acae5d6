import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../server/src/engine/analyze';
import { formatConnection } from '../server/src/engine/evaluate';
import { readExpectations } from './fixture-format';

const FIXTURES = join(__dirname, '..', '..', 'test', 'fixtures');

function fixtureFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? fixtureFiles(path) : entry.name.endsWith('.vpcrules') ? [path] : [];
  });
}

describe('fixtures (input and expected output side by side)', () => {
  for (const path of fixtureFiles(FIXTURES)) {
    const name = path.slice(FIXTURES.length + 1);
    it(name, () => {
      const text = readFileSync(path, 'utf8');
      const expected = readExpectations(text);
      const analysis = analyze(text);
      const actual = analysis.diagnostics.map((d) => ({
        line: d.range.start.line, character: d.range.start.character,
        length: d.range.start.line === d.range.end.line ? d.range.end.character - d.range.start.character : undefined,
        severity: d.severity, code: d.code, message: d.message,
      }));
      const unmatched = [...actual];
      for (const want of expected.diagnostics) {
        const index = unmatched.findIndex((got) =>
          got.line === want.line && got.character === want.character && got.severity === want.severity && got.code === want.code &&
          (want.length === undefined || got.length === want.length) &&
          (want.message === undefined || got.message.includes(want.message)));
        const here = actual.filter((got) => got.line === want.line).map((got) => `${got.character}+${got.length} ${got.severity} ${got.code}: ${got.message}`);
        assert.ok(index >= 0, `${name}:${want.annotationLine + 1}: expected ${want.severity} ${want.code} at ${want.line + 1}:${want.character + 1}${want.message ? ` containing '${want.message}'` : ''}; on that line: ${here.join(' | ') || 'nothing'}`);
        unmatched.splice(index, 1);
      }
      assert.deepEqual(unmatched.map((got) => `${got.line + 1}:${got.character + 1} ${got.severity} ${got.code}: ${got.message}`), [], `${name}: unexpected diagnostics`);
      for (const want of expected.verdicts) {
        const result = analysis.flows.find((flow) => flow.flow.decl.range.start.line === want.line);
        assert.ok(result, `${name}:${want.annotationLine + 1}: no evaluated flow on line ${want.line + 1}`);
        assert.equal(result.verdict, want.verdict, `${name}: verdict of flow '${result.flow.name}'`);
        if (want.witness !== undefined) {
          assert.ok(result.witness, `${name}: flow '${result.flow.name}' has no witness`);
          assert.equal(formatConnection(result.witness), want.witness, `${name}: witness of flow '${result.flow.name}'`);
        }
        if (want.split !== undefined) assert.ok(result.split?.includes(want.split), `${name}: split of '${result.flow.name}' is '${result.split}', expected it to contain '${want.split}'`);
      }
    });
  }
});
