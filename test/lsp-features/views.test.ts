// The outline, the folding ranges and the code lenses of every example and fixture, as a person
// sees them, are those kept in test/lsp-features/views/ (written by the implementation that split,
// lexed and parsed the whole text for each request; now they come from the analysis alone).
// VPCRULES_UPDATE_VIEWS=1 rewrites the files after a deliberate change.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { analyze, Analysis } from '../../server/src/engine/analyze';
import { IncrementalAnalyzer } from '../../server/src/engine/incremental';
import { codeLenses } from '../../server/src/lsp/code-lens';
import { documentSymbols } from '../../server/src/lsp/document-symbols';
import { foldingRanges } from '../../server/src/lsp/folding';
import { modelFiles, modelTexts, REPOSITORY_ROOT } from '../model-files';
import { analyzedOf } from './analyzed';
import { renderViews } from './views';

const VIEWS = path.join(REPOSITORY_ROOT, 'test', 'lsp-features', 'views');
const UPDATE = process.env.VPCRULES_UPDATE_VIEWS === '1';

describe('outline, folding and code lenses of the examples and fixtures', () => {
  for (const file of modelFiles('examples', 'test/fixtures')) {
    it(`${file}: as kept in views/`, () => {
      const analyzed = analyzedOf(fs.readFileSync(path.join(REPOSITORY_ROOT, file), 'utf8'));
      const views = renderViews(documentSymbols(analyzed), foldingRanges(analyzed), codeLenses(analyzed));
      const expectedFile = path.join(VIEWS, file.replace(/\.vpcrules$/, '.txt'));
      if (UPDATE) {
        fs.mkdirSync(path.dirname(expectedFile), { recursive: true });
        fs.writeFileSync(expectedFile, views);
      }
      assert.equal(views, fs.readFileSync(expectedFile, 'utf8'));
    });
  }
});

describe('outline, folding and code lenses after edits', () => {
  const viewsOf = (analysis: Analysis) => {
    const analyzed = { ...analyzedOf(''), analysis };
    return renderViews(documentSymbols(analyzed), foldingRanges(analyzed), codeLenses(analyzed));
  };

  it('show the new verdict of a flow whose line did not change', () => {
    const before = fs.readFileSync(path.join(REPOSITORY_ROOT, 'examples', 'ecommerce-tcp.vpcrules'), 'utf8');
    const after = before.replace('outbound 110 allow tcp 32768-65535 to 0.0.0.0/0', 'outbound 110 allow tcp 1024-65535  to 0.0.0.0/0');
    assert.notEqual(after, before);
    const analyzer = new IncrementalAnalyzer();
    const first = viewsOf(run(analyzer.steps(before)));
    const second = viewsOf(run(analyzer.steps(after)));
    assert.match(first, /^https \(Event\) "expect allow, partial"/m);
    assert.match(second, /^https \(Event\) "expect allow, allow"/m);
    assert.equal(second, viewsOf(analyze(after)));
  });

  it('are those of a fresh analysis when the analysis reused lines and results of earlier versions', () => {
    const texts = modelTexts('examples', 'test/fixtures');
    const edit = fc.record({ kind: fc.nat(4), a: fc.nat(), b: fc.nat() });
    fc.assert(
      fc.property(fc.nat(texts.length - 1), fc.array(edit, { minLength: 1, maxLength: 5 }), (which, edits) => {
        const analyzer = new IncrementalAnalyzer();
        let text = texts[which];
        run(analyzer.steps(text));
        for (const { kind, a, b } of edits) {
          const lines = text.split('\n');
          const at = a % lines.length;
          if (kind === 0) lines.splice(at, 1);
          else if (kind === 1) lines.splice(at, 0, lines[b % lines.length]);
          else if (kind === 2) lines.splice(at, 0, '');
          else if (kind === 3) lines[at] = lines[at].replace(/\d(?=\D*$)/, String(b % 10));
          else lines[at] = `${lines[at]} # note ${b}`;
          text = lines.join('\n');
          assert.equal(viewsOf(run(analyzer.steps(text))), viewsOf(analyze(text)));
        }
      }),
      { seed: 20261201, numRuns: 60 },
    );
  });
});

function run(steps: Generator<void, Analysis, void>): Analysis {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}
