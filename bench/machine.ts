// A description of the machine the benchmark ran on, for the report.
import { readFileSync } from 'node:fs';
import * as os from 'node:os';

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1].trim();
  } catch {
    // Not Linux: fall back to what Node knows.
  }
  return os.cpus()[0]?.model ?? 'unknown CPU';
}

export function describeMachine(): string {
  const gib = (os.totalmem() / 2 ** 30).toFixed(1);
  return `${cpuModel()}, ${os.cpus().length} cores, ${gib} GiB memory, Node ${process.version}, ${os.type()} ${os.release()}, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * Samples the 1-minute load average every few seconds while the benchmark runs: on a shared machine
 * the other processes' load explains much of the noise.
 */
export function watchLoad(): { stop(): string } {
  const samples = [os.loadavg()[0]];
  const timer = setInterval(() => samples.push(os.loadavg()[0]), 5000);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      samples.push(os.loadavg()[0]);
      const sorted = [...samples].sort((a, b) => a - b);
      const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(1);
      return `1-minute load average during the run: median ${at(0.5)}, min ${at(0)}, max ${at(1)} (${os.cpus().length} cores)`;
    },
  };
}
