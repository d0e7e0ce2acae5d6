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
