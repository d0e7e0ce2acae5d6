// The editor's language files against the real texts: the TextMate grammar tokenises every model of
// the repository, and every snippet, expanded with its defaults, is text the parser accepts.
// The scope assertions themselves live in test/grammar/*.vpcrules (scripts/test-grammar.sh).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';
import { analyze } from '../../server/src/engine/analyze';
import {
  DECLARATION_KEYWORDS, POLICY_STATEMENTS, ROUTE_KEYWORD, ROUTE_TARGETS, STATEFUL_ACTIONS, STATELESS_ACTIONS,
} from '../../server/src/syntax/parser';
import { modelFiles } from '../model-files';

const ROOT = path.join(__dirname, '..', '..', '..');


async function loadGrammar(): Promise<textmate.IGrammar> {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName: string) => {
      const file = path.join(ROOT, 'syntaxes', 'vpcrules.tmLanguage.json');
      return scopeName === 'source.vpcrules' ? textmate.parseRawGrammar(fs.readFileSync(file, 'utf8'), file) : null;
    },
  });
  const grammar = await registry.loadGrammar('source.vpcrules');
  assert.ok(grammar, 'the grammar loads');
  return grammar;
}

/**
 * A snippet body with every placeholder replaced by its default (a choice by its first option).
 * A `$` escaped as `\$` (a Suricata `$HOME_NET`) stays escaped, so that it is not taken for a placeholder.
 */
function expand(body: string): string {
  let text = body;
  for (let previous = ''; previous !== text; ) {
    previous = text;
    text = text.replace(/\$\{\d+\|([^,|]*)[^|]*\|\}/g, '$1').replace(/\$\{\d+:([^${}]*)\}/g, '$1');
  }
  return text.replace(/\$\{\d+\}|(?<!\\)\$\d+/g, '');
}

describe('editor language files', () => {
  const files = modelFiles('test/fixtures', 'examples', 'test/grammar');

  it(`the grammar tokenises all ${files.length} model files, every line covered by tokens`, async () => {
    assert.ok(files.length > 0);
    const grammar = await loadGrammar();
    let lines = 0;
    for (const file of files) {
      let stack = textmate.INITIAL;
      fs.readFileSync(path.join(ROOT, file), 'utf8').split(/\r?\n/).forEach((line, index) => {
        const result = grammar.tokenizeLine(line, stack, 1000);
        assert.equal(result.stoppedEarly, false, `${file}:${index + 1}: tokenising stopped early`);
        const last = result.tokens[result.tokens.length - 1];
        assert.ok(last === undefined || last.endIndex >= line.length, `${file}:${index + 1}: tokens end before the line does`);
        stack = result.ruleStack;
        lines++;
      });
    }
    assert.ok(lines > 100, `${lines} lines tokenised`);
  });

  /** The scopes of the token that starts at `column` of a line tokenised alone. */
  const scopesAt = (grammar: textmate.IGrammar, line: string, column: number) =>
    grammar.tokenizeLine(line, textmate.INITIAL).tokens.find((token) => token.startIndex <= column && column < token.endIndex)?.scopes ?? [];

  it("scopes every declaration keyword of the parser, and the name after it", async () => {
    const grammar = await loadGrammar();
    for (const keyword of DECLARATION_KEYWORDS) {
      assert.ok(scopesAt(grammar, `${keyword} some-name`, 0).includes(`storage.type.${keyword}.vpcrules`), keyword);
      assert.ok(scopesAt(grammar, `${keyword} some-name`, keyword.length + 1).some((scope) => scope.endsWith(`.${keyword}.vpcrules`)), `the name after ${keyword}`);
    }
  });

  it('scopes every route target of the parser', async () => {
    const grammar = await loadGrammar();
    for (const target of ROUTE_TARGETS) {
      const line = `  ${ROUTE_KEYWORD} 0.0.0.0/0 -> ${target} ${target === 'unmodelled' ? '"text"' : 'name'}`;
      const scopes = scopesAt(grammar, line, line.indexOf(`-> ${target}`) + 3);
      assert.ok(scopes.some((scope) => scope.includes('.route-target.')), `${target}: ${scopes.join(' ')}`);
    }
  });

  /** The scopes at `column` of the last of `lines`, tokenised in order (the blocks they open still open). */
  const scopesAfter = (grammar: textmate.IGrammar, lines: string[], column: number) => {
    let stack = textmate.INITIAL;
    let tokens: textmate.IToken[] = [];
    for (const line of lines) ({ tokens, ruleStack: stack } = grammar.tokenizeLine(line, stack));
    return tokens.find((token) => token.startIndex <= column && column < token.endIndex)?.scopes ?? [];
  };

  it('scopes every policy statement, stateless action and Suricata action of the parser in its block', async () => {
    const grammar = await loadGrammar();
    for (const statement of POLICY_STATEMENTS) {
      const scopes = scopesAfter(grammar, ['firewall-policy p {', `  ${statement} x`], 2);
      assert.ok(scopes.includes(`keyword.other.${statement}.vpcrules`), `${statement}: ${scopes.join(' ')}`);
    }
    for (const action of STATELESS_ACTIONS) {
      const scopes = scopesAfter(grammar, ['stateless-rule-group g {', `  rule 10 ${action} all from any to any`], 10);
      assert.ok(scopes.includes(`keyword.control.${action}.vpcrules`), `${action}: ${scopes.join(' ')}`);
    }
    for (const action of STATEFUL_ACTIONS) {
      const scopes = scopesAfter(grammar, ['stateful-rule-group g {', `  ${action} tcp any any -> any any (sid:1;)`], 2);
      assert.ok(scopes.includes(`keyword.control.${action}.vpcrules`), `${action}: ${scopes.join(' ')}`);
    }
  });

  it('every snippet expands, with its defaults, into text the parser accepts', () => {
    const snippets: Record<string, { prefix: string; body: string[]; description: string }> = JSON.parse(
      fs.readFileSync(path.join(ROOT, 'snippets', 'vpcrules.code-snippets'), 'utf8'),
    );
    for (const [name, snippet] of Object.entries(snippets)) {
      assert.ok(snippet.description, `${name} has a description`);
      let text = expand(snippet.body.join('\n'));
      assert.doesNotMatch(text, /(?<!\\)\$/, `${name}: every placeholder is expanded`);
      text = text.replace(/\\\$/g, '$');
      if (/-sg$/.test(snippet.prefix)) text = `security-group wrap {\n${text}\n}`;
      if (/nacl/.test(snippet.prefix)) text = `network-acl wrap {\n${text}\n}`;
      if (text.startsWith(`${ROUTE_KEYWORD} `)) text = `route-table wrap {\n${text}\n}`;
      const syntax = analyze(`vpc main 10.0.0.0/16\n${text}\n`).diagnostics.filter((d) => d.code === 'VR100' || d.code === 'VR101');
      assert.deepEqual(syntax.map((d) => d.message), [], `${name} expands to:\n${text}`);
    }
  });
});
