// The parser reuses the nodes of unchanged lines from the previous parse of a document: the tree and
// the diagnostics must be exactly those of a parse without that memory, whatever the edit.
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { LineCache, parse } from '../server/src/syntax/parser';
import { modelTexts } from './model-files';

const SEED = 20251125;

/** Parses `before` then `after` with one cache; `after` must parse as it does alone. */
function assertSameAsUncached(before: string, after: string): void {
  const cache = new LineCache();
  parse(before, cache);
  assert.deepStrictEqual(parse(after, cache), parse(after));
}

const GROUP = [
  '# web tier',
  'security-group web {',
  '  inbound tcp 443 from 10.0.0.0/16 # clients',
  '  inbound 100 allow tcp 80 from 10.0.0.0/16',
  '}',
  'flow f web-1 -> internet tcp 443 expect allow',
].join('\n');

describe('parser line cache', () => {
  it('parses the same rule text again when the block around it changes kind', () => {
    assertSameAsUncached(GROUP, GROUP.replace('security-group web', 'network-acl web'));
    assertSameAsUncached(GROUP.replace('security-group web', 'network-acl web'), GROUP);
  });

  it('parses the same lines again when the block around them becomes a route table, and back', () => {
    const table = GROUP.replace('security-group web {', 'route-table web {\n  route 0.0.0.0/0 -> igw igw');
    assertSameAsUncached(GROUP, table);
    assertSameAsUncached(table, GROUP);
    assertSameAsUncached(table, table.replace('route-table web {', 'route-table web main {'));
  });

  it('parses rules as top-level lines when their block header goes, and back', () => {
    const headless = GROUP.replace('security-group web {\n', '');
    assertSameAsUncached(GROUP, headless);
    assertSameAsUncached(headless, GROUP);
    assertSameAsUncached(GROUP, GROUP.replace('\n}', ''));
  });

  it('keeps positions exact when lines move', () => {
    assertSameAsUncached(GROUP, `\n${GROUP}`);
    assertSameAsUncached(GROUP, GROUP.replace(/\n/g, '\r\n'));
    assertSameAsUncached(GROUP, GROUP.replace('\n', '\r'));
  });

  it('keeps at most 1000 syntax diagnostics, in order, when the bad lines are reused', () => {
    const bad = Array.from({ length: 1200 }, (_, i) => `bogus ${i}`).join('\n');
    assertSameAsUncached(bad, `bogus\n${bad}`);
    assertSameAsUncached(bad, bad.replace('bogus 5', 'vpc main 10.0.0.0/16'));
  });

  it('answers as an uncached parse after random line edits of every example and fixture', () => {
    const texts = modelTexts('examples', 'test/fixtures');
    const edit = fc.record({ kind: fc.nat(3), a: fc.nat(), b: fc.nat() });
    fc.assert(
      fc.property(fc.nat(texts.length - 1), fc.array(edit, { minLength: 1, maxLength: 6 }), (which, edits) => {
        const cache = new LineCache();
        let text = texts[which];
        parse(text, cache);
        for (const { kind, a, b } of edits) {
          const lines = text.split('\n');
          const at = a % lines.length;
          if (kind === 0) lines.splice(at, 1);
          else if (kind === 1) lines.splice(at, 0, lines[b % lines.length]);
          else if (kind === 2) lines[at] = lines[at].slice(0, b % (lines[at].length + 1));
          else lines[at] = `${lines[at]}${' }{#7'[b % 5]}`;
          text = lines.join('\n');
          assert.deepStrictEqual(parse(text, cache), parse(text));
        }
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});

