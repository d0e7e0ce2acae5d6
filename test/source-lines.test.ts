// The per-line facts the parser keeps (SourceFile.lines) must say of every line what the
// formatter's own line tracking (format.ts lineLayout, which lexes and parses the whole text) says,
// whether the parse reused lines of an earlier one or not.
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import {
  LINE_CLOSES_BLOCK, LINE_HAS_COMMENT, LINE_HAS_TOKENS, LINE_IN_FIREWALL_BLOCK, LINE_IN_NETWORK_ACL, LINE_IN_ROUTE_TABLE,
  LINE_IN_SECURITY_GROUP, SourceLines,
} from '../server/src/syntax/ast';
import { lineLayout } from '../server/src/syntax/format';
import { textLines } from '../server/src/syntax/lexer';
import { LineCache, parse } from '../server/src/syntax/parser';
import { modelTexts } from './model-files';

const SEED = 20261201;

function describeLines(lines: SourceLines): string[] {
  return lines.texts.map((text, i) => {
    const flags = lines.flags[i];
    const block = flags & LINE_IN_SECURITY_GROUP ? 'security-group' : flags & LINE_IN_NETWORK_ACL ? 'network-acl'
      : flags & LINE_IN_ROUTE_TABLE ? 'route-table' : flags & LINE_IN_FIREWALL_BLOCK ? firewallBlock(lines, i) : '-';
    return [
      i, JSON.stringify(text), flags & LINE_HAS_TOKENS ? 'tokens' : '-', flags & LINE_HAS_COMMENT ? 'comment' : '-',
      `in ${block}`, `of ${lines.blocks[i]}`, flags & LINE_CLOSES_BLOCK ? 'closes' : '-',
    ].join(' ');
  });
}

/**
 * The firewall block open where a line starts (one flag for three kinds of block): the block the
 * line before is part of, named by the first word of its header.
 */
function firewallBlock(lines: SourceLines, line: number): string {
  const header = lines.blocks[line - 1];
  return `firewall ${header === undefined || header < 0 ? '?' : lines.texts[header].trim().split(/[\s{]/)[0]}`;
}

/** The same facts, from the formatter's line layout. */
function expectedLines(text: string): string[] {
  const texts = textLines(text);
  return lineLayout(text).map((line, i) => {
    // The layout gives a declaration that ends an unclosed block the line of that block; it is not part of it.
    const partOf = line.topLevel && !line.opensBlock ? -1 : line.blockLine ?? -1;
    return [
      i, JSON.stringify(texts[i]), line.tokens.length > 0 ? 'tokens' : '-', line.comment ? 'comment' : '-',
      `in ${FIREWALL_BLOCKS.includes(line.blockBefore ?? '') ? `firewall ${line.blockBefore}` : line.blockBefore ?? '-'}`, `of ${partOf}`,
      line.closesBlock ? 'closes' : '-',
    ].join(' ');
  });
}

const FIREWALL_BLOCKS = ['firewall-policy', 'stateless-rule-group', 'stateful-rule-group'];

function assertLinesOf(text: string, lines: SourceLines): void {
  assert.deepEqual(describeLines(lines), expectedLines(text));
}

describe('per-line facts of the parse', () => {
  it('say of every line of every example and fixture what the formatter sees', () => {
    for (const text of modelTexts('examples', 'test/fixtures')) assertLinesOf(text, parse(text).file.lines);
  });

  it('follow blocks opened and closed on one line, unclosed, implicitly ended, and stray braces', () => {
    const text = [
      'security-group a { inbound tcp 80 from 10.0.0.0/8 }',
      'security-group b {',
      '  inbound tcp 22 from 10.0.0.0/8 # ssh',
      '',
      '  bogus line',
      'instance x subnet s ip 10.0.0.10 groups b',
      '}',
      'network-acl n',
      '  inbound 100 allow all from 0.0.0.0/0',
      'network-acl m {',
      '  # only a comment',
      '  outbound 100 allow all to 0.0.0.0/0 }',
      '\ttrailing',
      'route-table r { route 0.0.0.0/0 -> igw g }',
      'route-table q {',
      '  route 10.1.0.0/16 -> pcx peer',
      'internet-gateway g',
    ].join('\r\n');
    const { lines } = parse(text).file;
    assertLinesOf(text, lines);
    assert.deepEqual([...lines.blocks], [0, 1, 1, 1, 1, -1, -1, 7, 7, 9, 9, 9, -1, 13, 14, 14, -1]);
  });

  it("follow the firewall blocks, with a '}' or a '#' inside a Suricata rule's options", () => {
    const text = [
      'firewall-policy p { stateless-default drop }',
      'stateless-rule-group s {',
      '  rule 10 pass all from any to any # a comment',
      '}',
      'stateful-rule-group g {',
      '  pass tcp any any -> any any (msg:"} # not the end"; sid:1;)',
      '  drop tcp any any -> any any (sid:2;) }',
      'stateful-rule-group h {',
      '  alert http any any -> any any (sid:3;) # a comment',
      'firewall fw subnet a policy p',
      'firewall-policy q {',
      '',
    ].join('\n');
    const { lines } = parse(text).file;
    assertLinesOf(text, lines);
    assert.deepEqual([...lines.blocks], [0, 1, 1, 1, 4, 4, 4, 7, 7, -1, 10, 10]);
    const has = (line: number, flag: number) => (lines.flags[line] & flag) !== 0;
    assert.deepEqual([1, 2, 3, 5, 6, 8, 11].map((line) => has(line, LINE_IN_FIREWALL_BLOCK)), [false, true, true, true, true, true, true]);
    assert.deepEqual([0, 4, 7, 9, 10].map((line) => has(line, LINE_IN_FIREWALL_BLOCK)), [false, false, false, true, false]);
    assert.deepEqual([2, 5, 8].map((line) => has(line, LINE_HAS_COMMENT)), [true, false, true]);
    assert.deepEqual([0, 3, 5, 6].map((line) => has(line, LINE_CLOSES_BLOCK)), [true, true, false, true]);
  });

  it('are those of an uncached parse after random line edits', () => {
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
          assertLinesOf(text, parse(text, cache).file.lines);
        }
      }),
      { seed: SEED, numRuns: 150 },
    );
  });
});
