// `vpcrules import terraform`: the JSON of `terraform show -json`, of a state or of a saved plan,
// mapped into the source-neutral network description of `network.ts`.
//
// Items are identified by their Terraform address (`module.network.aws_subnet.public[0]`), with
// the AWS id beside it when the input knows it. References between resources are AWS ids in a
// state; in a plan, an id that is unknown until apply is resolved through the plan's
// `configuration`: the expression that set it names the resource it came from
// (`aws_vpc.main.id`), through module outputs and input variables, with `count.index` and
// `each.key` taken from the resource that refers. Other values unknown until apply (addresses,
// IPv6 blocks) become placeholders (`placeholders.ts`), written with a comment and reported.
import type { z } from 'zod';
import * as tf from './terraform-shapes';
import { ImportInputError, InputFile, jsonPath, kindOf, oneLine, parseJson, validate } from './input';
import { compareText } from './names';
import {
  emptyDescription, Firewall, FirewallPolicy, Instance, InterfaceOwner, NaclEntry, NetworkAcl, NetworkDescription, PortRange, PrefixList,
  Route, RouteTable, RouteTarget, RuleGroup, SecurityGroup, SgPeer, SgRule, StatefulRule, StatelessAction, StatelessRule, Traffic, Vpc,
} from './network';
import { AddressPool, IPV6_PLACEHOLDERS } from './placeholders';
import { protocolOf, trafficOf } from './traffic';

type Path = (string | number)[];
type Key = number | string;

interface ModuleStep {
  call: string;
  key?: Key;
}

/** One resource instance of the state or plan. */
interface Res {
  address: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  key?: Key;
  module: ModuleStep[];
  values: Record<string, unknown>;
  /** Where it is in the file, for messages. */
  at: Path;
  /** A plan's `after_unknown` for it. */
  afterUnknown?: unknown;
}

/** A resource a reference leads to, and the attribute path after it (`['id']`, `['ipv6_cidr_block']`). */
interface Target {
  res: Res;
  attr: Path;
}

interface Expr {
  constant_value?: unknown;
  references?: string[] | null;
}

interface ConfigModule {
  resources: Map<string, z.infer<typeof tf.ConfigResource>>;
  calls: Map<string, { expressions: Record<string, unknown>; module?: ConfigModule }>;
  outputs: Map<string, Expr>;
}

/** Outputs of other commands people give by mistake, and what to give instead. */
const OTHER_JSON: [key: string, hint: string][] = [
  ['provider_schemas', "this is 'terraform providers schema -json'; give 'terraform show -json' of a state or a saved plan"],
  ['valid', "this is 'terraform validate -json'; give 'terraform show -json' of a state or a saved plan"],
  ['lineage', "this is a raw state file (terraform.tfstate); give its 'terraform show -json' instead: terraform show -json > state.json"],
  ['platform', "this is 'terraform version -json'; give 'terraform show -json' of a state or a saved plan"],
  ['Vpcs', "this looks like the AWS CLI's output: use 'vpcrules import aws'"],
  ['Subnets', "this looks like the AWS CLI's output: use 'vpcrules import aws'"],
  ['SecurityGroups', "this looks like the AWS CLI's output: use 'vpcrules import aws'"],
  ['NetworkAcls', "this looks like the AWS CLI's output: use 'vpcrules import aws'"],
  ['NetworkInterfaces', "this looks like the AWS CLI's output: use 'vpcrules import aws'"],
  ['Reservations', "this looks like the AWS CLI's output: use 'vpcrules import aws'"],
  ['RouteTables', "this looks like the AWS CLI's output: use 'vpcrules import aws'"],
];

/** Resource types with network interfaces or routes that Terraform's state does not show, reported. */
const NOT_MODELLED: Record<string, string> = {
  aws_lb: "a load balancer: AWS creates its network interfaces, which Terraform's state does not hold; import the VPC with 'vpcrules import aws' to see them",
  aws_alb: "a load balancer: AWS creates its network interfaces, which Terraform's state does not hold; import the VPC with 'vpcrules import aws' to see them",
  aws_elb: "a load balancer: AWS creates its network interfaces, which Terraform's state does not hold; import the VPC with 'vpcrules import aws' to see them",
  aws_db_instance: "a database: AWS creates its network interface, which Terraform's state does not hold; import the VPC with 'vpcrules import aws' to see it",
  aws_rds_cluster_instance: "a database: AWS creates its network interface, which Terraform's state does not hold; import the VPC with 'vpcrules import aws' to see it",
  aws_elasticache_cluster: "a cache: AWS creates its network interfaces, which Terraform's state does not hold",
  aws_elasticache_replication_group: "a cache: AWS creates its network interfaces, which Terraform's state does not hold",
  aws_vpc_endpoint: 'a VPC endpoint: its network interfaces and routes are not modelled',
  aws_vpc_peering_connection: 'VPC peering is not modelled: routes to it are unmodelled',
  aws_ec2_transit_gateway_vpc_attachment: 'transit gateways are not modelled: routes to them are unmodelled',
  aws_vpn_gateway: 'virtual private gateways are not modelled: routes to them are unmodelled',
  aws_ecs_service: "an ECS service: AWS creates its tasks' network interfaces, which Terraform's state does not hold",
  aws_eks_cluster: "an EKS cluster: AWS creates its network interfaces, which Terraform's state does not hold",
};

const VPC_TYPES = ['aws_vpc', 'aws_default_vpc'];
const SUBNET_TYPES = ['aws_subnet', 'aws_default_subnet'];
const GROUP_TYPES = ['aws_security_group', 'aws_default_security_group'];
const TABLE_TYPES = ['aws_route_table', 'aws_default_route_table'];
const ACL_TYPES = ['aws_network_acl', 'aws_default_network_acl'];
const LIST_TYPES = ['aws_ec2_managed_prefix_list', 'aws_prefix_list'];
const INTERFACE_TYPES = ['aws_network_interface', 'aws_instance'];

/** What each route target attribute may refer to. */
const ROUTE_TARGET_TYPES: Record<tf.RouteTargetKey, string[]> = {
  gateway_id: ['aws_internet_gateway', 'aws_vpn_gateway', 'aws_vpc_endpoint'],
  egress_only_gateway_id: ['aws_egress_only_internet_gateway'],
  nat_gateway_id: ['aws_nat_gateway'],
  transit_gateway_id: ['aws_ec2_transit_gateway'],
  vpc_peering_connection_id: ['aws_vpc_peering_connection'],
  network_interface_id: INTERFACE_TYPES,
  vpc_endpoint_id: ['aws_vpc_endpoint', 'aws_networkfirewall_firewall'],
  local_gateway_id: [],
  carrier_gateway_id: ['aws_ec2_carrier_gateway'],
  core_network_arn: [],
  instance_id: ['aws_instance'],
};

const ROUTE_TARGET_WORDS: Record<tf.RouteTargetKey, string> = {
  gateway_id: 'gateway', egress_only_gateway_id: 'egress-only internet gateway', nat_gateway_id: 'NAT gateway',
  transit_gateway_id: 'transit gateway', vpc_peering_connection_id: 'VPC peering connection', network_interface_id: 'network interface',
  vpc_endpoint_id: 'VPC endpoint', local_gateway_id: 'local gateway', carrier_gateway_id: 'carrier gateway', core_network_arn: 'core network',
  instance_id: 'instance',
};

/** The depth to which references are followed (module outputs, variables, attributes of attributes). */
const MAX_DEPTH = 12;

type TfRulesSource = NonNullable<NonNullable<NonNullable<z.infer<typeof tf.RuleGroup>['rule_group']>[number]>['rules_source']>[number];
type TfStatelessRule = NonNullable<NonNullable<NonNullable<TfRulesSource>['stateless_rules_and_custom_actions']>[number]>['stateless_rule'] extends (infer R)[] | null | undefined ? R : never;
type TfStatefulRule = NonNullable<NonNullable<TfRulesSource>['stateful_rule']>[number];
const MAX_MODULE_DEPTH = 64;

function keyText(key: Key | undefined): string {
  return key === undefined ? '' : `[${typeof key === 'number' ? key : JSON.stringify(key)}]`;
}

function moduleText(steps: ModuleStep[]): string {
  return steps.map((step) => `module.${step.call}${keyText(step.key)}`).join('.');
}

/** One step of a reference: an attribute name or an index. */
type Step = { name: string } | { index: Key };

/** `aws_subnet.public[0].id`, `module.net["a"].vpc_id`: the steps, or undefined for another syntax. */
function parseTraversal(text: string): Step[] | undefined {
  const steps: Step[] = [];
  const pattern = /\.?([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+|"(?:[^"\\]|\\.)*")\]/y;
  let at = 0;
  while (at < text.length) {
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (!match || (at === 0 && text[0] === '.')) return undefined;
    if (match[1] !== undefined) steps.push({ name: match[1] });
    else {
      try {
        steps.push({ index: match[2].startsWith('"') ? (JSON.parse(match[2]) as string) : Number(match[2]) });
      } catch {
        return undefined;
      }
    }
    at = pattern.lastIndex;
  }
  return steps;
}

/**
 * Targets of a value (a module output, a variable) followed by `rest`: an index into a list or map
 * of a resource's instances (`module.network.subnet_ids[0]`) picks the instance with that key.
 */
function indexed(targets: Target[], rest: Step[]): Target[] {
  const path = (steps: Step[]) => steps.map((s) => (isName(s) ? s.name : s.index));
  const [first, ...after] = rest;
  if (isIndex(first)) {
    const picked = targets.filter((t) => t.attr.length === 0 && t.res.key === first.index);
    if (picked.length > 0) return picked.map((t) => ({ res: t.res, attr: path(after) }));
  }
  return targets.map((t) => ({ res: t.res, attr: [...t.attr, ...path(rest)] }));
}

const isName = (step: Step | undefined): step is { name: string } => step !== undefined && 'name' in step;
const isIndex = (step: Step | undefined): step is { index: Key } => step !== undefined && 'index' in step;

/** Terraform lists a reference, then each shorter form of it: keep the longest forms only. */
function longestReferences(references: readonly string[]): string[] {
  const kept: string[] = [];
  for (const ref of references) {
    if (kept.some((k) => k === ref || k.startsWith(`${ref}.`) || k.startsWith(`${ref}[`))) continue;
    kept.push(ref);
  }
  return kept;
}

function isExpression(node: unknown): node is Expr {
  return node !== null && typeof node === 'object' && !Array.isArray(node) && ('references' in node || 'constant_value' in node);
}

/** The references of an expression (the configuration is read as it comes: anything else is none). */
function referencesOf(expr: unknown): string[] {
  if (!isExpression(expr) || !Array.isArray(expr.references)) return [];
  return expr.references.filter((ref): ref is string => typeof ref === 'string');
}

function valueAt(root: unknown, path: Path): unknown {
  let value = root;
  for (const step of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[step];
  }
  return value;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const uniq = <T>(items: T[]) => [...new Set(items)];

/** Reads `terraform show -json` of a state or a saved plan. Throws `ImportInputError` (one line) on bad input. */
export function readTerraform(files: readonly InputFile[]): NetworkDescription {
  if (files.length !== 1) {
    throw new ImportInputError(`import terraform reads one file (the output of 'terraform show -json'); got ${files.length}: ${files.map((f) => f.path).join(', ')}`);
  }
  try {
    return new TerraformReader(files[0]).read();
  } catch (error) {
    // Messages quote the input (addresses, versions): they stay one line whatever it holds.
    if (error instanceof ImportInputError) throw new ImportInputError(oneLine(error.message));
    throw error;
  }
}

/** Whether parsed JSON looks like `terraform show -json` (a state or a plan). */
export function looksLikeTerraform(json: unknown): boolean {
  return json !== null && typeof json === 'object' && !Array.isArray(json) && 'format_version' in json && ('values' in json || 'planned_values' in json || 'terraform_version' in json);
}

class TerraformReader {
  private readonly out: NetworkDescription;
  private plan = false;
  private readonly resources: Res[] = [];
  private readonly byAddress = new Map<string, Res>();
  /** AWS id (or ARN) to the address of the item that has it. */
  private readonly byAwsId = new Map<string, string>();
  /** Configuration modules by their path of call names ('' for the root). */
  private readonly configModules = new Map<string, ConfigModule>();
  private readonly cache = new WeakMap<Res, unknown>();
  private readonly publicPool = new AddressPool();
  private readonly privatePool = new AddressPool();
  private readonly vpcBlocks = new AddressPool();
  private readonly subnetBlocks = new AddressPool();
  /** Item id to the values written as placeholders, for its comment and the summary. */
  private readonly unknowns = new Map<string, string[]>();
  /** Per VPC address: its main route table, default network ACL and default security group ids. */
  private readonly vpcDefaults = new Map<string, { table?: string; acl?: string; group?: string; managed: boolean }>();
  /** Default security groups referred to but not in the input, by VPC address. */
  private readonly wantedDefaultGroups = new Set<string>();
  private readonly subnetZone = new Map<string, string>();
  private readonly eipPublic = new Map<string, string | undefined>();
  /** Routes to a firewall whose endpoint is resolved once firewalls are read. */
  private readonly firewallRoutes: { table: RouteTable; route: Route; firewall: string }[] = [];

  constructor(private readonly file: InputFile) {
    this.out = emptyDescription('Terraform');
  }

  // --- the document -------------------------------------------------------------------------------

  read(): NetworkDescription {
    const json = parseJson(this.file, 'terraform');
    if (json === null || typeof json !== 'object' || Array.isArray(json)) {
      throw new ImportInputError(`${this.file.path}: expected the JSON object 'terraform show -json' prints, found ${kindOf(json)}`);
    }
    const record = json as Record<string, unknown>;
    if (!('format_version' in record)) {
      const hint = OTHER_JSON.find(([key]) => key in record)?.[1];
      const found = Object.keys(record).slice(0, 5).join(', ') || 'no key';
      throw new ImportInputError(`${this.file.path}: not the output of 'terraform show -json' (found ${found}, no format_version)${hint ? `: ${hint}` : ''}`);
    }
    const show = validate(tf.ShowJson, record, this.file, []);
    if (!/^1(\.|$)/.test(show.format_version)) {
      throw new ImportInputError(`${this.file.path}: $.format_version: ${show.format_version} is not read; 'terraform show -json' format 1.x is`);
    }
    const hint = OTHER_JSON.find(([key]) => key in record)?.[1];
    if (hint && !show.values && !show.planned_values) throw new ImportInputError(`${this.file.path}: ${hint}`);
    this.plan = Boolean(show.planned_values);
    this.out.source = this.plan ? 'Terraform plan' : 'Terraform state';
    this.out.idsInComments = this.plan ? 'Terraform addresses' : 'Terraform addresses and AWS ids';
    const root = this.plan ? show.planned_values!.root_module : show.values?.root_module;
    const rootPath = this.plan ? ['planned_values', 'root_module'] : ['values', 'root_module'];
    if (root === undefined || root === null) {
      throw new ImportInputError(`${this.file.path}: $.${rootPath.join('.')}: missing; the ${this.plan ? 'plan' : 'state'} holds no resources`);
    }
    this.collectModule(root, rootPath, 0);
    if (this.plan) {
      this.collectChanges(show.resource_changes ?? []);
      if (show.configuration?.root_module !== undefined) this.collectConfig(show.configuration.root_module, ['configuration', 'root_module'], '', 0);
      if ((record as { errored?: unknown }).errored === true) this.skip('plan', 'plan', 'the plan errored: what it plans may be incomplete');
    }
    this.indexIds();
    this.map();
    return this.out;
  }

  private collectModule(raw: unknown, at: Path, depth: number): void {
    if (depth > MAX_MODULE_DEPTH) throw new ImportInputError(`${this.file.path}: ${jsonPath(at)}: modules nested more than ${MAX_MODULE_DEPTH} deep`);
    const module = validate(tf.ModuleValues, raw, this.file, at);
    (module.resources ?? []).forEach((item, index) => {
      const where = [...at, 'resources', index];
      const r = validate(tf.ResourceValues, item, this.file, where);
      if (r.mode !== 'managed' && r.mode !== 'data') return;
      const prefix = `${r.mode === 'data' ? 'data.' : ''}${r.type}.${r.name}${keyText(r.index ?? undefined)}`;
      if (!(r.address === prefix || r.address.endsWith(`.${prefix}`))) {
        throw new ImportInputError(`${this.file.path}: ${jsonPath([...where, 'address'])}: ${r.address} does not end with its mode, type, name and index (${prefix})`);
      }
      const moduleSteps = r.address === prefix ? [] : this.moduleSteps(r.address.slice(0, -prefix.length - 1), [...where, 'address']);
      const earlier = this.byAddress.get(r.address);
      if (earlier) throw new ImportInputError(`${this.file.path}: ${jsonPath([...where, 'address'])}: ${r.address} is given twice (also at ${jsonPath(earlier.at)})`);
      const res: Res = {
        address: r.address, mode: r.mode, type: r.type, name: r.name, key: r.index ?? undefined, module: moduleSteps,
        values: r.values ?? {}, at: where,
      };
      this.resources.push(res);
      this.byAddress.set(res.address, res);
    });
    (module.child_modules ?? []).forEach((child, index) => this.collectModule(child, [...at, 'child_modules', index], depth + 1));
  }

  private moduleSteps(address: string, at: Path): ModuleStep[] {
    const steps = parseTraversal(address);
    const out: ModuleStep[] = [];
    for (let i = 0; steps && i < steps.length; i++) {
      const word = steps[i];
      const call = steps[i + 1];
      if (!isName(word) || word.name !== 'module' || !isName(call)) return this.badModule(address, at);
      const index = steps[i + 2];
      out.push({ call: call.name, key: isIndex(index) ? index.index : undefined });
      i += isIndex(index) ? 2 : 1;
    }
    return steps ? out : this.badModule(address, at);
  }

  private badModule(address: string, at: Path): never {
    throw new ImportInputError(`${this.file.path}: ${jsonPath(at)}: '${address}' is not a module address`);
  }

  private collectChanges(changes: unknown[]): void {
    changes.forEach((raw, index) => {
      const change = validate(tf.ResourceChange, raw, this.file, ['resource_changes', index]);
      const res = this.byAddress.get(change.address);
      if (res && change.change) res.afterUnknown = change.change.after_unknown;
    });
  }

  private collectConfig(raw: unknown, at: Path, path: string, depth: number): ConfigModule {
    if (depth > MAX_MODULE_DEPTH) throw new ImportInputError(`${this.file.path}: ${jsonPath(at)}: modules nested more than ${MAX_MODULE_DEPTH} deep`);
    const module = validate(tf.ConfigModule, raw ?? {}, this.file, at);
    const out: ConfigModule = { resources: new Map(), calls: new Map(), outputs: new Map() };
    (module.resources ?? []).forEach((item, index) => {
      const resource = validate(tf.ConfigResource, item, this.file, [...at, 'resources', index]);
      out.resources.set(resource.address, resource);
    });
    for (const [name, output] of Object.entries(module.outputs ?? {})) if (output.expression) out.outputs.set(name, output.expression);
    for (const [name, item] of Object.entries(module.module_calls ?? {})) {
      const callAt = [...at, 'module_calls', name];
      const call = validate(tf.ModuleCall, item, this.file, callAt);
      const childPath = path ? `${path}.${name}` : name;
      const child = call.module === undefined || call.module === null ? undefined : this.collectConfig(call.module, [...callAt, 'module'], childPath, depth + 1);
      out.calls.set(name, { expressions: call.expressions ?? {}, module: child });
    }
    this.configModules.set(path, out);
    return out;
  }

  /** Values of a resource, validated against the shape of its type (once). */
  private vals<T extends z.ZodType>(res: Res, schema: T): z.infer<T> {
    const cached = this.cache.get(res);
    if (cached !== undefined) return cached as z.infer<T>;
    const parsed = validate(schema, res.values, this.file, [...res.at, 'values']);
    this.cache.set(res, parsed);
    return parsed;
  }

  private ofType(types: string | string[], mode: 'managed' | 'data' | 'any' = 'managed'): Res[] {
    const wanted = Array.isArray(types) ? types : [types];
    return this.resources.filter((r) => wanted.includes(r.type) && (mode === 'any' || r.mode === mode)).sort((a, b) => compareText(a.address, b.address));
  }

  private skip(id: string, kind: string, reason: string): void {
    this.out.skipped.push({ id: oneLine(id), kind, reason: oneLine(reason) });
  }

  private placeholder(id: string, what: string): void {
    this.unknowns.set(id, [...(this.unknowns.get(id) ?? []), what]);
  }

  // --- ids ----------------------------------------------------------------------------------------

  /** AWS ids (and ARNs) of the input's items, to their addresses; managed resources win over data sources. */
  private indexIds(): void {
    const ordered = [...this.resources].sort((a, b) => (a.mode === b.mode ? compareText(a.address, b.address) : a.mode === 'managed' ? -1 : 1));
    for (const res of ordered) {
      const id = text(res.values.id);
      const arn = text(res.values.arn);
      for (const value of [id, arn, res.type === 'aws_eip' ? text(res.values.allocation_id) : undefined]) {
        if (value && !this.byAwsId.has(value)) this.byAwsId.set(value, res.address);
      }
      if (res.type === 'aws_instance') {
        const eni = text(res.values.primary_network_interface_id);
        if (eni && !this.byAwsId.has(eni)) this.byAwsId.set(eni, res.address);
      }
    }
  }

  /** The address of an AWS id the input holds, else the id itself. */
  private local(id: string): string {
    return this.byAwsId.get(id) ?? id;
  }

  /** Whether the value at `path` is unknown until apply. */
  private isUnknown(res: Res, path: Path): boolean {
    if (!this.plan) return false;
    if (res.afterUnknown !== undefined) {
      let node: unknown = res.afterUnknown;
      for (const step of path) {
        if (node === true) return true;
        if (node === null || typeof node !== 'object') return false;
        node = (node as Record<string | number, unknown>)[step];
      }
      return node === true;
    }
    return valueAt(res.values, path) === undefined;
  }

  // --- the configuration --------------------------------------------------------------------------

  private configModule(steps: ModuleStep[]): ConfigModule | undefined {
    return this.configModules.get(steps.map((s) => s.call).join('.'));
  }

  private configOf(res: Res): z.infer<typeof tf.ConfigResource> | undefined {
    return this.configModule(res.module)?.resources.get(`${res.mode === 'data' ? 'data.' : ''}${res.type}.${res.name}`);
  }

  /**
   * The expression that set the value at `path` of `res`: an attribute's, or, inside a block, the
   * block's attribute (the block matched to the element by its constant values). Blocks that the
   * AWS provider reads as attributes (`ingress`, `egress`, `route`) have one expression for all.
   */
  private expressionAt(res: Res, path: Path): Expr | undefined {
    let node: unknown = this.configOf(res)?.expressions;
    for (let i = 0; i < path.length; i++) {
      if (isExpression(node)) return node;
      const step = path[i];
      if (typeof step === 'string') {
        node = node !== null && typeof node === 'object' && !Array.isArray(node) ? (node as Record<string, unknown>)[step] : undefined;
      } else if (Array.isArray(node)) {
        node = this.matchBlock(node, valueAt(res.values, path.slice(0, i + 1)), step);
      } else {
        return undefined;
      }
    }
    return isExpression(node) ? node : undefined;
  }

  /** The configuration block that an element of a list or set of blocks came from. */
  private matchBlock(blocks: unknown[], element: unknown, index: number): unknown {
    const fits = (block: unknown) => {
      if (block === null || typeof block !== 'object' || element === null || typeof element !== 'object') return 0;
      let score = 0;
      for (const [key, expr] of Object.entries(block as Record<string, unknown>)) {
        if (!isExpression(expr) || !('constant_value' in expr)) continue;
        const value = (element as Record<string, unknown>)[key];
        if (value === undefined || value === null) continue;
        if (JSON.stringify(value) !== JSON.stringify(expr.constant_value)) return -1;
        score++;
      }
      return score;
    };
    const scores = blocks.map(fits);
    const best = Math.max(-1, ...scores);
    if (best < 0) return undefined;
    return scores[index] === best ? blocks[index] : blocks[scores.indexOf(best)];
  }

  /** The resources (and attributes) that the expression at `path` refers to; undefined without one. */
  private targetsAt(res: Res, path: Path): Target[] | undefined {
    const expr = this.expressionAt(res, path);
    const references = referencesOf(expr);
    if (references.length === 0) return undefined;
    return this.resolve(references, res.module, res.key, this.configOf(res)?.for_each_expression?.references ?? undefined, 0);
  }

  private resolve(references: readonly string[], module: ModuleStep[], key: Key | undefined, forEach: readonly string[] | undefined, depth: number): Target[] {
    if (depth > MAX_DEPTH) return [];
    const kept = longestReferences(references);
    const selfKey = kept.some((ref) => ref === 'count.index' || ref.startsWith('each.'));
    const out: Target[] = [];
    for (const ref of kept) {
      const steps = parseTraversal(ref);
      if (!steps || !isName(steps[0])) continue;
      const head = steps[0].name;
      if (head === 'each' && isName(steps[1]) && steps[1].name === 'value' && forEach) {
        // `for_each = aws_subnet.public` with `each.value.id`: the instance with the same key.
        const rest = steps.slice(2).map((s) => (isName(s) ? s.name : s.index));
        for (const target of this.resolve(forEach, module, undefined, undefined, depth + 1)) {
          if (target.attr.length === 0 && target.res.key === key) out.push({ res: target.res, attr: rest });
        }
        continue;
      }
      if (['count', 'each', 'local', 'path', 'terraform', 'self'].includes(head)) continue;
      if (head === 'var') {
        if (!isName(steps[1]) || module.length === 0) continue;
        const call = module[module.length - 1];
        const parent = module.slice(0, -1);
        const expr = this.configModule(parent)?.calls.get(call.call)?.expressions[steps[1].name];
        if (referencesOf(expr).length === 0) continue;
        const rest = steps.slice(2);
        out.push(...indexed(this.resolve(referencesOf(expr), parent, call.key, undefined, depth + 1), rest));
        continue;
      }
      if (head === 'module') {
        if (!isName(steps[1])) continue;
        const call = steps[1].name;
        const index = isIndex(steps[2]) ? steps[2].index : undefined;
        const outputStep = steps[index === undefined ? 2 : 3];
        if (!isName(outputStep)) continue;
        const child = this.configModule([...module, { call }]);
        const expr = child?.outputs.get(outputStep.name);
        if (referencesOf(expr).length === 0) continue;
        const rest = steps.slice(index === undefined ? 3 : 4);
        const instances = new Map<string, ModuleStep>();
        const prefix = moduleText(module);
        for (const r of this.resources) {
          if (r.module.length <= module.length || moduleText(r.module.slice(0, module.length)) !== prefix || r.module[module.length].call !== call) continue;
          instances.set(keyText(r.module[module.length].key), r.module[module.length]);
        }
        const wanted = [...instances.values()].filter((step) => (index !== undefined ? step.key === index : selfKey && instances.size > 1 ? step.key === key : true));
        for (const step of wanted) out.push(...indexed(this.resolve(referencesOf(expr), [...module, step], undefined, undefined, depth + 1), rest));
        continue;
      }
      const data = head === 'data';
      const typeStep = data ? steps[1] : steps[0];
      const nameStep = data ? steps[2] : steps[1];
      if (!isName(typeStep) || !isName(nameStep)) continue;
      let rest = steps.slice(data ? 3 : 2);
      let index: Key | undefined;
      if (isIndex(rest[0])) {
        index = rest[0].index;
        rest = rest.slice(1);
      }
      const base = `${moduleText(module)}${module.length > 0 ? '.' : ''}${data ? 'data.' : ''}${typeStep.name}.${nameStep.name}`;
      const instances = this.resources.filter((r) => r.address === base || (r.address.startsWith(`${base}[`) && r.address === `${base}${keyText(r.key)}`));
      const keyed = instances.some((r) => r.key !== undefined);
      const wanted = instances.filter((r) => (index !== undefined ? r.key === index : keyed && selfKey ? r.key === key : true));
      for (const target of wanted) out.push({ res: target, attr: rest.map((s) => (isName(s) ? s.name : s.index)) });
    }
    return out;
  }

  /** The item id a reference to `target` stands for (a resource's own id, or an id attribute of it). */
  private identity(target: Target, depth: number): string | undefined {
    const { res, attr } = target;
    const head = attr.find((s): s is string => typeof s === 'string');
    if (attr.length === 0 || head === 'id' || head === 'arn') return res.address;
    if (res.type === 'aws_eip' && head === 'allocation_id') return res.address;
    if (res.type === 'aws_instance' && head === 'primary_network_interface_id') return res.address;
    if (res.type === 'aws_networkfirewall_firewall' && head === 'firewall_status') return res.address;
    if (VPC_TYPES.includes(res.type) && head) {
      const defaults = this.vpcDefaults.get(res.address);
      if (head === 'main_route_table_id' || head === 'default_route_table_id') return defaults?.table;
      if (head === 'default_network_acl_id') return defaults?.acl;
      if (head === 'default_security_group_id') return this.defaultGroup(res.address);
    }
    if (typeof attr[0] === 'string' && depth < MAX_DEPTH) return this.ref(res, [attr[0]], undefined, depth + 1);
    return undefined;
  }

  private typeOf(id: string): string | undefined {
    const synthetic: [RegExp, string][] = [
      [/\.default_security_group_id$/, 'aws_default_security_group'], [/\.main_route_table_id$/, 'aws_default_route_table'],
      [/\.default_network_acl_id$/, 'aws_default_network_acl'],
    ];
    return this.byAddress.get(id)?.type ?? synthetic.find(([pattern]) => pattern.test(id))?.[1];
  }

  /** Candidate ids for a value unknown until apply, from the configuration, of the given types. */
  private candidates(res: Res, path: Path, types: readonly string[] | undefined, depth = 0): string[] {
    const targets = this.targetsAt(res, path) ?? [];
    const ids = targets.flatMap((t) => this.identity(t, depth) ?? []);
    return uniq(ids).filter((id) => !types || types.includes(this.typeOf(id) ?? ''));
  }

  /** The id at `path`: the known value (an input item's address when it is one's AWS id), or the one the configuration names. */
  private ref(res: Res, path: Path, types?: readonly string[], depth = 0): string | undefined {
    const known = text(valueAt(res.values, path));
    if (known) return this.local(known);
    if (!this.plan || depth > MAX_DEPTH) return undefined;
    const found = this.candidates(res, path, types, depth);
    return found.length === 1 ? found[0] : undefined;
  }

  /**
   * The ids of a list at `path`: the known ones, and for elements unknown until apply those the
   * configuration names (when it names exactly as many, or one for all). `ambiguous` is set when it
   * names more than there are unknown elements: those are left out.
   */
  private refList(res: Res, path: Path, types: readonly string[] | undefined, exclusive = true): { ids: string[]; missing: number; ambiguous?: string[] } {
    const value = valueAt(res.values, path);
    const items = Array.isArray(value) ? value : [];
    const known = items.flatMap((item) => (text(item) ? [this.local(item as string)] : []));
    const unknownSlots = Array.isArray(value) ? items.filter((item) => item === null).length : this.isUnknown(res, path) ? -1 : 0;
    if (unknownSlots === 0) return { ids: uniq(known), missing: 0 };
    const found = this.candidates(res, path, types).filter((id) => !known.includes(id));
    if (unknownSlots === -1 || found.length === unknownSlots || (found.length === 1 && exclusive)) return { ids: uniq([...known, ...found]), missing: 0 };
    if (found.length < unknownSlots) return { ids: uniq([...known, ...found]), missing: unknownSlots - found.length };
    return { ids: uniq(known), missing: unknownSlots, ambiguous: found };
  }

  /** CIDR values a list element unknown until apply stands for (`aws_vpc.main.ipv6_cidr_block`). */
  private cidrValues(res: Res, path: Path, family: 4 | 6): { cidr: string; from: string }[] {
    const out: { cidr: string; from: string }[] = [];
    for (const target of this.targetsAt(res, path) ?? []) {
      const head = target.attr[0];
      if (head !== (family === 4 ? 'cidr_block' : 'ipv6_cidr_block')) continue;
      const vpc = this.out.vpcs.find((v) => v.id === target.res.address);
      const subnet = this.out.subnets.find((s) => s.id === target.res.address);
      const cidr = vpc ? (family === 4 ? vpc.cidrs[0] : vpc.ipv6Cidrs[0]) : subnet ? (family === 4 ? subnet.cidr : subnet.ipv6Cidr) : undefined;
      if (cidr && !out.some((o) => o.cidr === cidr)) out.push({ cidr, from: `${target.res.address}.${head}` });
    }
    return out;
  }

  private nameOf(res: Res, tags: Record<string, string | null> | null | undefined, fallback?: string | null): string {
    return text(tags?.Name) ?? text(fallback) ?? `${res.name}${res.key === undefined ? '' : `-${res.key}`}`;
  }

  private noteOf(...words: (string | null | undefined)[]): string | undefined {
    const note = words.filter((w): w is string => Boolean(w)).join(' ');
    return note || undefined;
  }

  // --- mapping ------------------------------------------------------------------------------------

  private map(): void {
    this.useKnownAddresses();
    this.vpcs();
    if (this.out.vpcs.length === 0) {
      const count = this.resources.length;
      throw new ImportInputError(`${this.file.path}: no VPC in the ${this.plan ? 'plan' : 'state'}: none of its ${count} resource(s) is an aws_vpc (or a data.aws_vpc)`);
    }
    this.defaults();
    this.subnets();
    this.gateways();
    this.natGateways();
    this.routeTables();
    this.prefixLists();
    this.securityGroups();
    this.networkAcls();
    this.interfaces();
    this.firewalls();
    this.finish();
  }

  private useKnownAddresses(): void {
    for (const res of this.resources) {
      const v = res.values;
      const strings = (key: string) => (Array.isArray(v[key]) ? (v[key] as unknown[]) : [v[key]]).flatMap((x) => (text(x) ? [x as string] : []));
      for (const key of ['private_ip', 'secondary_private_ips', 'private_ips', 'private_ip_list', 'ipv6_addresses', 'secondary_private_ip_addresses', 'private_ip_address']) {
        for (const address of strings(key)) this.privatePool.useAddress(address);
      }
      for (const address of strings('public_ip')) this.publicPool.useAddress(address);
      if (VPC_TYPES.includes(res.type)) for (const block of strings('ipv6_cidr_block')) this.vpcBlocks.useBlock(block);
      if (res.type === 'aws_vpc_ipv6_cidr_block_association') for (const block of strings('ipv6_cidr_block')) this.vpcBlocks.useBlock(block);
      if (SUBNET_TYPES.includes(res.type)) for (const block of strings('ipv6_cidr_block')) this.subnetBlocks.useBlock(block);
    }
  }

  private vpcs(): void {
    const managedIds = new Set(this.ofType(VPC_TYPES).flatMap((r) => text(r.values.id) ?? []));
    const associations = this.ofType(['aws_vpc_ipv4_cidr_block_association', 'aws_vpc_ipv6_cidr_block_association']);
    for (const res of this.ofType(VPC_TYPES, 'any')) {
      const v = this.vals(res, tf.Vpc);
      if (res.mode === 'data' && v.id && managedIds.has(v.id)) continue;
      const cidr = text(v.cidr_block);
      if (!cidr) {
        this.skip(res.address, 'VPC', this.isUnknown(res, ['cidr_block']) ? 'its IPv4 block is unknown until apply (from IPAM?): not written' : 'has no IPv4 block: not written');
        continue;
      }
      const cidrs = [cidr, ...(v.cidr_block_associations ?? []).flatMap((a) => (text(a?.cidr_block) && a?.cidr_block !== cidr ? [a!.cidr_block!] : []))];
      const ipv6Cidrs: string[] = [];
      const ipv6 = text(v.ipv6_cidr_block);
      if (ipv6) ipv6Cidrs.push(ipv6);
      else if (this.isUnknown(res, ['ipv6_cidr_block']) && (v.assign_generated_ipv6_cidr_block === true || v.ipv6_netmask_length || this.configOf(res)?.expressions?.ipv6_ipam_pool_id)) {
        // Unknown until apply: a generated /56 (or the netmask length asked for).
        const placeholder = this.vpcBlocks.freeBlock(IPV6_PLACEHOLDERS, v.ipv6_netmask_length || 56);
        if (placeholder) {
          ipv6Cidrs.push(placeholder);
          this.placeholder(res.address, `IPv6 block ${placeholder}`);
        }
      }
      for (const assoc of associations) {
        const a = this.vals(assoc, tf.VpcCidrAssociation);
        if (this.ref(assoc, ['vpc_id'], VPC_TYPES) !== res.address) continue;
        if (text(a.cidr_block)) cidrs.push(a.cidr_block!);
        else if (text(a.ipv6_cidr_block)) ipv6Cidrs.push(a.ipv6_cidr_block!);
        else if (assoc.type.includes('ipv6')) {
          const placeholder = this.vpcBlocks.freeBlock(IPV6_PLACEHOLDERS, 56);
          if (placeholder) {
            ipv6Cidrs.push(placeholder);
            this.placeholder(res.address, `IPv6 block ${placeholder} (${assoc.address})`);
          }
        } else {
          this.skip(assoc.address, 'VPC block', 'its IPv4 block is unknown until apply: left out');
        }
      }
      const vpc: Vpc = {
        id: res.address, awsId: v.id ?? undefined, name: this.nameOf(res, v.tags), cidrs: uniq(cidrs), ipv6Cidrs: uniq(ipv6Cidrs),
        note: this.noteOf(v.id, res.type === 'aws_default_vpc' ? 'the default VPC' : undefined),
      };
      this.out.vpcs.push(vpc);
      this.vpcDefaults.set(res.address, { managed: res.mode === 'managed' });
    }
  }

  /** The VPC a default resource (`aws_default_route_table`, ...) belongs to. */
  private vpcOfDefault(res: Res, idKey: string, vpcKey: string): string | undefined {
    const direct = this.ref(res, ['vpc_id'], VPC_TYPES);
    if (direct && this.vpcDefaults.has(direct)) return direct;
    const id = text(res.values[idKey]);
    if (id) {
      const vpc = this.ofType(VPC_TYPES).find((r) => text(r.values[vpcKey]) === id || (vpcKey === 'main_route_table_id' && text(r.values.default_route_table_id) === id));
      if (vpc) return vpc.address;
    }
    const target = (this.targetsAt(res, [idKey]) ?? []).find((t) => VPC_TYPES.includes(t.res.type));
    return target?.res.address;
  }

  /** Each VPC's main route table, default network ACL and default security group. */
  private defaults(): void {
    for (const res of this.ofType('aws_default_route_table')) {
      const vpc = this.vpcOfDefault(res, 'default_route_table_id', 'default_route_table_id');
      const defaults = vpc ? this.vpcDefaults.get(vpc) : undefined;
      if (defaults && !defaults.table) defaults.table = res.address;
    }
    for (const res of this.ofType('aws_main_route_table_association')) {
      const v = this.vals(res, tf.MainRouteTableAssociation);
      void v;
      const vpc = this.ref(res, ['vpc_id'], VPC_TYPES);
      const table = this.ref(res, ['route_table_id'], TABLE_TYPES);
      const defaults = vpc ? this.vpcDefaults.get(vpc) : undefined;
      if (defaults && table) defaults.table = table;
      else this.skip(res.address, 'main route table association', `its VPC or route table is ${this.plan ? 'unknown until apply and not named by the configuration' : 'not in the input'}: left out`);
    }
    for (const res of this.ofType('aws_default_network_acl')) {
      const vpc = this.vpcOfDefault(res, 'default_network_acl_id', 'default_network_acl_id');
      const defaults = vpc ? this.vpcDefaults.get(vpc) : undefined;
      if (defaults && !defaults.acl) defaults.acl = res.address;
    }
    for (const res of this.ofType('aws_default_security_group')) {
      const vpc = this.ref(res, ['vpc_id'], VPC_TYPES) ?? (this.targetsAt(res, ['vpc_id']) ?? []).find((t) => VPC_TYPES.includes(t.res.type))?.res.address;
      const defaults = vpc ? this.vpcDefaults.get(vpc) : undefined;
      if (defaults && !defaults.group) defaults.group = res.address;
    }
    // What the state names only by id is AWS's default.
    for (const vpc of this.out.vpcs) {
      const defaults = this.vpcDefaults.get(vpc.id)!;
      const res = this.byAddress.get(vpc.id)!;
      if (!defaults.managed) continue;
      if (!defaults.table) defaults.table = `${vpc.id}.main_route_table_id`;
      if (!defaults.acl) defaults.acl = `${vpc.id}.default_network_acl_id`;
      for (const [key, id] of [['main_route_table_id', defaults.table], ['default_route_table_id', defaults.table], ['default_network_acl_id', defaults.acl]] as const) {
        const awsId = text(res.values[key]);
        if (awsId && (!this.byAwsId.has(awsId) || this.byAwsId.get(awsId) === vpc.id)) this.byAwsId.set(awsId, id);
      }
      const group = text(res.values.default_security_group_id);
      if (group && (!this.byAwsId.has(group) || this.byAwsId.get(group) === vpc.id)) this.byAwsId.set(group, defaults.group ?? `${vpc.id}.default_security_group_id`);
    }
  }

  /** The VPC's default security group: the input's, else one with AWS's default rules (declared if used). */
  private defaultGroup(vpc: string): string | undefined {
    const defaults = this.vpcDefaults.get(vpc);
    if (!defaults) return undefined;
    if (defaults.group) return defaults.group;
    if (!defaults.managed) return undefined;
    this.wantedDefaultGroups.add(vpc);
    return `${vpc}.default_security_group_id`;
  }

  private subnets(): void {
    const managedIds = new Set(this.ofType(SUBNET_TYPES).flatMap((r) => text(r.values.id) ?? []));
    for (const res of this.ofType(SUBNET_TYPES, 'any')) {
      const v = this.vals(res, tf.Subnet);
      if (res.mode === 'data' && v.id && managedIds.has(v.id)) continue;
      const vpcId = this.ref(res, ['vpc_id'], VPC_TYPES);
      const vpc = this.out.vpcs.find((x) => x.id === vpcId);
      if (!vpc) {
        this.skip(res.address, 'subnet', vpcId ? `its VPC ${vpcId} is not in the input: not written` : 'its VPC is unknown until apply and the configuration does not name it: not written');
        continue;
      }
      let ipv6 = text(v.ipv6_cidr_block);
      if (!ipv6 && this.isUnknown(res, ['ipv6_cidr_block']) && (this.configModules.size === 0 || this.expressionAt(res, ['ipv6_cidr_block']))) {
        const within = vpc.ipv6Cidrs[0];
        ipv6 = within ? this.subnetBlocks.freeBlock(within, 64) : undefined;
        if (ipv6) this.placeholder(res.address, `IPv6 block ${ipv6}`);
        else this.skip(res.address, 'subnet', 'its IPv6 block is unknown until apply, and its VPC has no IPv6 block to take a placeholder from: left out');
      }
      const cidr = text(v.cidr_block);
      if (!cidr && this.isUnknown(res, ['cidr_block'])) {
        this.skip(res.address, 'subnet', 'its IPv4 block is unknown until apply: not written');
        continue;
      }
      const zone = text(v.availability_zone);
      if (zone) this.subnetZone.set(res.address, zone);
      this.out.subnets.push({
        id: res.address, awsId: v.id ?? undefined, vpc: vpc.id, name: this.nameOf(res, v.tags), cidr, ipv6Cidr: ipv6, note: this.noteOf(v.id, zone),
      });
    }
  }

  private gateways(): void {
    const attachments = this.ofType('aws_internet_gateway_attachment');
    for (const res of this.ofType(['aws_internet_gateway', 'aws_egress_only_internet_gateway'])) {
      const v = this.vals(res, tf.Gateway);
      const vpcs = [this.ref(res, ['vpc_id'], VPC_TYPES)];
      for (const attachment of attachments) {
        this.vals(attachment, tf.GatewayAttachment);
        if (this.ref(attachment, ['internet_gateway_id'], ['aws_internet_gateway']) === res.address) vpcs.push(this.ref(attachment, ['vpc_id'], VPC_TYPES));
      }
      this.out.gateways.push({
        id: res.address, awsId: v.id ?? undefined, kind: res.type === 'aws_internet_gateway' ? 'internet' : 'egress-only', name: this.nameOf(res, v.tags),
        vpcs: uniq(vpcs.filter((x): x is string => Boolean(x))), note: v.id ?? undefined,
      });
    }
  }

  /** The public address of an Elastic IP: known, or a placeholder. */
  private eipAddress(address: string): string | undefined {
    if (this.eipPublic.has(address)) return this.eipPublic.get(address);
    const res = this.byAddress.get(address);
    let value: string | undefined;
    if (res?.type === 'aws_eip') {
      const v = this.vals(res, tf.Eip);
      value = text(v.public_ip);
      if (!value && this.isUnknown(res, ['public_ip'])) {
        value = this.publicPool.freePublicAddress();
        if (value) this.placeholder(address, `public-ip ${value}`);
      }
    }
    this.eipPublic.set(address, value);
    return value;
  }

  private natGateways(): void {
    for (const res of this.ofType('aws_nat_gateway')) {
      const v = this.vals(res, tf.NatGateway);
      const subnetId = this.ref(res, ['subnet_id'], SUBNET_TYPES);
      const subnet = this.out.subnets.find((s) => s.id === subnetId);
      if (!subnet) {
        this.skip(res.address, 'NAT gateway', subnetId ? `its subnet ${subnetId} is not in the input: left out` : 'its subnet is unknown until apply and the configuration does not name it: left out');
        continue;
      }
      const unknown: string[] = [];
      let privateIp = text(v.private_ip);
      if (!privateIp && this.isUnknown(res, ['private_ip'])) {
        privateIp = this.privatePool.freeAddress(subnet.cidr);
        if (privateIp) unknown.push(`ip ${privateIp}`);
      }
      const connectivity = v.connectivity_type === 'private' ? 'private' : 'public';
      let publicIp = text(v.public_ip);
      if (!publicIp && connectivity === 'public') {
        const eip = this.ref(res, ['allocation_id'], ['aws_eip']);
        const fromEip = eip && this.byAddress.has(eip) ? this.eipAddress(eip) : undefined;
        if (fromEip) {
          publicIp = fromEip;
          if (this.unknowns.get(eip!)?.length) unknown.push(`public-ip ${fromEip} (${eip})`);
        } else if (this.isUnknown(res, ['public_ip'])) {
          publicIp = this.publicPool.freePublicAddress();
          if (publicIp) unknown.push(`public-ip ${publicIp}`);
        }
      }
      for (const what of unknown) this.placeholder(res.address, what);
      this.out.natGateways.push({
        id: res.address, awsId: v.id ?? undefined, vpc: subnet.vpc, subnet: subnet.id, name: this.nameOf(res, v.tags), connectivity, privateIp, publicIp,
        otherAddresses: (v.secondary_private_ip_addresses ?? []).flatMap((a) => text(a) ?? []), note: v.id ?? undefined,
      });
    }
  }

  // --- routes -------------------------------------------------------------------------------------

  private routeTables(): void {
    const tables = new Map<string, RouteTable>();
    for (const res of this.ofType(TABLE_TYPES)) {
      const v = this.vals(res, tf.RouteTable);
      const vpc = res.type === 'aws_default_route_table' ? this.vpcOfDefault(res, 'default_route_table_id', 'default_route_table_id') : this.ref(res, ['vpc_id'], VPC_TYPES);
      if (!vpc || !this.vpcDefaults.has(vpc)) {
        this.skip(res.address, 'route table', vpc ? `its VPC ${vpc} is not in the input: left out` : 'its VPC is unknown until apply and the configuration does not name it: left out');
        continue;
      }
      const table: RouteTable = {
        id: res.address, awsId: v.id ?? undefined, vpc, name: this.nameOf(res, v.tags), main: false, subnets: [], edgeGateways: [], routes: [], note: v.id ?? undefined,
      };
      if (this.isUnknown(res, ['route']) && this.expressionAt(res, ['route'])) {
        this.skip(res.address, 'route table', 'its route blocks are unknown until apply as a whole: left out (aws_route resources are read one by one)');
      }
      tables.set(res.address, table);
      this.out.routeTables.push(table);
    }
    // Each VPC's main table: the one the input says, else AWS's default (local routes only).
    for (const vpc of this.out.vpcs) {
      const defaults = this.vpcDefaults.get(vpc.id)!;
      if (!defaults.table) continue;
      const table = tables.get(defaults.table) ?? this.mainTable(defaults.table, tables);
      if (table) table.main = true;
    }
    // aws_route resources first: a refreshed state lists them in their table's route blocks too,
    // without their state (blackhole).
    for (const res of this.ofType('aws_route')) {
      const v = this.vals(res, tf.Route);
      const tableId = this.ref(res, ['route_table_id'], TABLE_TYPES);
      const table = tableId ? tables.get(tableId) ?? this.mainTable(tableId, tables) : undefined;
      if (!table) {
        this.skip(res.address, 'route', tableId ? `its route table ${tableId} is not in the input: left out` : 'its route table is unknown until apply and the configuration does not name it: left out');
        continue;
      }
      const destination = text(v.destination_cidr_block) ?? text(v.destination_ipv6_cidr_block);
      const list = this.ref(res, ['destination_prefix_list_id'], LIST_TYPES);
      this.addRoute(table, res, [], destination, list, v.state ?? undefined);
    }
    for (const res of this.ofType(TABLE_TYPES)) {
      const table = tables.get(res.address);
      if (!table) continue;
      const v = this.vals(res, tf.RouteTable);
      (v.route ?? []).forEach((route, index) => {
        if (!route) return;
        const destination = text(route.cidr_block) ?? text(route.ipv6_cidr_block);
        const list = text(route.destination_prefix_list_id) ? this.local(route.destination_prefix_list_id!) : this.ref(res, ['route', index, 'destination_prefix_list_id'], LIST_TYPES);
        this.addRoute(table, res, ['route', index], destination, list, undefined);
      });
    }
    for (const res of this.ofType('aws_route_table_association')) {
      this.vals(res, tf.RouteTableAssociation);
      const tableId = this.ref(res, ['route_table_id'], TABLE_TYPES);
      const table = tableId ? tables.get(tableId) : undefined;
      const subnet = this.ref(res, ['subnet_id'], SUBNET_TYPES);
      const gateway = this.ref(res, ['gateway_id'], ['aws_internet_gateway', 'aws_vpn_gateway']);
      if (!table || (!subnet && !gateway)) {
        this.skip(res.address, 'route table association', `its route table or its subnet or gateway is ${this.plan ? 'unknown until apply and not named by the configuration, or ' : ''}not in the input: left out`);
        continue;
      }
      if (subnet) table.subnets.push(subnet);
      if (gateway) table.edgeGateways.push(gateway);
    }
  }

  /** A VPC's main route table that the input names only by id: AWS's default, declared once. */
  private mainTable(id: string, tables: Map<string, RouteTable>): RouteTable | undefined {
    const vpc = this.out.vpcs.find((v) => this.vpcDefaults.get(v.id)?.table === id && id === `${v.id}.main_route_table_id`);
    if (!vpc) return undefined;
    const res = this.byAddress.get(vpc.id)!;
    const awsId = text(res.values.main_route_table_id) ?? text(res.values.default_route_table_id);
    const table: RouteTable = { id, awsId, vpc: vpc.id, name: 'main', main: true, subnets: [], edgeGateways: [], routes: [], note: this.noteOf(awsId, "AWS's default main route table") };
    this.skip(id, 'route table', "the main route table is named only by id: AWS's default assumed (local routes only)");
    tables.set(id, table);
    this.out.routeTables.push(table);
    return table;
  }

  private addRoute(table: RouteTable, res: Res, at: Path, cidr: string | undefined, list: string | undefined, state: string | undefined): void {
    const where = at.length > 0 ? `${res.address} ${at.join('.')}` : res.address;
    const destination: Route['destination'] | undefined = cidr ? { kind: 'cidr', cidr } : list ? { kind: 'prefix-list', list } : undefined;
    if (!destination) {
      this.skip(table.id, 'route', `${where}: its destination is ${this.plan ? 'unknown until apply' : 'missing'}: left out`);
      return;
    }
    let firewall: string | undefined;
    let target: RouteTarget | undefined;
    const element = valueAt(res.values, at) as Record<string, unknown> | undefined;
    // The target: an attribute with a value; in a plan, else one unknown until apply that the
    // configuration sets (aws_route's other target attributes are computed: unknown, but unset).
    const known = tf.ROUTE_TARGETS.find((key) => text(element?.[key]));
    const pending = known ? undefined : tf.ROUTE_TARGETS.find((key) => this.isUnknown(res, [...at, key]) && this.expressionAt(res, [...at, key]));
    const key = known ?? pending;
    if (key) {
      const id = known ? this.local(text(element![key])!) : this.routeCandidate(res, [...at, key], key);
      if (id === undefined) {
        // An endpoint unknown until apply that the configuration does not name (through a local
        // value, say): the VPC's firewall when it has exactly one.
        const firewalls = key === 'vpc_endpoint_id' ? this.ofType('aws_networkfirewall_firewall').filter((fw) => this.ref(fw, ['vpc_id'], VPC_TYPES) === table.vpc) : [];
        if (firewalls.length === 1) {
          firewall = firewalls[0].address;
          this.skip(table.id, 'route', `${where}: its VPC endpoint is unknown until apply and the configuration does not name it: assumed to be an endpoint of ${firewall}, the VPC's only firewall`);
        } else {
          target = { kind: 'other', id: `${key} unknown until apply`, what: ROUTE_TARGET_WORDS[key] };
        }
      } else if (this.typeOf(id) === 'aws_networkfirewall_firewall') {
        firewall = id;
      } else {
        target = this.routeTarget(key, id, this.typeOf(id));
      }
    }
    if (!target && !firewall) {
      this.skip(table.id, 'route', `${where}: a route without a target: left out`);
      return;
    }
    if (state === 'blackhole' && target) target = { kind: 'blackhole', id: target.kind === 'other' ? target.id : undefined };
    const route: Route = { destination, target: target ?? { kind: 'other', id: firewall!, what: 'firewall endpoint' } };
    // A refreshed state lists aws_route resources in their table's route blocks too: the resource's
    // route stands (it knows when it is a blackhole).
    if (at.length > 0 && table.routes.some((r) => JSON.stringify(r.destination) === JSON.stringify(route.destination))) return;
    table.routes.push(route);
    if (firewall) this.firewallRoutes.push({ table, route, firewall });
  }

  private routeCandidate(res: Res, path: Path, key: tf.RouteTargetKey): string | undefined {
    const types = ROUTE_TARGET_TYPES[key];
    const found = this.candidates(res, path, types.length > 0 ? types : undefined);
    return found.length === 1 ? found[0] : undefined;
  }

  private routeTarget(key: tf.RouteTargetKey, id: string, type: string | undefined): RouteTarget {
    if (key === 'gateway_id' && id === 'local') return { kind: 'local' };
    if (type === 'aws_internet_gateway' || (!type && id.startsWith('igw-'))) return { kind: 'internet-gateway', gateway: id };
    if (type === 'aws_egress_only_internet_gateway' || (!type && id.startsWith('eigw-'))) return { kind: 'egress-only-gateway', gateway: id };
    if (type === 'aws_nat_gateway' || (!type && id.startsWith('nat-'))) return { kind: 'nat-gateway', gateway: id };
    if (id.startsWith('vpce-') || type === 'aws_vpc_endpoint') return { kind: 'endpoint', endpoint: id };
    if (type === 'aws_vpn_gateway' || id.startsWith('vgw-')) return { kind: 'other', id, what: 'virtual private gateway' };
    return { kind: 'other', id, what: ROUTE_TARGET_WORDS[key] };
  }

  // --- prefix lists -------------------------------------------------------------------------------

  private prefixLists(): void {
    const entries = this.ofType('aws_ec2_managed_prefix_list_entry');
    for (const res of this.ofType(LIST_TYPES, 'any')) {
      const v = this.vals(res, tf.PrefixList);
      if (res.mode === 'data' && v.id && this.byAwsId.get(v.id) !== res.address) continue;
      const cidrs = [
        ...(v.entry ?? []).flatMap((e) => text(e?.cidr) ?? []),
        ...(v.entries ?? []).flatMap((e) => text(e?.cidr) ?? []),
        ...(v.cidr_blocks ?? []).flatMap((c) => text(c) ?? []),
      ];
      for (const entry of entries) {
        const e = this.vals(entry, tf.PrefixListEntry);
        if (this.ref(entry, ['prefix_list_id'], LIST_TYPES) === res.address && text(e.cidr)) cidrs.push(e.cidr!);
      }
      const awsManaged = v.owner_id === 'AWS' || (v.name ?? '').startsWith('com.amazonaws.');
      const list: PrefixList = {
        id: res.address, awsId: v.id ?? undefined, name: text(v.tags?.Name) ?? (res.mode === 'data' ? undefined : this.nameOf(res, v.tags)),
        cidrs: uniq(cidrs), awsManaged, note: this.noteOf(v.id, v.name),
      };
      if (res.mode === 'data' && !list.name) list.name = text(v.name) ? undefined : res.name;
      this.out.prefixLists.push(list);
    }
  }

  // --- security groups ----------------------------------------------------------------------------

  private securityGroups(): void {
    const groups = new Map<string, SecurityGroup>();
    for (const res of this.ofType(GROUP_TYPES)) {
      const v = this.vals(res, tf.SecurityGroup);
      const isDefault = res.type === 'aws_default_security_group';
      const vpc = this.ref(res, ['vpc_id'], VPC_TYPES) ?? (isDefault ? [...this.vpcDefaults].find(([, d]) => d.group === res.address)?.[0] : undefined);
      if (!vpc || !this.vpcDefaults.has(vpc)) {
        this.skip(res.address, 'security group', vpc ? `its VPC ${vpc} is not in the input: not written` : 'its VPC is unknown until apply and the configuration does not name it: not written');
        continue;
      }
      const group: SecurityGroup = {
        id: res.address, awsId: v.id ?? undefined, vpc, name: this.nameOf(res, v.tags), isDefault, inbound: [], outbound: [],
        note: this.noteOf(v.id, text(v.name) ? `(${v.name})` : undefined),
      };
      for (const direction of ['ingress', 'egress'] as const) {
        if (this.isUnknown(res, [direction]) && !Array.isArray(v[direction])) {
          if (this.expressionAt(res, [direction])) {
            this.skip(res.address, 'security group rule', `its ${direction} rules are unknown until apply as a whole: left out; written as aws_vpc_security_group_${direction}_rule resources, a plan shows them one by one`);
          }
          continue;
        }
        const elements = v[direction] ?? [];
        const withUnknowns = elements.filter((_, i) => this.hasUnknownPeer(res, [direction, i])).length;
        elements.forEach((element, index) => {
          if (!element) return;
          const rules = this.inlineRules(res, group.id, [direction, index], element, withUnknowns > 1);
          (direction === 'ingress' ? group.inbound : group.outbound).push(...rules);
        });
      }
      groups.set(res.address, group);
      this.out.securityGroups.push(group);
    }
    for (const res of this.ofType('aws_security_group_rule')) {
      const v = this.vals(res, tf.SecurityGroupRule);
      const group = this.ruleGroup(res, groups);
      if (!group) continue;
      const inbound = v.type === 'ingress';
      if (!inbound && v.type !== 'egress') {
        this.skip(res.address, 'security group rule', `type '${v.type}' is neither ingress nor egress: left out`);
        continue;
      }
      const source = this.ref(res, ['source_security_group_id'], GROUP_TYPES);
      const unresolved = !source && this.isUnknown(res, ['source_security_group_id']);
      if (unresolved) this.skip(res.address, 'security group rule', 'its source_security_group_id is unknown until apply and the configuration does not name it: left out');
      const rules = this.inlineRules(res, group.id, [], {
        from_port: v.from_port, to_port: v.to_port, protocol: v.protocol, cidr_blocks: v.cidr_blocks, ipv6_cidr_blocks: v.ipv6_cidr_blocks,
        prefix_list_ids: v.prefix_list_ids, security_groups: text(v.source_security_group_id) ? [v.source_security_group_id!] : [], self: v.self, description: v.description,
      }, false, source ? [source] : [], unresolved);
      for (const rule of rules) this.addRule(inbound ? group.inbound : group.outbound, { ...rule, id: res.address });
    }
    for (const res of this.ofType(['aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule'])) {
      const v = this.vals(res, tf.VpcSecurityGroupRule);
      const group = this.ruleGroup(res, groups);
      if (!group) continue;
      const protocol = protocolOf(v.ip_protocol ?? '');
      if (protocol === undefined) {
        this.skip(res.address, 'security group rule', `unknown protocol '${v.ip_protocol}': left out`);
        continue;
      }
      const traffic = trafficOf(protocol, v.from_port ?? undefined, v.to_port ?? undefined);
      let peer: SgPeer | undefined;
      let note: string | undefined;
      if (text(v.cidr_ipv4)) peer = { kind: 'cidr', cidr: v.cidr_ipv4! };
      else if (text(v.cidr_ipv6)) peer = { kind: 'cidr', cidr: v.cidr_ipv6! };
      else if (text(v.prefix_list_id) || this.isUnknown(res, ['prefix_list_id'])) {
        const list = this.ref(res, ['prefix_list_id'], LIST_TYPES);
        if (list) peer = { kind: 'prefix-list', list };
      } else if (text(v.referenced_security_group_id) || this.isUnknown(res, ['referenced_security_group_id'])) {
        peer = this.groupPeer(this.ref(res, ['referenced_security_group_id'], GROUP_TYPES), v.referenced_security_group_id ?? undefined);
      } else {
        for (const [key, family] of [['cidr_ipv4', 4], ['cidr_ipv6', 6]] as const) {
          if (!this.isUnknown(res, [key])) continue;
          const values = this.cidrValues(res, [key], family);
          if (values.length === 1) {
            peer = { kind: 'cidr', cidr: values[0].cidr };
            note = `unknown until apply: ${values[0].cidr} stands for ${values[0].from}`;
          }
        }
      }
      if (!peer) {
        this.skip(res.address, 'security group rule', this.plan ? 'its peer is unknown until apply and the configuration does not name it: left out' : 'has no peer (CIDR, prefix list or group): left out');
        continue;
      }
      if (note) this.skip(res.address, 'security group rule', note);
      const list = res.type.endsWith('ingress_rule') ? group.inbound : group.outbound;
      this.addRule(list, { traffic, peer, description: text(v.description), id: res.address, note });
    }
    // Rules written twice (inline and as a resource, as a refreshed state lists them) are one rule.
  }

  private ruleGroup(res: Res, groups: Map<string, SecurityGroup>): SecurityGroup | undefined {
    const id = this.ref(res, ['security_group_id'], GROUP_TYPES);
    const group = id ? groups.get(id) : undefined;
    if (!group) {
      this.skip(res.address, 'security group rule', id ? `its group ${id} is not in the input: left out` : 'its group is unknown until apply and the configuration does not name it: left out');
    }
    return group;
  }

  /** Adds a rule unless the group has it already (same traffic and peer); the first description stays. */
  private addRule(rules: SgRule[], rule: SgRule): void {
    const key = JSON.stringify([rule.traffic, rule.peer]);
    const earlier = rules.find((r) => JSON.stringify([r.traffic, r.peer]) === key);
    if (!earlier) {
      rules.push(rule);
      return;
    }
    if (!earlier.description && rule.description) earlier.description = rule.description;
    // The resource's address tells where the rule is written.
    if (!earlier.id && rule.id) earlier.id = rule.id;
  }

  private hasUnknownPeer(res: Res, at: Path): boolean {
    const element = valueAt(res.values, at);
    if (!element || typeof element !== 'object') return false;
    return ['security_groups', 'prefix_list_ids', 'cidr_blocks', 'ipv6_cidr_blocks'].some((key) => {
      const value = (element as Record<string, unknown>)[key];
      return (Array.isArray(value) && value.includes(null)) || this.isUnknown(res, [...at, key]);
    });
  }

  private groupPeer(id: string | undefined, raw: string | undefined): SgPeer | undefined {
    if (!id) return undefined;
    // Another account's group: "123456789012/sg-0123…".
    const slash = /^(\d{12})\/(sg-[0-9a-zA-Z]+)$/.exec(raw ?? id);
    if (slash) return { kind: 'group', group: this.local(slash[2]), account: slash[1] };
    return { kind: 'group', group: id };
  }

  /** The rules of one `ingress`/`egress` element (or a rule resource shaped like one), one per peer. */
  private inlineRules(res: Res, groupId: string, at: Path, element: z.infer<typeof tf.InlineSgRule>, crowded: boolean, groupIds?: string[], reported = false): SgRule[] {
    const where = at.length > 0 ? `${res.address} ${at.join('.')}` : res.address;
    const protocol = protocolOf(element.protocol ?? '');
    if (protocol === undefined) {
      this.skip(where, 'security group rule', `unknown protocol '${element.protocol}': left out`);
      return [];
    }
    const traffic = protocol === 'all' ? { protocol } as Traffic : trafficOf(protocol, element.from_port ?? undefined, element.to_port ?? undefined);
    const description = text(element.description);
    const rules: SgRule[] = [];
    let unresolved = reported;
    const add = (peer: SgPeer, note?: string) => this.addRule(rules, { traffic, peer, description, note });
    for (const [key, family] of [['cidr_blocks', 4], ['ipv6_cidr_blocks', 6]] as const) {
      const values = element[key] ?? [];
      for (const cidr of values) if (text(cidr)) add({ kind: 'cidr', cidr: cidr! });
      const unknown = values.filter((c) => c === null).length;
      if (unknown === 0) continue;
      const found = this.cidrValues(res, [...at, key], family);
      if (found.length === 0 || (crowded && found.length > 1) || (found.length > 1 && found.length !== unknown)) {
        this.skip(where, 'security group rule', `${unknown} of its ${key} are unknown until apply and the configuration does not say which: left out`);
        unresolved = true;
        continue;
      }
      for (const { cidr, from } of found) {
        add({ kind: 'cidr', cidr }, `unknown until apply: ${cidr} stands for ${from}`);
        this.skip(where, 'security group rule', `unknown until apply: ${cidr} stands for ${from}`);
      }
    }
    const lists = this.refList(res, [...at, 'prefix_list_ids'], LIST_TYPES, !crowded);
    for (const list of lists.ids) add({ kind: 'prefix-list', list });
    this.reportMissing(where, 'prefix lists', lists);
    const groups = groupIds ? { ids: groupIds, missing: 0 } : this.refList(res, [...at, 'security_groups'], GROUP_TYPES, !crowded);
    const rawGroups = (element.security_groups ?? []).map((g) => g ?? undefined);
    groups.ids.forEach((id) => {
      const raw = rawGroups.find((g) => g && (g === id || this.local(g) === id || g.endsWith(`/${id}`) || (g.includes('/') && this.local(g.split('/')[1]) === id)));
      const peer = this.groupPeer(id, raw);
      if (peer) add(peer);
    });
    this.reportMissing(where, 'security groups', groups);
    if (element.self) add({ kind: 'group', group: groupId });
    if (rules.length === 0 && lists.missing === 0 && groups.missing === 0 && !unresolved) {
      this.skip(where, 'security group rule', 'has no peer (CIDR, prefix list, group or self): left out');
    }
    return rules;
  }

  private reportMissing(where: string, what: string, found: { missing: number; ambiguous?: string[] }): void {
    if (found.missing === 0) return;
    this.skip(where, 'security group rule', found.ambiguous
      ? `${found.missing} of its ${what} are unknown until apply, and the configuration names more (${found.ambiguous.join(', ')}) than it can tell apart: left out; write such rules as aws_vpc_security_group_ingress_rule / _egress_rule resources`
      : `${found.missing} of its ${what} are unknown until apply and the configuration does not name them: left out`);
  }

  // --- network ACLs -------------------------------------------------------------------------------

  private networkAcls(): void {
    const acls = new Map<string, NetworkAcl>();
    for (const res of this.ofType(ACL_TYPES)) {
      const v = this.vals(res, tf.NetworkAcl);
      const isDefault = res.type === 'aws_default_network_acl';
      const vpc = isDefault ? this.vpcOfDefault(res, 'default_network_acl_id', 'default_network_acl_id') : this.ref(res, ['vpc_id'], VPC_TYPES);
      if (!vpc || !this.vpcDefaults.has(vpc)) {
        this.skip(res.address, 'network ACL', vpc ? `its VPC ${vpc} is not in the input: not written` : 'its VPC is unknown until apply and the configuration does not name it: not written');
        continue;
      }
      const subnets = this.refList(res, ['subnet_ids'], SUBNET_TYPES);
      if (subnets.missing > 0) this.skip(res.address, 'network ACL', `${subnets.missing} of its subnets are unknown until apply and the configuration does not name them: not associated`);
      const acl: NetworkAcl = { id: res.address, awsId: v.id ?? undefined, vpc, name: this.nameOf(res, v.tags), isDefault, subnets: subnets.ids, entries: [], note: v.id ?? undefined };
      for (const [key, direction] of [['ingress', 'inbound'], ['egress', 'outbound']] as const) {
        (v[key] ?? []).forEach((entry, index) => {
          if (!entry) return;
          this.addEntry(acl, res, `${key}.${index}`, direction, entry.rule_no, entry.action, entry.protocol, entry.cidr_block, entry.ipv6_cidr_block, entry);
        });
      }
      acls.set(res.address, acl);
      this.out.networkAcls.push(acl);
    }
    for (const res of this.ofType('aws_network_acl_rule')) {
      const v = this.vals(res, tf.NetworkAclRule);
      const id = this.ref(res, ['network_acl_id'], ACL_TYPES);
      const acl = id ? acls.get(id) : undefined;
      if (!acl) {
        this.skip(res.address, 'network ACL entry', id ? `its network ACL ${id} is not in the input: left out` : 'its network ACL is unknown until apply and the configuration does not name it: left out');
        continue;
      }
      this.addEntry(acl, res, '', v.egress ? 'outbound' : 'inbound', v.rule_number, v.rule_action, v.protocol, v.cidr_block, v.ipv6_cidr_block, v);
    }
    for (const res of this.ofType('aws_network_acl_association')) {
      this.vals(res, tf.NetworkAclAssociation);
      const id = this.ref(res, ['network_acl_id'], ACL_TYPES);
      const subnet = this.ref(res, ['subnet_id'], SUBNET_TYPES);
      const acl = id ? acls.get(id) : undefined;
      if (!acl || !subnet) {
        this.skip(res.address, 'network ACL association', `its network ACL or subnet is ${this.plan ? 'unknown until apply and not named by the configuration, or ' : ''}not in the input: left out`);
        continue;
      }
      // A subnet has one network ACL: an explicit association takes it from any other.
      for (const other of acls.values()) other.subnets = other.subnets.filter((s) => s !== subnet);
      acl.subnets.push(subnet);
    }
    // The default network ACL that the state names only by id allows everything, as AWS makes it.
    for (const vpc of this.out.vpcs) {
      const defaults = this.vpcDefaults.get(vpc.id)!;
      if (!defaults.acl || acls.has(defaults.acl) || !defaults.managed) continue;
      const res = this.byAddress.get(vpc.id)!;
      const entries: NaclEntry[] = [];
      for (const direction of ['inbound', 'outbound'] as const) {
        entries.push({ direction, number: 100, action: 'allow', traffic: { protocol: 'all' }, cidr: '0.0.0.0/0' });
        if (vpc.ipv6Cidrs.length > 0) entries.push({ direction, number: 101, action: 'allow', traffic: { protocol: 'all' }, cidr: '::/0' });
      }
      const awsId = text(res.values.default_network_acl_id);
      this.out.networkAcls.push({ id: defaults.acl, awsId, vpc: vpc.id, name: 'default', isDefault: true, subnets: [], entries, note: this.noteOf(awsId) });
      this.skip(defaults.acl, 'network ACL', "the default network ACL is named only by id: AWS's default assumed (allows all traffic)");
    }
  }

  private addEntry(acl: NetworkAcl, res: Res, at: string, direction: 'inbound' | 'outbound', number: number | null | undefined, action: string | null | undefined,
    protocolText: string | null | undefined, cidr4: string | null | undefined, cidr6: string | null | undefined,
    ports: { from_port?: number | null; to_port?: number | null; icmp_type?: number | null; icmp_code?: number | null }): void {
    const where = `${res.address}${at ? ` ${at}` : ''}`;
    if (number === 32767 || number === 32768) return;
    const protocol = protocolOf(protocolText ?? '');
    const verb = (action ?? '').toLowerCase();
    const cidr = text(cidr4) ?? text(cidr6);
    if (protocol === undefined || (verb !== 'allow' && verb !== 'deny') || !cidr || typeof number !== 'number') {
      const why = typeof number !== 'number' ? 'no rule number' : protocol === undefined ? `unknown protocol '${protocolText}'` : !cidr ? (this.plan ? 'its CIDR is unknown until apply' : 'no CIDR') : `unknown action '${action}'`;
      this.skip(acl.id, 'network ACL entry', `${where}: ${why}: left out`);
      return;
    }
    const traffic = protocol === 'all' ? { protocol } as Traffic
      : protocol === 1 || protocol === 58 ? trafficOf(protocol, ports.icmp_type ?? undefined, ports.icmp_code ?? undefined)
        : trafficOf(protocol, ports.from_port ?? undefined, ports.to_port ?? undefined);
    const entry: NaclEntry = { direction, number, action: verb, traffic, cidr };
    // A refreshed state lists aws_network_acl_rule entries in their ACL's blocks too.
    if (acl.entries.some((e) => e.direction === direction && e.number === number)) {
      if (!acl.entries.some((e) => JSON.stringify(e) === JSON.stringify(entry))) {
        this.skip(acl.id, 'network ACL entry', `${where}: a second ${direction} entry numbered ${number}: left out`);
      }
      return;
    }
    acl.entries.push(entry);
  }

  // --- interfaces ---------------------------------------------------------------------------------

  private interfaces(): void {
    const enis = this.ofType('aws_network_interface');
    const attachments = this.ofType('aws_network_interface_attachment').map((res) => ({ res, v: this.vals(res, tf.NetworkInterfaceAttachment) }));
    const sgAttachments = this.ofType('aws_network_interface_sg_attachment');
    // Which instance each ENI is attached to, and at which device index.
    const attachedTo = new Map<string, { instance: string; index: number }>();
    for (const res of enis) {
      const v = this.vals(res, tf.NetworkInterface);
      const attachment = (v.attachment ?? []).find(Boolean);
      if (attachment) {
        const instance = text(attachment.instance) ? this.local(attachment.instance!) : this.ref(res, ['attachment', 0, 'instance'], ['aws_instance']);
        if (instance) attachedTo.set(res.address, { instance, index: attachment.device_index ?? 0 });
      }
    }
    for (const { res, v } of attachments) {
      const eni = this.ref(res, ['network_interface_id'], ['aws_network_interface']);
      const instance = this.ref(res, ['instance_id'], ['aws_instance']);
      if (eni && instance) attachedTo.set(eni, { instance, index: v.device_index ?? 0 });
    }
    const instances = this.ofType('aws_instance');
    for (const res of instances) {
      const v = this.vals(res, tf.Instance);
      (v.network_interface ?? []).forEach((block, index) => {
        if (!block) return;
        const eni = this.ref(res, ['network_interface', index, 'network_interface_id'], ['aws_network_interface']);
        if (eni) attachedTo.set(eni, { instance: res.address, index: block.device_index ?? 0 });
      });
    }
    const primaryEni = new Map<string, string>();
    for (const [eni, { instance, index }] of attachedTo) if (index === 0) primaryEni.set(instance, eni);
    // Elastic IPs by the interface (and private address) they are associated with.
    const eips = this.elasticIps(primaryEni);
    let linux = 0;
    for (const res of instances) {
      const v = this.vals(res, tf.Instance);
      if (v.instance_state === 'terminated' || v.instance_state === 'shutting-down') {
        this.skip(res.address, 'instance', `${v.instance_state}: left out`);
        continue;
      }
      const os = Object.entries(v.tags ?? {}).find(([k]) => k.toLowerCase() === 'os')?.[1]?.toLowerCase() === 'windows' ? 'windows' : 'linux';
      if (os === 'linux') linux++;
      if (primaryEni.has(res.address)) continue;
      const subnet = this.ref(res, ['subnet_id'], SUBNET_TYPES);
      const groups = this.refList(res, ['vpc_security_group_ids'], GROUP_TYPES);
      this.addInterface(res, {
        subnet, privateIp: text(v.private_ip), privateUnknown: this.isUnknown(res, ['private_ip']),
        secondary: (v.secondary_private_ips ?? []).flatMap((ip) => text(ip) ?? []).sort(compareText),
        ipv6: (v.ipv6_addresses ?? []).flatMap((ip) => text(ip) ?? []), ipv6Count: this.isUnknown(res, ['ipv6_addresses']) ? v.ipv6_address_count ?? 0 : 0,
        groups, publicIp: text(v.public_ip), publicUnknown: this.isUnknown(res, ['public_ip']) && v.associate_public_ip_address !== false,
        askPublic: v.associate_public_ip_address ?? undefined,
        owner: { kind: 'ec2', instance: text(v.id) ?? '', index: 0 }, name: this.nameOf(res, v.tags), os, awsId: v.id ?? undefined, eips,
      });
    }
    for (const res of enis) {
      const v = this.vals(res, tf.NetworkInterface);
      const attached = attachedTo.get(res.address);
      const instance = attached ? this.byAddress.get(attached.instance) : undefined;
      if (!attached) {
        this.skip(res.address, 'network interface', 'not attached to an instance of the input: left out');
        continue;
      }
      const iv = instance ? this.vals(instance, tf.Instance) : undefined;
      const os = Object.entries(iv?.tags ?? {}).find(([k]) => k.toLowerCase() === 'os')?.[1]?.toLowerCase() === 'windows' ? 'windows' : 'linux';
      const groups = this.refList(res, ['security_groups'], GROUP_TYPES);
      for (const sg of sgAttachments) {
        this.vals(sg, tf.NetworkInterfaceSgAttachment);
        if (this.ref(sg, ['network_interface_id'], ['aws_network_interface']) !== res.address) continue;
        const group = this.ref(sg, ['security_group_id'], GROUP_TYPES);
        if (group && !groups.ids.includes(group)) groups.ids.push(group);
      }
      const primary = text(v.private_ip) ?? text((v.private_ip_list ?? [])[0]);
      const all = [...(v.private_ip_list ?? []), ...(v.private_ips ?? [])].flatMap((ip) => text(ip) ?? []);
      const instanceName = instance ? this.nameOf(instance, iv?.tags) : attached.instance;
      this.addInterface(res, {
        subnet: this.ref(res, ['subnet_id'], SUBNET_TYPES), privateIp: primary ?? all[0], privateUnknown: !primary && all.length === 0 && this.isUnknown(res, ['private_ip']),
        secondary: uniq(all.filter((ip) => ip !== (primary ?? all[0]))).sort(compareText),
        ipv6: (v.ipv6_addresses ?? []).flatMap((ip) => text(ip) ?? []), ipv6Count: this.isUnknown(res, ['ipv6_addresses']) ? v.ipv6_address_count ?? 0 : 0,
        groups, publicIp: undefined, publicUnknown: false,
        owner: { kind: 'ec2', instance: text(iv?.id) ?? (instance ? instance.address : attached.instance), index: attached.index },
        name: text(v.tags?.Name) ?? `${instanceName}${attached.index > 0 ? `-eth${attached.index}` : ''}`, os, awsId: v.id ?? undefined, eips,
        description: text(v.description),
      });
    }
    if (linux > 0) this.skip('aws_instance', 'instance platform', `Terraform does not hold an instance's platform: ${linux} instance(s) without a tag os = "windows" are taken as Linux`);
  }

  /** Elastic IPs by the interface item they are associated with. */
  private elasticIps(primaryEni: Map<string, string>): Map<string, { eip: string; privateIp?: string }[]> {
    const out = new Map<string, { eip: string; privateIp?: string }[]>();
    const natEips = new Set(this.ofType('aws_nat_gateway').flatMap((nat) => this.ref(nat, ['allocation_id'], ['aws_eip']) ?? []));
    const add = (target: string | undefined, eip: string, privateIp: string | undefined) => {
      if (!target) return;
      const item = this.byAddress.get(target)?.type === 'aws_instance' ? primaryEni.get(target) ?? target : target;
      out.set(item, [...(out.get(item) ?? []), { eip, privateIp }]);
    };
    const associated = new Set<string>();
    for (const res of this.ofType('aws_eip_association')) {
      const v = this.vals(res, tf.EipAssociation);
      const eip = this.ref(res, ['allocation_id'], ['aws_eip']);
      if (!eip || !this.byAddress.has(eip)) {
        this.skip(res.address, 'Elastic IP association', `its Elastic IP is ${eip ? 'not in the input' : 'unknown until apply and not named by the configuration'}: left out`);
        continue;
      }
      associated.add(eip);
      add(this.ref(res, ['network_interface_id'], INTERFACE_TYPES) ?? this.ref(res, ['instance_id'], ['aws_instance']), eip, text(v.private_ip_address));
    }
    for (const res of this.ofType('aws_eip')) {
      const v = this.vals(res, tf.Eip);
      if (associated.has(res.address) || natEips.has(res.address)) continue;
      const target = this.ref(res, ['network_interface'], INTERFACE_TYPES) ?? this.ref(res, ['instance'], ['aws_instance']);
      if (target && this.byAddress.has(target)) add(target, res.address, text(v.associate_with_private_ip));
    }
    return out;
  }

  private addInterface(res: Res, i: {
    subnet: string | undefined; privateIp?: string; privateUnknown: boolean; secondary: string[]; ipv6: string[]; ipv6Count: number;
    groups: { ids: string[]; missing: number; ambiguous?: string[] }; publicIp?: string; publicUnknown: boolean; askPublic?: boolean;
    owner: InterfaceOwner; name: string; os: 'linux' | 'windows'; awsId?: string; eips: Map<string, { eip: string; privateIp?: string }[]>; description?: string;
  }): void {
    const subnet = this.out.subnets.find((s) => s.id === i.subnet);
    if (!subnet) {
      this.skip(res.address, 'network interface', i.subnet ? `its subnet ${i.subnet} is not in the input: not written` : 'its subnet is unknown until apply and the configuration does not name it: not written');
      return;
    }
    const unknown: string[] = [];
    let privateIp = i.privateIp;
    if (!privateIp && i.privateUnknown) {
      privateIp = this.privatePool.freeAddress(subnet.cidr);
      if (privateIp) unknown.push(`ip ${privateIp}`);
    }
    const ipv6 = [...i.ipv6];
    for (let n = 0; n < i.ipv6Count && n < 16; n++) {
      const address = this.privatePool.freeAddress(subnet.ipv6Cidr);
      if (!address) break;
      ipv6.push(address);
      unknown.push(`ip6 ${address}`);
    }
    let groups = i.groups.ids;
    if (i.groups.missing > 0) {
      this.skip(res.address, 'network interface', i.groups.ambiguous
        ? `its security groups are unknown until apply and the configuration names several (${i.groups.ambiguous.join(', ')}) for fewer places: those left out`
        : `${i.groups.missing} of its security groups are unknown until apply and the configuration does not name them: left out`);
    }
    if (groups.length === 0 && i.groups.missing === 0 && this.plan) {
      // No group given: AWS puts the interface in its VPC's default group.
      const group = this.defaultGroup(subnet.vpc);
      if (group) groups = [group];
    }
    let publicIp: string | undefined;
    const otherPublicIps: { privateIp: string; publicIp: string }[] = [];
    for (const { eip, privateIp: at } of i.eips.get(res.address) ?? []) {
      const address = this.eipAddress(eip);
      if (!address) continue;
      const known = !this.unknowns.get(eip)?.length;
      if (!at || at === privateIp) {
        publicIp = address;
        if (!known) unknown.push(`public-ip ${address} (${eip})`);
      } else {
        otherPublicIps.push({ privateIp: at, publicIp: address });
      }
    }
    if (!publicIp && i.publicIp) publicIp = i.publicIp;
    if (!publicIp && i.publicUnknown && (i.askPublic === true || (i.askPublic === undefined && this.mapsPublic(subnet.id)))) {
      publicIp = this.publicPool.freePublicAddress();
      if (publicIp) unknown.push(`public-ip ${publicIp}`);
    }
    for (const what of unknown) this.placeholder(res.address, what);
    const instance: Instance = {
      id: res.address, awsId: i.awsId, vpc: subnet.vpc, subnet: subnet.id, name: i.name,
      privateIps: [...(privateIp ? [privateIp] : []), ...i.secondary.filter((ip) => ip !== privateIp)],
      ipv6s: uniq(ipv6), groups, publicIp, otherPublicIps, prefixes: [], os: i.os, owner: i.owner,
      note: this.noteOf(i.owner.kind === 'ec2' && i.awsId !== i.owner.instance ? i.awsId : undefined, i.description),
    };
    this.out.instances.push(instance);
  }

  private mapsPublic(subnet: string): boolean {
    const res = this.byAddress.get(subnet);
    return res ? this.vals(res, tf.Subnet).map_public_ip_on_launch === true : false;
  }

  // --- AWS Network Firewall -----------------------------------------------------------------------

  private firewalls(): void {
    for (const res of this.ofType('aws_networkfirewall_firewall')) {
      const v = this.vals(res, tf.Firewall);
      const vpc = this.ref(res, ['vpc_id'], VPC_TYPES);
      const policy = this.ref(res, ['firewall_policy_arn'], ['aws_networkfirewall_firewall_policy']);
      if (!vpc || !this.vpcDefaults.has(vpc) || !policy) {
        this.skip(res.address, 'firewall', `its ${!vpc || !this.vpcDefaults.has(vpc) ? 'VPC' : 'policy'} is ${this.plan ? 'unknown until apply and not named by the configuration, or ' : ''}not in the input: not written`);
        continue;
      }
      const endpoints: Firewall['endpoints'] = [];
      for (const status of v.firewall_status ?? []) {
        for (const sync of status?.sync_states ?? []) {
          const attachment = (sync?.attachment ?? []).find(Boolean);
          if (!sync || !attachment || !text(attachment.subnet_id)) continue;
          endpoints.push({ zone: sync.availability_zone ?? this.subnetZone.get(this.local(attachment.subnet_id!)) ?? attachment.subnet_id!, subnet: this.local(attachment.subnet_id!), endpoint: text(attachment.endpoint_id) });
        }
      }
      if (endpoints.length === 0) {
        // Unknown until apply: one endpoint per subnet of the mapping, in its subnet's zone.
        const mappings = v.subnet_mapping ?? [];
        mappings.forEach((mapping, index) => {
          const subnet = text(mapping?.subnet_id) ? this.local(mapping!.subnet_id!) : this.ref(res, ['subnet_mapping', index, 'subnet_id'], SUBNET_TYPES);
          if (!subnet) {
            this.skip(res.address, 'firewall', `a subnet of its subnet_mapping is unknown until apply and the configuration does not name it: no endpoint there`);
            return;
          }
          endpoints.push({ zone: this.subnetZone.get(subnet) ?? subnet, subnet, endpoint: undefined });
        });
        if (endpoints.length > 0 && this.plan) this.placeholder(res.address, 'endpoint ids (a route to the firewall goes to the endpoint in its zone)');
        else if (endpoints.length > 0) this.skip(res.address, 'firewall', 'no firewall_status in the state: endpoint ids unknown, so routes to its endpoints are unmodelled');
      }
      endpoints.sort((a, b) => compareText(a.zone, b.zone));
      this.out.firewalls.push({ id: res.address, awsId: text(v.arn), vpc, policy, name: text(v.tags?.Name) ?? text(v.name) ?? this.nameOf(res, v.tags), endpoints, note: undefined });
    }
    for (const res of this.ofType('aws_networkfirewall_firewall_policy')) this.policy(res);
    for (const res of this.ofType('aws_networkfirewall_rule_group')) this.ruleGroup2(res);
  }

  private policy(res: Res): void {
    const v = this.vals(res, tf.FirewallPolicy);
    const body = (v.firewall_policy ?? []).find(Boolean);
    if (!body) {
      this.skip(res.address, 'firewall policy', 'has no firewall_policy block: not written');
      return;
    }
    const at: Path = ['firewall_policy', (v.firewall_policy ?? []).indexOf(body)];
    const unsupported: string[] = [];
    const action = (actions: (string | null)[] | null | undefined, what: string): StatelessAction | undefined => {
      const list = (actions ?? []).flatMap((a) => text(a) ?? []);
      const standard = list.find((a) => ['aws:pass', 'aws:drop', 'aws:forward_to_sfe'].includes(a));
      const custom = list.filter((a) => a !== standard);
      if (custom.length > 0) this.skip(res.address, 'firewall policy', `custom actions of the ${what} (${custom.join(', ')}) are not modelled`);
      return standard === 'aws:pass' ? 'pass' : standard === 'aws:drop' ? 'drop' : standard === 'aws:forward_to_sfe' ? 'forward' : undefined;
    };
    const statelessDefault = action(body.stateless_default_actions, 'stateless default action');
    if (!statelessDefault) this.skip(res.address, 'firewall policy', `no standard stateless default action (${(body.stateless_default_actions ?? []).join(', ')}): drop assumed`);
    const strict = (body.stateful_engine_options ?? []).find(Boolean)?.rule_order === 'STRICT_ORDER';
    const defaults = (body.stateful_default_actions ?? []).flatMap((a) => {
      const mapped = ({ 'aws:drop_strict': 'drop-strict', 'aws:drop_established': 'drop-established', 'aws:alert_strict': 'alert-strict', 'aws:alert_established': 'alert-established' } as const)[a ?? ''];
      if (!mapped) unsupported.push(`stateful default action ${a} is not modelled`);
      return mapped ? [mapped] : [];
    });
    const groupRef = (kind: string, index: number) => this.ref(res, [...at, kind, index, 'resource_arn'], ['aws_networkfirewall_rule_group']);
    const stateless: FirewallPolicy['statelessGroups'] = [];
    (body.stateless_rule_group_reference ?? []).forEach((ref, index) => {
      const group = ref ? groupRef('stateless_rule_group_reference', index) : undefined;
      if (group) stateless.push({ group, priority: ref!.priority ?? 0 });
      else this.skip(res.address, 'firewall policy', 'a stateless rule group reference is unknown until apply and the configuration does not name it: left out');
    });
    const stateful: FirewallPolicy['statefulGroups'] = [];
    (body.stateful_rule_group_reference ?? []).forEach((ref, index) => {
      const group = ref ? groupRef('stateful_rule_group_reference', index) : undefined;
      if (!group) {
        this.skip(res.address, 'firewall policy', 'a stateful rule group reference is unknown until apply and the configuration does not name it: left out');
        return;
      }
      for (const override of ref!.override ?? []) if (text(override?.action)) unsupported.push(`the override ${override!.action} of ${group} is not modelled`);
      stateful.push({ group, priority: strict ? ref!.priority ?? undefined : undefined });
    });
    // Terraform holds the references as sets: the order of the file is the groups' ids under the default order.
    if (!strict) stateful.sort((a, b) => compareText(a.group, b.group));
    const variables = (body.policy_variables ?? []).flatMap((p) => p?.rule_variables ?? []).flatMap((r) => text(r?.key) ?? []);
    if (variables.length > 0) unsupported.push(`policy variables (${variables.join(', ')}) are not modelled: $HOME_NET is the VPC's blocks`);
    if (text(body.tls_inspection_configuration_arn)) unsupported.push('TLS inspection is not modelled');
    if ((body.stateless_custom_action ?? []).length > 0) unsupported.push('custom actions are not modelled');
    if (!strict && defaults.length > 0) unsupported.push('stateful default actions under default rule order are not modelled');
    this.out.firewallPolicies.push({
      id: res.address, awsId: text(v.arn), note: text(v.arn), name: text(v.tags?.Name) ?? text(v.name) ?? res.name, statelessDefault: statelessDefault ?? 'drop',
      statelessFragmentDefault: action(body.stateless_fragment_default_actions, 'fragment default action'),
      statelessGroups: stateless, statefulGroups: stateful, statefulOrder: strict ? 'strict' : 'default', statefulDefaults: strict ? defaults : [], unsupported,
    });
  }

  private ruleGroup2(res: Res): void {
    const v = this.vals(res, tf.RuleGroup);
    const body = (v.rule_group ?? []).find(Boolean);
    const source = (body?.rules_source ?? []).find(Boolean);
    const stateless = (v.type ?? '').toUpperCase() === 'STATELESS';
    const unsupported: string[] = [];
    const ipSets = (body?.rule_variables ?? []).flatMap((r) => r?.ip_sets ?? []).flatMap((s) => text(s?.key) ?? []);
    const portSets = (body?.rule_variables ?? []).flatMap((r) => r?.port_sets ?? []).flatMap((s) => text(s?.key) ?? []);
    if (ipSets.length > 0) unsupported.push(`rule variables (${ipSets.join(', ')}) are not modelled: $HOME_NET is the VPC's blocks`);
    if (portSets.length > 0) unsupported.push(`port variables (${portSets.join(', ')}) are not modelled`);
    if ((body?.reference_sets ?? []).length > 0) unsupported.push('reference sets are not modelled');
    for (const list of source?.rules_source_list ?? []) {
      if (list) unsupported.push(`a domain list (${(list.targets ?? []).flatMap((t) => text(t) ?? []).join(', ')}) is not modelled: left out`);
    }
    const group: RuleGroup = { id: res.address, awsId: text(v.arn), note: text(v.arn), name: text(v.tags?.Name) ?? text(v.name) ?? res.name, type: stateless ? 'stateless' : 'stateful', stateless: [], stateful: [], unsupported };
    if (stateless) {
      for (const custom of source?.stateless_rules_and_custom_actions ?? []) {
        for (const rule of custom?.stateless_rule ?? []) {
          const mapped = rule ? this.statelessRule(res.address, rule) : undefined;
          if (mapped) group.stateless.push(mapped);
        }
      }
    } else {
      group.stateful.push(...this.statefulRules(text(source?.rules_string) ?? text(v.rules), source?.stateful_rule ?? []));
    }
    this.out.ruleGroups.push(group);
  }

  private statelessRule(groupId: string, rule: TfStatelessRule): StatelessRule | undefined {
    const definition = (rule?.rule_definition ?? []).find(Boolean);
    const priority = rule?.priority ?? 0;
    const actions = (definition?.actions ?? []).flatMap((a) => text(a) ?? []);
    const standard = actions.find((a) => ['aws:pass', 'aws:drop', 'aws:forward_to_sfe'].includes(a));
    if (!standard) {
      this.skip(groupId, 'stateless rule', `priority ${priority}: only custom actions (${actions.join(', ')}): left out`);
      return undefined;
    }
    if (actions.length > 1) this.skip(groupId, 'stateless rule', `priority ${priority}: custom actions are not modelled`);
    const match = (definition?.match_attributes ?? []).find(Boolean);
    const ports = (list: ({ from_port?: number | null; to_port?: number | null } | null)[] | null | undefined): PortRange[] =>
      (list ?? []).flatMap((p) => (p && typeof p.from_port === 'number' ? [{ from: p.from_port, to: p.to_port ?? p.from_port }] : []));
    const addresses = (list: ({ address_definition?: string | null } | null)[] | null | undefined) => (list ?? []).flatMap((a) => text(a?.address_definition) ?? []);
    return {
      priority, action: standard === 'aws:pass' ? 'pass' : standard === 'aws:drop' ? 'drop' : 'forward',
      protocols: (match?.protocols ?? []).flatMap((p) => (typeof p === 'number' ? [p] : [])),
      sources: addresses(match?.source), sourcePorts: ports(match?.source_port),
      destinations: addresses(match?.destination), destinationPorts: ports(match?.destination_port),
      tcpFlags: (match?.tcp_flag ?? []).some((flag) => flag !== null),
    };
  }

  private statefulRules(rulesString: string | undefined, rules: TfStatefulRule[] | null | undefined): StatefulRule[] {
    const out: StatefulRule[] = [];
    for (const line of (rulesString ?? '').split(/\r?\n/)) {
      const trimmed = line.trim();
      if (trimmed && !trimmed.startsWith('#')) out.push({ kind: 'text', text: oneLine(trimmed) });
    }
    for (const rule of rules ?? []) {
      const header = (rule?.header ?? []).find(Boolean);
      if (!rule || !header) continue;
      const word = (value: string | null | undefined) => ((value ?? 'any').toUpperCase() === 'ANY' ? 'any' : value!);
      out.push({
        kind: 'header',
        rule: {
          action: (rule.action ?? 'alert').toLowerCase() as 'pass',
          protocol: (header.protocol ?? 'ip').toLowerCase(),
          source: word(header.source), sourcePort: word(header.source_port),
          direction: (header.direction ?? '').toUpperCase() === 'ANY' ? '<>' : '->',
          destination: word(header.destination), destinationPort: word(header.destination_port),
          options: (rule.rule_option ?? []).flatMap((o) => (o && text(o.keyword) ? [{ keyword: o.keyword!, settings: (o.settings ?? []).flatMap((s) => (typeof s === 'string' ? [s] : [])) }] : [])),
        },
      });
    }
    return out;
  }

  // --- the end ------------------------------------------------------------------------------------

  private finish(): void {
    // Routes to a firewall whose endpoints are unknown until apply: the endpoint in the route's zone.
    for (const { table, route, firewall } of this.firewallRoutes) {
      const fw = this.out.firewalls.find((f) => f.id === firewall);
      const endpoint = fw ? this.endpointFor(fw, table, route) : undefined;
      if (fw && endpoint) {
        route.target = { kind: 'endpoint', endpoint: endpoint.endpoint ?? `${fw.id}/${endpoint.zone}` };
      } else {
        route.target = { kind: 'other', id: firewall, what: fw ? 'firewall endpoint of a zone that cannot be told' : 'firewall not in the input' };
      }
    }
    // Default security groups used but not in the input: AWS's default rules.
    const used = [
      ...this.out.instances.flatMap((i) => i.groups),
      ...this.out.securityGroups.flatMap((g) => [...g.inbound, ...g.outbound].flatMap((r) => (r.peer.kind === 'group' ? [r.peer.group] : []))),
    ];
    for (const id of used) {
      const vpc = id.replace(/\.default_security_group_id$/, '');
      if (vpc !== id && this.vpcDefaults.get(vpc)?.managed && !this.vpcDefaults.get(vpc)?.group) this.wantedDefaultGroups.add(vpc);
    }
    for (const vpcId of [...this.wantedDefaultGroups].sort(compareText)) {
      const vpc = this.out.vpcs.find((v) => v.id === vpcId)!;
      const id = `${vpcId}.default_security_group_id`;
      if (this.out.securityGroups.some((g) => g.id === id)) continue;
      const outbound: SgRule[] = [{ traffic: { protocol: 'all' }, peer: { kind: 'cidr', cidr: '0.0.0.0/0' } }];
      if (vpc.ipv6Cidrs.length > 0) outbound.push({ traffic: { protocol: 'all' }, peer: { kind: 'cidr', cidr: '::/0' } });
      const awsId = text(this.byAddress.get(vpcId)?.values.default_security_group_id);
      this.out.securityGroups.push({
        id, awsId, vpc: vpcId, name: 'default', isDefault: true, note: this.noteOf(awsId, "AWS's default rules"),
        inbound: [{ traffic: { protocol: 'all' }, peer: { kind: 'group', group: id } }], outbound,
      });
      this.skip(id, 'security group', "the VPC's default security group is used but not in the input: AWS's default rules assumed (all from itself, all out)");
    }
    for (const res of this.resources) {
      const why = NOT_MODELLED[res.type];
      if (!why || res.mode !== 'managed') continue;
      this.skip(res.address, res.type, why);
    }
    for (const res of this.ofType('aws_lambda_function')) {
      if (Array.isArray(res.values.vpc_config) && res.values.vpc_config.length > 0) {
        this.skip(res.address, 'aws_lambda_function', "a Lambda function in the VPC: AWS creates its network interfaces, which Terraform's state does not hold");
      }
    }
    // Placeholders: in the item's comment, and in the summary.
    const items: { id: string; note?: string }[] = [
      ...this.out.vpcs, ...this.out.subnets, ...this.out.natGateways, ...this.out.instances, ...this.out.firewalls,
    ];
    for (const [id, what] of [...this.unknowns].sort(([a], [b]) => compareText(a, b))) {
      const item = items.find((i) => i.id === id);
      if (!item) continue;
      item.note = this.noteOf(item.note, `unknown until apply: ${what.join(', ')}`);
      this.skip(id, 'placeholder', `unknown until apply: ${what.join(', ')} written as placeholders; verdicts assume them`);
    }
  }

  /** The endpoint of a firewall that a route goes to: its only one, or the one in the route's zone. */
  private endpointFor(fw: Firewall, table: RouteTable, route: Route): Firewall['endpoints'][number] | undefined {
    if (fw.endpoints.length <= 1) return fw.endpoints[0];
    let zones: string[];
    if (table.edgeGateways.length > 0) {
      // An edge route's destination is a subnet: its zone.
      const cidr = route.destination.kind === 'cidr' ? route.destination.cidr : undefined;
      zones = this.out.subnets.filter((s) => s.cidr === cidr || s.ipv6Cidr === cidr).flatMap((s) => this.subnetZone.get(s.id) ?? []);
    } else {
      zones = table.subnets.flatMap((s) => this.subnetZone.get(s) ?? []);
    }
    const unique = uniq(zones);
    if (unique.length !== 1) {
      this.skip(table.id, 'route', `a route to ${fw.id}, whose endpoint is unknown until apply, is written as unmodelled: ${unique.length === 0 ? 'its zone cannot be told' : `its subnets are in several zones (${unique.join(', ')})`}`);
      return undefined;
    }
    return fw.endpoints.find((e) => e.zone === unique[0]);
  }
}
