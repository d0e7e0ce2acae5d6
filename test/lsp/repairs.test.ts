import * as assert from 'node:assert/strict';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { TextDocumentEdit, AnnotatedTextEdit } from 'vscode-languageserver-protocol';
import { applyEdits } from '../apply-edits';
import { openSession, rangeOf, Session } from './harness';

const URI = 'file:///repairs.vpcrules';
const doc = { textDocument: { uri: URI } };

const SHOP = `vpc shop 10.0.0.0/16
subnet public 10.0.1.0/24 acl public-acl
network-acl public-acl {
  inbound  100 allow tcp 443 from 0.0.0.0/0
  outbound 100 allow tcp 32768-65535 to 0.0.0.0/0
}
security-group web {
  inbound tcp 443 from 0.0.0.0/0
}
instance web-1 subnet public ip 10.0.1.10 groups web
flow https internet -> web-1 tcp 443 expect allow
`;

const ORDER = `vpc main 10.0.0.0/16
subnet web 10.0.1.0/24 acl web-acl
network-acl web-acl {
  inbound  100 allow tcp 80 from 0.0.0.0/0
  inbound  50  deny  tcp 0-65535 from 198.51.100.0/24
  outbound 100 allow tcp 1024-65535 to 0.0.0.0/0
}
security-group web-sg {
  inbound tcp 80 from 0.0.0.0/0
}
instance web-1 subnet web ip 10.0.1.20 groups web-sg
flow http internet -> web-1 tcp 80 expect allow
flow blocked 198.51.100.0/25 -> web-1 tcp 80 expect deny
`;

describe('language server: repairs as quick fixes', () => {
  let session: Session;
  beforeEach(async () => {
    session = await openSession({ debounceMs: 0 });
  });
  afterEach(() => session.close());

  it('offers the repair on the failed expectation, and applying it clears the diagnostic', async () => {
    const published = await session.open(URI, SHOP);
    const failed = published.diagnostics.find((d) => d.code === 'VR500') as Diagnostic;
    assert.ok(failed, JSON.stringify(published.diagnostics));
    const cursor = rangeOf(SHOP, 'flow https').start;
    const actions = await session.request<CodeAction[]>('textDocument/codeAction', { ...doc, range: { start: cursor, end: cursor }, context: { diagnostics: [failed] } });
    const titles = actions.map((action) => action.title);
    assert.deepEqual(titles, [
      'Add outbound 110 allow tcp 1024-32767 to 0.0.0.0/0 to public-acl',
      "Widen 'outbound 100 allow tcp 32768-65535 to 0.0.0.0/0' of public-acl to ports 1024-65535",
    ]);
    const [fix] = actions;
    assert.equal(fix.isPreferred, true);
    assert.deepEqual(fix.diagnostics, [failed]);
    const fixed = applyEdits(SHOP, fix.edit!.changes![URI]);
    const after = await session.change(URI, 2, [{ text: fixed }]);
    assert.deepEqual(after.diagnostics.filter((d) => d.code === 'VR500'), []);
  });

  it('asks for confirmation, listing the flows, when a repair changes other flows', async () => {
    const published = await session.open(URI, ORDER);
    const failed = published.diagnostics.find((d) => d.code === 'VR500') as Diagnostic;
    const actions = await session.request<CodeAction[]>('textDocument/codeAction', { ...doc, range: failed.range, context: { diagnostics: [failed] } });
    const [fix] = actions;
    assert.equal(fix.title, 'Add inbound 10 allow tcp 80 from 198.51.100.0/24 to web-acl (changes 1 other flow)');
    assert.equal(fix.isPreferred, false);
    const change = fix.edit!.documentChanges![0] as TextDocumentEdit;
    assert.deepEqual(change.textDocument, { uri: URI, version: 1 });
    const annotated = change.edits as AnnotatedTextEdit[];
    const annotation = fix.edit!.changeAnnotations![annotated[0].annotationId];
    assert.deepEqual(annotation, { label: 'Also changes 1 other flow: blocked', description: 'blocked: deny -> allow, failing', needsConfirmation: true });
  });

  it('answers a repeated request alike, and offers nothing away from the failing flow', async () => {
    const published = await session.open(URI, SHOP);
    const failed = published.diagnostics.find((d) => d.code === 'VR500') as Diagnostic;
    const params = { ...doc, range: failed.range, context: { diagnostics: [failed] } };
    const first = await session.request<CodeAction[]>('textDocument/codeAction', params);
    assert.deepEqual(await session.request<CodeAction[]>('textDocument/codeAction', params), first);
    const elsewhere = await session.request<CodeAction[]>('textDocument/codeAction', { ...doc, range: rangeOf(SHOP, 'vpc shop'), context: { diagnostics: [] } });
    assert.deepEqual(elsewhere, []);
  });
});
