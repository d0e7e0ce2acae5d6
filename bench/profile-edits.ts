// Not part of `npm run bench`: where an edit's time goes in the language server's re-analysis. Times
// one kind of edit in-process on a generated model (wall and CPU time, and what it recomputed), then
// profiles the same edits and prints their CPU time by part of the pipeline and the busiest functions.
//   node out/bench/profile-edits.js [10k|10k-fh|100k|...] [enter|code|delete|paste] [repeats]
import { Session } from 'node:inspector';
import { IncrementalAnalyzer } from '../server/src/engine/incremental';
import { generateModel } from './generate';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The part of the pipeline a source file belongs to. */
const PARTS: [RegExp, string][] = [
  [/\/syntax\//, 'parse (syntax/)'],
  [/\/engine\/(build-|regions|model)/, 'model build (build-*, regions)'],
  [/\/engine\/(incremental|fingerprints|line-map|comment-edit)/, 'reuse: keys, line map, kept results'],
  [/\/engine\/(evaluate|paths|hops|firewall|boxes|witness)/, 'flow evaluation (evaluate, paths, hops)'],
  [/\/engine\/(checks|explain|report)/, 'checks and messages'],
  [/\/engine\/(intervals|addresses|keys)/, 'interval arithmetic'],
];

function partOf(node: ProfileNode): string {
  if (node.callFrame.functionName === '(garbage collector)') return 'garbage collection';
  return PARTS.find(([pattern]) => pattern.test(node.callFrame.url))?.[1] ?? 'other (runtime, library)';
}

const [size = '10k-fh', kind = 'enter', repeatsText = '10'] = process.argv.slice(2);
const repeats = Number(repeatsText);
const bench = generateModel({ lines: Number.parseInt(size, 10) * 1000, shape: size.endsWith('-fh') ? 'flow-heavy' : 'balanced' });
const analyzer = new IncrementalAnalyzer();
const run = (text: string) => {
  const steps = analyzer.steps(text);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
};

const edited = (): string => {
  const lines = bench.text.split('\n');
  const at = bench.ruleLines[3];
  switch (kind) {
    case 'enter': lines.splice(5, 0, ''); break;
    case 'delete': lines.splice(at, 1); break;
    case 'paste': lines.splice(at, 0, ...lines.slice(at, at + 20)); break;
    case 'code': {
      const digit = bench.codeDigits[7];
      const line = lines[digit.line];
      lines[digit.line] = line.slice(0, digit.character) + (line[digit.character] === '1' ? '2' : '1') + line.slice(digit.character + 1);
      break;
    }
    default: throw new Error(`unknown edit kind '${kind}': enter, code, delete or paste`);
  }
  return lines.join('\n');
};

const opened = performance.now();
run(bench.text);
console.log(`${size}, ${kind}: open ${(performance.now() - opened).toFixed(0)} ms`);
const after = edited();
const edit = (i: number) => run(i % 2 === 0 ? after : bench.text);
for (let i = 0; i < repeats; i++) {
  const started = performance.now();
  const cpu = process.cpuUsage();
  edit(i);
  const used = process.cpuUsage(cpu);
  console.log(`${i % 2 === 0 ? 'edit' : 'undo'}: ${(performance.now() - started).toFixed(0)} ms wall, ${((used.user + used.system) / 1000).toFixed(0)} ms CPU, ${analyzer.evaluatedFlows.length} flows evaluated, ${analyzer.checkedBlocks.length} blocks checked`);
}

const session = new Session();
session.connect();
const post = <T>(method: string): Promise<T> => new Promise((resolve, reject) => session.post(method, (error, result) => (error ? reject(error) : resolve(result as T))));
void (async () => {
  await post('Profiler.enable');
  await post('Profiler.start');
  for (let i = 0; i < repeats; i++) edit(i);
  const { profile } = await post<{ profile: Profile }>('Profiler.stop');
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const parts = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  for (const [id, micros] of self) {
    const node = byId.get(id)!;
    if (['(idle)', '(program)', '(root)'].includes(node.callFrame.functionName)) continue;
    total += micros;
    parts.set(partOf(node), (parts.get(partOf(node)) ?? 0) + micros);
    const name = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.split('/').slice(-2).join('/')}:${node.callFrame.lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + micros);
  }
  const perEdit = (micros: number) => `${(micros / 1000 / repeats).toFixed(1).padStart(7)} ms  ${((100 * micros) / total).toFixed(0).padStart(3)}%`;
  console.log(`\nCPU per edit by part (self time, ${repeats} edits profiled):`);
  for (const [part, micros] of [...parts].sort((a, b) => b[1] - a[1])) console.log(`${perEdit(micros)}  ${part}`);
  console.log('\nbusiest functions (self time per edit):');
  for (const [name, micros] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${perEdit(micros)}  ${name}`);
  session.disconnect();
})();
