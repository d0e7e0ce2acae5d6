// The front end and the engine under hostile input: arbitrary text (any unicode, control
// characters, lone surrogates, mixed line breaks) and mutations of real models. Whatever the text,
// `analyze` returns, every range it reports lies inside the document as an editor counts it, and
// every diagnostic carries a registered code. Valid generated models get no error.
//
// Seeds are fixed so that runs are reproducible; override with FC_SEED=<n> (and FC_RUNS=<n>).
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { analyze, Analysis } from '../../server/src/engine/analyze';
import { ALL_CHECKS } from '../../server/src/diagnostics/codes';
import type { Range } from '../../server/src/syntax/ast';
import { randomModel } from '../naive/random-model';
import { modelTexts } from '../model-files';

const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : 20240611;
const RUNS = process.env.FC_RUNS !== undefined ? Number(process.env.FC_RUNS) : 300;
const CODES = new Set(ALL_CHECKS.map((c) => c.code));

/** Line lengths as LSP counts them: \r\n, \r and \n all end a line; lengths in UTF-16 units. */
export function lineLengths(text: string): number[] {
  return text.split(/\r\n|\r|\n/).map((line) => line.length);
}

function rangeProblem(range: Range, lines: number[]): string | undefined {
  const { start, end } = range;
  for (const p of [start, end]) {
    if (!Number.isInteger(p.line) || !Number.isInteger(p.character)) return 'a position is not an integer';
    if (p.line < 0 || p.line >= lines.length) return `line ${p.line} is outside 0..${lines.length - 1}`;
    if (p.character < 0 || p.character > lines[p.line]) return `character ${p.character} is outside line ${p.line} (length ${lines[p.line]})`;
  }
  if (start.line > end.line || (start.line === end.line && start.character > end.character)) return 'the range ends before it starts';
  return undefined;
}

/** Every object with a `range` in the syntax tree (nodes, names, numbers, keywords). */
function* rangesOf(value: unknown, where = 'file'): Generator<[string, Range]> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* rangesOf(value[i], `${where}[${i}]`);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const record = value as Record<string, unknown>;
  if (isRange(record.range)) yield [where, record.range];
  for (const [key, child] of Object.entries(record)) {
    if (key !== 'range' && typeof child === 'object') yield* rangesOf(child, `${where}.${key}`);
  }
}

function isRange(value: unknown): value is Range {
  return typeof value === 'object' && value !== null && 'start' in value && 'end' in value;
}

/** Throws (with the text) when `analyze` throws or reports anything outside the document. */
function checkAnalysis(text: string): Analysis {
  let analysis: Analysis;
  try {
    analysis = analyze(text);
  } catch (error) {
    assert.fail(`analyze threw ${(error as Error)?.stack ?? error} on ${JSON.stringify(text)}`);
  }
  const lines = lineLengths(text);
  for (const d of analysis.diagnostics) {
    assert.ok(CODES.has(d.code), `unregistered code ${d.code} (${d.message}) on ${JSON.stringify(text)}`);
    const problem = rangeProblem(d.range, lines);
    assert.equal(problem, undefined, `diagnostic ${d.code} '${d.message}' at ${JSON.stringify(d.range)}: ${problem}, on ${JSON.stringify(text)}`);
    for (const r of d.related) {
      const relatedProblem = rangeProblem(r.range, lines);
      assert.equal(relatedProblem, undefined, `related location of ${d.code} '${d.message}': ${relatedProblem}, on ${JSON.stringify(text)}`);
    }
  }
  for (const [where, range] of rangesOf(analysis.file)) {
    const problem = rangeProblem(range, lines);
    assert.equal(problem, undefined, `${where} at ${JSON.stringify(range)}: ${problem}, on ${JSON.stringify(text)}`);
  }
  return analysis;
}


const SAMPLES = modelTexts('test/fixtures', 'examples');

// Tokens that are nearly right, wrong in kind, or out of range.
const GARBAGE = [
  '{', '}', '{ }', '->', ',', '"', '""', '"x', '#', 'vpc', 'subnet', 'flow', 'security-group', 'network-acl', 'instance',
  'prefix-list', 'inbound', 'outbound', 'allow', 'deny', 'from', 'to', 'sg', 'pl', 'acl', 'groups', 'expect', 'oneway',
  'ipv6', 'from-ports', 'ephemeral', 'os', 'linux', 'type', 'code', 'internet', 'all', 'tcp', 'udp', 'icmp', 'icmpv6',
  '0', '65535', '65536', '99999999999999999999', '5-1', '0-65535', '-1', '256', '32767', '0.0.0.0/0', '::/0', '10.0.0.0/33',
  '10.0.0.256', '1.2.3', '2600:1f18::/129', ':::', '1::2::3', '10.0.1.5/24', 'a.b-c_d', '\u00a0', '\ufeff', '\t', '\r',
  '\r\n', '\n', '\u2028', '\ud800', '\udfff', '\u{1F600}', '\u0000', '☃', '=>', '@', 'ip', 'ip6',
  'internet-gateway', 'egress-only-gateway', 'nat-gateway', 'route-table', 'route', 'routes', 'main', 'edge', 'public-ip',
  'local', 'igw', 'eigw', 'nat', 'firewall', 'blackhole', 'unmodelled', '"tgw"',
  // The firewall forms, and the tokens of Suricata rules (a line inside a stateful-rule-group is one).
  'firewall-policy', 'stateless-rule-group', 'stateful-rule-group', 'stateful-rule-group g {', 'firewall-policy p {',
  'stateless-default', 'stateless', 'stateful', 'stateful-order', 'stateful-default', 'priority', 'policy', 'rule', 'port',
  'pass', 'drop', 'forward', 'reject', 'alert', 'any', 'default', 'strict', 'drop-strict', 'alert-established', '$HOME_NET',
  '$', '!', '!!', '[', ']', '[1,2', '[[', '<>', '<', '1024:', '2:1', '80:90', '(', ')', '(msg:"x"; sid:1;)', '(msg:"',
  '(sid:0;)', 'sid:', ';', ';;', '\\"', 'http', 'tls', 'flow:to_server', 'rule 10 pass tcp from any to any', 'pass ip any any -> any any',
];

/** One random edit of a model's lines. */
function mutation(): fc.Arbitrary<(lines: string[]) => string[]> {
  const at = fc.nat();
  return fc.oneof(
    at.map((i) => (lines: string[]) => lines.filter((_, j) => j !== i % Math.max(1, lines.length))),
    at.map((i) => (lines: string[]) => {
      const k = i % Math.max(1, lines.length);
      return [...lines.slice(0, k + 1), lines[k] ?? '', ...lines.slice(k + 1)];
    }),
    fc.tuple(at, at).map(([i, j]) => (lines: string[]) => {
      const out = [...lines];
      const a = i % Math.max(1, out.length);
      const b = j % Math.max(1, out.length);
      [out[a], out[b]] = [out[b], out[a]];
      return out;
    }),
    fc.tuple(at, at, fc.constantFrom(...GARBAGE)).map(([i, j, token]) => (lines: string[]) => {
      const out = [...lines];
      const k = i % Math.max(1, out.length);
      const line = out[k] ?? '';
      const p = j % (line.length + 1);
      out[k] = `${line.slice(0, p)} ${token} ${line.slice(p)}`;
      return out;
    }),
    fc.tuple(at, at).map(([i, j]) => (lines: string[]) => {
      // Deletes a run of characters inside one line (a token, half a token, a keyword's tail).
      const out = [...lines];
      const k = i % Math.max(1, out.length);
      const line = out[k] ?? '';
      const p = j % (line.length + 1);
      out[k] = line.slice(0, p) + line.slice(p + 1 + (j % 7));
      return out;
    }),
    at.map((i) => (lines: string[]) => {
      // Truncation anywhere, even inside a token.
      const text = lines.join('\n');
      return text.slice(0, i % (text.length + 1)).split('\n');
    }),
  );
}

const EOLS = ['\n', '\r\n', '\r'];

describe('hardening: analyze on hostile input', function () {
  this.timeout(60_000);

  it('ends an unterminated string before the \\r of a CRLF line break', () => {
    const analysis = checkAnalysis('vpc main 10.0.0.0/16\r\nsubnet "abc\r\n');
    const unterminated = analysis.diagnostics.find((d) => d.message.startsWith('unterminated string'));
    assert.deepEqual(unterminated?.range, { start: { line: 1, character: 7 }, end: { line: 1, character: 11 } });
  });

  it('never throws and keeps every range inside the document on arbitrary strings', () => {
    const char = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 4 }),
      fc.string({ unit: 'binary', maxLength: 4 }),
      fc.constantFrom('\n', '\r', '\r\n', '\u0000', '\u001b', '\u2028', '\ud800', '\udc00', '\ufeff', '"', '#', '{', '}', '-', '>', ',', '/', ':', '.'),
      fc.constantFrom(...GARBAGE),
    );
    fc.assert(
      fc.property(fc.array(char, { maxLength: 60 }), (parts) => {
        checkAnalysis(parts.join(' '));
        checkAnalysis(parts.join(''));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it(`never throws and keeps every range inside the document on mutations of ${SAMPLES.length} real models`, () => {
    assert.ok(SAMPLES.length > 0, 'no .vpcrules file found under test/fixtures or examples');
    fc.assert(
      fc.property(
        fc.nat({ max: SAMPLES.length - 1 }),
        fc.array(mutation(), { minLength: 1, maxLength: 8 }),
        fc.constantFrom(...EOLS),
        (index, edits, eol) => {
          let lines = SAMPLES[index].split(/\r?\n/);
          for (const edit of edits) lines = edit(lines);
          checkAnalysis(lines.join(eol));
        },
      ),
      { numRuns: RUNS, seed: SEED + 1 },
    );
  });

  it('keeps every range inside the document with mixed line breaks', () => {
    fc.assert(
      fc.property(fc.nat({ max: SAMPLES.length - 1 }), fc.array(fc.constantFrom(...EOLS), { minLength: 1 }), (index, eols) => {
        const lines = SAMPLES[index].split(/\r?\n/);
        checkAnalysis(lines.map((line, i) => line + (i < lines.length - 1 ? eols[i % eols.length] : '')).join(''));
      }),
      { numRuns: Math.max(10, Math.round(RUNS / 3)), seed: SEED + 2 },
    );
  });

  it('reads a lone carriage return as a line break, as editors do', () => {
    const analysis = checkAnalysis('\r {');
    assert.deepEqual(analysis.diagnostics.map((d) => [d.code, d.range.start]), [['VR100', { line: 1, character: 1 }]]);
    const lf = analyze(SAMPLES[0]);
    const cr = analyze(SAMPLES[0].replace(/\r?\n/g, '\r'));
    assert.deepEqual(cr.flows.map((f) => f.verdict), lf.flows.map((f) => f.verdict));
    assert.deepEqual(cr.diagnostics.map((d) => [d.code, d.range]), lf.diagnostics.map((d) => [d.code, d.range]));
  });

  it('reports no error on valid generated models, other than failed expectations', () => {
    fc.assert(
      fc.property(fc.oneof(randomModel(), randomModel({ large: true })), (generated) => {
        const analysis = checkAnalysis(generated.text);
        const errors = analysis.diagnostics.filter((d) => d.severity === 'error' && d.code !== 'VR500');
        assert.deepEqual(errors.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code} ${d.message}`), [], generated.text);
      }),
      { numRuns: Math.max(10, Math.round(RUNS / 3)), seed: SEED + 3 },
    );
  });
});
