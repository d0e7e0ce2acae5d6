// vpcrules check FILE... [--format text|json|sarif]
// vpcrules explain FILE FLOW [--svg]
// vpcrules matrix FILE --proto tcp|udp|icmp [--port N[-M]] [--format text|json|csv]
// vpcrules fix FILE [--flow NAME] [--write]   (fix-command.ts)
// vpcrules import aws FILE|DIR... [--vpc VPC-ID] [--out FILE|DIR]   (import-command.ts)
// vpcrules import terraform FILE [--vpc ADDRESS-OR-ID] [--out FILE|DIR]
// Exit codes: 0 all good, 1 an error diagnostic or a failed expectation, 2 bad usage or unreadable file.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../engine/analyze';
import { buildModel, ModelOptions } from '../engine/build-model';
import { parse } from '../syntax/parser';
import { parsePortRange } from '../engine/keys';
import { pathDiagram } from '../engine/diagram';
import { matrixCsv, matrixJson, MatrixProtocol, matrixText, reachabilityMatrix } from '../engine/matrix';
import { closest } from '../syntax/suggest';
import { IMPORT_USAGE, importCommand, ImportUsageError } from './import-command';
import { fixCommand } from './fix-command';
import { FileAnalysis, jsonReport } from './report';
import { sarifReport } from './sarif';
import { formatExplain, formatText, styleFor, unknownFlowMessage } from './text';
import { VERSION } from './version';

export const USAGE = `usage:
  vpcrules check FILE|DIR... [--format text|json|sarif] [--no-color] [--external-ephemeral N-M]
      Checks .vpcrules files (directories are searched for *.vpcrules) and prints
      diagnostics and every flow's verdict. Exit 0: no errors and every expectation
      holds; 1: an error or a failed expectation; 2: bad usage or an unreadable file.
  vpcrules explain FILE FLOW [--svg] [--no-color] [--external-ephemeral N-M]
      Prints one flow's verdict, witness, hop-by-hop trace and packet sequence;
      with --svg, a diagram of the example's path as an SVG image instead.
  vpcrules matrix FILE --proto tcp|udp|icmp [--port N[-M]] [--format text|json|csv]
        [--external-ephemeral N-M]
      Prints the verdict of src -> dst for every instance and the internet as source
      and destination, on one protocol and port range (TCP and UDP need --port; ICMP
      is an echo request, type 8), as a written flow would get it. Exit 0, or 2 on bad
      usage or an unreadable file.
  vpcrules fix FILE [--flow NAME] [--write] [--external-ephemeral N-M]
      Prints, as a unified diff, the smallest change found that makes every failing
      flow (or the one named) hold, each repair verified on the whole file, with the
      other flows it changes; --write writes it to the file instead. Exit 0: every
      such flow holds or has a repair; 1: one has none (named); 2: bad usage or an
      unreadable file.
${IMPORT_USAGE}
  --external-ephemeral N-M sets the source ports of clients outside the VPC for flows
      without from-ports (default 1024-65535, as the language specifies).
  vpcrules --help | --version`;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  color: boolean;
}

class UsageError extends Error {}
class FileError extends Error {}

const MAX_FILE_BYTES = 64 * 1024 * 1024;

function expandPaths(paths: string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    let stats;
    try {
      stats = statSync(path);
    } catch {
      throw new FileError(`vpcrules: cannot read '${path}': no such file or directory`);
    }
    if (stats.isDirectory()) {
      const found = walk(path);
      if (found.length === 0) throw new FileError(`vpcrules: no .vpcrules file in directory '${path}'`);
      files.push(...found);
    } else {
      files.push(path);
    }
  }
  return files;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path));
    else if (entry.name.endsWith('.vpcrules')) out.push(path);
  }
  return out;
}

function readSource(path: string): string {
  try {
    const stats = statSync(path);
    if (stats.size > MAX_FILE_BYTES) throw new FileError(`vpcrules: '${path}' is ${stats.size} bytes; the limit is ${MAX_FILE_BYTES}`);
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof FileError) throw error;
    throw new FileError(`vpcrules: cannot read '${path}': ${(error as NodeJS.ErrnoException).code === 'EISDIR' ? 'is a directory' : (error as Error).message}`);
  }
}

function parseCheckArgs(args: string[]): { paths: string[]; format: string; color?: boolean } {
  const paths: string[] = [];
  let format = 'text';
  let color: boolean | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--format' || arg === '-f') {
      const value = args[++i];
      if (!value) throw new UsageError('vpcrules: --format needs a value: text, json or sarif');
      format = value;
    } else if (arg.startsWith('--format=')) {
      format = arg.slice('--format='.length);
    } else if (arg === '--no-color') {
      color = false;
    } else if (arg === '--color') {
      color = true;
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`vpcrules: unknown option '${arg}'`);
    } else {
      paths.push(arg);
    }
  }
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`vpcrules: unknown format '${format}'; use text, json or sarif`);
  if (paths.length === 0) throw new UsageError('vpcrules: check needs at least one file');
  return { paths, format, color };
}

/** Takes `--external-ephemeral N-M` out of the arguments. */
function takeModelOptions(args: string[]): { rest: string[]; options: ModelOptions } {
  const rest: string[] = [];
  const options: ModelOptions = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg !== '--external-ephemeral' && !arg.startsWith('--external-ephemeral=')) {
      rest.push(arg);
      continue;
    }
    const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[++i];
    const ports = value === undefined ? undefined : parsePortRange(value);
    if (!ports) throw new UsageError(`vpcrules: --external-ephemeral needs a port range N-M within 0-65535, not '${value ?? ''}'`);
    options.externalEphemeral = ports;
  }
  return { rest, options };
}

function check(args: string[], io: CliIo): number {
  const { rest, options } = takeModelOptions(args);
  const { paths, format, color } = parseCheckArgs(rest);
  const files: FileAnalysis[] = expandPaths(paths).map((path) => ({ path, analysis: analyze(readSource(path), options) }));
  if (format === 'json') io.stdout(JSON.stringify(jsonReport(files), null, 2));
  else if (format === 'sarif') io.stdout(JSON.stringify(sarifReport(files), null, 2));
  else io.stdout(formatText(files, styleFor(color ?? io.color)));
  const failed = files.some(({ analysis }) => analysis.diagnostics.some((d) => d.severity === 'error') || analysis.flows.some((flow) => !flow.ok));
  return failed ? 1 : 0;
}

function explain(allArgs: string[], io: CliIo): number {
  const { rest: args, options } = takeModelOptions(allArgs);
  const positional = args.filter((arg) => !arg.startsWith('--'));
  if (positional.length !== 2) throw new UsageError('vpcrules: explain needs a file and a flow name');
  const [path, name] = positional;
  const analysis = analyze(readSource(path), options);
  const result = analysis.flows.find((flow) => flow.flow.name === name);
  if (!result) {
    io.stderr(unknownFlowMessage(analysis, name, path));
    return 2;
  }
  if (args.includes('--svg')) io.stdout(pathDiagram(result));
  else io.stdout(formatExplain(result, styleFor(args.includes('--no-color') ? false : io.color)));
  return result.ok ? 0 : 1;
}

function optionValue(args: string[], i: number, name: string, what: string): string {
  const value = args[i + 1];
  if (value === undefined || (value.startsWith('-') && value !== '-')) throw new UsageError(`vpcrules: ${name} needs a value: ${what}`);
  return value;
}

function matrix(allArgs: string[], io: CliIo): number {
  const { rest: args, options } = takeModelOptions(allArgs);
  const positional: string[] = [];
  let proto: string | undefined;
  let port: string | undefined;
  let format = 'text';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const take = (what: string) => inline ?? optionValue(args, i++, flag, what);
    if (flag === '--proto' || flag === '--protocol') proto = take('tcp, udp or icmp');
    else if (flag === '--port' || flag === '--ports') port = take('a port or a range N-M');
    else if (flag === '--format' || flag === '-f') format = take('text, json or csv');
    else if (arg === '--no-color' || arg === '--color') continue;
    else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`vpcrules: unknown option '${arg}'`);
    else positional.push(arg);
  }
  if (positional.length !== 1) throw new UsageError('vpcrules: matrix needs one file');
  if (!proto) throw new UsageError('vpcrules: matrix needs --proto tcp, udp or icmp');
  if (!['tcp', 'udp', 'icmp'].includes(proto)) throw new UsageError(`vpcrules: unknown protocol '${proto}'; use tcp, udp or icmp`);
  if (!['text', 'json', 'csv'].includes(format)) throw new UsageError(`vpcrules: unknown format '${format}'; use text, json or csv`);
  let ports: { from: number; to: number } | undefined;
  if (proto === 'icmp') {
    if (port !== undefined) throw new UsageError('vpcrules: ICMP has no ports: the icmp matrix is of echo requests (type 8); leave out --port');
  } else {
    if (port === undefined) throw new UsageError(`vpcrules: a ${proto} matrix needs --port N or --port N-M`);
    const set = parsePortRange(port);
    if (!set) throw new UsageError(`vpcrules: --port needs a port or a range N-M within 0-65535, not '${port}'`);
    ports = { from: set.intervals[0][0], to: set.intervals[0][1] };
  }
  const text = readSource(positional[0]);
  const { model } = buildModel(parse(text).file, options);
  const result = reachabilityMatrix(model, { protocol: proto as MatrixProtocol, ports });
  if (format === 'json') io.stdout(JSON.stringify(matrixJson(result), null, 2));
  else if (format === 'csv') io.stdout(matrixCsv(result));
  else io.stdout(matrixText(result));
  return 0;
}

function fix(allArgs: string[], io: CliIo): number {
  const { rest: args, options } = takeModelOptions(allArgs);
  const positional: string[] = [];
  let flow: string | undefined;
  let write = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--flow') flow = optionValue(args, i++, '--flow', 'the name of a flow');
    else if (arg.startsWith('--flow=')) flow = arg.slice('--flow='.length);
    else if (arg === '--write' || arg === '-w') write = true;
    else if (arg === '--no-color' || arg === '--color') continue;
    else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`vpcrules: unknown option '${arg}'`);
    else positional.push(arg);
  }
  if (positional.length !== 1) throw new UsageError('vpcrules: fix needs one file');
  if (flow === '') throw new UsageError('vpcrules: --flow needs a value: the name of a flow');
  const path = positional[0];
  return fixCommand({ path, text: readSource(path), flow, write, options }, io);
}

export function run(args: string[], io: CliIo): number {
  try {
    const [command, ...rest] = args;
    if (!command || command === '--help' || command === '-h' || command === 'help') {
      (command ? io.stdout : io.stderr)(USAGE);
      return command ? 0 : 2;
    }
    if (command === '--version' || command === '-v') {
      io.stdout(VERSION);
      return 0;
    }
    if (command === 'check') return check(rest, io);
    if (command === 'explain') return explain(rest, io);
    if (command === 'import') return importCommand(rest, io);
    if (command === 'matrix') return matrix(rest, io);
    if (command === 'fix') return fix(rest, io);
    const suggestion = closest(command, ['check', 'explain', 'fix', 'import', 'matrix']);
    throw new UsageError(`vpcrules: unknown command '${command}'${suggestion ? `; did you mean '${suggestion}'?` : ''}\n${USAGE}`);
  } catch (error) {
    if (error instanceof UsageError || error instanceof FileError || error instanceof ImportUsageError) {
      io.stderr(error.message);
      return 2;
    }
    io.stderr(`vpcrules: internal error: ${(error as Error).message}`);
    return 2;
  }
}


export function main(argv: string[]): void {
  const io: CliIo = {
    stdout: (text) => process.stdout.write(`${text}\n`), // stdout-ok: the CLI's own output
    stderr: (text) => process.stderr.write(`${text}\n`),
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  };
  process.exitCode = run(argv, io);
}
