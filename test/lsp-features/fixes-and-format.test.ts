import * as assert from 'node:assert/strict';
import { CodeActionKind } from 'vscode-languageserver';
import { analyze } from '../../server/src/engine/analyze';
import { quickFixes } from '../../server/src/lsp/code-actions';
import { formattingEdits } from '../../server/src/lsp/formatting';
import { formatText } from '../../server/src/syntax/format';
import { applyEdits } from '../apply-edits';
import { analyzedOf, MODEL, URI } from './analyzed';

const WHOLE = { start: { line: 0, character: 0 }, end: { line: 1000, character: 0 } };

function fixesFor(text: string, code: string) {
  const actions = quickFixes(analyzedOf(text), { range: WHOLE, context: { diagnostics: [] } });
  return actions.filter((action) => action.diagnostics?.[0].code === code);
}

describe('quick fixes', () => {
  it('replaces an unknown name with the suggested one, and the error is gone', () => {
    const text = MODEL.replace('groups app-sg', 'groups app-gs');
    const [fix, ...others] = fixesFor(text, 'VR200');
    assert.equal(others.length, 0);
    assert.equal(fix.title, "Replace with 'app-sg'");
    assert.equal(fix.kind, CodeActionKind.QuickFix);
    assert.equal(fix.isPreferred, true);
    const fixed = applyEdits(text, fix.edit!.changes![URI]);
    assert.equal(fixed, MODEL);
  });

  it('renumbers a duplicate network ACL rule', () => {
    const text = MODEL.replace('outbound 110 allow tcp 8080', 'outbound 100 allow tcp 8080');
    const [fix] = fixesFor(text, 'VR202');
    const fixed = applyEdits(text, fix.edit!.changes![URI]);
    assert.deepEqual(analyze(fixed).diagnostics.filter((d) => d.code === 'VR202'), []);
  });

  it('adds the missing return rule of a network ACL', () => {
    const text = MODEL.replace('  inbound  110 allow tcp 1024-65535 from 10.0.2.0/24\n', '');
    const [fix] = fixesFor(text, 'VR405');
    assert.match(fix.title, /^Add return rule 'inbound \d+ allow tcp/);
    assert.deepEqual(analyze(applyEdits(text, fix.edit!.changes![URI])).diagnostics.filter((d) => d.code === 'VR405'), []);
  });

  it('attaches the diagnostic the editor sent and offers only fixes in the requested range', () => {
    const text = MODEL.replace('groups app-sg', 'groups app-gs');
    const analyzed = analyzedOf(text);
    const engine = analyzed.analysis.diagnostics.find((d) => d.code === 'VR200')!;
    const sent = { range: engine.range, message: 'as shown', code: 'VR200', source: 'vpcrules' };
    const [fix] = quickFixes(analyzed, { range: engine.range, context: { diagnostics: [sent] } });
    assert.equal(fix.diagnostics![0], sent);
    assert.deepEqual(quickFixes(analyzed, { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } }, context: { diagnostics: [] } }), []);
    assert.deepEqual(quickFixes(analyzed, { range: engine.range, context: { diagnostics: [], only: [CodeActionKind.Refactor] } }), []);
  });
});

describe('document formatting', () => {
  it('gives no edit for a formatted document', () => {
    assert.deepEqual(formattingEdits(analyzedOf(MODEL)), []);
  });

  it('gives edits that produce the formatted text', () => {
    const messy = MODEL.replace('  inbound  tcp 443  from 0.0.0.0/0', 'inbound tcp 443 from   0.0.0.0/0   ').replace('vpc prod', 'vpc    prod');
    const edits = formattingEdits(analyzedOf(messy));
    assert.equal(applyEdits(messy, edits), formatText(messy));
    assert.equal(applyEdits(messy, edits), MODEL);
  });
});
