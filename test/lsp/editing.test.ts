import * as assert from 'node:assert/strict';
import type {
  CodeAction, CompletionItem, CompletionList, DocumentSymbol, FoldingRange, Location, PrepareRenameResult, TextEdit, WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { applyEdits } from '../apply-edits';
import { MODEL } from '../lsp-features/analyzed';
import { openSession, rangeOf, Session } from './harness';

const URI = 'file:///editing.vpcrules';
const doc = { textDocument: { uri: URI } };

describe('language server: navigation and editing', () => {
  let session: Session;
  beforeEach(async () => {
    session = await openSession({ debounceMs: 0 });
    await session.open(URI, MODEL);
  });
  afterEach(() => session.close());

  it('announces the editing capabilities', () => {
    const capabilities = session.initializeResult.capabilities;
    assert.deepEqual(capabilities.renameProvider, { prepareProvider: true });
    assert.deepEqual(capabilities.codeActionProvider, { codeActionKinds: ['quickfix'] });
    assert.ok(capabilities.completionProvider?.triggerCharacters?.includes(' '));
    assert.equal(capabilities.documentFormattingProvider, true);
  });

  it('goes to the definition of a security group and lists its references', async () => {
    const use = rangeOf(MODEL, 'app-sg', 0);
    const [definition] = await session.request<Location[]>('textDocument/definition', { ...doc, position: use.start });
    assert.deepEqual(definition.range, rangeOf(MODEL, 'app-sg', 1));
    const references = await session.request<Location[]>('textDocument/references', { ...doc, position: use.start, context: { includeDeclaration: false } });
    assert.deepEqual(references.map((r) => r.range.start.line), [rangeOf(MODEL, 'app-sg', 0).start.line, rangeOf(MODEL, 'app-sg', 2).start.line]);
  });

  it('renames a subnet everywhere, and refuses a clash', async () => {
    const use = rangeOf(MODEL, 'subnet app ip').start;
    const name = { start: { line: use.line, character: use.character + 7 }, end: { line: use.line, character: use.character + 10 } };
    const prepared = await session.request<PrepareRenameResult>('textDocument/prepareRename', { ...doc, position: name.end });
    assert.deepEqual(prepared, { range: name, placeholder: 'app' });
    const at = rangeOf(MODEL, 'subnet app ').start;
    const edit = await session.request<WorkspaceEdit>('textDocument/rename', { ...doc, position: { line: at.line, character: 8 }, newName: 'backend' });
    const renamed = applyEdits(MODEL, edit.changes![URI]);
    assert.ok(renamed.includes('subnet backend 10.0.2.0/24'));
    assert.ok(renamed.includes('instance app-1 subnet backend ip'));
    await assert.rejects(
      session.request('textDocument/rename', { ...doc, position: { line: at.line, character: 8 }, newName: 'web' }),
      /a subnet named 'web' already exists/,
    );
  });

  it('completes the security groups after sg on a half-typed rule', async () => {
    const line = rangeOf(MODEL, '  inbound  tcp 443').start.line;
    const typed = '  outbound tcp 22 to sg ';
    await session.change(URI, 2, [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: `${typed}\n` }]);
    const result = await session.request<CompletionItem[] | CompletionList>('textDocument/completion', { ...doc, position: { line, character: typed.length } });
    const items = Array.isArray(result) ? result : result.items;
    assert.deepEqual(items.map((item) => item.label), ['web-sg', 'app-sg']);
  });

  it('formats a messy document, and formatting the result changes nothing', async () => {
    const messy = MODEL.replace('vpc prod', 'vpc    prod').replace('  inbound  tcp 443  from', 'inbound tcp   443 from');
    await session.change(URI, 2, [{ text: messy }]);
    const options = { tabSize: 2, insertSpaces: true };
    const edits = await session.request<TextEdit[]>('textDocument/formatting', { ...doc, options });
    const formatted = applyEdits(messy, edits);
    assert.equal(formatted, MODEL);
    await session.change(URI, 3, [{ text: formatted }]);
    assert.deepEqual(await session.request<TextEdit[]>('textDocument/formatting', { ...doc, options }), []);
  });

  it('applies the quick fix of an unknown name and the error goes away', async () => {
    const broken = MODEL.replace('groups app-sg', 'groups app-gs');
    const published = await session.change(URI, 2, [{ text: broken }]);
    const error = published.diagnostics.find((d) => d.code === 'VR200');
    assert.ok(error, JSON.stringify(published.diagnostics));
    const actions = await session.request<CodeAction[]>('textDocument/codeAction', { ...doc, range: error.range, context: { diagnostics: [error] } });
    const fix = actions.find((action) => action.title === "Replace with 'app-sg'");
    assert.ok(fix, JSON.stringify(actions));
    assert.deepEqual(fix.diagnostics, [error]);
    const fixed = applyEdits(broken, fix.edit!.changes![URI]);
    const after = await session.change(URI, 3, [{ text: fixed }]);
    assert.deepEqual(after.diagnostics.filter((d) => d.code === 'VR200'), []);
  });

  it('outlines and folds the document', async () => {
    const symbols = await session.request<DocumentSymbol[]>('textDocument/documentSymbol', doc);
    assert.deepEqual(symbols.find((s) => s.name === 'app-sg')?.children?.map((c) => c.name), ['inbound tcp 8080 from sg web-sg']);
    const folds = await session.request<FoldingRange[]>('textDocument/foldingRange', doc);
    assert.ok(folds.some((f) => f.startLine === rangeOf(MODEL, 'network-acl').start.line));
  });

  it('answers null for a document that is not open', async () => {
    const unknown = { textDocument: { uri: 'file:///closed.vpcrules' }, position: { line: 0, character: 0 } };
    assert.equal(await session.request('textDocument/definition', unknown), null);
    assert.equal(await session.request('textDocument/completion', unknown), null);
  });
});
