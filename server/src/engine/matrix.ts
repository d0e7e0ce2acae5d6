// The reachability matrix: for one protocol and port range, the verdict of the flow `src -> dst`
// for every instance and `internet` as source and as destination. Each cell is the flow a file
// would declare (`flow x src -> dst tcp 443 expect allow`), built by build-model's own functions
// and judged by evaluateFlow, so that a cell never disagrees with the written flow. Pure; computed
// cell by cell as steps, so that a caller can report progress and abandon it.
import type { Endpoint, FlowDecl, Range } from '../syntax/ast';
import { coversConnection, instanceEnd, internetEnd, makeFlow } from './build-model';
import { evaluateFlow, Verdict } from './evaluate';
import type { Flow, FlowEnd, Model } from './model';

export type MatrixProtocol = 'tcp' | 'udp' | 'icmp';

/**
 * A cell's verdict: the flow's, or `self` on the diagonal (a connection from an instance to itself
 * never leaves it; `internet -> internet` crosses no hop of the VPC), or `none` when the flow
 * cannot be written (an instance without an IPv4 address or without a subnet).
 */
export type CellVerdict = Verdict | 'self' | 'none';

export interface MatrixEnd {
  /** An instance's name, or `internet`. */
  name: string;
  /** The instance's subnet; undefined for `internet` and an instance without a subnet. */
  subnet?: string;
}

export interface MatrixCell {
  src: string;
  dst: string;
  verdict: CellVerdict;
}

export interface Matrix {
  protocol: MatrixProtocol;
  /** "443", "1024-2048"; undefined for ICMP (echo request, type 8 code 0). */
  ports?: string;
  /** Sources and destinations alike: by subnet in file order, instances in file order, then `internet`. */
  ends: MatrixEnd[];
  /** Row by row: `cells[i * ends.length + j]` is `ends[i] -> ends[j]`. */
  cells: MatrixCell[];
}

export interface MatrixOptions {
  protocol: MatrixProtocol;
  /** Destination ports (TCP and UDP): required for them, ignored for ICMP. */
  ports?: { from: number; to: number };
  /** Called after each cell with the number of cells done and their total. */
  onProgress?: (done: number, total: number) => void;
  /** Asked before each cell; when it answers true the computation stops with MatrixCancelled. */
  isCancelled?: () => boolean;
}

export class MatrixCancelled extends Error {
  constructor() {
    super('matrix cancelled');
  }
}

const NOWHERE: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
const PROTOCOL_NUMBERS: Record<MatrixProtocol, number> = { tcp: 6, udp: 17, icmp: 1 };
export const INTERNET = 'internet';

/** The matrix's ends in order: subnets in file order, each with its instances in file order; instances without a subnet; `internet`. */
export function matrixEnds(model: Model): MatrixEnd[] {
  const instances = [...model.instances.values()];
  const ends: MatrixEnd[] = [];
  for (const subnet of model.subnets.values()) {
    for (const instance of instances) if (instance.subnet === subnet) ends.push({ name: instance.name, subnet: subnet.name });
  }
  for (const instance of instances) if (!instance.subnet) ends.push({ name: instance.name });
  ends.push({ name: INTERNET });
  return ends;
}

/** The declaration a file would hold for the cell: `flow NAME src -> dst tcp PORTS expect allow`. */
export function cellDecl(src: string, dst: string, options: Pick<MatrixOptions, 'protocol' | 'ports'>): FlowDecl {
  const endpoint = (name: string): Endpoint => (name === INTERNET ? { kind: 'internet', range: NOWHERE } : { kind: 'instance', name: { text: name, range: NOWHERE }, range: NOWHERE });
  const icmp = options.protocol === 'icmp';
  if (!icmp && !options.ports) throw new Error(`a ${options.protocol} matrix needs ports`);
  return {
    kind: 'flow', range: NOWHERE,
    name: { text: `${src}->${dst}`, range: NOWHERE },
    src: endpoint(src), dst: endpoint(dst),
    protocol: { text: options.protocol, number: PROTOCOL_NUMBERS[options.protocol], range: NOWHERE },
    ports: icmp ? undefined : { from: options.ports!.from, to: options.ports!.to, range: NOWHERE },
    icmp: icmp ? { type: 8, range: NOWHERE } : undefined,
    expect: { value: 'allow', range: NOWHERE },
  };
}

/** The flow of one cell, as build-model makes it for the same declaration; undefined when the cell holds no flow. */
export function cellFlow(model: Model, src: string, dst: string, options: Pick<MatrixOptions, 'protocol' | 'ports'>): Flow | 'self' | 'none' {
  if (src === dst) return 'self';
  const end = (name: string): FlowEnd | undefined => {
    if (name === INTERNET) return internetEnd(model, 4, NOWHERE);
    const instance = model.instances.get(name);
    return instance && instanceEnd(instance, 4, NOWHERE);
  };
  const srcEnd = end(src);
  const dstEnd = end(dst);
  if (!srcEnd || !dstEnd) return 'none';
  const flow = makeFlow(model, cellDecl(src, dst, options), srcEnd, dstEnd, 4);
  return coversConnection(flow) ? flow : 'self';
}

/** The matrix as steps: yields before each cell. */
export function* matrixSteps(model: Model, options: MatrixOptions): Generator<void, Matrix, void> {
  const ends = matrixEnds(model);
  const total = ends.length * ends.length;
  const cells: MatrixCell[] = [];
  for (const src of ends) {
    for (const dst of ends) {
      yield;
      const flow = cellFlow(model, src.name, dst.name, options);
      const verdict = typeof flow === 'string' ? flow : evaluateFlow(flow, model).verdict;
      cells.push({ src: src.name, dst: dst.name, verdict });
      options.onProgress?.(cells.length, total);
    }
  }
  const ports = options.protocol === 'icmp' || !options.ports ? undefined
    : options.ports.from === options.ports.to ? String(options.ports.from) : `${options.ports.from}-${options.ports.to}`;
  return { protocol: options.protocol, ports, ends, cells };
}

export function reachabilityMatrix(model: Model, options: MatrixOptions): Matrix {
  const steps = matrixSteps(model, options);
  for (;;) {
    if (options.isCancelled?.()) throw new MatrixCancelled();
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** The JSON form: `{protocol, ports, sources, destinations, cells: [{src, dst, verdict}]}`. */
export function matrixJson(matrix: Matrix): object {
  const names = matrix.ends.map((end) => end.name);
  return { protocol: matrix.protocol, ports: matrix.ports ?? null, sources: names, destinations: [...names], cells: matrix.cells };
}

const LETTERS: Record<CellVerdict, string> = { allow: 'A', deny: 'D', partial: 'P', self: '-', none: '.' };

/** What the matrix is about: "tcp 443", "icmp echo request (type 8)". */
export function matrixTitle(matrix: Matrix): string {
  return matrix.protocol === 'icmp' ? 'icmp echo request (type 8)' : `${matrix.protocol} ${matrix.ports}`;
}

/**
 * A readable grid: one row per source, labelled with its subnet and name; columns are destinations
 * by number (the row of the same number), subnets set apart by `|`.
 */
export function matrixText(matrix: Matrix): string {
  const { ends } = matrix;
  const n = ends.length;
  const groupOf = (end: MatrixEnd) => (end.name === INTERNET ? '' : end.subnet ?? '(no subnet)');
  const number = (i: number) => String(i + 1);
  const numberWidth = String(n).length;
  const groupWidth = Math.max(6, ...ends.map((end) => groupOf(end).length));
  const nameWidth = Math.max(...ends.map((end) => end.name.length));
  // A separator before column j when it starts a new subnet.
  const starts = ends.map((end, j) => j > 0 && groupOf(end) !== groupOf(ends[j - 1]));
  const cellWidth = numberWidth + 1;
  const columns = (cell: (j: number) => string) => ends.map((_, j) => `${starts[j] ? '| ' : ''}${cell(j).padEnd(cellWidth)}`).join('').trimEnd();
  const lead = (group: string, label: string) => `${group.padEnd(groupWidth)}  ${label.padEnd(numberWidth + 1 + nameWidth)}  `;
  const lines = [
    `reachability matrix, ${matrixTitle(matrix)}: rows are sources, columns destinations (by number)`,
    'A allow  D deny  P partial  - not evaluated (itself)  . no flow (no IPv4 address or no subnet)',
    '',
    `${lead('subnet', '')}${columns(number)}`,
  ];
  for (let i = 0; i < n; i++) {
    const group = i === 0 || groupOf(ends[i]) !== groupOf(ends[i - 1]) ? groupOf(ends[i]) : '';
    const label = `${number(i).padStart(numberWidth)} ${ends[i].name}`;
    lines.push(`${lead(group, label)}${columns((j) => LETTERS[matrix.cells[i * n + j].verdict])}`);
  }
  const counts = { allow: 0, deny: 0, partial: 0 };
  for (const cell of matrix.cells) if (cell.verdict in counts) counts[cell.verdict as Verdict]++;
  lines.push('', `${counts.allow} allow, ${counts.deny} deny, ${counts.partial} partial`);
  return lines.join('\n');
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV: a header row of destinations, then one row per source, each cell a verdict word. */
export function matrixCsv(matrix: Matrix): string {
  const n = matrix.ends.length;
  const rows = [['source', ...matrix.ends.map((end) => end.name)]];
  matrix.ends.forEach((end, i) => rows.push([end.name, ...matrix.cells.slice(i * n, (i + 1) * n).map((cell) => cell.verdict)]));
  return rows.map((row) => row.map(csvField).join(',')).join('\n');
}
