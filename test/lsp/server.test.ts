import * as assert from 'node:assert/strict';
import { DiagnosticSeverity, DiagnosticTag } from 'vscode-languageserver-protocol';
import { openSession, rangeOf, Session } from './harness';
import { SHOP } from './models';


describe('language server: diagnostics', () => {
  let session: Session;
  beforeEach(async () => (session = await openSession({ debounceMs: 0 })));
  afterEach(() => session.close());

  it('publishes the diagnostics of an opened document, with code, line, message and version', async () => {
    const published = await session.open('file:///shop.vpcrules', SHOP);
    assert.equal(published.version, 1);
    const failed = published.diagnostics.find((d) => d.code === 'VR500');
    assert.ok(failed, JSON.stringify(published.diagnostics));
    assert.equal(failed.range.start.line, 13);
    assert.equal(failed.severity, DiagnosticSeverity.Error);
    assert.equal(failed.source, 'vpcrules');
    assert.match(failed.message, /^flow 'https' expects allow but is partial \(admitted for source ports 32768-65535, dropped for 1024-32767\)/);
    // The first related location is the deciding rule: the NACL rule that drops the reply.
    const related = failed.relatedInformation ?? [];
    assert.equal(related[0].location.uri, 'file:///shop.vpcrules');
    assert.equal(related[0].location.range.start.line, 5);
    assert.equal(related[0].message, 'network ACL public-acl of subnet public outbound (reply): deny by rule 200 (line 6)');
  });

  it('tags an unused declaration as unnecessary', async () => {
    const published = await session.open('file:///shop.vpcrules', SHOP);
    const unused = published.diagnostics.find((d) => d.code === 'VR203');
    assert.ok(unused, JSON.stringify(published.diagnostics));
    assert.equal(unused.range.start.line, 10);
    assert.equal(unused.message.startsWith("security group 'spare' is never used"), true);
    assert.deepEqual(unused.tags, [DiagnosticTag.Unnecessary]);
  });

  it('publishes a rule that only states intent as a hint tagged unnecessary', async () => {
    const published = await session.open('file:///shop.vpcrules', SHOP);
    // outbound 200 denies what the implicit * deny would deny anyway.
    const redundant = published.diagnostics.find((d) => d.code === 'VR402');
    assert.ok(redundant, JSON.stringify(published.diagnostics));
    assert.equal(redundant.range.start.line, 5);
    assert.equal(redundant.severity, DiagnosticSeverity.Hint);
    assert.deepEqual(redundant.tags, [DiagnosticTag.Unnecessary]);
  });

  it('re-publishes after an incremental edit: widening the return rule removes the VR500', async () => {
    await session.open('file:///shop.vpcrules', SHOP);
    const published = await session.change('file:///shop.vpcrules', 2, [
      { range: rangeOf(SHOP, '32768-65535'), text: '1024-65535' },
      { range: rangeOf(SHOP, '  outbound 200 deny tcp 1024-32767 to 0.0.0.0/0\n'), text: '' },
    ]);
    assert.equal(published.version, 2);
    assert.deepEqual(published.diagnostics.filter((d) => d.code === 'VR500'), []);
  });
});
