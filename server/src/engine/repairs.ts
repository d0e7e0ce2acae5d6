// Repairs: the smallest edits found that make a failing flow's expectation hold. For `expect
// allow`, the hop that first drops part of the flow gets the narrowest rule admitting exactly
// the dropped part (a NACL rule numbered before the rule that denies it, or a widened rule; an
// SG rule whose peer is `sg NAME` when the peer is an instance's group, else the narrowest
// CIDR; a route when the path has none); for `expect deny`, a rule that admits the flow is
// narrowed or removed. Edits are found greedily, one hop at a time, each re-analysed before the
// next, and every repair is verified on the whole edited text: it is offered only when the flow
// then holds and no new error appears, with every other flow whose outcome changes.
import { formatAddress } from '../syntax/cidr';
import { formatText } from '../syntax/format';
import { protocolHasPorts, protocolIsIcmp, protocolName, type Direction, type Family, type Range } from '../syntax/ast';
import type { TextEdit } from '../diagnostics/diagnostic';
import { CHECKS } from '../diagnostics/codes';
import { AnalysisCancelled, type Analysis } from './analyze';
import { IncrementalAnalyzer } from './incremental';
import type { ModelOptions } from './build-model';
import { BoxSet } from './boxes';
import type { FlowResult, Verdict } from './evaluate';
import { judgeFirewallStage } from './firewall';
import { judgeHop, type Hop, type Remote } from './hops';
import { BigSet, IntervalSet, PortSet } from './intervals';
import { formatPorts } from './keys';
import { lineEdits } from './line-diff';
import type { Flow, NaclRuleModel, NetworkAcl, Region, RouteTable, SecurityGroup, SgRuleModel } from './model';
import { declaredRules, MAX_RULE_NUMBER, RuleNumbers } from './checks/rule-numbers';
import { hull } from './checks/added-rules';

/** How another flow's outcome changes under a repair. */
export interface FlowChange {
  name: string;
  before: { verdict: Verdict; holds: boolean };
  after: { verdict: Verdict; holds: boolean };
}

export interface Repair {
  flow: string;
  /** "Add outbound 130 allow tcp 1024-32767 to 0.0.0.0/0 to public-acl", "... (+2 more)". */
  title: string;
  /** What each edit does, in the order they were found. */
  changes: string[];
  /** The edits of the original text, on whole lines. */
  edits: TextEdit[];
  /** The repaired text. */
  text: string;
  /** Every other flow whose verdict or expectation outcome changes. */
  otherFlows: FlowChange[];
}

export interface FlowRepairs {
  flow: string;
  /** The flow's expectation already holds: nothing to repair. */
  holds: boolean;
  /** Best first. */
  repairs: Repair[];
}

export interface RepairOptions extends ModelOptions {
  /** Asked between units of work (repairFlow): when it answers true, AnalysisCancelled is thrown. */
  isCancelled?: () => boolean;
  /** How many alternative repairs to look for (default 3). */
  alternatives?: number;
}

/** One edit of the text being repaired, with what it does. */
interface Step {
  title: string;
  edits: TextEdit[];
}

const MAX_STEPS = 8;
const MAX_TRIES_PER_STEP = 4;
/** How many first edits are tried as the start of a repair. */
const MAX_FIRST_STEPS = 8;
const EXPECTATION_CODE = CHECKS.expectationFailed.code;

export function flowChangeText(change: FlowChange): string {
  const outcome = (side: FlowChange['before']) => `${side.verdict}${side.holds ? '' : ', failing'}`;
  return `${change.name}: ${outcome(change.before)} -> ${outcome(change.after)}`;
}

/** The repairs of every flow whose expectation fails. */
export function repairAll(analysis: Analysis, options: RepairOptions = {}): FlowRepairs[] {
  return analysis.flows.filter((result) => !result.ok).map((result) => repairFlow(analysis, result.flow.name, options));
}

/** The repairs of one flow, best first; none when its expectation holds or none was found. */
export function repairFlow(analysis: Analysis, flowName: string, options: RepairOptions = {}): FlowRepairs {
  const steps = repairSteps(analysis, flowName, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (options.isCancelled?.()) throw new AnalysisCancelled();
  }
}

/**
 * The repairs of one flow as a sequence of steps: the generator yields between units of work of
 * every re-analysis, so that a caller can interleave other work or abandon it.
 */
export function* repairSteps(analysis: Analysis, flowName: string, options: RepairOptions = {}): Generator<void, FlowRepairs, void> {
  const result = analysis.flows.find((candidate) => candidate.flow.name === flowName);
  if (!result || result.ok) return { flow: flowName, holds: Boolean(result?.ok), repairs: [] };
  const modelOptions: ModelOptions = { externalEphemeral: options.externalEphemeral ?? analysis.model.externalEphemeral };
  // Every candidate is the file with a few lines changed: an incremental analyzer, primed with the
  // file, reuses the checks and flow verdicts an edit cannot change.
  const analyzer = new IncrementalAnalyzer(modelOptions);
  yield* analyzer.steps(analysis.text);
  const reanalyze = (text: string) => analyzer.steps(text);
  const found: { text: string; changes: string[]; analysis: Analysis; order: number }[] = [];
  const firstSteps = stepsFor(analysis, result).slice(0, MAX_FIRST_STEPS);
  const alternatives = options.alternatives ?? 3;
  for (let order = 0; order < firstSteps.length && found.length < alternatives; order++) {
    const outcome = yield* search(analysis, flowName, firstSteps[order], reanalyze);
    if (outcome && !found.some((other) => other.text === outcome.text)) found.push({ ...outcome, order });
  }
  // A file in the canonical layout stays in it; any other keeps its own, which the edits follow.
  if (found.length > 0 && formatText(analysis.text) === analysis.text) {
    for (const outcome of found) outcome.text = formatText(outcome.text);
  }
  const repairs = found.map((outcome) => {
    const otherFlows = flowChanges(analysis, outcome.analysis, flowName);
    const repair: Repair = {
      flow: flowName,
      title: outcome.changes.length > 1 ? `${outcome.changes[0]} (+${outcome.changes.length - 1} more)` : outcome.changes[0],
      changes: outcome.changes,
      edits: lineEdits(analysis.text, outcome.text),
      text: outcome.text,
      otherFlows,
    };
    return { repair, rank: [otherFlows.filter((change) => change.before.holds && !change.after.holds).length, outcome.changes.length, otherFlows.length, outcome.order] };
  });
  repairs.sort((a, b) => compareRanks(a.rank, b.rank));
  return { flow: flowName, holds: false, repairs: repairs.map((entry) => entry.repair) };
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** From `first`, edits one hop at a time until the flow holds; undefined when it cannot get there. */
function* search(initial: Analysis, flowName: string, first: Step, reanalyze: (text: string) => Generator<void, Analysis, void>): Generator<void, { text: string; changes: string[]; analysis: Analysis } | undefined, void> {
  let text = initial.text;
  let analysis = initial;
  const changes: string[] = [];
  for (let round = 0; round < MAX_STEPS; round++) {
    const result = analysis.flows.find((candidate) => candidate.flow.name === flowName);
    if (!result) return undefined;
    if (result.ok) return { text, changes, analysis };
    const candidates = round === 0 ? [first] : stepsFor(analysis, result).slice(0, MAX_TRIES_PER_STEP);
    let advanced = false;
    for (const step of candidates) {
      const next = applyEdits(text, step.edits);
      const nextAnalysis: Analysis = yield* reanalyze(next);
      const nextResult = nextAnalysis.flows.find((candidate) => candidate.flow.name === flowName);
      if (!nextResult || !progresses(result, nextResult) || newErrors(initial, nextAnalysis)) continue;
      text = next;
      analysis = nextAnalysis;
      changes.push(step.title);
      advanced = true;
      break;
    }
    if (!advanced) return undefined;
  }
  const last = analysis.flows.find((candidate) => candidate.flow.name === flowName);
  return last?.ok ? { text, changes, analysis } : undefined;
}

/** The connections a flow admits, counted over every pair of addresses. */
function admittedCount(result: FlowResult): bigint {
  return result.atoms.reduce((count, atom) => count + atom.admitted.size() * atom.src.size() * atom.dst.size(), 0n);
}

/**
 * How far the flow's connections get: for every pair of addresses, the connections each hop lets
 * through, summed over the hops; an edit that admits at one hop what a later hop still drops
 * gets further even though no more connections arrive yet.
 */
function reach(result: FlowResult): bigint {
  let total = 0n;
  for (const atom of result.atoms) {
    const path = result.paths[atom.path];
    const weight = atom.src.size() * atom.dst.size();
    const src = atom.src.min()!;
    const dst = atom.dst.min()!;
    let admitted = BoxSet.of(path.box);
    for (const hop of path.hops) {
      admitted = passes(result.flow, hop, admitted, src, dst);
      if (admitted.isEmpty()) break;
      total += admitted.size() * weight;
    }
  }
  return total;
}

function progresses(before: FlowResult, after: FlowResult): boolean {
  if (after.ok) return true;
  if (before.flow.expect === 'allow') {
    const was = admittedCount(before);
    const now = admittedCount(after);
    return now > was || (now === was && reach(after) > reach(before));
  }
  return admittedCount(after) < admittedCount(before);
}

/** Whether `after` has more errors of some code than `before`, failed expectations aside. */
function newErrors(before: Analysis, after: Analysis): boolean {
  const count = (analysis: Analysis) => {
    const counts = new Map<string, number>();
    for (const diagnostic of analysis.diagnostics) {
      if (diagnostic.severity === 'error' && diagnostic.code !== EXPECTATION_CODE) counts.set(diagnostic.code, (counts.get(diagnostic.code) ?? 0) + 1);
    }
    return counts;
  };
  const was = count(before);
  for (const [code, number] of count(after)) if (number > (was.get(code) ?? 0)) return true;
  return false;
}

function flowChanges(before: Analysis, after: Analysis, repaired: string): FlowChange[] {
  const changes: FlowChange[] = [];
  for (const old of before.flows) {
    if (old.flow.name === repaired) continue;
    const now = after.flows.find((candidate) => candidate.flow.name === old.flow.name);
    if (!now || (now.verdict === old.verdict && now.ok === old.ok)) continue;
    changes.push({ name: old.flow.name, before: { verdict: old.verdict, holds: old.ok }, after: { verdict: now.verdict, holds: now.ok } });
  }
  return changes;
}

// --- Text ---------------------------------------------------------------------------------------

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const starts = lineStarts(text);
  const offset = (position: Range['start']) => Math.min(text.length, (starts[position.line] ?? text.length) + position.character);
  const sorted = edits.map((edit) => ({ from: offset(edit.range.start), to: offset(edit.range.end), text: edit.newText })).sort((a, b) => b.from - a.from);
  let out = text;
  for (const edit of sorted) out = out.slice(0, edit.from) + edit.text + out.slice(edit.to);
  return out;
}

function lineText(analysis: Analysis, line: number): string | undefined {
  const starts = lineStarts(analysis.text);
  if (line >= starts.length) return undefined;
  const end = line + 1 < starts.length ? starts[line + 1] - 1 : analysis.text.length;
  return analysis.text.slice(starts[line], end).replace(/\r$/, '');
}

/**
 * The tokens as one rule line, spaced as the neighbouring rule is: where it has one space between
 * two tokens, one space; where it has more (a column layout), the token at the neighbour's column
 * when there is room. Only the first `aligned` tokens follow the neighbour.
 */
function alignedLine(neighbour: string | undefined, tokens: string[], aligned: number): string {
  const words = neighbour ? [...neighbour.matchAll(/"(?:[^"\\]|\\.)*"|#.*|\S+/g)].filter((match) => !match[0].startsWith('#')) : [];
  let out = ' '.repeat(words[0]?.index ?? 2);
  tokens.forEach((token, i) => {
    if (i > 0) {
      const word = i < aligned ? words[i] : undefined;
      const previous = words[i - 1];
      const column = word?.index;
      const spaced = word && previous && column !== undefined && column - ((previous.index ?? 0) + previous[0].length) > 1;
      out += spaced && column > out.length ? ' '.repeat(column - out.length) : ' ';
    }
    out += token;
  });
  return out;
}

function insertLine(line: number, text: string): TextEdit {
  const position = { line, character: 0 };
  return { range: { start: position, end: position }, newText: `${text}\n` };
}

function replaceLines(range: Range, lines: string[]): TextEdit {
  return {
    range: { start: { line: range.start.line, character: 0 }, end: { line: range.end.line + 1, character: 0 } },
    newText: lines.map((line) => `${line}\n`).join(''),
  };
}

// --- What to write ------------------------------------------------------------------------------

/** The narrowest CIDR holding every address of the set. */
export function coveringCidr(set: BigSet, family: Family): string {
  const bits = family === 4 ? 32 : 128;
  const lo = set.min()!;
  const hi = set.intervals[set.intervals.length - 1][1];
  let prefix = bits;
  while (prefix > 0 && lo >> BigInt(bits - prefix) !== hi >> BigInt(bits - prefix)) prefix--;
  const first = prefix === 0 ? 0n : (lo >> BigInt(bits - prefix)) << BigInt(bits - prefix);
  return `${formatAddress(first, family)}/${prefix}`;
}

/** PROTO and PORTS (or ICMP type and code) of a rule admitting `keys`: one range, the keys' hull. */
function trafficTokens(protocol: number, keys: PortSet): string[] {
  const name = protocolName(protocol);
  if (protocolHasPorts(protocol)) return [name, formatPorts(hull(keys))];
  if (protocolIsIcmp(protocol)) {
    const lo = keys.intervals[0][0];
    const hi = keys.intervals[keys.intervals.length - 1][1];
    if (lo === hi) return [name, 'type', `${lo >> 8}`, 'code', `${lo & 255}`];
    if (lo >> 8 === hi >> 8) return [name, 'type', `${lo >> 8}`];
    return [name, 'all'];
  }
  return [name];
}

// --- Where the flow is dropped, or admitted -----------------------------------------------------

function remoteAddress(remote: Remote, src: bigint, dst: bigint): bigint {
  return 'fixed' in remote ? remote.fixed : remote.end === 'src' ? src : dst;
}

/** What one hop lets through of `admitted`, for one pair of addresses (as the evaluation judges it). */
function passes(flow: Flow, hop: Hop, admitted: BoxSet, src: bigint, dst: bigint): BoxSet {
  switch (hop.kind) {
    case 'firewall':
      return judgeFirewallStage(hop, flow.protocol, flow.family, flow.reply.kind === 'none', admitted, src, dst).admitted;
    case 'aws-service': case 'nat':
      return admitted;
    case 'route': case 'gateway': case 'drop':
      return hop.action === 'allow' ? admitted : BoxSet.empty();
    case 'sg': case 'nacl': {
      const keys = 'dim' in hop.key ? admitted.project(hop.key.dim) : IntervalSet.point(hop.key.fixed);
      const judged = judgeHop(hop, flow.protocol, flow.family, remoteAddress(hop.remote, src, dst), keys);
      if ('dim' in hop.key) return admitted.restrict(hop.key.dim, judged.allowed);
      return judged.allowed.isEmpty() ? BoxSet.empty() : admitted;
    }
  }
}

/** Everything dropped at one hop (by identity: the same filter, direction and phase) on every path. */
interface Drop {
  hop: Hop;
  key: string;
  /** The keys the hop judges of the dropped connections. */
  keys: PortSet;
  /** The remote addresses of the dropped connections (the destinations, at a route). */
  remotes: BigSet;
  /** The region on the remote side, when it is an end of the flow. */
  remoteRegions: Region[];
  /** The lowest number of a NACL rule that denies part of them; past the last rule if none does. */
  blocker: number;
}

function hopKey(hop: Hop): string {
  const remote = 'remote' in hop ? ('fixed' in hop.remote ? `@${hop.remote.fixed}` : hop.remote.end) : '';
  switch (hop.kind) {
    case 'sg': return `sg|${hop.instance.name}|${hop.direction}|${hop.phase}|${remote}`;
    case 'nacl': return `nacl|${hop.acl.name}|${hop.direction}|${hop.phase}|${remote}`;
    case 'route': return `route|${hop.table.name}|${hop.phase}`;
    default: return `${hop.kind}|${hop.label}|${hop.direction}|${hop.phase}`;
  }
}

/** For each hop that is the first to drop part of the flow, what it drops; in path order. */
function drops(result: FlowResult): Drop[] {
  const flow = result.flow;
  const byKey = new Map<string, Drop>();
  for (const atom of result.atoms) {
    const path = result.paths[atom.path];
    const src = atom.src.min()!;
    const dst = atom.dst.min()!;
    let admitted = BoxSet.of(path.box);
    for (const hop of path.hops) {
      const after = passes(flow, hop, admitted, src, dst);
      if (after.size() < admitted.size()) {
        const dropped = admitted.intersect(after.complementIn(path.box));
        const keys = 'key' in hop ? ('dim' in hop.key ? dropped.project(hop.key.dim) : IntervalSet.point(hop.key.fixed)) : dropped.project(0);
        let remotes: BigSet;
        let region: Region | undefined;
        if ('remote' in hop) {
          remotes = 'fixed' in hop.remote ? IntervalSet.point(hop.remote.fixed) : hop.remote.end === 'src' ? atom.src : atom.dst;
          region = 'end' in hop.remote ? path[hop.remote.end] : undefined;
        } else {
          remotes = hop.phase === 'request' ? atom.dst : atom.src;
        }
        let blocker = MAX_RULE_NUMBER + 1;
        if (hop.kind === 'nacl') {
          for (const part of judgeHop(hop, flow.protocol, flow.family, remoteAddress(hop.remote, src, dst), keys).parts) {
            if (part.action === 'deny' && part.rule && 'number' in part.rule) blocker = Math.min(blocker, part.rule.number);
          }
        }
        const key = hopKey(hop);
        const drop = byKey.get(key);
        if (drop) {
          drop.keys = drop.keys.union(keys);
          drop.remotes = drop.remotes.union(remotes);
          if (region && !drop.remoteRegions.includes(region)) drop.remoteRegions.push(region);
          drop.blocker = Math.min(drop.blocker, blocker);
        } else {
          byKey.set(key, { hop, key, keys, remotes, remoteRegions: region ? [region] : [], blocker });
        }
        break;
      }
      admitted = after;
      if (admitted.isEmpty()) break;
    }
  }
  const all = [...byKey.values()];
  // The hop that drops the witness first: the trace ends there.
  const traced = result.trace[result.trace.length - 1];
  if (traced?.action === 'deny') {
    const key = hopKey(traced.hop);
    all.sort((a, b) => Number(b.key === key) - Number(a.key === key));
  }
  return all;
}

/** The steps worth trying next for a flow that fails, most promising first. */
function stepsFor(analysis: Analysis, result: FlowResult): Step[] {
  const steps = result.flow.expect === 'allow' ? drops(result).flatMap((drop) => admitSteps(analysis, result.flow, drop)) : narrowSteps(analysis, result);
  // Lines are written with the file's own line breaks.
  if (!analysis.text.includes('\r\n')) return steps;
  return steps.map((step) => ({ ...step, edits: step.edits.map((edit) => ({ ...edit, newText: edit.newText.replace(/\r?\n/g, '\r\n') })) }));
}

// --- Admitting what is dropped --------------------------------------------------------------------

function admitSteps(analysis: Analysis, flow: Flow, drop: Drop): Step[] {
  const hop = drop.hop;
  switch (hop.kind) {
    case 'nacl': return naclAdmitSteps(analysis, flow, drop, hop.acl, hop.direction);
    case 'sg': return sgAdmitSteps(analysis, flow, drop, hop.instance.groups, hop.direction);
    case 'route': return hop.route ? [] : routeSteps(analysis, flow, drop, hop.table);
    default: return [];
  }
}

function naclAdmitSteps(analysis: Analysis, flow: Flow, drop: Drop, acl: NetworkAcl, direction: Direction): Step[] {
  if (!acl.decl) return [];
  const steps: Step[] = [];
  const rules = declaredRules(acl, direction);
  const numbers = new RuleNumbers(rules);
  const number = numbers.takeBetween(numbers.lastBelow(drop.blocker), drop.blocker);
  const cidr = coveringCidr(drop.remotes, flow.family);
  if (number !== undefined) {
    const tokens = [direction, `${number}`, 'allow', ...trafficTokens(flow.protocol, drop.keys), direction === 'inbound' ? 'from' : 'to', cidr];
    const below = [...rules].reverse().find((rule) => rule.number < number)?.decl;
    const above = rules.find((rule) => rule.number > number)?.decl;
    const neighbour = below ?? above ?? acl.decl.rules[acl.decl.rules.length - 1];
    const last = acl.decl.rules[acl.decl.rules.length - 1];
    const line = below ? below.range.end.line + 1 : above ? above.range.start.line : last ? last.range.end.line + 1 : acl.decl.range.start.line + 1;
    const aligned = alignedLine(neighbour ? lineText(analysis, neighbour.range.start.line) : undefined, tokens, tokens.length);
    if (neighbour || acl.decl.range.end.line > acl.decl.range.start.line) {
      steps.push({ title: `Add ${tokens.join(' ')} to ${acl.name}`, edits: [insertLine(line, aligned)] });
    }
  }
  // A rule that already admits the neighbouring ports from these addresses, widened to take the rest.
  if (protocolHasPorts(flow.protocol)) {
    for (const rule of rules) {
      if (rule.number >= drop.blocker || rule.action !== 'allow' || rule.protocol !== flow.protocol || rule.family !== flow.family || !rule.decl?.ports) continue;
      if (!drop.remotes.within(rule.family === 4 ? rule.cidr.v4 : rule.cidr.v6)) continue;
      const widened = rule.keys.union(drop.keys);
      if (widened.intervals.length !== 1) continue;
      const ports = formatPorts(widened);
      steps.push({ title: `Widen '${rule.text}' of ${acl.name} to ports ${ports}`, edits: [{ range: rule.decl.ports.range, newText: ports }] });
    }
  }
  return steps;
}

/** The peer to write for the remote side: `sg NAME` of the instance's group, else the narrowest CIDR. */
function sgPeer(drop: Drop, family: Family): string {
  const instances = drop.remoteRegions.flatMap((region) => (region.kind === 'instance' ? [region.instance] : []));
  if (instances.length === drop.remoteRegions.length && instances.length > 0) {
    const group = instances[0].groups.find((candidate) => candidate.decl && instances.every((instance) => instance.groups.includes(candidate)));
    if (group) return `sg ${group.name}`;
  }
  return coveringCidr(drop.remotes, family);
}

function sgAdmitSteps(analysis: Analysis, flow: Flow, drop: Drop, groups: SecurityGroup[], direction: Direction): Step[] {
  const group = groups.find((candidate) => candidate.decl?.name);
  if (!group?.decl) return [];
  const tokens = [direction, ...trafficTokens(flow.protocol, drop.keys), direction === 'inbound' ? 'from' : 'to', ...sgPeer(drop, flow.family).split(' ')];
  const rules = group.decl.rules;
  const sameDirection = rules.filter((rule) => rule.direction === direction);
  const neighbour = sameDirection[sameDirection.length - 1] ?? rules[rules.length - 1];
  if (!neighbour && group.decl.range.end.line === group.decl.range.start.line) return [];
  const line = neighbour ? neighbour.range.end.line + 1 : group.decl.range.start.line + 1;
  const aligned = alignedLine(neighbour ? lineText(analysis, neighbour.range.start.line) : undefined, tokens, tokens.indexOf(direction === 'inbound' ? 'from' : 'to') + 2);
  return [{ title: `Add ${tokens.join(' ')} to ${group.name}`, edits: [insertLine(line, aligned)] }];
}

/** A route to the gateway that reaches the dropped destinations, in a table that has none for them. */
function routeSteps(analysis: Analysis, flow: Flow, drop: Drop, table: RouteTable): Step[] {
  if (!table.decl) return [];
  const model = analysis.model;
  const gateway = flow.family === 6 && model.egressOnlyGateway && drop.hop.phase === 'request' ? model.egressOnlyGateway : model.internetGateway;
  if (!gateway) return [];
  const target = `${gateway.kind === 'internet-gateway' ? 'igw' : 'eigw'} ${gateway.name}`;
  const dest = coveringCidr(drop.remotes, flow.family);
  const routes = table.decl.routes;
  const neighbour = routes[routes.length - 1];
  if (!neighbour && table.decl.range.end.line === table.decl.range.start.line) return [];
  const tokens = ['route', dest, '->', ...target.split(' ')];
  const line = neighbour ? neighbour.range.end.line + 1 : table.decl.range.start.line + 1;
  const aligned = alignedLine(neighbour ? lineText(analysis, neighbour.range.start.line) : undefined, tokens, tokens.length);
  return [{ title: `Add route ${dest} -> ${target} to ${table.name}`, edits: [insertLine(line, aligned)] }];
}

// --- Closing what is admitted ---------------------------------------------------------------------

type FilterRule = SgRuleModel | NaclRuleModel;

/** The written rules that admit some of the flow's admitted connections, with the keys they admit; in path order. */
function admittingRules(result: FlowResult): Map<FilterRule, PortSet> {
  const flow = result.flow;
  const rules = new Map<FilterRule, PortSet>();
  for (const atom of result.atoms) {
    if (atom.admitted.isEmpty()) continue;
    const path = result.paths[atom.path];
    const src = atom.src.min()!;
    const dst = atom.dst.min()!;
    for (const hop of path.hops) {
      if (hop.kind !== 'sg' && hop.kind !== 'nacl') continue;
      const keys = 'dim' in hop.key ? atom.admitted.project(hop.key.dim) : IntervalSet.point(hop.key.fixed);
      for (const part of judgeHop(hop, flow.protocol, flow.family, remoteAddress(hop.remote, src, dst), keys).parts) {
        const rule = part.rule as FilterRule | undefined;
        if (part.action !== 'allow' || !rule?.decl) continue;
        rules.set(rule, (rules.get(rule) ?? IntervalSet.empty<number>()).union(part.keys));
      }
    }
  }
  return rules;
}

function narrowSteps(analysis: Analysis, result: FlowResult): Step[] {
  const narrowing: Step[] = [];
  const removing: Step[] = [];
  for (const [rule, keys] of admittingRules(result)) {
    const decl = rule.decl!;
    const owner = 'group' in rule ? rule.group.name : rule.acl.name;
    const rest = rule.keys.subtract(keys);
    if (decl.ports && protocolHasPorts(rule.protocol) && !rest.isEmpty()) {
      if (rest.intervals.length === 1) {
        const ports = formatPorts(rest);
        narrowing.push({ title: `Narrow '${rule.text}' of ${owner} to ports ${ports}`, edits: [{ range: decl.ports.range, newText: ports }] });
      } else if ('group' in rule && rest.intervals.length <= 3 && decl.range.start.line === decl.range.end.line) {
        const line = lineText(analysis, decl.range.start.line) ?? '';
        const before = line.slice(0, decl.ports.range.start.character);
        const after = line.slice(decl.ports.range.end.character);
        const lines = rest.intervals.map(([lo, hi]) => `${before}${lo === hi ? lo : `${lo}-${hi}`}${after}`);
        narrowing.push({ title: `Narrow '${rule.text}' of ${owner} to ports ${formatPorts(rest)}`, edits: [replaceLines(decl.range, lines)] });
      }
    }
    removing.push({ title: `Remove '${rule.text}' from ${owner}`, edits: [replaceLines(decl.range, [])] });
  }
  return [...narrowing, ...removing];
}
