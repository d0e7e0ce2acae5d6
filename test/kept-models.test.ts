// Kept results must hold no earlier model of the document: an editor session makes hundreds of
// analyses, and a model held by one kept result holds every object of its analysis. Each model of a
// sequence of edits is watched through a WeakRef; after a collection only the newest may live on.
import * as assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { IncrementalAnalyzer } from '../server/src/engine/incremental';
import type { Analysis } from '../server/src/engine/analyze';
import { generateModel } from '../bench/generate';

function run(steps: Generator<void, Analysis, void>): Analysis {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Collects garbage now: a WeakRef's target may go only once the current job has ended. */
async function collectGarbage(): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  await new Promise((resolve) => setImmediate(resolve));
}

describe('kept results', () => {
  it('keep no earlier model alive after rule edits', async function () {
    this.timeout(60_000);
    // A benchmark model: flows to outside CIDRs, whose address sets kept atoms hold, and routing.
    const bench = generateModel({ lines: 1000 });
    const lines = bench.text.split('\n');
    const analyzer = new IncrementalAnalyzer();
    const models = [new WeakRef(run(analyzer.steps(bench.text)).model)];
    for (let i = 0; i < 6; i++) {
      const edited = [...lines];
      const digit = bench.codeDigits[(i * 7) % bench.codeDigits.length];
      const line = edited[digit.line];
      edited[digit.line] = line.slice(0, digit.character) + (line[digit.character] === '1' ? '2' : '1') + line.slice(digit.character + 1);
      models.push(new WeakRef(run(analyzer.steps(edited.join('\n'))).model));
    }
    await collectGarbage();
    assert.deepEqual(models.map((model) => (model.deref() ? 'alive' : 'gone')), [...Array(6).fill('gone'), 'alive']);
  });
});
