// Re-analysis of one document after an edit. An edit inside a comment keeps the whole previous
// analysis (engine/comment-edit.ts). Otherwise the text is parsed and the model built again, but
// the per-group and per-ACL checks and the flow evaluations, which dominate and whose inputs an
// edit rarely changes, are kept under a key of all they read (engine/fingerprints.ts) and reused
// while the key is unchanged. The result is the same as a fresh `analyze(text)`; the tests compare
// the two after random edits.
import { compareDiagnostics, Diagnostic } from '../diagnostics/diagnostic';
import { LineCache, parseSteps } from '../syntax/parser';
import type { Analysis } from './analyze';
import { buildModelSteps, ModelOptions } from './build-model';
import { afterCommentEdit } from './comment-edit';
import { expectationChecks } from './checks';
import { AclCheckContext, aclCheckContext, naclAclChecks, serviceRuleClientPorts } from './checks/nacl-checks';
import { routingChecks } from './checks/routing-checks';
import { firewallChecks } from './checks/firewall-checks';
import { sgGroupChecks } from './checks/sg-checks';
import { unusedChecks } from './checks/unused';
import { evaluateFlow, FlowResult, traceConnection } from './evaluate';
import type { Rule } from './hops';
import { flowPaths, pathBetween } from './paths';
import type { AddrSet } from './addresses';
import { aclKey, addrsKey, flowKey, groupKey, instanceKey, natLegsKey, regionKey, reservedAddressesKey, routingKey, setKey } from './fingerprints';
import type { Flow, Model, NetworkAcl, Region, SecurityGroup } from './model';
import { MAX_V4 } from './addresses';
import { BigSet, IntervalSet } from './intervals';


/** Results of one analysis by key; the next analysis reads them and keeps only what it used. */
class ResultCache<T> {
  private previous = new Map<string, T>();
  private current = new Map<string, T>();

  get(key: string): T | undefined {
    return this.current.get(key) ?? this.previous.get(key);
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

/** The current model's rule at the place of a rule of an earlier model of the same document. */
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
    return group?.rules[rule.group.rules.indexOf(rule)];
  }
  const acl = rule.acl.isDefault ? model.defaultAcl : model.acls.get(rule.acl.name);
  return acl?.[rule.direction][rule.acl[rule.direction].indexOf(rule)];
}

/**
 * A reused flow result rewritten onto the current model's objects, so that no answer points into a
 * stale model. Its key guarantees that the flow crosses hops of the same shape, with the same rules
 * at the same places.
 */
function rebase(old: FlowResult, flow: Flow, model: Model): FlowResult {
  const [src, dst] = old.exampleEnds;
  const route = pathBetween(flow, model, regionIn(model, src), regionIn(model, dst));
  const hops = route.hops;
  const current = (rule: Rule): Rule => {
    const found = ruleIn(model, rule);
    if (!found) throw new Error(`flow '${flow.name}': a reused result names a rule the model does not have`);
    return found;
  };
  const result: FlowResult = {
    ...old,
    flow,
    hops,
    exampleEnds: [route.src, route.dst],
    // A firewall stage's packets name rules throughout: the trace is walked again on the current model.
    trace: old.trace.some((step) => step.firewall)
      ? traceConnection(flow, hops, old.example)
      : old.trace.map((step) => ({ hop: hops[old.hops.indexOf(step.hop)], action: step.action, rule: step.rule && current(step.rule) })),
    decidingRules: new Set([...old.decidingRules].map(current)),
    assumed: old.assumed.map((rule) => current(rule) as typeof rule),
  };
  // All the paths are made again only when a request asks for them.
  let paths: FlowResult['paths'] | undefined;
  Object.defineProperty(result, 'paths', { get: () => (paths ??= flowPaths(flow, model)), enumerable: true });
  return result;
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

/** Keys of one model's parts, each computed once per analysis. */
class ModelKeys {
  private readonly groups = new Map<SecurityGroup, string>();
  private readonly acls = new Map<NetworkAcl, string>();
  private readonly addrs = new Map<AddrSet, string>();
  private readonly regionLists = new Map<Region[], string>();
  private reserved?: string;

  constructor(private readonly ids: KeyIds) {}

  group(group: SecurityGroup): string {
    let key = this.groups.get(group);
    if (key === undefined) this.groups.set(group, (key = groupKey(group, (addrs) => this.addrsId(addrs))));
    return key;
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

  /** Everything a flow's evaluation reads: its fields, its regions, and the rules of every hop. */
  flow(flow: Flow, model: Model): string {
    // With routing, a path crosses the ACLs of its ends' subnets (keyed with the regions) and may
    // cross those of the subnets of NAT gateways and firewall endpoints on the way: those are keyed.
    this.reserved ??= `#${this.ids.id([
      reservedAddressesKey(model), routingKey(model),
      ...(model.routing ? [...model.natGateways.values(), ...model.firewalls.values()].map((box) => (box.subnet ? `${box.subnet.name}:${this.ids.id(this.acl(box.subnet.acl))}` : '-')) : []),
    ].join('\n'))}`;
    return [flowKey(flow), this.reserved, this.regions(flow.srcRegions, model), this.regions(flow.dstRegions, model)].join('\n');
  }

  /** The key of an end's regions, by id: ends of addresses share their regions, keyed once. */
  private regions(regions: Region[], model: Model): string {
    let key = this.regionLists.get(regions);
    if (key === undefined) {
      key = `@${this.ids.id(regions.map((region) => `${regionKey(region)}@${this.consulted(region, model)}`).join('\n'))}`;
      this.regionLists.set(regions, key);
    }
    return key;
  }

  /**
   * What the hops on a region's side read: its instance's groups and its subnet's ACL, or the ACLs
   * of the subnets its addresses lie in (a packet to them crosses those), or of the subnet whose
   * router it is.
   */
  private consulted(region: Region, model: Model): string {
    switch (region.kind) {
      case 'instance': {
        const instance = region.instance;
        const acl = instance.subnet ? this.ids.id(this.acl(instance.subnet.acl)) : `-${this.touching(model, region.addrs)}`;
        return `${instanceKey(instance)}:${instance.groups.map((group) => this.ids.id(this.group(group))).join(',')}:${acl}`;
      }
      case 'host': return `${region.subnet.acl.name}:${this.ids.id(this.acl(region.subnet.acl))}`;
      case 'external': return this.touching(model, region.addrs);
      case 'aws-service': {
        const router = region.service.routerOf;
        return router ? `${router.name}:${this.ids.id(this.acl(router.acl))}` : '';
      }
    }
  }

  /** The ACLs of the subnets some of these addresses lie in. */
  private touching(model: Model, addrs: BigSet): string {
    const found: string[] = [];
    for (const subnet of model.subnets.values()) {
      for (const block of [subnet.v4, subnet.v6]) {
        if (block && addrs.overlaps(IntervalSet.of(block.first, block.last))) found.push(`${subnet.name}:${this.ids.id(this.acl(subnet.acl))}`);
      }
    }
    return found.join(',');
  }
}

export class IncrementalAnalyzer {
  private readonly aclChecks = new ResultCache<Diagnostic[]>();
  private readonly groupChecks = new ResultCache<Diagnostic[]>();
  private readonly flowResults = new ResultCache<FlowResult>();
  private readonly ids = new KeyIds();
  private readonly lines = new LineCache();
  private previous?: Analysis;
  /** The names of the flows the last analysis evaluated, not reused: what an edit cost. */
  evaluatedFlows: string[] = [];

  constructor(private readonly options: ModelOptions = {}) {}

  /** Like `analysisSteps`, reusing what the previous analysis computed from the same inputs. */
  *steps(text: string): Generator<void, Analysis, void> {
    this.evaluatedFlows = [];
    const commentEdited = this.previous && afterCommentEdit(this.previous, text);
    if (commentEdited) return (this.previous = commentEdited);
    const parsed = yield* parseSteps(text, this.lines);
    yield;
    const { model, diagnostics: modelDiagnostics } = yield* buildModelSteps(parsed.file, text, this.options);
    const diagnostics = [...parsed.diagnostics, ...modelDiagnostics];
    yield;
    const keys = new ModelKeys(this.ids);
    // The same checks, in the same order, as MODEL_CHECKS: the final sort is stable.
    const context = aclCheckContext(model);
    for (const acl of model.acls.values()) {
      const key = keys.aclChecks(context, acl);
      let found = this.aclChecks.get(key);
      if (!found) {
        found = naclAclChecks(context, acl);
        yield;
      }
      this.aclChecks.set(key, found);
      diagnostics.push(...found);
    }
    for (const group of model.groups.values()) {
      const key = `${keys.group(group)}\nvpc:${model.vpc ? addrsKey(model.vpc.blocks) : '-'}`;
      let found = this.groupChecks.get(key);
      if (!found) {
        found = sgGroupChecks(group, model.vpc?.blocks);
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
      const key = keys.flow(flow, model);
      const previous = this.flowResults.get(key);
      let result: FlowResult;
      if (previous) {
        result = rebase(previous, flow, model);
      } else {
        result = evaluateFlow(flow, model);
        this.evaluatedFlows.push(flow.name);
        yield;
      }
      this.flowResults.set(key, result);
      flows.push(result);
    }
    diagnostics.push(...expectationChecks(flows));
    diagnostics.sort(compareDiagnostics);
    this.aclChecks.rotate();
    this.groupChecks.rotate();
    this.flowResults.rotate();
    this.ids.rotate();
    return (this.previous = { text, file: parsed.file, model, diagnostics, flows });
  }
}
