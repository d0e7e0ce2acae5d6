// Re-analysis of one document after an edit. An edit inside a comment keeps the whole previous
// analysis (engine/comment-edit.ts). Otherwise the text is parsed and the model built again, but
// the per-group and per-ACL checks and the flow evaluations, which dominate and whose inputs an
// edit rarely changes, are kept under a key of all they read (engine/fingerprints.ts), which says
// what the text means and not where, and reused while the key is unchanged: their positions are
// moved to where the lines now are (engine/line-map.ts). While the network (every declaration but
// the flows) reads the same, flows are found by their own fields alone. The result is the same as a fresh
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
import type { SourceFile } from '../syntax/ast';
import type { Flow, Instance, Model, NetworkAcl, Region, SecurityGroup, StatefulRuleModel } from './model';
import { MAX_V4 } from './addresses';
import { diagnosticTemplate, LineMap, renderTemplate } from './line-map';
import { BigSet, IntervalSet } from './intervals';


/** Results of one analysis by key; the next analysis reads them and keeps only what it used. */
class ResultCache<T> {
  private previous = new Map<string, T>();
  private current = new Map<string, T>();

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
 * Where a rule stands, without a reference to its model (kept results must not keep old models
 * alive): its block by name and its place in it. A flow's key holds only the group and ACL rules
 * that can match its packets, so those are found by their text (the same text, the same occurrence
 * of it), not by their index among all the rules.
 */
type RulePlace =
  | { kind: 'firewall'; stateful: boolean; group: string; index: number }
  | { kind: 'route'; table?: string; index: number }
  | { kind: 'sg'; group?: string; text: string; occurrence: number }
  | { kind: 'nacl'; acl?: string; direction: 'inbound' | 'outbound'; text: string; occurrence: number };

function placeOf(rule: Rule): RulePlace {
  if ('kind' in rule) return { kind: 'firewall', stateful: rule.kind === 'stateful', group: rule.group.name, index: (rule.group.rules as Rule[]).indexOf(rule) };
  if ('table' in rule) return { kind: 'route', table: rule.table.decl ? rule.table.name : undefined, index: rule.table.routes.indexOf(rule) };
  if ('group' in rule) return { kind: 'sg', group: rule.group.decl ? rule.group.name : undefined, text: rule.text, occurrence: occurrence(rule.group.rules, rule) };
  return { kind: 'nacl', acl: rule.acl.isDefault ? undefined : rule.acl.name, direction: rule.direction, text: rule.text, occurrence: occurrence(rule.acl[rule.direction], rule) };
}

/** How many rules before `rule` have its text. */
function occurrence<T extends { text: string }>(rules: readonly T[], rule: T): number {
  let count = 0;
  for (const each of rules) {
    if (each === rule) break;
    if (each.text === rule.text) count++;
  }
  return count;
}

/** The current model's rule at a place. */
function ruleAt(model: Model, place: RulePlace): Rule | undefined {
  const withText = <T extends { text: string }>(rules: readonly T[] | undefined, text: string, wanted: number): T | undefined => {
    let count = wanted;
    for (const each of rules ?? []) if (each.text === text && count-- === 0) return each;
    return undefined;
  };
  switch (place.kind) {
    case 'firewall': return (place.stateful ? model.statefulGroups : model.statelessGroups).get(place.group)?.rules[place.index];
    case 'route': return (place.table === undefined ? model.localOnly : model.routeTables.get(place.table))?.routes[place.index];
    case 'sg': return withText((place.group === undefined ? model.defaultGroup : model.groups.get(place.group))?.rules, place.text, place.occurrence);
    case 'nacl': return withText((place.acl === undefined ? model.defaultAcl : model.acls.get(place.acl))?.[place.direction], place.text, place.occurrence);
  }
}

/**
 * What is kept of a flow's evaluation: its verdict and what follows from the addresses and ports
 * alone, and, for the rest, places in the model, so that no model object is kept.
 */
interface KeptEvaluation {
  verdict: FlowResult['verdict'];
  aclSubnets: FlowResult['aclSubnets'];
  ok: boolean;
  atoms: FlowResult['atoms'];
  witness?: FlowResult['witness'];
  example: FlowResult['example'];
  examplePath: number;
  split?: string;
  ends: [Region, Region];
  /** The trace by hop index, or 'walk' when a firewall stage's packets must be walked again. */
  trace: { hop: number; action: 'allow' | 'deny'; rule?: RulePlace }[] | 'walk';
  deciding: RulePlace[];
  assumed: RulePlace[];
}

function keptEvaluation(result: FlowResult): KeptEvaluation {
  const evaluation: KeptEvaluation = {
    verdict: result.verdict, aclSubnets: result.aclSubnets, ok: result.ok, atoms: result.atoms, example: result.example, examplePath: result.examplePath,
    ends: [detached(result.exampleEnds[0]), detached(result.exampleEnds[1])],
    trace: result.trace.some((step) => step.firewall)
      ? 'walk'
      : result.trace.map((step) => ({ hop: result.hops.indexOf(step.hop), action: step.action, ...(step.rule ? { rule: placeOf(step.rule) } : {}) })),
    deciding: [...result.decidingRules].map(placeOf),
    assumed: result.assumed.map(placeOf),
  };
  if (result.witness !== undefined) evaluation.witness = result.witness;
  if (result.split !== undefined) evaluation.split = result.split;
  return evaluation;
}

/** A region with names in place of the model's objects. */
function detached(region: Region): Region {
  const named = <T extends { name: string }>(object: T) => ({ name: object.name }) as T;
  switch (region.kind) {
    case 'instance': return { ...region, instance: named(region.instance), members: region.members.map(named) };
    case 'host': return { ...region, subnet: named(region.subnet) };
    case 'aws-service': return { ...region, service: { ...region.service, routerOf: undefined } };
    case 'external': return region;
  }
}

/**
 * A reused flow result on the current model's objects, so that no answer points into a stale model.
 * Its key guarantees that the flow crosses hops of the same shape, with the same rules at the same
 * places. What only a request reads (the example's hops and trace, the paths, the deciding rules)
 * is made again on the current model the first time it is read; the verdict, the split, the atoms
 * and the witness are the evaluation's own.
 */
class ReusedResult implements FlowResult {
  readonly verdict: FlowResult['verdict'];
  readonly aclSubnets: FlowResult['aclSubnets'];
  readonly ok: boolean;
  readonly atoms: FlowResult['atoms'];
  readonly witness?: FlowResult['witness'];
  readonly example: FlowResult['example'];
  readonly examplePath: number;
  readonly split?: string;
  private route?: ReturnType<typeof pathBetween>;
  private madeTrace?: FlowResult['trace'];
  private madePaths?: FlowResult['paths'];
  private madeDeciding?: FlowResult['decidingRules'];
  private madeAssumed?: FlowResult['assumed'];

  constructor(private readonly evaluation: KeptEvaluation, readonly flow: Flow, private readonly model: Model) {
    this.verdict = evaluation.verdict;
    this.aclSubnets = evaluation.aclSubnets;
    this.ok = evaluation.ok;
    this.atoms = evaluation.atoms;
    this.example = evaluation.example;
    this.examplePath = evaluation.examplePath;
    if (evaluation.witness !== undefined) this.witness = evaluation.witness;
    if (evaluation.split !== undefined) this.split = evaluation.split;
  }

  private get exampleRoute(): ReturnType<typeof pathBetween> {
    const [src, dst] = this.evaluation.ends;
    return (this.route ??= pathBetween(this.flow, this.model, regionIn(this.model, src), regionIn(this.model, dst)));
  }

  get hops(): FlowResult['hops'] {
    return this.exampleRoute.hops;
  }

  get exampleEnds(): FlowResult['exampleEnds'] {
    return [this.exampleRoute.src, this.exampleRoute.dst];
  }

  get trace(): FlowResult['trace'] {
    const { evaluation, hops } = this;
    // A firewall stage's packets name rules throughout: the trace is walked again on the current model.
    return (this.madeTrace ??= evaluation.trace === 'walk'
      ? traceConnection(this.flow, hops, evaluation.example)
      : evaluation.trace.map((step) => ({ hop: hops[step.hop], action: step.action, rule: step.rule && this.current(step.rule) })));
  }

  get paths(): FlowResult['paths'] {
    return (this.madePaths ??= flowPaths(this.flow, this.model));
  }

  get decidingRules(): FlowResult['decidingRules'] {
    return (this.madeDeciding ??= new Set(this.evaluation.deciding.map((place) => this.current(place))));
  }

  get assumed(): FlowResult['assumed'] {
    return (this.madeAssumed ??= this.evaluation.assumed.map((place) => this.current(place) as StatefulRuleModel));
  }

  private current(place: RulePlace): Rule {
    const found = ruleAt(this.model, place);
    if (!found) throw new Error(`flow '${this.flow.name}': a reused result names a rule the model does not have`);
    return found;
  }
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
      return { ...region, service: model.awsServices[family].get(region.addrs.min()!)! };
    }
    case 'external': return region;
  }
}

/**
 * Where a group or ACL stands on a flow's path: on the client's side, on the server's, or anywhere
 * (a NAT gateway's or firewall endpoint's subnet, which both the request and the reply cross).
 */
type Role = 'client' | 'server' | 'transit';

/** The rules that can match a packet of some flows, and an id that says which. */
interface Relevance {
  id: string;
  /** Rules that can match a request packet (its destination keys), or a reply packet (the client's source ports, the echo reply). */
  request: RuleMatters;
  reply: RuleMatters;
  /** The ids of the groups' and ACLs' keys as these flows see them by role, found once per analysis. */
  groups: Record<Role, Map<SecurityGroup, number>>;
  acls: Record<Role, Map<NetworkAcl, number>>;
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
  private readonly relevanceByFlow = new Map<string, Relevance>();
  private readonly instanceKeys = new Map<Instance, string>();
  private readonly instanceRegions = new Map<Instance, Map<Relevance, { role: Role; addrs: BigSet; key: string }[]>>();
  private routing?: string;
  private boxSubnets?: Set<string>;
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
   * Everything a flow's evaluation reads, but the ACLs of the subnets its paths cross on the way
   * (`transit`): its fields, the routing, its regions, and, of every group and ACL at its ends, the
   * rules that can match one of its packets, so that editing a rule re-evaluates only the flows
   * whose packets the old or the new rule can match.
   */
  flow(flow: Flow): string {
    const model = this.model;
    const relevance = this.relevance(flow);
    let reserved = this.reserved.get(relevance.id);
    if (reserved === undefined) {
      reserved = `#${this.ids.id(`${reservedAddressesKey(model)}\n${(this.routing ??= routingKey(model))}`)}`;
      this.reserved.set(relevance.id, reserved);
    }
    return [flowKey(flow), reserved, this.regions(flow.srcRegions, relevance, 'client'), this.regions(flow.dstRegions, relevance, 'server')].join('\n');
  }

  /**
   * With routing, a path may cross the subnets of NAT gateways and firewall endpoints on its way.
   * Which it crosses follows from what `flow` keys (the routing, the ends), so an evaluation records
   * them: the ACLs of those it crossed, as the flow's packets see them, must read the same.
   */
  transit(flow: Flow, aclSubnets: readonly string[]): string {
    if (!this.model.routing) return '';
    this.boxSubnets ??= new Set([...this.model.natGateways.values(), ...this.model.firewalls.values()].flatMap((box) => (box.subnet ? [box.subnet.name] : [])));
    const relevance = this.relevance(flow);
    return aclSubnets.filter((name) => this.boxSubnets!.has(name)).map((name) => `${name}:${this.aclFor(this.model.subnets.get(name)!.acl, relevance, 'transit')}`).join(',');
  }

  /**
   * Which rules can match a packet of the flow: of its protocol (or all), on a key some hop may judge
   * (a request's destination keys; a reply's: the source ports a client may use, a NAT gateway's
   * ports, the echo reply), and, when both ends are in the VPC, on addresses of the VPC (such a flow
   * takes the local route: no gateway puts another address on its packets).
   */
  private relevance(flow: Flow): Relevance {
    if (flow.protocol === -1) return this.relevant('all', () => true, () => true);
    const vpc = this.model.vpc && ofFamily(this.model.vpc.blocks, flow.family);
    const inside = vpc && flow.src.addrs.subtract(vpc).isEmpty() && flow.dst.addrs.subtract(vpc).isEmpty() ? vpc : undefined;
    // What decides the relevance, cheaply written: flows alike share it.
    const reply = flow.reply.kind === 'icmp' ? flow.reply.key : '';
    const written = `${flow.protocol}|${setKey(flow.keys)}|${flow.fromPorts ? setKey(flow.fromPorts) : ''}|${reply}|${inside ? flow.family : ''}`;
    let found = this.relevanceByFlow.get(written);
    if (!found) this.relevanceByFlow.set(written, (found = this.relevanceOf(flow, inside)));
    return found;
  }

  private relevanceOf(flow: Flow, inside: BigSet | undefined): Relevance {
    const request = flow.keys;
    let reply = IntervalSet.empty<number>();
    if (flow.reply.kind === 'icmp') reply = IntervalSet.point(flow.reply.key);
    if (flow.protocol === 6 || flow.protocol === 17) {
      this.sourcePorts ??= [...this.model.instances.values()].reduce((ports, instance) => ports.union(instance.ephemeral), EPHEMERAL_ANY.union(this.model.externalEphemeral));
      reply = reply.union(this.sourcePorts);
      if (flow.fromPorts) reply = reply.union(flow.fromPorts);
    }
    const judging = (keys: PortSet): RuleMatters => (rule) =>
      (rule.protocol === -1 || rule.protocol === flow.protocol) && rule.keys.overlaps(keys)
      && (!inside || ofFamily('cidr' in rule ? rule.cidr : rule.peer, flow.family).overlaps(inside));
    return this.relevant(`${flow.protocol}:${setKey(request)}:${setKey(reply)}${inside ? `:${flow.family}` : ''}`, judging(request), judging(reply));
  }

  private relevant(id: string, request: RuleMatters, reply: RuleMatters): Relevance {
    let found = this.relevances.get(id);
    const byRole = <T>(): Record<Role, Map<T, number>> => ({ client: new Map(), server: new Map(), transit: new Map() });
    if (!found) this.relevances.set(id, (found = { id, request, reply, groups: byRole(), acls: byRole() }));
    return found;
  }

  /**
   * The id of an ACL's key as flows of this relevance see it from a role: on the client's side its
   * outbound rules judge requests and its inbound rules replies; on the server's, the reverse.
   */
  private aclFor(acl: NetworkAcl, relevance: Relevance, role: Role): number {
    let id = relevance.acls[role].get(acl);
    if (id === undefined) {
      const { request, reply } = relevance;
      const either: RuleMatters = (rule) => request(rule) || reply(rule);
      const [inbound, outbound] = role === 'client' ? [reply, request] : role === 'server' ? [request, reply] : [either, either];
      relevance.acls[role].set(acl, (id = this.ids.id(relevantAclKey(acl, inbound, outbound))));
    }
    return id;
  }

  /**
   * The id of a group's key as flows of this relevance see it from a role: a group is stateful, so
   * only the rules of the request's direction can decide (outbound at the client, inbound at the server).
   */
  private groupFor(group: SecurityGroup, relevance: Relevance, role: 'client' | 'server'): number {
    let id = relevance.groups[role].get(group);
    if (id === undefined) {
      const direction = role === 'client' ? 'outbound' : 'inbound';
      const matters: RuleMatters = (rule) => rule.direction === direction && relevance.request(rule);
      relevance.groups[role].set(group, (id = this.ids.id(relevantGroupKey(group, this.rank(group), (addrs) => this.addrsId(addrs), matters))));
    }
    return id;
  }

  /** The key of an end's regions, by id: ends of addresses share their regions, keyed once per relevance. */
  private regions(regions: Region[], relevance: Relevance, role: 'client' | 'server'): string {
    const [only] = regions;
    // An instance's end: one region, the same for every flow that names the instance.
    if (regions.length === 1 && only.kind === 'instance' && only.members.length === 1) return this.instanceRegion(only, relevance, role);
    let byRelevance = this.regionLists.get(regions);
    if (!byRelevance) this.regionLists.set(regions, (byRelevance = new Map()));
    const id = `${relevance.id}/${role}`;
    let key = byRelevance.get(id);
    if (key === undefined) {
      key = `@${this.ids.id(regions.map((region) => `${regionKey(region)}@${this.consulted(region, relevance, role)}`).join('\n'))}`;
      byRelevance.set(id, key);
    }
    return key;
  }

  /** The key of an instance's own region, once per instance, addresses and relevance. */
  private instanceRegion(region: Region & { kind: 'instance' }, relevance: Relevance, role: 'client' | 'server'): string {
    let byRelevance = this.instanceRegions.get(region.instance);
    if (!byRelevance) this.instanceRegions.set(region.instance, (byRelevance = new Map()));
    let keys = byRelevance.get(relevance);
    if (!keys) byRelevance.set(relevance, (keys = []));
    const found = keys.find((each) => each.role === role && each.addrs.equals(region.addrs));
    if (found) return found.key;
    const key = `@${this.ids.id(`${regionKey(region)}@${this.consulted(region, relevance, role)}`)}`;
    keys.push({ role, addrs: region.addrs, key });
    return key;
  }

  /**
   * What the hops on a region's side read: its instance's groups and its subnet's ACL, or the ACLs
   * of the subnets its addresses lie in (a packet to them crosses those), or of the subnet whose
   * router it is.
   */
  private consulted(region: Region, relevance: Relevance, role: 'client' | 'server'): string {
    switch (region.kind) {
      case 'instance': {
        const instance = region.instance;
        const acl = instance.subnet ? this.aclFor(instance.subnet.acl, relevance, role) : `-${this.touching(region.addrs, relevance)}`;
        let fixed = this.instanceKeys.get(instance);
        if (fixed === undefined) this.instanceKeys.set(instance, (fixed = instanceKey(instance)));
        return `${fixed}:${instance.groups.map((group) => this.groupFor(group, relevance, role)).join(',')}:${acl}`;
      }
      case 'host': return `${region.subnet.acl.name}:${this.aclFor(region.subnet.acl, relevance, role)}`;
      case 'external': return this.touching(region.addrs, relevance);
      case 'aws-service': {
        const router = region.service.routerOf;
        return router ? `${router.name}:${this.aclFor(router.acl, relevance, role)}` : '';
      }
    }
  }

  /** The ACLs of the subnets some of these addresses lie in. */
  private touching(addrs: BigSet, relevance: Relevance): string {
    const found: string[] = [];
    for (const subnet of this.model.subnets.values()) {
      for (const block of [subnet.v4, subnet.v6]) {
        if (block && addrs.overlaps(IntervalSet.of(block.first, block.last))) found.push(`${subnet.name}:${this.aclFor(subnet.acl, relevance, 'transit')}`);
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
  evaluation: KeptEvaluation;
  expectation?: Diagnostic;
  /** The flow's whole key (`ModelKeys.flow`), carried while the network stays as it was. */
  key: string;
  /** `ModelKeys.transit` when it was evaluated: the ACLs on the way must read the same. */
  transit: string;
}

/**
 * What the text says of everything but the flows, in order: the text of every other declaration.
 * A flow's evaluation reads the network and the flow alone, so while this is unchanged (and the text
 * parses cleanly, every block closed) a flow's own fields key its result.
 */
function networkText(file: SourceFile): string {
  const texts = file.lines.texts;
  const parts: string[] = [];
  for (const declaration of file.declarations) {
    if (declaration.kind === 'flow') continue;
    const { start, end } = declaration.range;
    if (start.line === end.line) {
      parts.push(texts[start.line].slice(start.character, end.character));
      continue;
    }
    parts.push(texts[start.line].slice(start.character));
    for (let line = start.line + 1; line < end.line; line++) parts.push(texts[line]);
    parts.push(texts[end.line].slice(0, end.character));
  }
  return parts.join('\n');
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
  /** The same results by the flow's own fields alone, valid while the network text is the same. */
  private readonly flowsByOwnKey = new ResultCache<KeptFlow>();
  /** The network's text in the last analysis, when its text parsed cleanly. */
  private network?: string;
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
    const { model, diagnostics: modelDiagnostics } = yield* buildModelSteps(parsed.file, this.options);
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
    // A block left open takes in the lines after it up to the next declaration, wherever they are:
    // a text that does not parse cleanly is not cut into declarations this way.
    const network = parsed.diagnostics.length === 0 ? networkText(parsed.file) : undefined;
    const sameNetwork = network !== undefined && network === this.network;
    this.network = network;
    const flows: FlowResult[] = [];
    for (const flow of model.flows) {
      // While the network is the same, a flow's own fields find its result: the whole key, which
      // the next edit of the network needs, is carried over rather than made again.
      const ownKey = flowKey(flow);
      const byOwnKey = sameNetwork ? this.flowsByOwnKey.find(ownKey) : undefined;
      const key = byOwnKey?.value.key ?? keys.flow(flow);
      let found = byOwnKey ?? this.flowResults.find(key);
      if (found && !byOwnKey && keys.transit(flow, found.value.evaluation.aclSubnets) !== found.value.transit) found = undefined;
      let kept: KeptFlow;
      let result: FlowResult;
      if (found) {
        result = new ReusedResult(found.value.evaluation, flow, model);
        kept = { key, transit: found.value.transit, evaluation: found.value.evaluation, expectation: found.value.expectation && (found.earlier ? moved.template(found.value.expectation) : found.value.expectation) };
        if (!result.ok && !kept.expectation) kept.expectation = diagnosticTemplate((label) => expectationDiagnostic(result, label));
      } else {
        result = evaluateFlow(flow, model);
        kept = { key, transit: keys.transit(flow, result.aclSubnets), evaluation: keptEvaluation(result), expectation: result.ok ? undefined : diagnosticTemplate((label) => expectationDiagnostic(result, label)) };
        this.evaluatedFlows.push(flow.name);
        yield;
      }
      this.flowResults.set(key, kept);
      this.flowsByOwnKey.set(ownKey, kept);
      flows.push(result);
      if (!result.ok) diagnostics.push(kept.expectation ? renderTemplate(kept.expectation) : expectationDiagnostic(result));
    }
    diagnostics.sort(compareDiagnostics);
    this.aclChecks.rotate();
    this.groupChecks.rotate();
    this.flowResults.rotate();
    this.flowsByOwnKey.rotate();
    // Carried keys name ids this analysis did not use: they are kept until the network changes.
    if (!sameNetwork) this.ids.rotate();
    return (this.previous = { text, file: parsed.file, model, diagnostics, flows });
  }
}
