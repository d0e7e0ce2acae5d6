// The reachability matrix: a small model pinned cell by cell with the reasons, the order of its
// rows, its three outputs, the command's usage errors, progress and cancellation.
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../server/src/engine/analyze';
import { run } from './cli-run';
import { Matrix, MatrixCancelled, matrixCsv, matrixJson, matrixText, reachabilityMatrix } from '../server/src/engine/matrix';

// Declared with api-1 first: the rows follow the subnets' order (front, back), not the instances'.
const LAB = `vpc lab 10.0.0.0/16
subnet front 10.0.1.0/24 acl front-acl
subnet back  10.0.2.0/24
network-acl front-acl {
  inbound  100 allow tcp 443 from 0.0.0.0/0
  inbound  110 allow tcp 1024-65535 from 10.0.0.0/16
  outbound 100 allow tcp 32768-65535 to 0.0.0.0/0
  outbound 110 allow tcp 443 to 10.0.2.0/24
}
security-group web {
  inbound  tcp 443 from 0.0.0.0/0
  outbound tcp 443 to 10.0.2.0/24
}
security-group api {
  inbound tcp 443 from sg web
}
instance api-1 subnet back  ip 10.0.2.10 groups api
instance web-1 subnet front ip 10.0.1.10 groups web
instance web-2 subnet front ip 10.0.1.11 groups web
`;

const cli = run;

function grid(matrix: Matrix): string[][] {
  const n = matrix.ends.length;
  return matrix.ends.map((_, i) => matrix.cells.slice(i * n, (i + 1) * n).map((cell) => cell.verdict));
}

describe('reachability matrix', () => {
  const model = analyze(LAB).model;
  const matrix = reachabilityMatrix(model, { protocol: 'tcp', ports: { from: 443, to: 443 } });

  it('orders its ends by subnet in file order, then the internet', () => {
    assert.deepEqual(matrix.ends, [{ name: 'web-1', subnet: 'front' }, { name: 'web-2', subnet: 'front' }, { name: 'api-1', subnet: 'back' }, { name: 'internet' }]);
  });

  it('gives each cell the verdict of the flow src -> dst tcp 443', () => {
    assert.deepEqual(grid(matrix), [
      // web-1: to web-2 (same subnet, no NACL) its group's only outbound rule (to back) does not
      // match; to api-1 every hop admits, and the reply (to 32768-60999) enters by front-acl 110;
      // to the internet no outbound rule matches.
      ['self', 'deny', 'allow', 'deny'],
      ['deny', 'self', 'allow', 'deny'],
      // api-1: group api has no outbound rule.
      ['deny', 'deny', 'self', 'deny'],
      // internet: clients use 1024-65535 but front-acl lets replies out to 32768-65535 only;
      // group api admits only members of web.
      ['partial', 'partial', 'deny', 'self'],
    ]);
  });

  it('agrees with the same flows written in the file', () => {
    const written = `${LAB}flow a internet -> web-1 tcp 443 expect allow\nflow b web-2 -> api-1 tcp 443 expect allow\nflow c api-1 -> internet tcp 443 expect allow\n`;
    const verdicts = Object.fromEntries(analyze(written).flows.map((result) => [result.flow.name, result.verdict]));
    assert.deepEqual(verdicts, { a: 'partial', b: 'allow', c: 'deny' });
  });

  it('leaves out a cell whose flow cannot be written: an instance without an IPv4 address (an error, but the file is still read)', () => {
    const text = `vpc lab 10.0.0.0/16 2600:1f18:aa00::/56
subnet a 10.0.1.0/24 2600:1f18:aa00:1::/64
instance v4 subnet a ip 10.0.1.10
instance v6 subnet a ip6 2600:1f18:aa00:1::10
`;
    const analysis = analyze(text);
    assert.deepEqual(analysis.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code), ['VR100']);
    const small = reachabilityMatrix(analysis.model, { protocol: 'icmp' });
    assert.deepEqual(grid(small), [['self', 'none', 'allow'], ['none', 'self', 'none'], ['deny', 'none', 'self']]);
    assert.match(matrixText(small), /^ +2 v6 +\. - \| \.$/m);
    const written = analyze(`${text}flow x v4 -> v6 icmp type 8 expect allow\n`);
    assert.deepEqual(written.flows, []);
  });

  it('prints JSON, CSV and a text grid', () => {
    const json = matrixJson(matrix) as { protocol: string; ports: string; sources: string[]; destinations: string[]; cells: unknown[] };
    assert.deepEqual(Object.keys(json), ['protocol', 'ports', 'sources', 'destinations', 'cells']);
    assert.equal(json.ports, '443');
    assert.deepEqual(json.sources, ['web-1', 'web-2', 'api-1', 'internet']);
    assert.deepEqual(json.cells[2], { src: 'web-1', dst: 'api-1', verdict: 'allow' });
    assert.deepEqual(matrixCsv(matrix).split('\n'), [
      'source,web-1,web-2,api-1,internet',
      'web-1,self,deny,allow,deny',
      'web-2,deny,self,allow,deny',
      'api-1,deny,deny,self,deny',
      'internet,partial,partial,deny,self',
    ]);
    assert.deepEqual(matrixText(matrix).split('\n'), [
      'reachability matrix, tcp 443: rows are sources, columns destinations (by number)',
      'A allow  D deny  P partial  - not evaluated (itself)  . no flow (no IPv4 address or no subnet)',
      '',
      'subnet              1 2 | 3 | 4',
      'front   1 web-1     - D | A | D',
      '        2 web-2     D - | A | D',
      'back    3 api-1     D D | - | D',
      '        4 internet  P P | D | -',
      '',
      '2 allow, 8 deny, 2 partial',
    ]);
  });

  it('reports progress cell by cell and stops when cancelled', () => {
    const seen: number[] = [];
    reachabilityMatrix(model, { protocol: 'icmp', onProgress: (done, total) => seen.push(done * 100 + total) });
    assert.deepEqual(seen, Array.from({ length: 16 }, (_, i) => (i + 1) * 100 + 16));
    let asked = 0;
    assert.throws(() => reachabilityMatrix(model, { protocol: 'udp', ports: { from: 53, to: 53 }, isCancelled: () => ++asked > 3 }), MatrixCancelled);
  });
});

describe('CLI: vpcrules matrix', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vpcrules-matrix-'));
  const path = join(dir, 'lab.vpcrules');
  writeFileSync(path, LAB);

  it('prints the JSON contract and exits 0', () => {
    const { code, stdout } = cli('matrix', path, '--proto', 'tcp', '--port', '443', '--format', 'json');
    assert.equal(code, 0);
    const json = JSON.parse(stdout);
    assert.equal(json.protocol, 'tcp');
    assert.equal(json.cells.length, 16);
    assert.deepEqual(json.cells.at(-4), { src: 'internet', dst: 'web-1', verdict: 'partial' });
  });

  it('takes port ranges, ICMP without ports, and CSV', () => {
    const range = cli('matrix', path, '--proto=udp', '--port=1000-2000');
    assert.equal(range.code, 0);
    assert.match(range.stdout, /udp 1000-2000/);
    const icmp = cli('matrix', path, '--proto', 'icmp', '-f', 'csv');
    assert.equal(icmp.code, 0);
    assert.equal(icmp.stdout.split('\n')[0], 'source,web-1,web-2,api-1,internet');
  });

  it('exits 2 on bad usage', () => {
    for (const args of [
      [path], [path, '--proto', 'tcp'], [path, '--proto', 'sctp', '--port', '1'], [path, '--proto', 'tcp', '--port', '70000'],
      [path, '--proto', 'icmp', '--port', '8'], [path, '--proto', 'tcp', '--port', '1', '--format', 'xml'], ['--proto', 'tcp', '--port', '1'],
      [path, '--proto', 'tcp', '--port', '1', '--bogus'], [join(dir, 'missing.vpcrules'), '--proto', 'tcp', '--port', '1'],
    ]) {
      const { code, stderr, stdout } = cli('matrix', ...args);
      assert.equal(code, 2, args.join(' '));
      assert.match(stderr, /^vpcrules: /, args.join(' '));
      assert.equal(stdout, '', args.join(' '));
    }
  });

  it('is in the help', () => {
    assert.match(cli('--help').stdout, /vpcrules matrix FILE --proto tcp\|udp\|icmp/);
  });
});
