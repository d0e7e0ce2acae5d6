// The outline, the folding ranges and the code lenses of every example and fixture, as a person
// sees them, are those kept in test/lsp-features/views/ (written by the implementation that split,
// lexed and parsed the whole text for each request; now they come from the analysis alone).
// VPCRULES_UPDATE_VIEWS=1 rewrites the files after a deliberate change.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { codeLenses } from '../../server/src/lsp/code-lens';
import { documentSymbols } from '../../server/src/lsp/document-symbols';
import { foldingRanges } from '../../server/src/lsp/folding';
import { modelFiles, REPOSITORY_ROOT } from '../model-files';
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
