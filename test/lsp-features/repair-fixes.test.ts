import * as assert from 'node:assert/strict';
import { CancellationToken, CodeActionKind, LSPErrorCodes, ResponseError } from 'vscode-languageserver';
import { repairFixes } from '../../server/src/lsp/code-actions';
import { analyzedOf } from './analyzed';

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

const FLOW_LINE = { start: { line: 10, character: 0 }, end: { line: 10, character: 0 } };
const CANCELLED: CancellationToken = { isCancellationRequested: true, onCancellationRequested: () => ({ dispose() {} }) };

describe('repair quick fixes', () => {
  it('computes the repairs of an analysis once, and answers again from what it kept', async () => {
    const analyzed = analyzedOf(SHOP);
    const params = { range: FLOW_LINE, context: { diagnostics: [] } };
    const first = await repairFixes(analyzed, params, CancellationToken.None);
    assert.deepEqual(first.map((action) => action.title), [
      'Add outbound 110 allow tcp 1024-32767 to 0.0.0.0/0 to public-acl',
      "Widen 'outbound 100 allow tcp 32768-65535 to 0.0.0.0/0' of public-acl to ports 1024-65535",
    ]);
    // Kept for this analysis: even a cancelled request is answered without computing again.
    assert.deepEqual(await repairFixes(analyzed, params, CANCELLED), first);
  });

  it('stops when the request is cancelled', async () => {
    await assert.rejects(
      repairFixes(analyzedOf(SHOP), { range: FLOW_LINE, context: { diagnostics: [] } }, CANCELLED),
      (error: unknown) => error instanceof ResponseError && error.code === LSPErrorCodes.RequestCancelled,
    );
  });

  it('offers nothing away from a failed expectation, or when other kinds are asked for', async () => {
    const analyzed = analyzedOf(SHOP);
    assert.deepEqual(await repairFixes(analyzed, { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } }, context: { diagnostics: [] } }, CancellationToken.None), []);
    assert.deepEqual(await repairFixes(analyzed, { range: FLOW_LINE, context: { diagnostics: [], only: [CodeActionKind.Refactor] } }, CancellationToken.None), []);
  });
});
