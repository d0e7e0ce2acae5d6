// The requests an editor sends after every edit (outline, folding ranges, code lenses), hovers and
// completion work from the analysis the server already has: none of them lexes, parses or splits
// the whole text again. Completion lexes the part of the cursor's line before the cursor, no more.
import * as assert from 'node:assert/strict';
import type { CancellationToken, Connection, Hover } from 'vscode-languageserver';
import { generateModel } from '../../bench/generate';
import { codeLenses } from '../../server/src/lsp/code-lens';
import { completionItems } from '../../server/src/lsp/completion';
import { documentSymbols } from '../../server/src/lsp/document-symbols';
import { foldingRanges } from '../../server/src/lsp/folding';
import { registerHover } from '../../server/src/lsp/hover';
import type { AnalysisSource, AnalyzedDocument } from '../../server/src/lsp/analysis-source';
import * as format from '../../server/src/syntax/format';
import * as lexer from '../../server/src/syntax/lexer';
import * as parser from '../../server/src/syntax/parser';
import { analyzedOf } from './analyzed';

type Patchable = Record<string, unknown>;

/** Runs `work` with the whole-text entry points of the front end replaced by ones that fail. */
async function withoutWholeTextWork(text: string, longestLine: number, work: () => Promise<void>): Promise<void> {
  const restore: (() => void)[] = [];
  const forbid = (module: Patchable, name: string, allowed?: (...args: unknown[]) => boolean) => {
    const original = module[name] as (...args: unknown[]) => unknown;
    module[name] = (...args: unknown[]) => {
      if (!allowed?.(...args)) throw new Error(`${name} called on the document`);
      return original(...args);
    };
    restore.push(() => (module[name] = original));
  };
  forbid(lexer as unknown as Patchable, 'lex', (input) => typeof input === 'string' && input.length <= longestLine);
  forbid(lexer as unknown as Patchable, 'textLines');
  forbid(parser as unknown as Patchable, 'parse');
  forbid(parser as unknown as Patchable, 'parseSteps');
  forbid(format as unknown as Patchable, 'lineLayout');
  const split = String.prototype.split;
  String.prototype.split = function (this: string, ...args: Parameters<typeof split>) {
    if (this.length > longestLine) throw new Error(`a text of ${this.length} characters split (the document has ${text.length})`);
    return split.apply(this, args);
  } as typeof split;
  restore.push(() => (String.prototype.split = split));
  try {
    await work();
  } finally {
    for (const undo of restore.reverse()) undo();
  }
}

/** The hover handler, as the server registers it, on one analysed document. */
function hoverOn(analyzed: AnalyzedDocument): (position: { line: number; character: number }) => Promise<Hover | null> {
  let handler: ((params: unknown, token: CancellationToken) => unknown) | undefined;
  const connection = { onHover: (registered: typeof handler) => (handler = registered), console: { error: (message: string) => assert.fail(message) } };
  const source: AnalysisSource = { get: () => Promise.resolve(analyzed), all: () => [analyzed] };
  registerHover(connection as unknown as Connection, source);
  const token = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) } as unknown as CancellationToken;
  return (position) => handler!({ textDocument: { uri: analyzed.uri }, position }, token) as Promise<Hover | null>;
}

describe('requests answered from the analysis alone', () => {
  for (const shape of ['balanced', 'flow-heavy'] as const) {
    it(`outline, folding, code lenses, hovers and completion on a generated ${shape} model`, async () => {
      const model = generateModel({ lines: 1500, shape });
      const analyzed = analyzedOf(model.text);
      const longestLine = Math.max(...analyzed.analysis.file.lines.texts.map((line) => line.length)) + 1;
      const hover = hoverOn(analyzed);
      await withoutWholeTextWork(model.text, longestLine, async () => {
        assert.ok(documentSymbols(analyzed).length > 100);
        assert.ok(foldingRanges(analyzed).length > 10);
        assert.equal(codeLenses(analyzed).length, model.flows);
        for (const at of [...model.subnetCompletions.slice(0, 5), ...model.endpointCompletions.slice(0, 5)]) {
          assert.ok(completionItems(analyzed, at).length > 0, `completion at ${at.line + 1}:${at.character}`);
        }
        for (const at of model.flowNames.slice(0, 10)) assert.ok(await hover(at), `hover at ${at.line + 1}:${at.character}`);
      });
    });
  }
});
