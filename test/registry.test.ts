import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_CHECKS } from '../server/src/diagnostics/codes';

const ROOT = join(__dirname, '..', '..');

describe('check registry', () => {
  it('gives every check a unique code and name', () => {
    assert.equal(new Set(ALL_CHECKS.map((check) => check.code)).size, ALL_CHECKS.length);
    assert.equal(new Set(ALL_CHECKS.map((check) => check.name)).size, ALL_CHECKS.length);
  });

  it('documents every check in docs/diagnostics.md with its severity and an example', () => {
    const docs = readFileSync(join(ROOT, 'docs', 'diagnostics.md'), 'utf8');
    for (const check of ALL_CHECKS) {
      const heading = `## ${check.code} ${check.name}`;
      const start = docs.indexOf(heading);
      assert.ok(start >= 0, `docs/diagnostics.md lacks '${heading}'`);
      const next = docs.indexOf('\n## ', start + 1);
      const section = docs.slice(start, next < 0 ? undefined : next);
      assert.ok(section.toLowerCase().includes(check.severity), `${check.code}: severity '${check.severity}' not stated`);
      assert.ok(section.includes('```'), `${check.code}: no example`);
    }
  });
});
