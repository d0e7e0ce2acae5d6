// Cold `vpcrules check` wall time: a fresh Node process per run, as CI runs it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { elapsedMs, median } from './stats';

const CLI = join(__dirname, '..', '..', 'server', 'bin', 'vpcrules.js');

export function coldCheckMs(file: string, runs: number, expectedFlows: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [CLI, 'check', file, '--format', 'json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
    times.push(elapsedMs(start));
    // Exit 1 is expected: generated flows include failed expectations.
    if (result.status !== 0 && result.status !== 1) throw new Error(`vpcrules check exited ${result.status}: ${result.stderr}`);
    const report = JSON.parse(result.stdout) as { flows: unknown[] };
    if (report.flows.length !== expectedFlows) throw new Error(`vpcrules check reported ${report.flows.length} flows, expected ${expectedFlows}`);
  }
  return median(times);
}
