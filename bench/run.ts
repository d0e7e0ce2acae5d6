// `npm run bench`: generates models of about 1k, 10k and 100k lines, measures the CLI, the
// language server, the engine against the naive evaluator and the growth with the number of
// rules, prints a table with PASS/FAIL per target and writes it to bench/RESULTS.md.
// BENCH_SIZES=1k,10k selects sizes.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../server/src/engine/analyze';
import { coldCheckMs } from './cli-timing';
import { generateModel, GeneratedBench } from './generate';
import { EditTimings, LspTimings, measureLanguageServer, spread, toggledDigit } from './lsp-session';
import { describeMachine } from './machine';
import { compareWithNaive } from './naive-comparison';
import { ruleScaling, withinNLogN } from './rule-scaling';
import { ms, table } from './stats';

const ROOT = join(__dirname, '..', '..');
const SERVER_BUILT = existsSync(join(ROOT, 'out', 'server', 'src', 'lsp', 'main.js'));
const LSP_SAMPLES = 50;

interface SizeResult {
  label: string;
  model: GeneratedBench;
  checkMs: number;
  checkRuns: number;
  lsp?: LspTimings;
  lspError?: string;
}

interface Target {
  name: string;
  value: string;
  pass: boolean | undefined;
}

function parseSizes(): [string, number][] {
  const wanted = (process.env.BENCH_SIZES ?? '1k,10k,100k').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  return wanted.map((label) => {
    const match = /^(\d+)(k?)$/.exec(label);
    if (!match) throw new Error(`BENCH_SIZES: '${label}' is not a size such as 10k`);
    return [label, Number(match[1]) * (match[2] ? 1000 : 1)];
  });
}

/** Generated models must be valid: no error but failed expectations (VR500). */
function assertValid(label: string, model: GeneratedBench, text = model.text): void {
  const analysis = analyze(text);
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error' && d.code !== 'VR500');
  assert.deepEqual(errors.map((d) => `${d.range.start.line + 1}: ${d.code} ${d.message}`), [], `the ${label} model is not valid`);
  assert.equal(analysis.flows.length, model.flows, `the ${label} model: every flow is evaluated`);
}

async function measureSize(label: string, lines: number, dir: string): Promise<SizeResult> {
  const model = generateModel({ lines });
  const codeEdits = spread(model.codeDigits, LSP_SAMPLES);
  if (lines <= 10_000) {
    assertValid(label, model);
    // The code edits must keep the model valid too, or they would time error paths.
    const edited = model.text.split('\n');
    for (const at of codeEdits) toggledDigit(edited, at);
    assertValid(`${label} (code-edited)`, model, edited.join('\n'));
  }
  const file = join(dir, `bench-${label}.vpcrules`);
  writeFileSync(file, model.text);
  const checkRuns = lines > 10_000 ? 1 : 3;
  const result: SizeResult = { label, model, checkRuns, checkMs: coldCheckMs(file, checkRuns, model.flows) };
  if (SERVER_BUILT) {
    try {
      result.lsp = await measureLanguageServer(file, model.text, { comment: spread(model.commentDigits, LSP_SAMPLES), code: codeEdits }, model.flowNames, LSP_SAMPLES);
    } catch (error) {
      result.lspError = (error as Error).message;
    }
  }
  console.log(`  ${label}: ${model.lines} lines, ${model.rules} rules, ${model.flows} flows; check ${ms(result.checkMs)}${result.lsp ? `; code edit p95 ${ms(result.lsp.codeEdits.p95)}, comment edit p95 ${ms(result.lsp.commentEdits.p95)}, hover p95 ${ms(result.lsp.hoverP95)}` : ''}${result.lspError ? `; language server: ${result.lspError}` : ''}`);
  return result;
}

function target(name: string, value: number | undefined, limit: number, unit: (v: number) => string): Target {
  if (value === undefined) return { name, value: 'not measured', pass: undefined };
  return { name, value: `${unit(value)} (limit ${unit(limit)})`, pass: value < limit };
}

function targets(results: SizeResult[], scalingPass: boolean | undefined, scalingText: string): Target[] {
  const at = (label: string) => results.find((r) => r.label === label);
  const mb = (v: number) => `${Math.round(v)} MB`;
  const s = (v: number) => `${(v / 1000).toFixed(2)} s`;
  const list: Target[] = [];
  if (at('10k')) {
    list.push(target('10k lines: code edit → diagnostics p95', at('10k')!.lsp?.codeEdits.p95, 50, ms));
    list.push(target('10k lines: hover p95', at('10k')!.lsp?.hoverP95, 20, ms));
  }
  if (at('100k')) {
    list.push(target('100k lines: cold check', at('100k')!.checkMs, 2000, s));
    list.push(target('100k lines: code edit → diagnostics p95', at('100k')!.lsp?.codeEdits.p95, 300, ms));
    list.push(target('100k lines: server peak RSS', at('100k')!.lsp?.peakRssMb, 300, mb));
  }
  list.push({ name: 'growth with rules (fixed flows) ≤ n log n', value: scalingText, pass: scalingPass });
  return list;
}

function editCell(edits: EditTimings): string {
  return `${ms(edits.p50)} / ${ms(edits.p95)} (${edits.count} edits)`;
}

function verdict(pass: boolean | undefined): string {
  return pass === undefined ? 'n/a' : pass ? 'PASS' : 'FAIL';
}

async function main(): Promise<void> {
  const machine = describeMachine();
  console.log(`vpcrules benchmark on ${machine}`);
  const dir = mkdtempSync(join(tmpdir(), 'vpcrules-bench-'));
  if (!SERVER_BUILT) console.log('  the language server is not built: its timings are not measured');

  const results: SizeResult[] = [];
  for (const [label, lines] of parseSizes()) results.push(await measureSize(label, lines, dir));

  const naive = compareWithNaive(200, 424242);
  console.log(`  engine vs naive: ${naive.flows} flows, engine ${ms(naive.engineMs)}, naive ${ms(naive.naiveMs)}`);

  const scaling = ruleScaling(10_000, [1, 2, 4, 8], 3);
  const scalingPass = withinNLogN(scaling);
  const last = scaling[scaling.length - 1];
  const scalingText = `×${last.rules / scaling[0].rules >= 1 ? (last.rules / scaling[0].rules).toFixed(1) : '?'} rules: ×${(last.ms / scaling[0].ms).toFixed(2)} time`;

  const sizeTable = table(
    ['model', 'lines', 'rules', 'flows', 'cold check', 'open → diagnostics', 'code edit → diagnostics p50 / p95 (the target)', 'comment edit → diagnostics p50 / p95 (information)', 'hover p50 / p95', 'server peak RSS'],
    results.map((r) => [
      r.label, String(r.model.lines), String(r.model.rules), String(r.model.flows),
      `${ms(r.checkMs)}${r.checkRuns > 1 ? ` (median of ${r.checkRuns})` : ''}`,
      r.lsp ? ms(r.lsp.openMs) : 'n/a',
      r.lsp ? editCell(r.lsp.codeEdits) : 'n/a',
      r.lsp ? editCell(r.lsp.commentEdits) : 'n/a',
      r.lsp ? `${ms(r.lsp.hoverP50)} / ${ms(r.lsp.hoverP95)} (${r.lsp.hovers} hovers)` : 'n/a',
      r.lsp ? `${Math.round(r.lsp.peakRssMb)} MB` : 'n/a',
    ]),
  );
  const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}×`;
  const naiveTable = table(
    ['what is timed', 'models', 'flows', 'engine', 'naive evaluator', 'naive / engine'],
    [
      ['whole analysis (engine: parse, checks, verdicts, witnesses, traces; naive: read, enumerate)', String(naive.models), String(naive.flows), ms(naive.engineMs), ms(naive.naiveMs), ratio(naive.naiveMs, naive.engineMs)],
      ['verdicts alone (engine: evaluateFlow; naive: enumeration)', String(naive.models), String(naive.flows), ms(naive.engineVerdictsMs), ms(naive.naiveVerdictsMs), ratio(naive.naiveVerdictsMs, naive.engineVerdictsMs)],
    ],
  );
  const scalingTable = table(
    ['rules factor', 'rules', 'flows', 'analysis', 'per rule', 'time growth vs ×1', 'n log n growth'],
    scaling.map((p) => [
      `×${p.factor}`, String(p.rules), String(p.flows), ms(p.ms), `${((p.ms * 1000) / p.rules).toFixed(0)} µs`,
      `×${(p.ms / scaling[0].ms).toFixed(2)}`,
      `×${((p.rules * Math.log2(p.rules)) / (scaling[0].rules * Math.log2(scaling[0].rules))).toFixed(2)}`,
    ]),
  );
  const targetTable = table(['target', 'measured', 'result'], targets(results, scalingPass, scalingText).map((t) => [t.name, t.value, verdict(t.pass)]));
  const lspNotes = results.filter((r) => r.lspError).map((r) => `- ${r.label}: the language server failed: ${r.lspError}`);

  const report = [
    '# Benchmark results',
    '',
    `Machine: ${machine}.`,
    '',
    'Generated by `npm run bench` (bench/run.ts) on deterministic models from bench/generate.ts. Cold check: a fresh',
    '`node server/bin/vpcrules.js check FILE --format json`. Language server: a client process drives',
    '`vpcrules-language-server --stdio` with debounceMs 0; an edit changes one digit and is timed from didChange to the',
    'publishDiagnostics of that version. Two series of edits spread over the file, run one after the other: comment',
    'edits change a digit inside a comment (the meaning is kept); code edits change the last digit of a port in a rule',
    'or a flow (the model stays valid, its meaning changes). The edit targets are judged on the code edits.',
    'Hovers are on flow names once the analysis is ready.',
    'Timings are wall clock on a possibly shared machine: expect noise.',
    '',
    '## Sizes',
    '',
    sizeTable,
    ...(SERVER_BUILT ? [] : ['', 'The language server was not built when this ran: its columns are n/a.']),
    ...(lspNotes.length ? ['', ...lspNotes] : []),
    '',
    '## Engine vs naive evaluator (same small random models, same verdicts)',
    '',
    naiveTable,
    '',
    '## Growth with the number of rules (10k-line structure, fixed flows, in-process analysis, median of 3)',
    '',
    scalingTable,
    '',
    '## Targets',
    '',
    targetTable,
    '',
  ].join('\n');
  writeFileSync(join(ROOT, 'bench', 'RESULTS.md'), report);
  console.log(`\n${sizeTable}\n\n${naiveTable}\n\n${scalingTable}\n\n${targetTable}\n\nwritten to bench/RESULTS.md`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
