// What the editor must show for the file under test, taken from the project's own CLI (bundled
// from source into the temporary directory, so the run does not depend on a previous `tsc`):
// the failing flow and its VR500 line, a flow that holds, the expected tally, and the edit of a
// network ACL return rule that makes the failing flow hold, and the quick fix that repairs it.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FIXED_RANGE = '1024-65535';
/** `outbound NUMBER allow tcp N-M to CIDR`: a candidate return rule (group 2 is the port range). */
const RETURN_RULE = /^(\s*outbound\s+\d+\s+allow\s+(?:tcp|6)\s+)(\d+-\d+)(\s+to\s)/;

export async function bundleCli(root, outFile) {
  const esbuild = await import('esbuild');
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['server/src/cli/main.ts'],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    logLevel: 'error',
  });
  return outFile;
}

/** `vpcrules check --format json FILE`; exit 1 (errors or failed expectations) is expected here. */
function check(cli, file) {
  const source = `require(${JSON.stringify(cli)}).main(['check', '--format', 'json', ${JSON.stringify(file)}])`;
  const result = spawnSync(process.execPath, ['-e', source], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0 && result.status !== 1) {
    throw new Error(`vpcrules check ${file} exited with ${result.status ?? result.signal}\n${result.stderr}`);
  }
  return JSON.parse(result.stdout);
}

/**
 * What `vpcrules import SOURCE FILE` prints for an import fixture: the document the editor's
 * import command must open (its first lines, and its VPC line).
 */
export function importPlan(cli, source, file) {
  const program = `require(${JSON.stringify(cli)}).main(['import', ${JSON.stringify(source)}, ${JSON.stringify(file)}])`;
  const result = spawnSync(process.execPath, ['-e', program], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`vpcrules import ${source} ${file} exited with ${result.status ?? result.signal}\n${result.stderr}`);
  const lines = result.stdout.split('\n');
  const vpcLine = lines.find((line) => line.startsWith('vpc '));
  if (!vpcLine) throw new Error(`vpcrules import ${source} ${file} wrote no vpc line`);
  const name = vpcLine.split(' ')[1];
  return { firstLines: lines.slice(0, 2), vpcLine: vpcLine.replace(/\s+#.*$/, ''), name, summary: result.stderr.split('\n')[0] };
}

/**
 * What `vpcrules fix FILE --flow NAME` prints for the failing flow: the title of the quick fix that
 * repairs it (its first change, "(+N more)" when there are several, and the number of other flows
 * it changes) and the lines it adds.
 */
export function repairPlan(cli, file, flow) {
  const program = `require(${JSON.stringify(cli)}).main(['fix', ${JSON.stringify(file)}, '--flow', ${JSON.stringify(flow)}])`;
  const result = spawnSync(process.execPath, ['-e', program], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`vpcrules fix ${file} --flow ${flow} exited with ${result.status ?? result.signal}\n${result.stderr}`);
  const lines = result.stdout.split('\n');
  const note = lines[0];
  const prefix = `flow '${flow}': `;
  if (!note.startsWith(prefix)) throw new Error(`vpcrules fix printed no note for flow '${flow}': ${note}`);
  const body = note.slice(prefix.length);
  const none = body.lastIndexOf('; no other flow changes');
  const some = body.lastIndexOf('; other flows change: ');
  const end = none >= 0 ? none : some;
  if (end < 0) throw new Error(`vpcrules fix's note does not say which other flows change: ${note}`);
  const changes = body.slice(0, end).split('; ');
  const others = none >= 0 ? 0 : body.slice(some + '; other flows change: '.length).split('; ').length;
  let title = changes.length > 1 ? `${changes[0]} (+${changes.length - 1} more)` : changes[0];
  if (others > 0) title += ` (changes ${others} other flow${others === 1 ? '' : 's'})`;
  // The lines the diff adds, with their line numbers in the repaired file.
  const added = [];
  let line = 0;
  for (const text of lines.slice(1)) {
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(text);
    if (hunk) line = Number(hunk[1]);
    else if (text.startsWith('+') && !text.startsWith('+++')) added.push({ line: line++, text: text.slice(1).trim() });
    else if (text.startsWith(' ')) line++;
  }
  return { title, changes, others, added };
}

/**
 * Reads the file under test through the CLI and picks what the scenarios assert.
 * `scratchDir` receives a copy of the file with the candidate fix, to prove the fix works.
 */
export function makePlan(cli, file, scratchDir) {
  const report = check(cli, file);
  const failures = report.diagnostics.filter((d) => d.code === 'VR500' && d.severity === 'error');
  const failingFlow = report.flows.find((flow) => !flow.ok && failures.some((d) => d.line === flow.line));
  if (!failingFlow) throw new Error(`${file} has no flow with a failed expectation (VR500)`);
  const holdingFlow =
    report.flows.find((flow) => flow.ok && flow.verdict === 'allow' && flow.name !== failingFlow.name) ??
    report.flows.find((flow) => flow.ok && flow.name !== failingFlow.name);
  if (!holdingFlow) throw new Error(`${file} has no flow whose expectation holds`);

  const tally = { allow: 0, deny: 0, partial: 0, failing: 0 };
  for (const flow of report.flows) {
    tally[flow.verdict] += 1;
    if (!flow.ok) tally.failing += 1;
  }

  const lines = readFileSync(file, 'utf8').split('\n');
  let fix;
  for (let index = 0; index < lines.length && !fix; index++) {
    const match = RETURN_RULE.exec(lines[index]);
    if (!match || match[2] === FIXED_RANGE) continue;
    const candidate = [...lines];
    candidate[index] = lines[index].replace(RETURN_RULE, `$1${FIXED_RANGE}$3`);
    const scratch = join(scratchDir, 'fix-candidate.vpcrules');
    writeFileSync(scratch, candidate.join('\n'));
    const after = check(cli, scratch);
    const flow = after.flows.find((f) => f.name === failingFlow.name);
    if (flow?.ok) {
      fix = {
        line: index + 1,
        column: match[1].length + 1,
        oldRange: match[2],
        newRange: FIXED_RANGE,
        text: lines[index].trim(),
        failingAfter: after.flows.filter((f) => !f.ok).length,
        file: scratch,
      };
    }
  }
  if (!fix) throw new Error(`no network ACL return rule of ${file} fixes flow '${failingFlow.name}' when widened to ${FIXED_RANGE}`);

  return {
    failingFlow,
    repair: repairPlan(cli, file, failingFlow.name),
    failingLine: failingFlow.line,
    failingMessage: failures.find((d) => d.line === failingFlow.line).message,
    holdingFlow,
    tally,
    fix,
  };
}

/** Cells of the matrix the scenario clicks, in order of preference: an uneven verdict says the most. */
const CELL_PREFERENCE = ['partial', 'allow', 'deny'];

/**
 * What `vpcrules matrix FILE --proto P --port N --format json` gives on the protocol and port of
 * the failing flow's witness: the cell the matrix scenario clicks and its verdict, and that cell's
 * verdict in `fixedFile` (the file with the fix scenario d types).
 */
export function matrixPlan(cli, file, failingFlow, fixedFile) {
  const protocol = failingFlow.witness?.protocol;
  const port = failingFlow.witness?.dstPort;
  if ((protocol !== 'tcp' && protocol !== 'udp') || typeof port !== 'number') {
    throw new Error(`the witness of flow '${failingFlow.name}' is not a tcp or udp connection: ${JSON.stringify(failingFlow.witness)}`);
  }
  const matrix = matrixJson(cli, file, protocol, port);
  for (const verdict of CELL_PREFERENCE) {
    const cell = matrix.cells.find((c) => c.verdict === verdict);
    if (!cell) continue;
    // The same cell once the fix of scenario d is typed (the plan's candidate, checked by the CLI).
    const fixed = matrixCells(cli, fixedFile, protocol, port).find((c) => c.src === cell.src && c.dst === cell.dst);
    return { protocol, ports: String(port), size: matrix.sources.length, cell, fixedVerdict: fixed?.verdict };
  }
  throw new Error(`the ${protocol} ${port} matrix of ${file} has no cell to explain`);
}

/** `vpcrules matrix FILE --proto P --port N --format json`. */
function matrixJson(cli, file, protocol, port) {
  const args = ['matrix', file, '--proto', protocol, '--port', String(port), '--format', 'json'];
  const program = `require(${JSON.stringify(cli)}).main(${JSON.stringify(args)})`;
  const result = spawnSync(process.execPath, ['-e', program], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`vpcrules ${args.join(' ')} exited with ${result.status ?? result.signal}\n${result.stderr}`);
  return JSON.parse(result.stdout);
}

function matrixCells(cli, file, protocol, port) {
  return matrixJson(cli, file, protocol, port).cells;
}
