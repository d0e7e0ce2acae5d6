// Not part of `npm run bench`: times the language server's re-analysis in-process, edit kind by edit
// kind, on a generated model, so that a CPU profile (`node --cpu-prof`) shows where an edit's time goes.
//   node out/bench/profile-edits.js [10k|10k-fh|...] [enter|code|delete|paste] [repeats]
import { IncrementalAnalyzer } from '../server/src/engine/incremental';
import { generateModel } from './generate';

const [size = '10k-fh', kind = 'enter', repeatsText = '10'] = process.argv.slice(2);
const lines = Number.parseInt(size, 10) * 1000;
const bench = generateModel({ lines, shape: size.endsWith('-fh') ? 'flow-heavy' : 'balanced' });
const analyzer = new IncrementalAnalyzer();
const run = (text: string) => {
  const steps = analyzer.steps(text);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
};
let started = performance.now();
run(bench.text);
console.log(`open: ${(performance.now() - started).toFixed(0)} ms`);
const textLines = bench.text.split('\n');
const edited = (): string => {
  const copy = [...textLines];
  switch (kind) {
    case 'enter': copy.splice(5, 0, ''); break;
    case 'delete': copy.splice(bench.ruleLines[3], 1); break;
    case 'paste': copy.splice(bench.ruleLines[3], 0, ...copy.slice(bench.ruleLines[3], bench.ruleLines[3] + 20)); break;
    case 'code': {
      const at = bench.codeDigits[7];
      const line = copy[at.line];
      const digit = line[at.character] === '1' ? '2' : '1';
      copy[at.line] = line.slice(0, at.character) + digit + line.slice(at.character + 1);
      break;
    }
    default: throw new Error(`unknown edit kind ${kind}`);
  }
  return copy.join('\n');
};
const after = edited();
// CPU time besides wall time: on a shared machine, it says what the analysis itself cost.
for (let i = 0; i < Number(repeatsText); i++) {
  started = performance.now();
  const cpu = process.cpuUsage();
  run(i % 2 === 0 ? after : bench.text);
  const used = process.cpuUsage(cpu);
  console.log(`${kind} ${i % 2 === 0 ? 'do' : 'undo'}: ${(performance.now() - started).toFixed(0)} ms wall, ${((used.user + used.system) / 1000).toFixed(0)} ms CPU, ${analyzer.evaluatedFlows.length} flows evaluated, ${analyzer.checkedBlocks.length} blocks checked`);
}
