// Re-analysis of one document after an edit. An edit inside a comment keeps the whole previous
// analysis (engine/comment-edit.ts). Otherwise the text is parsed and the model built again, but
// the per-group and per-ACL checks and the flow evaluations, which dominate and whose inputs an
// edit rarely changes, are kept under a key of all they read (engine/fingerprints.ts), which says
// what the text means and not where, and reused while the key is unchanged: their positions are
// moved to where the lines now are (engine/line-map.ts). The result is the same as a fresh
// `analyze(text)`; the tests compare the two after random edits.
import { compareDiagnostics, Diagnostic } from '../diagnostics/diagnostic';
import { CHECKS } from '../diagnostics/codes';
import { LineCache, parseSteps } from '../syntax/parser';
import type { Analysis } from './analyze';
import { buildModelSteps, ModelOptions } from './build-model';
import { afterCommentEdit } from './comment-edit';
import { expectationDiagnostic } from './checks/expectations';
import { AclCheckContext, aclCheckContext, naclAclChecks, serviceRuleClientPorts } from './checks/nacl-checks';
import { routingChecks } from './checks/routing-checks';
import { firewallChecks } from './checks/firewall-checks';
import { sgGroupChecks } from './checks/sg-checks';
import { unusedChecks } from './checks/unused';
import { evaluateFlow, FlowResult, traceConnection } from './evaluate';
import type { Rule } from './hops';
import { flowPaths, pathBetween } from './paths';
import { AddrSet, ofFamily } from './addresses';
import { aclKey, addrsKey, flowKey, groupKey, instanceKey, natLegsKey, regionKey, relevantAclKey, relevantGroupKey, reservedAddressesKey, routingKey, RuleMatters, setKey } from './fingerprints';
import type { PortSet } from './intervals';
import type { Flow, Model, NetworkAcl, Region, SecurityGroup } from './model';
import { MAX_V4 } from './addresses';
import { diagnosticTemplate, LineMap, renderTemplate } from './line-map';
import { BigSet, IntervalSet } from './intervals';


/** Results of one analysis by key; the next analysis reads them and keeps only what it used. */
class ResultCache<T> {
  private previous = new Map<string, T>();
  private current = new Map<string, T>();

  get(key: string): T | undefined {
    return this.current.get(key) ?? this.previous.get(key);
  }

  /** A result of the previous analysis (its positions in the previous text), or of this one. */
  find(key: string): { value: T; earlier: boolean } | undefined {
    const current = this.current.get(key);
    if (current !== undefined) return { value: current, earlier: false };
    const previous = this.previous.get(key);
    return previous === undefined ? undefined : { value: previous, earlier: true };
  }

  set(key: string, value: T): void {
    this.current.set(key, value);
  }

  /** Ends an analysis: what it did not use is dropped. */
  rotate(): void {
    this.previous = this.current;
    this.current = new Map();
  }
}

/**
 * Short stable ids for long keys, so that a flow's key names its groups and ACLs by id. Two equal
 * texts always get the same id, so ids compare exactly as the texts would.
 */
class KeyIds {
  private ids = new Map<string, number>();
  private used = new Map<string, number>();
  private next = 0;

  id(text: string): number {
    let id = this.used.get(text) ?? this.ids.get(text);
    if (id === undefined) id = this.next++;
    this.used.set(text, id);
    return id;
  }

  rotate(): void {
    this.ids = this.used;
    this.used = new Map();
  }
}

/**
 * The current model's rule that stands where a rule of an earlier model of the same document stood.
 * A flow's key holds only the group and ACL rules that can match its packets, so those are found by
 * their text (the same text, the same occurrence of it), not by their index among all the rules.
 */
function ruleIn(model: Model, rule: Rule): Rule | undefined {
  if ('kind' in rule) {
    const group = rule.kind === 'stateless' ? model.statelessGroups.get(rule.group.name) : model.statefulGroups.get(rule.group.name);
    return group?.rules[(rule.group.rules as Rule[]).indexOf(rule)];
  }
  if ('table' in rule) {
    const table = rule.table.decl ? model.routeTables.get(rule.table.name) : model.localOnly;
    return table?.routes[rule.table.routes.indexOf(rule)];
  }
  if ('group' in rule) {
    const group = rule.group.decl ? model.groups.get(rule.group.name) : model.defaultGroup;
    return group && sameOccurrence(rule.group.rules, rule, group.rules);
  }
  const acl = rule.acl.isDefault ? model.defaultAcl : model.acls.get(rule.acl.name);
  return acl && sameOccurrence(rule.acl[rule.direction], rule, acl[rule.direction]);
}

/** The rule of `now` with the same text as `rule`, as many times repeated before it in `before`. */
function sameOccurrence<T extends { text: string }>(before: readonly T[], rule: T, now: readonly T[]): T | undefined {
  let occurrence = 0;
  for (const each of before) {
    if (each === rule) break;
    if (each.text === rule.text) occurrence++;
  }
  for (const each of now) if (each.text === rule.text && occurrence-- === 0) return each;
  return undefined;
}

/**
 * A reused flow result on the current model's objects, so that no answer points into a stale model.
 * Its key guarantees that the flow crosses hops of the same shape, with the same rules at the same
 * places. What only a request reads (the example's hops and trace, the paths, the deciding rules)
 * is made again on the current model the first time it is read; the verdict, the split, the atoms
 * and the witness are the evaluation's own.
 */
function rebase(evaluated: FlowResult, flow: Flow, model: Model): FlowResult {
  const current = (rule: Rule): Rule => {
    const found = ruleIn(model, rule);
    if (!found) throw new Error(`flow '${flow.name}': a reused result names a rule the model does not have`);
    return found;
  };
  let route: ReturnType<typeof pathBetween> | undefined;
  const example = () => (route ??= pathBetween(flow, model, regionIn(model, evaluated.exampleEnds[0]), regionIn(model, evaluated.exampleEnds[1])));
  const result = {
    flow, verdict: evaluated.verdict, ok: evaluated.ok, atoms: evaluated.atoms, witness: evaluated.witness,
    example: evaluated.example, examplePath: evaluated.examplePath, split: evaluated.split,
  } as FlowResult;
  if (result.witness === undefined) delete result.witness;
  if (result.split === undefined) delete result.split;
  lazily(result, 'hops', () => example().hops);
  lazily(result, 'exampleEnds', () => [example().src, example().dst]);
  // A firewall stage's packets name rules throughout: the trace is walked again on the current model.
  lazily(result, 'trace', () => evaluated.trace.some((step) => step.firewall)
    ? traceConnection(flow, result.hops, evaluated.example)
    : evaluated.trace.map((step) => ({ hop: result.hops[evaluated.hops.indexOf(step.hop)], action: step.action, rule: step.rule && current(step.rule) })));
  lazily(result, 'paths', () => flowPaths(flow, model));
  lazily(result, 'decidingRules', () => new Set([...evaluated.decidingRules].map(current)));
  lazily(result, 'assumed', () => evaluated.assumed.map((rule) => current(rule) as typeof rule));
  return result;
}

/** Defines a field computed the first time it is read. */
function lazily<K extends keyof FlowResult>(result: FlowResult, field: K, make: () => FlowResult[K]): void {
  let value: FlowResult[K] | undefined;
  Object.defineProperty(result, field, { get: () => (value ??= make()), enumerable: true, configurable: true });
}

/** A region of an earlier model of the document, in the current model: the same instance, subnet or addresses. */
function regionIn(model: Model, region: Region): Region {
  switch (region.kind) {
    case 'instance': {
      const members = region.members.map((member) => model.instances.get(member.name)!);
      return { ...region, instance: model.instances.get(region.instance.name)!, members };
    }
    case 'host': return { ...region, subnet: model.subnets.get(region.subnet.name)! };
    case 'aws-service': {
      const family = region.addrs.min()! > MAX_V4 ? 6 : 4;
      return { ...region, service: model.awsServices[family].get(region.addrs.min()!) ?? region.service };
    }
    case 'external': return region;
  }
}

/** The rules that can match a packet of some flows, and an id that says which. */
interface Relevance {
  id: string;
  matters: RuleMatters;
}

/** Source ports a client in a subnet may use (the spec's range when nothing says more). */
const EPHEMERAL_ANY: PortSet = IntervalSet.of(1024, 65535);

/** Keys of one model's parts, each computed once per analysis. */
class ModelKeys {
  private readonly groups = new Map<SecurityGroup, string>();
  private readonly acls = new Map<NetworkAcl, string>();
  private readonly addrs = new Map<AddrSet, string>();
  private readonly regionLists = new Map<Region[], Map<string, string>>();
  private readonly reserved = new Map<string, string>();
  private readonly relevances = new Map<string, Relevance>();
  private readonly relevantAcls = new Map<string, number>();
  private readonly relevantGroups = new Map<string, number>();
  private readonly instanceRegions = new Map<string, string>();
  private routing?: string;
  private sourcePorts?: PortSet;
  private ranks?: Map<SecurityGroup, number>;

  constructor(private readonly ids: KeyIds, private readonly model: Model) {}

  group(group: SecurityGroup): string {
    let key = this.groups.get(group);
    if (key === undefined) this.groups.set(group, (key = groupKey(group, this.rank(group), (addrs) => this.addrsId(addrs))));
    return key;
  }

  /** The group's place among the groups by their rules' file order (which rule of an instance's groups is named first). */
  private rank(group: SecurityGroup): number {
    if (!this.ranks) {
      const groups = [this.model.defaultGroup, ...this.model.groups.values()].filter((each) => each.rules.length > 0);
      groups.sort((a, b) => a.rules[0].order - b.rules[0].order);
      this.ranks = new Map(groups.map((each, index) => [each, index]));
    }
    return this.ranks.get(group) ?? -1;
  }

  private addrsId(addrs: AddrSet): string {
    let key = this.addrs.get(addrs);
    if (key === undefined) this.addrs.set(addrs, (key = `#${this.ids.id(addrsKey(addrs))}`));
    return key;
  }

  acl(acl: NetworkAcl): string {
    let key = this.acls.get(acl);
    if (key === undefined) this.acls.set(acl, (key = aclKey(acl)));
    return key;
  }

  aclChecks(context: AclCheckContext, acl: NetworkAcl): string {
    const clients = serviceRuleClientPorts(context.clients, acl).map(setKey).join(';');
    return `${this.acl(acl)}\nclients:${clients}\nnat:${natLegsKey(context.natLegs.get(acl) ?? [])}`;
  }

  /**
   * Everything a flow's evaluation reads: its fields, its regions, and, of every group and ACL it may
   * cross, the rules that can match one of its packets, so that editing a rule re-evaluates only the
   * flows whose packets the old or the new rule can match.
   */
  flow(flow: Flow): string {
    const model = this.model;
    const relevance = this.relevance(flow);
    // With routing, a path crosses the ACLs of its ends' subnets (keyed with the regions) and may
    // cross those of the subnets of NAT gateways and firewall endpoints on the way: those are keyed.
    let reserved = this.reserved.get(relevance.id);
    if (reserved === undefined) {
      reserved = `#${this.ids.id([
        reservedAddressesKey(model), this.routing ??= routingKey(model),
        ...(model.routing ? [...model.natGateways.values(), ...model.firewalls.values()].map((box) => (box.subnet ? `${box.subnet.name}:${this.aclFor(box.subnet.acl, relevance)}` : '-')) : []),
      ].join('\n'))}`;
      this.reserved.set(relevance.id, reserved);
    }
    return [flowKey(flow), reserved, this.regions(flow.srcRegions, relevance), this.regions(flow.dstRegions, relevance)].join('\n');
  }

  /**
   * Which rules can match a packet of the flow: of its protocol (or all), on a port or ICMP key some
   * hop may judge (its destination keys, the source ports a client may use, a NAT gateway's ports,
   * the echo reply), and, when both ends are in the VPC, on addresses of the VPC (such a flow takes
   * the local route: no gateway puts another address on its packets).
   */
  private relevance(flow: Flow): Relevance {
    if (flow.protocol === -1) return this.relevant('all', () => true);
    let keys = flow.keys;
    if (flow.reply.kind === 'icmp') keys = keys.union(IntervalSet.point(flow.reply.key));
    if (flow.protocol === 6 || flow.protocol === 17) {
      this.sourcePorts ??= [...this.model.instances.values()].reduce((ports, instance) => ports.union(instance.ephemeral), EPHEMERAL_ANY.union(this.model.externalEphemeral));
      keys = keys.union(this.sourcePorts);
      if (flow.fromPorts) keys = keys.union(flow.fromPorts);
    }
    const judged = keys;
    const vpc = this.model.vpc && ofFamily(this.model.vpc.blocks, flow.family);
    const inside = vpc && flow.src.addrs.subtract(vpc).isEmpty() && flow.dst.addrs.subtract(vpc).isEmpty() ? vpc : undefined;
    return this.relevant(`${flow.protocol}:${setKey(judged)}${inside ? `:${flow.family}` : ''}`, (rule) =>
      (rule.protocol === -1 || rule.protocol === flow.protocol) && rule.keys.overlaps(judged)
      && (!inside || ofFamily('cidr' in rule ? rule.cidr : rule.peer, flow.family).overlaps(inside)));
  }

  private relevant(id: string, matters: RuleMatters): Relevance {
    let found = this.relevances.get(id);
    if (!found) this.relevances.set(id, (found = { id, matters }));
    return found;
  }

  /** The id of an ACL's key as flows of this relevance see it. */
  private aclFor(acl: NetworkAcl, relevance: Relevance): number {
    const key = `${relevance.id}\n${acl.name}`;
    let id = this.relevantAcls.get(key);
    if (id === undefined) this.relevantAcls.set(key, (id = this.ids.id(relevantAclKey(acl, relevance.matters))));
    return id;
  }

  /** The id of a group's key as flows of this relevance see it. */
  private groupFor(group: SecurityGroup, relevance: Relevance): number {
    const key = `${relevance.id}\n${group.name}\n${group.decl ? 'declared' : 'aws'}`;
    let id = this.relevantGroups.get(key);
    if (id === undefined) this.relevantGroups.set(key, (id = this.ids.id(relevantGroupKey(group, this.rank(group), (addrs) => this.addrsId(addrs), relevance.matters))));
    return id;
  }

  /** The key of an end's regions, by id: ends of addresses share their regions, keyed once per relevance. */
  private regions(regions: Region[], relevance: Relevance): string {
    let byRelevance = this.regionLists.get(regions);
    if (!byRelevance) this.regionLists.set(regions, (byRelevance = new Map()));
    let key = byRelevance.get(relevance.id);
    if (key === undefined) {
      key = `@${this.ids.id(regions.map((region) => this.region(region, relevance)).join('\n'))}`;
      byRelevance.set(relevance.id, key);
    }
    return key;
  }

  /** A region and what the hops on its side read; an instance's whole region is keyed once per relevance. */
  private region(region: Region, relevance: Relevance): string {
    if (region.kind !== 'instance' || region.members.length !== 1) return `${regionKey(region)}@${this.consulted(region, relevance)}`;
    const cacheKey = `${relevance.id}\n${region.instance.name}\n${setKey(region.addrs)}`;
    let key = this.instanceRegions.get(cacheKey);
    if (key === undefined) this.instanceRegions.set(cacheKey, (key = `${regionKey(region)}@${this.consulted(region, relevance)}`));
    return key;
  }

  /**
   * What the hops on a region's side read: its instance's groups and its subnet's ACL, or the ACLs
   * of the subnets its addresses lie in (a packet to them crosses those), or of the subnet whose
   * router it is.
   */
  private consulted(region: Region, relevance: Relevance): string {
    switch (region.kind) {
      case 'instance': {
        const instance = region.instance;
        const acl = instance.subnet ? this.aclFor(instance.subnet.acl, relevance) : `-${this.touching(region.addrs, relevance)}`;
        return `${instanceKey(instance)}:${instance.groups.map((group) => this.groupFor(group, relevance)).join(',')}:${acl}`;
      }
      case 'host': return `${region.subnet.acl.name}:${this.aclFor(region.subnet.acl, relevance)}`;
      case 'external': return this.touching(region.addrs, relevance);
      case 'aws-service': {
        const router = region.service.routerOf;
        return router ? `${router.name}:${this.aclFor(router.acl, relevance)}` : '';
      }
    }
  }

  /** The ACLs of the subnets some of these addresses lie in. */
  private touching(addrs: BigSet, relevance: Relevance): string {
    const found: string[] = [];
    for (const subnet of this.model.subnets.values()) {
      for (const block of [subnet.v4, subnet.v6]) {
        if (block && addrs.overlaps(IntervalSet.of(block.first, block.last))) found.push(`${subnet.name}:${this.aclFor(subnet.acl, relevance)}`);
      }
    }
    return found.join(',');
  }
}

/**
 * A flow's evaluation, kept as it was made (a reused result is made from it on the current model),
 * and, when its expectation fails, the error as a template whose words follow the lines.
 */
interface KeptFlow {
  evaluated: FlowResult;
  expectation?: Diagnostic;
}

/**
 * Where the previous text's lines are now, for results keyed by what the text says. Two declarations
 * of one name make the same text stand for another declaration than before, wherever they are: then
 * nothing is placed (when lines moved).
 */
function placeable(lineMap: LineMap, modelDiagnostics: readonly Diagnostic[]): LineMap {
  if (lineMap.isIdentity || !modelDiagnostics.some((diagnostic) => diagnostic.code === CHECKS.duplicateName.code)) return lineMap;
  return LineMap.nothing();
}

/** A kept result of checks with its positions where the lines now are, or undefined when one is on an edited line. */
function reused(found: { value: Diagnostic[]; earlier: boolean } | undefined, moved: LineMap): Diagnostic[] | undefined {
  if (!found) return undefined;
  return found.earlier ? moved.diagnostics(found.value) : found.value;
}

export class IncrementalAnalyzer {
  private readonly aclChecks = new ResultCache<Diagnostic[]>();
  private readonly groupChecks = new ResultCache<Diagnostic[]>();
  private readonly flowResults = new ResultCache<KeptFlow>();
  private readonly ids = new KeyIds();
  private readonly lines = new LineCache();
  private previous?: Analysis;
  /** The names of the flows the last analysis evaluated, not reused: what an edit cost. */
  evaluatedFlows: string[] = [];
  /** The network ACLs and security groups whose checks the last analysis ran, not reused ("acl NAME", "group NAME"). */
  checkedBlocks: string[] = [];

  constructor(private readonly options: ModelOptions = {}) {}

  /** Like `analysisSteps`, reusing what the previous analysis computed from the same inputs. */
  *steps(text: string): Generator<void, Analysis, void> {
    this.evaluatedFlows = [];
    this.checkedBlocks = [];
    const commentEdited = this.previous && afterCommentEdit(this.previous, text);
    if (commentEdited) return (this.previous = commentEdited);
    const parsed = yield* parseSteps(text, this.lines);
    yield;
    const { model, diagnostics: modelDiagnostics } = yield* buildModelSteps(parsed.file, text, this.options);
    const diagnostics = [...parsed.diagnostics, ...modelDiagnostics];
    yield;
    const keys = new ModelKeys(this.ids, model);
    const lineMap = this.previous ? LineMap.between(this.previous.file.lines.texts, parsed.file.lines.texts) : LineMap.identity();
    const moved = placeable(lineMap, modelDiagnostics);
    // The same checks, in the same order, as MODEL_CHECKS: the final sort is stable.
    const context = aclCheckContext(model);
    for (const acl of model.acls.values()) {
      const key = keys.aclChecks(context, acl);
      let found = reused(this.aclChecks.find(key), moved);
      if (!found) {
        found = naclAclChecks(context, acl);
        this.checkedBlocks.push(`acl ${acl.name}`);
        yield;
      }
      this.aclChecks.set(key, found);
      diagnostics.push(...found);
    }
    for (const group of model.groups.values()) {
      const key = `${keys.group(group)}\nvpc:${model.vpc ? addrsKey(model.vpc.blocks) : '-'}`;
      let found = reused(this.groupChecks.find(key), moved);
      if (!found) {
        found = sgGroupChecks(group, model.vpc?.blocks);
        this.checkedBlocks.push(`group ${group.name}`);
        yield;
      }
      this.groupChecks.set(key, found);
      diagnostics.push(...found);
    }
    diagnostics.push(...unusedChecks(model));
    diagnostics.push(...routingChecks(model));
    diagnostics.push(...firewallChecks(model));
    const flows: FlowResult[] = [];
    for (const flow of model.flows) {
      const key = keys.flow(flow);
      const found = this.flowResults.find(key);
      let kept: KeptFlow;
      let result: FlowResult;
      if (found) {
        result = rebase(found.value.evaluated, flow, model);
        kept = { evaluated: found.value.evaluated, expectation: found.value.expectation && (found.earlier ? moved.template(found.value.expectation) : found.value.expectation) };
        if (!result.ok && !kept.expectation) kept.expectation = diagnosticTemplate((label) => expectationDiagnostic(result, label));
      } else {
        result = evaluateFlow(flow, model);
        kept = { evaluated: result, expectation: result.ok ? undefined : diagnosticTemplate((label) => expectationDiagnostic(result, label)) };
        this.evaluatedFlows.push(flow.name);
        yield;
      }
      this.flowResults.set(key, kept);
      flows.push(result);
      if (!result.ok) diagnostics.push(kept.expectation ? renderTemplate(kept.expectation) : expectationDiagnostic(result));
    }
    diagnostics.sort(compareDiagnostics);
    this.aclChecks.rotate();
    this.groupChecks.rotate();
    this.flowResults.rotate();
    this.ids.rotate();
    return (this.previous = { text, file: parsed.file, model, diagnostics, flows });
  }
}
