// Runs the `vpcrules` command as a user would, on files written to a temporary folder.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run as runCli } from '../server/src/cli/main';

export const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'server', 'bin', 'vpcrules.js');

export function run(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A fresh temporary folder, and a function that writes a file into it and returns its path. */
export function tempFolder(prefix: string): { dir: string; file: (name: string, text: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    file: (name, text) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
  };
}

/** Runs the command in this process, as `run` of the CLI's main module, collecting what it prints. */
export function runInProcess(...args: string[]): { code: number; stdout: string; stderr: string } {
  const out: string[] = [];
  const err: string[] = [];
  const code = runCli(args, { stdout: (text) => out.push(text), stderr: (text) => err.push(text), color: false });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}
