// `npm run bench`: generates models of about 1k, 10k and 100k lines in two shapes (balanced, and
// flow-heavy: an imported network where flows are most of the file), measures the CLI, the
// language server over stdio (edits of every kind, and the requests an editor sends after each
// one), the engine against the naive evaluator and the growth with the number of rules, prints
// every figure with its target and PASS/FAIL, writes bench/RESULTS.md and, after a full run, the
// table of README.md's Performance section.
// BENCH_SIZES=1k,10k selects sizes, BENCH_SHAPES=flow-heavy selects shapes, BENCH_SAMPLES=10 takes
// fewer samples; a run of BENCH_SIZES=1k takes well under a minute.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../server/src/engine/analyze';
import { coldCheckMs } from './cli-timing';
import { generateModel, GeneratedBench, ModelShape, Position } from './generate';
import { ANSWER_TIMEOUT_MS, Latencies, LspTimings, measureLanguageServer, SessionPlan, SessionStep, spread, TimedRequest, toggledDigit } from './lsp-session';
import { describeMachine, watchLoad } from './machine';
import { compareWithNaive } from './naive-comparison';
import { ruleScaling, withinNLogN } from './rule-scaling';
import { ms, table } from './stats';

const ROOT = join(__dirname, '..', '..');
const SERVER_BUILT = existsSync(join(ROOT, 'out', 'server', 'src', 'lsp', 'main.js'));
const DEFAULT_SIZES = '1k,10k,100k';
const SHAPES: ModelShape[] = ['balanced', 'flow-heavy'];
const PASTED_LINES = 20;

/**
 * How many of each measurement a model of this size gets: the 100k models skip the line edits.
 * BENCH_SAMPLES=n takes n of each instead, for a quick run.
 */
function samplesFor(lines: number) {
  const large = lines > 10_000;
  const samples = { digits: large ? 20 : 50, lineEdits: large ? 0 : 30, requests: large ? 20 : 50 };
  const wanted = Number(process.env.BENCH_SAMPLES);
  if (!(wanted > 0)) return samples;
  return { digits: wanted, lineEdits: large ? 0 : wanted, requests: wanted };
}

interface ModelResult {
  label: string;
  size: string;
  shape: ModelShape;
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

function parseList(variable: string, fallback: string): string[] {
  return (process.env[variable] ?? fallback).split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
}

function parseSizes(): [string, number][] {
  return parseList('BENCH_SIZES', DEFAULT_SIZES).map((label) => {
    const match = /^(\d+)(k?)$/.exec(label);
    if (!match) throw new Error(`BENCH_SIZES: '${label}' is not a size such as 10k`);
    return [label, Number(match[1]) * (match[2] ? 1000 : 1)];
  });
}

function parseShapes(): ModelShape[] {
  return parseList('BENCH_SHAPES', SHAPES.join(',')).map((shape) => {
    if (!(SHAPES as string[]).includes(shape)) throw new Error(`BENCH_SHAPES: '${shape}' is not one of ${SHAPES.join(', ')}`);
    return shape as ModelShape;
  });
}

/** Generated models must be valid: no error but failed expectations (VR500). */
function assertValid(label: string, model: GeneratedBench, text = model.text): void {
  const analysis = analyze(text);
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error' && d.code !== 'VR500');
  assert.deepEqual(errors.map((d) => `${d.range.start.line + 1}: ${d.code} ${d.message}`), [], `the ${label} model is not valid`);
  assert.equal(analysis.flows.length, model.flows, `the ${label} model: every flow is evaluated`);
}

/** Empty lines go in near the top, where they move every line below. */
function enterLines(model: GeneratedBench, count: number): number[] {
  const top = Math.max(3, Math.round(model.lines * 0.02));
  return spread(Array.from({ length: top - 2 }, (_, i) => i + 2), count);
}

/** Twenty rule lines of a security group (its own, repeated as needed), pasted after its header. */
function pastes(model: GeneratedBench, count: number): SessionPlan['pastes'] {
  return spread(model.groupBlocks, count).map((block) => ({
    line: block.header + 1,
    lines: Array.from({ length: PASTED_LINES }, (_, i) => block.rules[i % block.rules.length]),
  }));
}

function sessionPlan(model: GeneratedBench, samples: ReturnType<typeof samplesFor>): SessionPlan {
  const half = Math.ceil(samples.requests / 2);
  const completions: Position[] = [];
  const subnets = spread(model.subnetCompletions, half);
  const endpoints = spread(model.endpointCompletions, half);
  for (let i = 0; i < half; i++) completions.push(subnets[i], endpoints[i]);
  return {
    comment: spread(model.commentDigits, samples.digits),
    code: spread(model.codeDigits, samples.digits),
    enter: samples.lineEdits ? enterLines(model, samples.lineEdits) : [],
    deletions: spread(model.ruleLines, samples.lineEdits),
    pastes: pastes(model, samples.lineEdits),
    hovers: spread(model.flowNames, samples.requests),
    completions: completions.slice(0, samples.requests),
  };
}

function applyPlanForValidation(model: GeneratedBench, plan: SessionPlan): string {
  const lines = model.text.split('\n');
  for (const at of plan.code) toggledDigit(lines, at);
  // The pastes, all at once: the edited model must stay valid with each of them.
  const byLine = [...plan.pastes].sort((a, b) => b.line - a.line);
  for (const paste of byLine) lines.splice(paste.line, 0, ...paste.lines);
  return lines.join('\n');
}

async function measureModel(size: string, lines: number, shape: ModelShape, dir: string): Promise<ModelResult> {
  const label = shape === 'balanced' ? size : `${size} ${shape}`;
  const model = generateModel({ lines, shape });
  const samples = samplesFor(lines);
  const plan = sessionPlan(model, samples);
  if (lines <= 10_000) {
    assertValid(label, model);
    // The edits must keep the model valid too, or they would time error paths.
    assertValid(`${label} (edited)`, model, applyPlanForValidation(model, plan));
  }
  const file = join(dir, `bench-${label.replace(' ', '-')}.vpcrules`);
  writeFileSync(file, model.text);
  const checkRuns = lines > 10_000 ? 1 : 3;
  const result: ModelResult = { label, size, shape, model, checkRuns, checkMs: coldCheckMs(file, checkRuns, model.flows) };
  if (SERVER_BUILT) {
    try {
      result.lsp = await measureLanguageServer(file, model.text, plan);
    } catch (error) {
      result.lspError = (error as Error).message;
    }
  }
  const lsp = result.lsp;
  const p95 = (l: Latencies | undefined) => (l ? ms(l.p95) : 'n/a');
  console.log(`  ${label}: ${model.lines} lines, ${model.rules} rules, ${model.flows} flows; check ${ms(result.checkMs)}${lsp ? `; open ${ms(lsp.openMs)}, code edit p95 ${p95(lsp.codeEdits)}, Enter p95 ${p95(lsp.enter)}, documentSymbol p95 ${p95(lsp.requests['textDocument/documentSymbol'])}, RSS ${Math.round(lsp.peakRssMb)} MB` : ''}${lsp?.failure ? `; gave up at a ${lsp.failure.step}: ${lsp.failure.message}` : ''}${result.lspError ? `; language server: ${result.lspError}` : ''}`);
  return result;
}

const mb = (v: number) => `${Math.round(v)} MB`;
const seconds = (v: number) => `${(v / 1000).toFixed(2)} s`;

function target(name: string, value: number | undefined, limit: number, unit: (v: number) => string, absent = 'not measured'): Target {
  if (value === undefined) return { name, value: absent, pass: undefined };
  return { name, value: `${unit(value)} (limit ${unit(limit)})`, pass: value < limit };
}

/** An edit's target: its p95, or a failure when the session gave up waiting for that kind of edit. */
function editTarget(name: string, lsp: LspTimings | undefined, step: SessionStep, value: number | undefined, limit: number): Target {
  if (lsp?.failure?.step === step) return { name, value: `no diagnostics within ${seconds(ANSWER_TIMEOUT_MS)} (limit ${ms(limit)})`, pass: false };
  return target(name, value, limit, ms);
}

const REQUEST_LABELS: Record<TimedRequest, string> = {
  'textDocument/documentSymbol': 'documentSymbol',
  'textDocument/foldingRange': 'foldingRange',
  'textDocument/codeLens': 'codeLens',
  'textDocument/semanticTokens/full': 'semanticTokens/full',
  'textDocument/hover': 'hover',
  'textDocument/completion': 'completion',
};
const REQUEST_LIMITS: Record<TimedRequest, number> = {
  'textDocument/documentSymbol': 20,
  'textDocument/foldingRange': 20,
  'textDocument/codeLens': 20,
  'textDocument/semanticTokens/full': 20,
  'textDocument/hover': 20,
  'textDocument/completion': 50,
};

function targets(results: ModelResult[], scalingPass: boolean | undefined, scalingText: string): Target[] {
  const list: Target[] = [];
  for (const r of results.filter((r) => r.size === '10k')) {
    const lsp = r.lsp;
    list.push(editTarget(`${r.label}: code edit → diagnostics p95`, lsp, 'code edit', lsp?.codeEdits?.p95, 50));
    list.push(editTarget(`${r.label}: Enter near the top → diagnostics p95`, lsp, 'Enter', lsp?.enter?.p95, 50));
    list.push(editTarget(`${r.label}: line deletion → diagnostics p95`, lsp, 'line deletion', lsp?.lineDeletion?.p95, 50));
    list.push(editTarget(`${r.label}: paste of ${PASTED_LINES} lines → diagnostics p95`, lsp, 'paste', lsp?.paste?.p95, 50));
    for (const method of Object.keys(REQUEST_LABELS) as TimedRequest[]) {
      const absent = method === 'textDocument/semanticTokens/full' && lsp ? 'not offered by the server' : 'not measured';
      list.push(target(`${r.label}: ${REQUEST_LABELS[method]} p95`, lsp?.requests[method]?.p95, REQUEST_LIMITS[method], ms, absent));
    }
  }
  for (const r of results.filter((r) => r.size === '100k')) {
    list.push(target(`${r.label}: cold check`, r.checkMs, 2000, seconds));
    list.push(target(`${r.label}: open → diagnostics`, r.lsp?.openMs, 3000, seconds));
    list.push(editTarget(`${r.label}: code edit → diagnostics p95`, r.lsp, 'code edit', r.lsp?.codeEdits?.p95, 300));
    list.push(target(`${r.label}: server peak RSS`, r.lsp?.peakRssMb, 300, mb));
  }
  list.push({ name: 'growth with rules (fixed flows) ≤ n log n', value: scalingText, pass: scalingPass });
  return list;
}

/** The edits of the tables, with their figures. */
const EDIT_STEPS = [['code edit', 'codeEdits'], ['Enter', 'enter'], ['line deletion', 'lineDeletion'], ['paste', 'paste']] as const satisfies readonly (readonly [SessionStep, keyof LspTimings])[];

function cell(l: Latencies | undefined): string {
  return l ? `${ms(l.p50)} / ${ms(l.p95)} (${l.count})` : 'n/a';
}

function verdict(pass: boolean | undefined): string {
  return pass === undefined ? 'n/a' : pass ? 'PASS' : 'FAIL';
}

const thousands = (n: number) => n.toLocaleString('en-US');

/** The README's table: the p95 figures of every model, one row each, under a row of the targets. */
function readmeTable(results: ModelResult[]): string {
  const p95 = (l: Latencies | undefined) => (l ? ms(l.p95) : 'n/a');
  const request = (r: ModelResult, method: TimedRequest) => p95(r.lsp?.requests[method]);
  return table(
    ['model', 'lines', 'flows', 'cold `check`', 'open → diagnostics', 'code edit', 'Enter', 'line deletion', `paste ${PASTED_LINES} lines`, 'outline', 'folding', 'code lenses', 'semantic tokens', 'hover', 'completion', 'server peak RSS'],
    [
      ['target (10k / 100k lines)', '', '', '– / 2 s', '– / 3 s', '50 / 300 ms', '50 ms', '50 ms', '50 ms', '20 ms', '20 ms', '20 ms', '20 ms', '20 ms', '50 ms', '– / 300 MB'],
      ...results.map((r) => [
        r.label, thousands(r.model.lines), thousands(r.model.flows), r.checkMs >= 1000 ? seconds(r.checkMs) : ms(r.checkMs),
        r.lsp ? (r.lsp.openMs >= 1000 ? seconds(r.lsp.openMs) : ms(r.lsp.openMs)) : 'n/a',
        ...EDIT_STEPS.map(([step, field]) => (r.lsp?.failure?.step === step ? 'timed out' : p95(r.lsp?.[field]))),
        request(r, 'textDocument/documentSymbol'), request(r, 'textDocument/foldingRange'), request(r, 'textDocument/codeLens'),
        request(r, 'textDocument/semanticTokens/full'), request(r, 'textDocument/hover'), request(r, 'textDocument/completion'),
        r.lsp ? mb(r.lsp.peakRssMb) : 'n/a',
      ]),
    ],
  );
}

const README_START = '<!-- bench table: written by npm run bench -->';
const README_END = '<!-- end of bench table -->';

/** Replaces the table between the markers of README.md; false when the markers are missing. */
function updateReadme(tableText: string, machine: string, loadText: string): boolean {
  const file = join(ROOT, 'README.md');
  const readme = readFileSync(file, 'utf8');
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) return false;
  const body = `${README_START}\np95 figures of the run in [bench/RESULTS.md](bench/RESULTS.md) (${machine}; ${loadText}):\n\n${tableText}\n`;
  writeFileSync(file, readme.slice(0, start) + body + readme.slice(end));
  return true;
}

async function main(): Promise<void> {
  const machine = describeMachine();
  const load = watchLoad();
  console.log(`vpcrules benchmark on ${machine}`);
  const dir = mkdtempSync(join(tmpdir(), 'vpcrules-bench-'));
  if (!SERVER_BUILT) console.log('  the language server is not built: its timings are not measured');

  const shapes = parseShapes();
  const results: ModelResult[] = [];
  for (const [size, lines] of parseSizes()) {
    for (const shape of shapes) results.push(await measureModel(size, lines, shape, dir));
  }

  const naive = compareWithNaive(200, 424242);
  console.log(`  engine vs naive: ${naive.flows} flows, engine ${ms(naive.engineMs)}, naive ${ms(naive.naiveMs)}`);

  const scaling = ruleScaling(10_000, [1, 2, 4, 8], 3);
  const scalingPass = withinNLogN(scaling);
  const last = scaling[scaling.length - 1];
  const scalingText = `×${last.rules / scaling[0].rules >= 1 ? (last.rules / scaling[0].rules).toFixed(1) : '?'} rules: ×${(last.ms / scaling[0].ms).toFixed(2)} time`;

  const modelTable = table(
    ['model', 'lines', 'rules', 'instances', 'flows', 'cold check', 'open → diagnostics', 'server peak RSS'],
    results.map((r) => [
      r.label, String(r.model.lines), String(r.model.rules), String(r.model.instances), String(r.model.flows),
      `${ms(r.checkMs)}${r.checkRuns > 1 ? ` (median of ${r.checkRuns})` : ''}`,
      r.lsp ? ms(r.lsp.openMs) : 'n/a',
      r.lsp ? mb(r.lsp.peakRssMb) : 'n/a',
    ]),
  );
  const editTable = table(
    ['model', 'code edit', 'Enter near the top', 'line deletion', `paste of ${PASTED_LINES} lines`, 'undo of those (information)', 'comment edit (information)'],
    results.map((r) => [
      r.label,
      ...(r.lsp
        ? [...EDIT_STEPS, [undefined, 'undo'] as const, ['comment edit', 'commentEdits'] as const].map(([step, field]) => (step && r.lsp?.failure?.step === step ? 'timed out' : cell(r.lsp?.[field])))
        : Array(6).fill('n/a')),
    ]),
  );
  const requestTable = table(
    ['model', ...Object.values(REQUEST_LABELS)],
    results.map((r) => [r.label, ...(Object.keys(REQUEST_LABELS) as TimedRequest[]).map((method) => cell(r.lsp?.requests[method]))]),
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
  const targetList = targets(results, scalingPass, scalingText);
  const targetTable = table(['target', 'measured', 'result'], targetList.map((t) => [t.name, t.value, verdict(t.pass)]));
  const lspNotes = [
    ...results.filter((r) => r.lspError).map((r) => `- ${r.label}: the language server failed: ${r.lspError}`),
    ...results.flatMap((r) => (r.lsp?.failure ? [`- ${r.label}: the session gave up at the first ${r.lsp.failure.step} that timed out (${r.lsp.failure.message}); the figures after it are n/a`] : [])),
  ];
  const loadText = load.stop();
  const passed = targetList.filter((t) => t.pass === true).length;
  const failed = targetList.filter((t) => t.pass === false).length;

  const report = [
    '# Benchmark results',
    '',
    `Machine: ${machine}; ${loadText}.`,
    '',
    'Generated by `npm run bench` (bench/run.ts) on deterministic models from bench/generate.ts, in two shapes:',
    '*balanced* (many instances, one line in ten a flow) and *flow-heavy* (an imported network: at 10k lines 25',
    'subnets, 400 instances, network ACLs of 20-30 rules, about 7,400 flows). Cold check: a fresh',
    '`node server/bin/vpcrules.js check FILE --format json`. Language server: a client process drives',
    '`vpcrules-language-server --stdio` with debounceMs 0, as an editor would. Edits are timed from didChange to the',
    'publishDiagnostics of that version, one after the other: comment edits change a digit inside a comment (the',
    'meaning is kept); code edits change the last digit of a port in a rule or a flow (the model stays valid, its',
    'meaning changes); Enter inserts an empty line near the top (every line below moves); a line deletion removes',
    `a rule line; a paste inserts ${PASTED_LINES} rule lines into a security group. Each Enter, deletion and paste is undone`,
    'at once by the inverse edit, timed alike. After each code edit, once its diagnostics are in, the client asks',
    'what VS Code asks after every edit (documentSymbol, foldingRange, codeLens, and semanticTokens/full when the',
    'server offers it); hovers are on flow names and completions just after `subnet` in instance lines and just',
    `after a flow's name, on the analysed last version. The 100k-line models get ${samplesFor(100_000).digits} edits of each kind and no line`,
    'edits. Figures are p50 / p95 (samples). Timings are wall clock on a possibly shared machine: expect noise.',
    '',
    '## Models',
    '',
    modelTable,
    ...(SERVER_BUILT ? [] : ['', 'The language server was not built when this ran: its columns are n/a.']),
    ...(lspNotes.length ? ['', ...lspNotes] : []),
    '',
    '## Edits → diagnostics, p50 / p95 (samples)',
    '',
    editTable,
    '',
    '## Requests, p50 / p95 (samples)',
    '',
    requestTable,
    '',
    '## Engine vs naive evaluator (same small random models, same verdicts)',
    '',
    naiveTable,
    '',
    '## Growth with the number of rules (10k-line structure, fixed flows, in-process analysis, median of 3)',
    '',
    scalingTable,
    '',
    `## Targets: ${passed} passed, ${failed} failed`,
    '',
    targetTable,
    '',
  ].join('\n');
  writeFileSync(join(ROOT, 'bench', 'RESULTS.md'), report);
  console.log(`\n${loadText}\n\n${modelTable}\n\n${editTable}\n\n${requestTable}\n\n${naiveTable}\n\n${scalingTable}\n\n${targetTable}\n\nwritten to bench/RESULTS.md`);
  const fullRun = parseList('BENCH_SIZES', DEFAULT_SIZES).join(',') === DEFAULT_SIZES && shapes.length === SHAPES.length && !process.env.BENCH_SAMPLES;
  if (fullRun && SERVER_BUILT) {
    console.log(updateReadme(readmeTable(results), machine, loadText) ? 'and to the table of README.md' : 'README.md has no bench table markers: not updated');
  } else {
    console.log('README.md is updated only by a full run (every size and shape)');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
