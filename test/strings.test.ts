// Strings: `\"` and `\\` are escapes, any other backslash stays, and `#` inside a string is text.
import * as assert from 'node:assert/strict';
import { lex, stringValue } from '../server/src/syntax/lexer';
import { parse } from '../server/src/syntax/parser';
import type { SecurityGroupDecl } from '../server/src/syntax/ast';

function descriptions(text: string): (string | undefined)[] {
  const group = parse(text).file.declarations.find((decl): decl is SecurityGroupDecl => decl.kind === 'security-group');
  return group!.rules.map((rule) => rule.description?.text);
}

describe('strings', () => {
  it('reads a string with escaped quotes and a # as one token, with no comment', () => {
    const { tokens, comments } = lex('"say \\"hi\\" # here" # a comment');
    assert.deepEqual(tokens.filter((token) => token.kind !== 'eof').map((token) => [token.kind, token.text]), [['string', '"say \\"hi\\" # here"']]);
    assert.deepEqual(comments.map((comment) => comment.text), ['# a comment']);
  });

  it('gives the value with the escapes read', () => {
    assert.equal(stringValue('"say \\"hi\\""'), 'say "hi"');
    assert.equal(stringValue('"a \\\\ b"'), 'a \\ b');
    assert.equal(stringValue('"C:\\keys"'), 'C:\\keys');
    assert.equal(stringValue('"\\\\\\""'), '\\"');
  });

  it("keeps a rule's description as its value", () => {
    const text = 'security-group g {\n  inbound tcp 443 from 0.0.0.0/0 "public \\"HTTPS\\" # storefront"\n  inbound tcp 80 from 0.0.0.0/0\n}\n';
    assert.deepEqual(descriptions(text), ['public "HTTPS" # storefront', undefined]);
  });

  it('does not end a string at an escaped quote', () => {
    const { tokens } = lex('"open \\"');
    assert.equal(tokens[0].kind, 'invalid');
    assert.match(tokens[0].problem!, /unterminated string/);
    assert.equal(tokens[0].text, '"open \\"');
  });
});
