// The reachability matrix over the protocol: vpcrules/matrix (a cell's verdict is that of the same
// flow written in the file; progress, cancellation, the cache), vpcrules/matrixDefaults,
// vpcrules/explainPair, and the path diagram of vpcrules/explainFlow.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { ErrorCodes, LSPErrorCodes, WorkDoneProgress, WorkDoneProgressBegin, WorkDoneProgressEnd, WorkDoneProgressReport } from 'vscode-languageserver-protocol';
import { analyze } from '../../server/src/engine/analyze';
import { matrixJson, reachabilityMatrix } from '../../server/src/engine/matrix';
import { largeModel } from '../large-model';
import { openSession, Session } from './harness';
import { SHOP } from './models';

const ROOT = join(__dirname, '..', '..', '..');
const SHOP_URI = 'file:///shop.vpcrules';
const SHOP_TALLY = { allow: 0, deny: 1, partial: 1, failing: 1, total: 2 };
const ECOMMERCE = readFileSync(join(ROOT, 'examples', 'ecommerce-tcp.vpcrules'), 'utf8');
const ECOMMERCE_URI = 'file:///ecommerce-tcp.vpcrules';
const UNKNOWN_URI = 'file:///nowhere.vpcrules';

interface Explanation { name: string; verdict: string; expectationHolds: boolean; markdown: string; text: string; svg: string }
interface MatrixAnswer {
  protocol: string; ports: string | null; sources: string[]; destinations: string[];
  cells: { src: string; dst: string; verdict: string }[]; ends: { name: string; subnet?: string }[]; version: number;
}

/** `flow NAME SRC -> DST tcp|udp PORTS expect ...` between instances or `internet`. */
function writtenFlows(text: string, instances: Set<string>) {
  const flows: { name: string; src: string; dst: string; protocol: string; ports: string }[] = [];
  for (const line of text.split('\n')) {
    const match = /^flow\s+(\S+)\s+(\S+)\s+->\s+(\S+)\s+(tcp|udp)\s+(\d+(?:-\d+)?)\s+expect\b/.exec(line);
    if (!match) continue;
    const [, name, src, dst, protocol, ports] = match;
    const end = (n: string) => n === 'internet' || instances.has(n);
    if (end(src) && end(dst)) flows.push({ name, src, dst, protocol, ports });
  }
  return flows;
}

describe('language server: reachability matrix', () => {
  let session: Session;
  before(async () => {
    session = await openSession({ debounceMs: 0 });
    await session.open(SHOP_URI, SHOP);
    await session.open(ECOMMERCE_URI, ECOMMERCE);
  });
  after(() => session.close());

  it("answers the CLI's JSON with each end's subnet", async () => {
    const answer = await session.request<MatrixAnswer>('vpcrules/matrix', { uri: ECOMMERCE_URI, protocol: 'tcp', ports: '443' });
    const { model } = analyze(ECOMMERCE);
    const expected = reachabilityMatrix(model, { protocol: 'tcp', ports: { from: 443, to: 443 } });
    const { ends, version, ...json } = answer;
    assert.deepEqual(json, JSON.parse(JSON.stringify(matrixJson(expected))));
    assert.deepEqual(ends, expected.ends);
    assert.equal(version, 1);
    assert.deepEqual(ends.slice(0, 2), [{ name: 'web-1', subnet: 'public-a' }, { name: 'app-1', subnet: 'app-a' }]);
  });

  it('gives each cell the verdict of the same flow written in the file', async () => {
    const instances = new Set(analyze(ECOMMERCE).model.instances.keys());
    const flows = writtenFlows(ECOMMERCE, instances);
    assert.ok(flows.length >= 10, `${flows.length} flows`);
    for (const flow of flows) {
      const answer = await session.request<MatrixAnswer>('vpcrules/matrix', { uri: ECOMMERCE_URI, protocol: flow.protocol, ports: flow.ports });
      const cell = answer.cells.find((c) => c.src === flow.src && c.dst === flow.dst);
      const written = await session.request<Explanation>('vpcrules/explainFlow', { uri: ECOMMERCE_URI, name: flow.name });
      assert.equal(cell?.verdict, written.verdict, `cell ${flow.src} -> ${flow.dst} ${flow.protocol} ${flow.ports} vs flow ${flow.name}`);
    }
  });

  it('computes the matrix of the current version after an edit', async () => {
    const before = await session.request<MatrixAnswer>('vpcrules/matrix', { uri: SHOP_URI, protocol: 'tcp', ports: '443' });
    assert.equal(before.cells.find((c) => c.src === 'internet' && c.dst === 'web-1')?.verdict, 'partial');
    // The same request again is the kept answer.
    assert.deepEqual(await session.request('vpcrules/matrix', { uri: SHOP_URI, protocol: 'tcp', ports: '443' }), before);
    const widened = SHOP.replace('32768-65535', '1024-65535');
    await session.change(SHOP_URI, 2, [{ text: widened }]);
    const after = await session.request<MatrixAnswer>('vpcrules/matrix', { uri: SHOP_URI, protocol: 'tcp', ports: '443' });
    assert.equal(after.version, 2);
    assert.equal(after.cells.find((c) => c.src === 'internet' && c.dst === 'web-1')?.verdict, 'allow');
    await session.change(SHOP_URI, 3, [{ text: SHOP }]);
  });

  it('offers the services the security groups open, most common first', async () => {
    assert.deepEqual(await session.request('vpcrules/matrixDefaults', { uri: SHOP_URI }), [{ protocol: 'tcp', ports: '443', rules: 1 }]);
    const uri = 'file:///services.vpcrules';
    await session.open(uri, `vpc lab 10.0.0.0/16
subnet a 10.0.1.0/24
security-group web {
  inbound  tcp 22 from 10.0.0.0/16
  inbound  tcp 443 from 0.0.0.0/0
  outbound tcp 5432 to 10.0.0.0/16
  outbound tcp 5432 to 10.1.0.0/16
  outbound tcp 5432 to 10.2.0.0/16
}
security-group media {
  inbound udp 5000-5100 from 0.0.0.0/0
  inbound tcp 443 from 10.0.0.0/16
  inbound icmp type 8 from 10.0.0.0/16
  inbound all from 10.9.0.0/16
}
instance web-1 subnet a ip 10.0.1.10 groups web media
`);
    // Inbound services before those the groups only reach out to; then by the number of rules, then in file order.
    assert.deepEqual(await session.request('vpcrules/matrixDefaults', { uri }), [
      { protocol: 'tcp', ports: '443', rules: 2 },
      { protocol: 'tcp', ports: '22', rules: 1 },
      { protocol: 'udp', ports: '5000-5100', rules: 1 },
      { protocol: 'icmp', rules: 1 },
      { protocol: 'tcp', ports: '5432', rules: 3 },
    ]);
  });

  it('explains a cell as the flow written in the file, with its diagram', async () => {
    const written = await session.request<Explanation>('vpcrules/explainFlow', { uri: SHOP_URI, name: 'https' });
    const pair = await session.request<Explanation>('vpcrules/explainPair', { uri: SHOP_URI, src: 'internet', dst: 'web-1', protocol: 'tcp', ports: '443' });
    assert.equal(pair.name, 'internet->web-1');
    assert.equal(pair.verdict, written.verdict);
    assert.equal(pair.expectationHolds, false);
    assert.deepEqual(pair.text.split('\n').slice(1), written.text.split('\n').slice(1));
    assert.match(pair.svg, /^<svg[\s>]/);
    assert.equal(pair.svg.replaceAll('internet-&gt;web-1', 'https'), written.svg);
  });

  it('has nothing to explain on the diagonal or for a name that is not an instance', async () => {
    assert.equal(await session.request('vpcrules/explainPair', { uri: SHOP_URI, src: 'web-1', dst: 'web-1', protocol: 'tcp', ports: '443' }), null);
    assert.equal(await session.request('vpcrules/explainPair', { uri: SHOP_URI, src: 'web-9', dst: 'web-1', protocol: 'tcp', ports: '443' }), null);
  });

  it('adds the path diagram, an SVG image without script, to explainFlow', async () => {
    const explanation = await session.request<Explanation>('vpcrules/explainFlow', { uri: SHOP_URI, name: 'https' });
    assert.match(explanation.svg, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(explanation.svg, /public-acl/);
    assert.doesNotMatch(explanation.svg, /<script|\son\w+=|href=/i);
  });

  it('answers null for a document that is not open', async () => {
    assert.equal(await session.request('vpcrules/matrix', { uri: UNKNOWN_URI, protocol: 'tcp', ports: '443' }), null);
    assert.equal(await session.request('vpcrules/matrixDefaults', { uri: UNKNOWN_URI }), null);
    assert.equal(await session.request('vpcrules/explainPair', { uri: UNKNOWN_URI, src: 'internet', dst: 'web-1', protocol: 'tcp', ports: '443' }), null);
  });

  it('answers InvalidParams for a protocol or ports a matrix cannot have', async () => {
    const invalid = (error: { code: number }) => error.code === ErrorCodes.InvalidParams;
    await assert.rejects(session.request('vpcrules/matrix', { uri: SHOP_URI, protocol: 'gre', ports: '443' }), invalid);
    await assert.rejects(session.request('vpcrules/matrix', { uri: SHOP_URI, protocol: 'tcp', ports: '70000' }), invalid);
    await assert.rejects(session.request('vpcrules/matrix', { uri: SHOP_URI, protocol: 'udp' }), invalid);
    await assert.rejects(session.request('vpcrules/explainPair', { uri: SHOP_URI, src: 'internet', dst: 'web-1', protocol: 'tcp', ports: 'x' }), invalid);
    const icmp = await session.request<MatrixAnswer>('vpcrules/matrix', { uri: SHOP_URI, protocol: 'icmp' });
    assert.equal(icmp.ports, null);
  });
});

describe('language server: a large matrix', () => {
  let session: Session;
  const URI = 'file:///large.vpcrules';
  const { text } = largeModel(20_000);
  // Never computed to the end: large enough that a round trip is a small part of it.
  const LARGER_URI = 'file:///larger.vpcrules';
  const larger = largeModel(80_000);
  before(async () => {
    session = await openSession({ debounceMs: 0 });
    await session.open(URI, text);
    await session.open(LARGER_URI, larger.text);
    await session.open(SHOP_URI, SHOP);
  });
  after(() => session.close());

  function progressOf(token: string) {
    const seen: (WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd)[] = [];
    const firstReport = new Promise<void>((resolve) => {
      session.connection.onProgress(WorkDoneProgress.type, token, (value) => {
        seen.push(value);
        if (value.kind === 'report') resolve();
      });
    });
    return { seen, firstReport };
  }

  it('reports its progress in order, from begin to end', async () => {
    const progress = progressOf('matrix-progress');
    const answer = await session.request<MatrixAnswer>('vpcrules/matrix', { uri: URI, protocol: 'tcp', ports: '22', workDoneToken: 'matrix-progress' });
    assert.equal(answer.cells.length, answer.ends.length ** 2);
    assert.equal(progress.seen[0].kind, 'begin');
    assert.equal(progress.seen[progress.seen.length - 1].kind, 'end');
    const percentages = progress.seen.flatMap((value) => (value.kind === 'report' && value.percentage !== undefined ? [value.percentage] : []));
    assert.deepEqual(percentages, [...percentages].sort((a, b) => a - b));
  });

  it('answers other requests while it computes, stops when the request is cancelled, and goes on answering', async () => {
    const progress = progressOf('matrix-cancel');
    const source = new CancellationTokenSource();
    const matrix = session.connection.sendRequest('vpcrules/matrix', { uri: LARGER_URI, protocol: 'tcp', ports: '22', workDoneToken: 'matrix-cancel' }, source.token);
    let settled = false;
    const rejected = assert.rejects(matrix.finally(() => (settled = true)), (error: { code: number }) => error.code === LSPErrorCodes.RequestCancelled);
    await progress.firstReport;
    // Another request is answered between two slices of the matrix (which takes seconds).
    assert.deepEqual(await session.request('vpcrules/flowTally', { uri: SHOP_URI }), SHOP_TALLY);
    assert.equal(settled, false, 'the matrix was done before the next request was answered');
    source.cancel();
    await rejected;
    assert.equal(progress.seen[progress.seen.length - 1].kind, 'end');
    assert.deepEqual(await session.request('vpcrules/flowTally', { uri: SHOP_URI }), SHOP_TALLY);
  });
});
