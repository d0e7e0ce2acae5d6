// vpcrules import aws FILE|DIR... [--vpc VPC-ID] [--out FILE|DIR]
// vpcrules import terraform FILE [--vpc ADDRESS-OR-ID] [--out FILE|DIR]
// Reads the files, writes one .vpcrules file per VPC (stdout, a file, or a directory), and the
// summary to stderr. Exit 0 on success, 2 on bad usage or input that cannot be imported.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImportInputError, InputFile, SOURCES, summaryText, writeDescription } from '../import';
import { closest } from '../syntax/suggest';

export const IMPORT_USAGE = `  vpcrules import aws FILE|DIR... [--vpc VPC-ID] [--out FILE|DIR]
      Writes a .vpcrules file from the JSON the AWS CLI prints (describe-vpcs,
      describe-subnets, describe-security-groups, ...; a directory is read whole):
      to stdout, or to --out (-o) FILE, or one NAME.vpcrules per VPC into --out DIR
      (an existing directory, or a path ending in /). Several VPCs need --vpc or
      --out DIR. A summary of what was imported, and of what could not be, goes to
      stderr. Exit 0: imported; 2: bad usage or input that cannot be imported.
  vpcrules import terraform FILE [--vpc ADDRESS-OR-ID] [--out FILE|DIR]
      The same from 'terraform show -json' of a state, or of a saved plan
      ('terraform show -json plan.tfplan'): values unknown until apply are resolved
      through the plan's configuration, or written as placeholders and reported.
      --vpc takes the VPC's Terraform address, AWS id or name.`;

export interface ImportIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Bad usage or unreadable input: the message is printed and the exit code is 2. */
export class ImportUsageError extends Error {}

const MAX_FILE_BYTES = 256 * 1024 * 1024;

interface ImportArgs {
  source: string;
  paths: string[];
  vpc?: string;
  out?: string;
}

function parseImportArgs(args: string[]): ImportArgs {
  const [source, ...rest] = args;
  const sources = Object.keys(SOURCES);
  if (!source || source.startsWith('-')) throw new ImportUsageError(`vpcrules: import needs a source: ${sources.join(', ')}`);
  if (!sources.includes(source)) {
    const suggestion = closest(source, sources);
    throw new ImportUsageError(`vpcrules: unknown import source '${source}'${suggestion ? `; did you mean '${suggestion}'?` : `; the sources are ${sources.join(', ')}`}`);
  }
  const parsed: ImportArgs = { source, paths: [] };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const eq = arg.indexOf('=');
    const [flag, inline] = arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    if (flag === '--vpc' || flag === '--out' || flag === '-o') {
      const value = inline ?? rest[++i];
      if (!value) throw new ImportUsageError(`vpcrules: ${flag} needs a value`);
      if (flag === '--vpc') parsed.vpc = value;
      else parsed.out = value;
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new ImportUsageError(`vpcrules: unknown option '${arg}' for import`);
    } else {
      parsed.paths.push(arg);
    }
  }
  if (parsed.paths.length === 0) throw new ImportUsageError(`vpcrules: import ${source} needs ${source === 'terraform' ? 'a file' : 'at least one file'}`);
  if (source === 'terraform' && parsed.paths.length > 1) {
    throw new ImportUsageError(`vpcrules: import terraform reads one file, the output of 'terraform show -json'; got ${parsed.paths.length}`);
  }
  return parsed;
}

function readInputs(paths: string[], source: string): InputFile[] {
  const files: string[] = [];
  for (const path of paths) {
    let stats;
    try {
      stats = statSync(path);
    } catch {
      throw new ImportUsageError(`vpcrules: cannot read '${path}': no such file or directory`);
    }
    if (stats.isDirectory() && source === 'terraform') {
      throw new ImportUsageError(`vpcrules: '${path}' is a directory; import terraform reads one file, the output of 'terraform show -json'`);
    }
    if (stats.isDirectory()) {
      const found = readdirSync(path).filter((name) => name.endsWith('.json')).sort().map((name) => join(path, name));
      if (found.length === 0) throw new ImportUsageError(`vpcrules: no .json file in directory '${path}'`);
      files.push(...found);
    } else {
      files.push(path);
    }
  }
  return files.map((path) => {
    try {
      if (statSync(path).size > MAX_FILE_BYTES) throw new ImportUsageError(`vpcrules: '${path}' is larger than ${MAX_FILE_BYTES} bytes`);
      return { path, text: readFileSync(path, 'utf8') };
    } catch (error) {
      if (error instanceof ImportUsageError) throw error;
      throw new ImportUsageError(`vpcrules: cannot read '${path}': ${(error as Error).message}`);
    }
  });
}

export function importCommand(args: string[], io: ImportIo): number {
  const options = parseImportArgs(args);
  const inputs = readInputs(options.paths, options.source);
  let files;
  try {
    const description = SOURCES[options.source](inputs);
    files = writeDescription(description, options.vpc);
  } catch (error) {
    if (error instanceof ImportInputError) throw new ImportUsageError(`vpcrules: ${error.message}`);
    throw error;
  }
  const out = options.out;
  const outIsDir = out !== undefined && (/[\\/]$/.test(out) || (existsSync(out) && statSync(out).isDirectory()));
  if (files.length > 1 && !outIsDir) {
    const ids = files.map((file) => file.vpcId).join(', ');
    throw new ImportUsageError(`vpcrules: the input has ${files.length} VPCs (${ids}): pick one with --vpc, or write one file each with --out DIR/`);
  }
  for (const file of files) {
    io.stderr(summaryText(file.summary));
    if (out === undefined) {
      io.stdout(file.text.replace(/\n$/, ''));
      continue;
    }
    const path = outIsDir ? join(out, `${file.name}.vpcrules`) : out;
    try {
      if (outIsDir) mkdirSync(out, { recursive: true });
      writeFileSync(path, file.text);
    } catch (error) {
      throw new ImportUsageError(`vpcrules: cannot write '${path}': ${(error as Error).message}`);
    }
    io.stderr(`wrote ${path}`);
  }
  return 0;
}
