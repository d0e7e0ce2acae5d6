// The paths of a flow: for each pair of pieces of its ends, the hops its packets cross, request
// then reply. Without route tables a path is the security groups and network ACLs of the two ends
// (vpcrules.md). With them (paths.md) a packet is routed node by node: each subnet, gateway or
// NAT gateway it reaches looks its destination up, NACLs are crossed at every subnet boundary,
// gateways rewrite addresses, and the reply is routed on its own and must come back through the
// same NAT gateways.
import type { Family } from '../syntax/ast';
import { formatAddress } from '../syntax/cidr';
import { Box } from './boxes';
import { lookupRoute } from './build-routing';
import { FirewallView, Hop, KeySource, Remote, Rewrite } from './hops';
import { BigSet, IntervalSet, PortSet } from './intervals';
import { NAT_GATEWAY_PORTS } from './services';
import { ofFamily } from './addresses';
import { instanceSgRules } from './hops';
import type { Firewall, Flow, Gateway, Instance, Model, NatGateway, Region, RouteModel, RouteTable, SecurityGroup, Subnet } from './model';
import { connectablePairs, instanceHolding } from './regions';
import { firewallAddressSets } from './firewall';

/** The connections between two pieces of the flow's ends, and the hops their packets cross. */
export interface FlowPath {
  src: Region;
  dst: Region;
  hops: Hop[];
  /** The port tuples every connection of this path covers: destination keys, source ports, then one dimension per NAT gateway. */
  box: Box;
}

export const KEY_DIM = 0;
export const SOURCE_PORT_DIM = 1;
const EPHEMERAL_ANY = IntervalSet.of(1024, 65535);
/** A path that visits more nodes than this is a routing loop. */
const MAX_NODES = 16;

export function subnetOf(region: Region): Subnet | undefined {
  switch (region.kind) {
    case 'instance': return region.instance.subnet;
    case 'host': return region.subnet;
    case 'external': case 'aws-service': return undefined;
  }
}

/** The source ports of connections from a region: from-ports, else what its hosts use. */
function sourcePorts(flow: Flow, src: Region): PortSet {
  if (isIcmp(flow)) return IntervalSet.point(0);
  if (flow.fromPorts) return flow.fromPorts;
  switch (src.kind) {
    case 'instance': return src.instance.ephemeral;
    case 'host': return EPHEMERAL_ANY;
    case 'external': case 'aws-service': return flow.externalEphemeral;
  }
}

function isIcmp(flow: Flow): boolean {
  return flow.protocol === 1 || flow.protocol === 58;
}

/**
 * The destination as the path sees it: the router of another subnet than the source's is a host of
 * that subnet; only the source subnet's own router, like every other Amazon-provided address, is
 * reached unfiltered.
 */
function effectiveDestination(src: Region, dst: Region): Region {
  if (dst.kind !== 'aws-service' || !dst.service.routerOf || dst.service.routerOf === subnetOf(src)) return dst;
  return { kind: 'host', subnet: dst.service.routerOf, addrs: dst.addrs };
}

/** Every pair of pieces of the flow's ends that holds a connection, with its path. */
export function flowPaths(flow: Flow, model: Model): FlowPath[] {
  const paths: FlowPath[] = [];
  const dstRegions = alikeHosts(alikeInstances(flow, model, flow.dstRegions, flow.srcRegions, 'dst'), flow.srcRegions);
  // A routed end's pieces depend on the end alone: each is cut once.
  const pieces = new Map<Region, Region[]>();
  const piecesOf = (region: Region) => {
    let found = pieces.get(region);
    if (!found) pieces.set(region, (found = routedPieces(model, flow.family, region)));
    return found;
  };
  for (const srcRegion of alikeHosts(alikeInstances(flow, model, flow.srcRegions, flow.dstRegions, 'src'), flow.dstRegions)) {
    for (const dstRegion of dstRegions) {
      for (const [src, written] of connectablePairs(srcRegion, dstRegion)) {
        const dst = effectiveDestination(src, written);
        if (!model.routing || dst.kind === 'aws-service') {
          paths.push({ src, dst, hops: numbered(filterHops(flow, src, dst)), box: [flow.keys, sourcePorts(flow, src)] });
          continue;
        }
        const dstPieces = piecesOf(dst);
        for (const srcPiece of piecesOf(src)) {
          for (const dstPiece of dstPieces) paths.push(routedPath(flow, model, srcPiece, dstPiece));
        }
      }
    }
  }
  return paths;
}

/** The path of connections between two pieces of the flow's ends, as `flowPaths` finds it. */
export function pathBetween(flow: Flow, model: Model, src: Region, dst: Region): FlowPath {
  if (!model.routing || dst.kind === 'aws-service') return { src, dst, hops: numbered(filterHops(flow, src, dst)), box: [flow.keys, sourcePorts(flow, src)] };
  return routedPath(flow, model, src, dst);
}

function numbered(hops: Hop[]): Hop[] {
  hops.forEach((hop, i) => (hop.step = i + 1));
  return hops;
}

function replyKey(flow: Flow, request: KeySource): KeySource | undefined {
  switch (flow.reply.kind) {
    case 'none': return undefined;
    case 'ports': return request;
    case 'icmp': return { fixed: flow.reply.key };
  }
}

const SRC: Remote = { end: 'src' };
const DST: Remote = { end: 'dst' };

function sgHop(instance: Instance, direction: 'inbound' | 'outbound', remote: Remote, key: KeySource): Hop {
  return { kind: 'sg', step: 0, direction, phase: 'request', instance, remote, key, label: `security groups of ${instance.name}` };
}

function naclHop(subnet: Subnet, direction: 'inbound' | 'outbound', phase: 'request' | 'reply', remote: Remote, key: KeySource): Hop {
  return { kind: 'nacl', step: 0, direction, phase, subnet, acl: subnet.acl, remote, key, label: `network ACL ${subnet.acl.name} of subnet ${subnet.name}` };
}

/** The hops of a path that no route decides: the filters of the two ends (vpcrules.md). */
function filterHops(flow: Flow, src: Region, dst: Region): Hop[] {
  if (dst.kind === 'aws-service') {
    return [{ kind: 'aws-service', step: 1, phase: 'request', direction: 'outbound', service: dst.service, label: `${dst.service.name} (not filtered by AWS)` }];
  }
  const hops: Hop[] = [];
  const srcSubnet = subnetOf(src);
  const dstSubnet = subnetOf(dst);
  // AWS evaluates a NACL only where a packet crosses a subnet's boundary.
  const crosses = !(srcSubnet && srcSubnet === dstSubnet);
  const request: KeySource = { dim: KEY_DIM };
  const reply = replyKey(flow, { dim: SOURCE_PORT_DIM });
  if (src.kind === 'instance') hops.push(sgHop(src.instance, 'outbound', DST, request));
  if (srcSubnet && crosses) hops.push(naclHop(srcSubnet, 'outbound', 'request', DST, request));
  if (dstSubnet && crosses) hops.push(naclHop(dstSubnet, 'inbound', 'request', SRC, request));
  if (dst.kind === 'instance') hops.push(sgHop(dst.instance, 'inbound', SRC, request));
  if (reply && crosses) {
    if (dstSubnet) hops.push(naclHop(dstSubnet, 'outbound', 'reply', SRC, reply));
    if (srcSubnet) hops.push(naclHop(srcSubnet, 'inbound', 'reply', DST, reply));
  }
  return hops;
}

/**
 * An end's instances merged where every hop judges them alike for this flow, so that a CIDR that
 * holds hundreds of instances is judged once per kind of instance: the same subnet, the same source
 * ports, the same rules of their own groups that can match the flow's packets to or from the other
 * end, and, address by address, the same rules of the other end's filters holding them. Such a
 * merged region needs no cutting (`alike`); the example's trace names its own instance. The work per
 * instance allocates nothing and does no arithmetic on addresses: an end may hold a whole VPC.
 */
function alikeInstances(flow: Flow, model: Model, regions: Region[], others: Region[], side: 'src' | 'dst'): Region[] {
  const end = endInstances(model, flow.family, regions);
  const { instances, fixed } = end;
  if (instances.length < 2) return regions;
  const otherSubnets = new Set(others.map(subnetOf));
  const otherAddrs = endAddresses(others);
  const direction = side === 'src' ? 'outbound' : 'inbound';
  // Firewall rules judge both ends' addresses: instances they tell apart are not alike.
  const firewallSets = model.routing ? [...model.firewalls.values()].flatMap((firewall) => firewallAddressSets(firewall, flow.family)) : [];
  const consulted = [...otherEndRules(flow, others, side), ...firewallSets];
  const apart: Region[] = [];
  // Against a few addresses, the groups' decisions themselves tell instances apart; else their rules.
  const remotes = otherAddrs.size() <= 8n ? otherAddrs.intervals.flatMap(([lo, hi]) => pointsOf(lo, hi)) : undefined;
  // An instance's groups admit the union of what each group admits: each group is judged once.
  const byGroup = new Map<SecurityGroup, PortSet[] | number[]>();
  const ofGroup = (group: SecurityGroup) => {
    let found = byGroup.get(group);
    if (!found) {
      const rules = group.rules.filter((rule) => rule.direction === direction && (rule.protocol === -1 || rule.protocol === flow.protocol) && rule.keys.overlaps(flow.keys));
      found = remotes
        ? remotes.map((remote) => rules.reduce((allowed, rule) => (ofFamily(rule.peer, flow.family).has(remote) ? allowed.union(rule.keys.intersect(flow.keys)) : allowed), IntervalSet.empty<number>()))
        : rules.filter((rule) => ofFamily(rule.peer, flow.family).overlaps(otherAddrs)).map((rule) => rule.order);
      byGroup.set(group, found);
    }
    return found;
  };
  const holdingOf = membership(consulted);
  // What an instance's groups admit, as a key. Most instances have one group that can match the
  // flow's packets, or none: their key is that group's, made once per group.
  const ownOfGroup = new Map<SecurityGroup, string>();
  const noneAdmitted = remotes ? ownAgainst([], remotes.length) : '';
  const ownOf = (instance: Instance): string => {
    let matching: SecurityGroup | undefined;
    let count = 0;
    for (const group of instance.groups) {
      if (admitsSomething(ofGroup(group))) {
        matching = group;
        count++;
      }
    }
    if (count === 0) return noneAdmitted;
    if (count > 1) return remotes ? ownAgainst(instance.groups.map((group) => ofGroup(group) as PortSet[]), remotes.length) : ownRules(instance.groups.map((group) => ofGroup(group) as number[]));
    let own = ownOfGroup.get(matching!);
    if (own === undefined) ownOfGroup.set(matching!, (own = remotes ? ownAgainst([ofGroup(matching!) as PortSet[]], remotes.length) : ownRules([ofGroup(matching!) as number[]])));
    return own;
  };
  // Keyed by the static key, then what the groups admit, then the rules holding the address: the
  // strings are made once each, so that an end of thousands of instances allocates no key per instance.
  const groups = new Map<string, Map<string, Map<string, Alike>>>();
  const classes: Alike[] = [];
  for (let i = 0; i < instances.length; i++) {
    const region = instances[i];
    const instance = region.instance;
    const intervals = region.addrs.intervals;
    const holding = holdingOf(intervals[0][0]);
    if (!end.single[i] && intervals.some(([lo, hi]) => lo !== hi || holdingOf(lo) !== holding)) {
      apart.push(region);
      continue;
    }
    // Traffic within one subnet crosses no network ACL: the other end's subnets stay apart.
    const where = instance.subnet && otherSubnets.has(instance.subnet) ? `${fixed[i]}|${instance.subnet.name}` : fixed[i];
    let byOwn = groups.get(where);
    if (!byOwn) groups.set(where, (byOwn = new Map()));
    const own = ownOf(instance);
    let byHolding = byOwn.get(own);
    if (!byHolding) byOwn.set(own, (byHolding = new Map()));
    const group = byHolding.get(holding);
    if (group) group.add(i);
    else {
      const created = new Alike(end, i);
      byHolding.set(holding, created);
      classes.push(created);
    }
  }
  const merged = classes.map((alike) => alike.region());
  return [...merged, ...apart, ...regions.filter((region) => region.kind !== 'instance')];
}

/** Instances of an end merged as alike, added in address order. */
class Alike {
  readonly members: Instance[] = [];
  private readonly intervals: (readonly [bigint, bigint])[] = [];
  /** The run of members at consecutive addresses being added: the first's and the last's index in the end. */
  private runStart = -1;
  private last = -1;
  /** Every member has one address, all in one stretch between route boundaries, all with a public address mapped or none. */
  private whole = true;
  /** The first member's index in the end. */
  private head = -1;

  constructor(private readonly end: EndInstances, first: number) {
    this.add(first);
  }

  add(index: number): void {
    const { end } = this;
    if (this.head < 0) this.head = index;
    this.members.push(end.instances[index].instance);
    if (!end.single[index]) {
      this.closeRun();
      this.intervals.push(...end.instances[index].addrs.intervals);
      this.whole = false;
      return;
    }
    if (!end.single[this.head] || end.stretch[index] !== end.stretch[this.head] || end.mapped[index] !== end.mapped[this.head]) this.whole = false;
    if (this.runStart >= 0 && this.last === index - 1 && end.adjacent[index]) {
      this.last = index;
    } else {
      this.closeRun();
      this.runStart = this.last = index;
    }
  }

  private closeRun(): void {
    if (this.runStart < 0) return;
    this.intervals.push([this.end.addresses[this.runStart], this.end.addresses[this.last]]);
    this.runStart = this.last = -1;
  }

  region(): Region {
    this.closeRun();
    const region: Region = { kind: 'instance', instance: this.members[0], members: this.members, addrs: IntervalSet.from(this.intervals), alike: this.members.length > 1 };
    if (this.whole && this.members.length > 1) wholeRegions.add(region);
    return region;
  }
}

/** Merged instances that routing cannot tell apart: one routed piece each. */
const wholeRegions = new WeakSet<Region>();

function admitsSomething(admitted: PortSet[] | number[]): boolean {
  return admitted.some((each) => typeof each === 'number' || !each.isEmpty());
}

/**
 * An end's hosts (addresses of subnets that no instance holds) merged where every hop judges them
 * alike: subnets with the same network ACL and route table, other than the other end's (traffic
 * within one subnet crosses no network ACL). The example's trace names its own subnet.
 */
function alikeHosts(regions: Region[], others: Region[]): Region[] {
  const hosts = regions.filter((region): region is Region & { kind: 'host' } => region.kind === 'host');
  if (hosts.length < 2) return regions;
  const otherSubnets = new Set(others.map(subnetOf));
  const classes = new Map<string, (Region & { kind: 'host' })[]>();
  for (const host of hosts) {
    const { subnet } = host;
    const key = otherSubnets.has(subnet) ? `subnet ${subnet.name}` : `${subnet.acl.name}|${subnet.routeTable?.name ?? '-'}`;
    const found = classes.get(key);
    if (found) found.push(host);
    else classes.set(key, [host]);
  }
  if (classes.size === hosts.length) return regions;
  // Each class stands where its first host stood.
  const merged = new Map<Region, Region>();
  for (const parts of classes.values()) {
    merged.set(parts[0], parts.length === 1 ? parts[0]
      : { kind: 'host', subnet: parts[0].subnet, addrs: IntervalSet.from(parts.flatMap((part) => part.addrs.intervals)), parts });
  }
  return regions.flatMap((region) => (region.kind !== 'host' ? [region] : merged.has(region) ? [merged.get(region)!] : []));
}

/** What an instance's groups admit from each remote address, as a key: the union over its groups. */
function ownAgainst(groups: PortSet[][], remotes: number): string {
  const parts: string[] = [];
  for (let i = 0; i < remotes; i++) {
    let allowed: PortSet | undefined;
    for (const sets of groups) {
      const set = sets[i];
      if (set.isEmpty()) continue;
      allowed = allowed ? allowed.union(set) : set;
    }
    parts.push(allowed ? allowed.intervals.join(';') : '');
  }
  return parts.join('/');
}

/** The rules of an instance's groups that can match, as a key: their positions, sorted, once each. */
function ownRules(groups: number[][]): string {
  const nonEmpty = groups.filter((orders) => orders.length > 0);
  if (nonEmpty.length === 0) return '';
  if (nonEmpty.length === 1) return nonEmpty[0].join(',');
  return [...new Set(nonEmpty.flat())].sort((a, b) => a - b).join(',');
}

/**
 * An end's instance regions, with what follows from them whatever the flow: what tells them apart
 * (their subnet's network ACL and route table, their source ports), and, for those of one address,
 * that address, whether it follows the one before, its stretch between route boundaries and whether
 * a public address maps to it.
 */
interface EndInstances {
  instances: (Region & { kind: 'instance' })[];
  fixed: string[];
  /** The region is one address, the instance's only one of the family. */
  single: boolean[];
  addresses: bigint[];
  adjacent: boolean[];
  stretch: number[];
  mapped: boolean[];
}

// An end's regions are shared by the flows that name the same addresses (engine/regions.ts): what
// follows from them alone is found once per list.
const endInstanceCache = new WeakMap<Region[], EndInstances>();
const endAddressCache = new WeakMap<Region[], BigSet>();

function endInstances(model: Model, family: Family, regions: Region[]): EndInstances {
  let found = endInstanceCache.get(regions);
  if (!found) {
    const instances = regions.filter((region): region is Region & { kind: 'instance' } => region.kind === 'instance');
    const fixed = instances.map(({ instance }) => {
      const subnet = instance.subnet;
      return `${subnet ? `${subnet.acl.name}|${subnet.routeTable?.name ?? '-'}` : '-'}|${instance.ephemeral.intervals.join(';')}`;
    });
    const cuts = routeBoundaries(model, family);
    const single = instances.map(({ instance, addrs }) => {
      const [only] = addrs.intervals;
      return addrs.intervals.length === 1 && only[0] === only[1] && (family === 4 ? instance.ips : instance.ip6s).length === 1;
    });
    const addresses = instances.map(({ addrs }) => addrs.intervals[0][0]);
    found = {
      instances, fixed, single, addresses,
      adjacent: addresses.map((address, i) => i > 0 && single[i] && single[i - 1] && address === addresses[i - 1] + 1n),
      stretch: addresses.map((address) => upperBound(cuts, address)),
      mapped: instances.map(({ instance }) => family === 4 && instance.publicIp !== undefined),
    };
    endInstanceCache.set(regions, found);
  }
  return found;
}

/** Every address of an end's regions. */
function endAddresses(regions: Region[]): BigSet {
  let found = endAddressCache.get(regions);
  if (!found) endAddressCache.set(regions, (found = IntervalSet.from(regions.flatMap((region) => region.addrs.intervals))));
  return found;
}

/**
 * Which of the sets hold an address, as a key: addresses with the same key are in the same sets.
 * The sets' boundaries cut the addresses into stretches; each stretch's key is computed once.
 */
function membership(sets: BigSet[]): (address: bigint) => string {
  const points = new Set<bigint>();
  for (const set of sets) for (const [lo, hi] of set.intervals) points.add(lo).add(hi + 1n);
  const bounds = [...points].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const keys = new Map<number, string>();
  return (address) => {
    const stretch = upperBound(bounds, address);
    let key = keys.get(stretch);
    if (key === undefined) {
      const held: number[] = [];
      sets.forEach((set, i) => {
        if (set.has(address)) held.push(i);
      });
      keys.set(stretch, (key = held.join(',')));
    }
    return key;
  };
}

function pointsOf(lo: bigint, hi: bigint): bigint[] {
  const points: bigint[] = [];
  for (let address = lo; address <= hi; address++) points.push(address);
  return points;
}

/** The address sets of the rules that the other end's filters consult with this end as the remote side. */
function otherEndRules(flow: Flow, others: Region[], side: 'src' | 'dst'): BigSet[] {
  const sets: BigSet[] = [];
  const towards = side === 'dst' ? 'outbound' : 'inbound';
  for (const region of others) {
    if (region.kind === 'instance') {
      for (const rule of instanceSgRules(region.instance, towards)) if (rule.protocol === -1 || rule.protocol === flow.protocol) sets.push(ofFamily(rule.peer, flow.family));
    }
    const subnet = subnetOf(region);
    if (!subnet) continue;
    for (const rule of [...subnet.acl.inbound, ...subnet.acl.outbound]) {
      if (rule.family === flow.family && (rule.protocol === -1 || rule.protocol === flow.protocol)) sets.push(ofFamily(rule.cidr, flow.family));
    }
  }
  return [...new Set(sets)];
}

/**
 * The example's own path: where an end is a class of instances, the instance that holds the
 * example's address, so that the trace names it.
 */
export function examplePath(flow: Flow, model: Model, path: FlowPath, example: { srcIp: bigint; dstIp: bigint }): FlowPath {
  const one = (region: Region, address: bigint) => (region.kind === 'instance' && region.members.length > 1 ? instanceHolding(region, address)
    : region.kind === 'host' && region.parts ? region.parts.find((part) => part.addrs.has(address))! : region);
  const src = one(path.src, example.srcIp);
  const dst = one(path.dst, example.dstIp);
  if (src === path.src && dst === path.dst) return path;
  return model.routing && dst.kind !== 'aws-service' ? routedPath(flow, model, src, dst) : { ...path, src, dst, hops: numbered(filterHops(flow, src, dst)) };
}

// --- routing ------------------------------------------------------------------------------------

const boundaryCache = new WeakMap<Model, Record<Family, bigint[]>>();

/** Every address where some route table's decision can change, sorted, by family. */
function routeBoundaries(model: Model, family: Family): bigint[] {
  let found = boundaryCache.get(model);
  if (!found) {
    const of = (f: Family) => {
      const points = new Set<bigint>();
      for (const table of [model.localOnly, ...model.routeTables.values()]) {
        for (const route of table.routes) if (route.family === f) points.add(route.first).add(route.last + 1n);
      }
      return [...points].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    };
    boundaryCache.set(model, (found = { 4: of(4), 6: of(6) }));
  }
  return found[family];
}

/** A region cut where routing may treat its addresses differently; an instance, address by address. */
function routedPieces(model: Model, family: Family, region: Region): Region[] {
  if (region.kind === 'instance') return instancePieces(model, family, region);
  return cutAtRoutes(model, family, region.addrs).map((addrs) => ({ ...region, addrs }) as Region);
}

/**
 * A set of addresses cut wherever some route table's decision can change: one piece per stretch
 * between two consecutive route boundaries, holding every interval of the set in that stretch
 * (every table decides alike for all of them).
 */
function cutAtRoutes(model: Model, family: Family, set: BigSet): BigSet[] {
  const cuts = routeBoundaries(model, family);
  const pieces: BigSet[] = [];
  let current: (readonly [bigint, bigint])[] = [];
  let stretch = -1;
  const close = () => {
    if (current.length > 0) pieces.push(IntervalSet.from(current));
    current = [];
  };
  for (const [lo, hi] of set.intervals) {
    let start = lo;
    for (;;) {
      // The stretch of `start`: the number of boundaries at or below it.
      const at = upperBound(cuts, start);
      if (at !== stretch) {
        close();
        stretch = at;
      }
      const end = at < cuts.length && cuts[at] <= hi ? cuts[at] - 1n : hi;
      current.push([start, end]);
      if (end === hi) break;
      start = end + 1n;
    }
  }
  close();
  return pieces;
}

/** The number of entries of a sorted list that are at most `value`. */
function upperBound(sorted: readonly bigint[], value: bigint): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid] <= value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * Instances cut where routing may treat them apart: at route boundaries, and by whether an address
 * has a public address mapped to it (an instance's first `ip` with `public-ip`), which the internet
 * gateway needs. One instance with several addresses is taken address by address.
 */
function instancePieces(model: Model, family: Family, region: Region & { kind: 'instance' }): Region[] {
  if (region.members.length === 1) {
    return region.addrs.intervals.flatMap(([lo, hi]) => pointsOf(lo, hi).map((address) => instanceHolding(region, address)));
  }
  // Merged instances whose addresses routing cannot tell apart (found as they were merged) are one piece.
  if (wholeRegions.has(region)) return [region];
  const entries: { address: bigint; owner: Instance }[] = [];
  for (const member of region.members) {
    for (const address of family === 4 ? member.ips : member.ip6s) if (region.addrs.has(address)) entries.push({ address, owner: member });
  }
  entries.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  const isMapped = (entry: { address: bigint; owner: Instance }) => family === 4 && entry.owner.publicIp !== undefined && entry.owner.ips[0] === entry.address;
  const cuts = routeBoundaries(model, family);
  const pieces: Region[] = [];
  for (const part of [entries.filter(isMapped), entries.filter((entry) => !isMapped(entry))]) {
    // Sorted by address: the entries of one stretch between route boundaries are consecutive.
    for (let start = 0; start < part.length;) {
      const stretch = upperBound(cuts, part[start].address);
      let end = start + 1;
      while (end < part.length && upperBound(cuts, part[end].address) === stretch) end++;
      const slice = part.slice(start, end);
      const members = [...new Set(slice.map((entry) => entry.owner))];
      pieces.push({ ...region, instance: slice[0].owner, members, addrs: IntervalSet.from(slice.map((entry) => [entry.address, entry.address] as const)) });
      start = end;
    }
  }
  return pieces;
}

/** Where a packet is while it is routed. */
type RoutingNode =
  | { kind: 'subnet'; subnet: Subnet; nat?: NatGateway; firewall?: Firewall }
  | { kind: 'gateway'; gateway: Gateway };

/** A packet on its way: its addresses and ports as the hops see them. */
interface Packet {
  phase: 'request' | 'reply';
  from: Remote;
  to: Remote;
  /** The destination address, for route lookups. */
  toAddress: bigint;
  srcPort: KeySource;
  dstPort: KeySource;
}

/** Where the packet must arrive: a piece of a flow end, or a NAT gateway that undoes its rewrite. */
type Arrival = { kind: 'end'; region: Region } | { kind: 'nat'; nat: NatGateway };

/** A hop the reply must cross again, in reverse order: a NAT gateway or a firewall endpoint. */
type Middlebox = { kind: 'nat'; nat: NatGateway } | { kind: 'firewall'; firewall: Firewall };

class RoutedPath {
  readonly hops: Hop[] = [];
  /** The NAT gateways the request crossed, in order, with the source they replaced. */
  private readonly nats: { nat: NatGateway; from: Remote; srcPort: KeySource; dim: number }[] = [];
  private dims = 2;
  private leftThrough?: Gateway;
  /** The NAT gateways and firewall endpoints the request crossed, in order. */
  private readonly middleboxes: Middlebox[] = [];
  /** The middleboxes the reply has yet to cross, the next first. */
  private replyOwes: Middlebox[] = [];

  constructor(private readonly flow: Flow, private readonly model: Model, private readonly src: Region, private readonly dst: Region) {}

  build(): FlowPath {
    const request: Packet = { phase: 'request', from: SRC, to: DST, toAddress: this.dst.addrs.min()!, srcPort: { dim: SOURCE_PORT_DIM }, dstPort: { dim: KEY_DIM } };
    if (this.src.kind === 'instance') this.hops.push(sgHop(this.src.instance, 'outbound', DST, request.dstPort));
    const arrived = this.travel(request, this.start(request, this.src), { kind: 'end', region: this.dst });
    if (arrived && this.dst.kind === 'instance') this.hops.push(sgHop(this.dst.instance, 'inbound', request.from, request.dstPort));
    const key = replyKey(this.flow, request.srcPort);
    if (arrived && key) this.routeReply(request, key);
    const natPorts = isIcmp(this.flow) ? IntervalSet.point(0) : NAT_GATEWAY_PORTS;
    const box: PortSet[] = [this.flow.keys, sourcePorts(this.flow, this.src)];
    for (let dim = 2; dim < this.dims; dim++) box.push(natPorts);
    return { src: this.src, dst: this.dst, hops: numbered(this.hops), box };
  }

  /** The reply: from the responder back to the initiator as the responder sees it, undoing each NAT. */
  private routeReply(request: Packet, key: KeySource): void {
    const last = this.nats[this.nats.length - 1];
    this.replyOwes = [...this.middleboxes].reverse();
    const reply: Packet = {
      phase: 'reply', from: DST, to: request.from, toAddress: last ? last.nat.ip! : this.src.addrs.min()!,
      srcPort: request.dstPort, dstPort: key,
    };
    let node = this.start(reply, this.dst);
    for (let i = this.nats.length - 1; i >= 0 && node; i--) {
      const crossed = this.nats[i];
      if (!this.travel(reply, node, { kind: 'nat', nat: crossed.nat })) return;
      this.replyOwes.shift();
      // The NAT gateway gives the reply back its original destination.
      reply.to = crossed.from;
      reply.dstPort = 'fixed' in key ? key : crossed.srcPort;
      reply.toAddress = 'end' in crossed.from ? this.src.addrs.min()! : crossed.from.fixed;
      node = { kind: 'subnet', subnet: crossed.nat.subnet!, nat: crossed.nat };
    }
    if (node) this.travel(reply, node, { kind: 'end', region: this.src });
  }

  /** The node where a packet from this piece first looks its destination up. */
  private start(packet: Packet, region: Region): RoutingNode | undefined {
    const subnet = subnetOf(region);
    if (subnet) return { kind: 'subnet', subnet };
    if (this.insideVpc(region)) return this.directTo(packet);
    return this.enterFromOutside(packet);
  }

  private insideVpc(region: Region): boolean {
    const blocks = this.model.vpc ? (this.flow.family === 4 ? this.model.vpc.blocks.v4 : this.model.vpc.blocks.v6) : undefined;
    return Boolean(blocks?.has(region.addrs.min()!));
  }

  /**
   * A host in no declared subnet has no route table: its packets reach their destination's subnet
   * by local routing, crossing only that side's hops. The walk goes on from there.
   */
  private directTo(packet: Packet): RoutingNode | undefined {
    const subnet = this.subnetHolding(packet.toAddress);
    if (!subnet) return undefined;
    this.hops.push(naclHop(subnet, 'inbound', packet.phase, packet.from, packet.dstPort));
    return { kind: 'subnet', subnet };
  }

  /** A packet from outside the VPC arrives at a gateway: a request at the internet gateway, a reply where its request left. */
  private enterFromOutside(packet: Packet): RoutingNode | undefined {
    const family = this.flow.family;
    if (packet.phase === 'reply') {
      const gateway = this.leftThrough!;
      if (gateway.kind === 'internet-gateway' && family === 4) {
        this.pathHop({ kind: 'gateway', gateway, rewrite: { dst: packet.toAddress }, action: 'allow', why: 'the reply to the public address is given back its private destination' }, packet, 'inbound');
      }
      return { kind: 'gateway', gateway };
    }
    const igw = this.model.internetGateway;
    if (!igw) {
      this.pathHop({ kind: 'drop', action: 'deny', why: 'no internet gateway: nothing from outside the VPC reaches it' }, packet, 'inbound', 'internet');
      return undefined;
    }
    if (family === 4) {
      const instance = this.dst.kind === 'instance' ? this.dst.instance : undefined;
      const address = this.dst.addrs.min()!;
      if (!instance || instance.publicIp === undefined || instance.ips[0] !== address) {
        const who = instance ? `${instance.name}${instance.publicIp === undefined ? ' has no public-ip' : `'s public-ip maps to its first address, not ${formatted(address, family)}`}` : `${formatted(address, family)} is no instance with a public-ip`;
        this.pathHop({ kind: 'gateway', gateway: igw, action: 'deny', why: `no public IPv4 address: ${who}` }, packet, 'inbound');
        return undefined;
      }
      this.pathHop({ kind: 'gateway', gateway: igw, rewrite: { dst: address }, action: 'allow', why: `the request to ${formatted(instance.publicIp, 4)} is given ${instance.name}'s private address` }, packet, 'inbound');
    } else {
      this.pathHop({ kind: 'gateway', gateway: igw, action: 'allow', why: 'an IPv6 request from outside enters through the internet gateway' }, packet, 'inbound');
    }
    return { kind: 'gateway', gateway: igw };
  }

  private subnetHolding(address: bigint): Subnet | undefined {
    for (const subnet of this.model.subnets.values()) {
      const block = this.flow.family === 4 ? subnet.v4 : subnet.v6;
      if (block && address >= block.first && address <= block.last) return subnet;
    }
    return undefined;
  }

  private arrivalSubnet(arrival: Arrival): Subnet | undefined {
    return arrival.kind === 'nat' ? arrival.nat.subnet : subnetOf(arrival.region);
  }

  private arrivalIsOutside(arrival: Arrival): boolean {
    return arrival.kind === 'end' && !subnetOf(arrival.region) && !this.insideVpc(arrival.region);
  }

  private tableOf(node: RoutingNode): { table: RouteTable; label: string } {
    if (node.kind === 'gateway') {
      const table = node.gateway.kind === 'internet-gateway' && node.gateway.edgeTable ? node.gateway.edgeTable : this.model.localOnly;
      const what = `${node.gateway.kind === 'internet-gateway' ? 'internet' : 'egress-only'} gateway ${node.gateway.name}`;
      return { table, label: table === this.model.localOnly ? `local routes of ${what}` : `route table ${table.name} of ${what}` };
    }
    const table = node.subnet.routeTable ?? this.model.localOnly;
    const where = `subnet ${node.subnet.name}${node.nat ? ` (NAT gateway ${node.nat.name})` : node.firewall ? ` (firewall ${node.firewall.name})` : ''}`;
    return { table, label: table === this.model.localOnly ? `local routes of ${where}` : `route table ${table.name} of ${where}` };
  }

  /** Routes a packet from `node` until it arrives; false when it is dropped on the way. */
  private travel(packet: Packet, first: RoutingNode | undefined, arrival: Arrival): boolean {
    let node = first;
    for (let visits = 0; node; visits++) {
      if (visits >= MAX_NODES) {
        this.pathHop({ kind: 'drop', action: 'deny', why: `routing loop: the packet visits more than ${MAX_NODES} nodes` }, packet, 'outbound', 'routing');
        return false;
      }
      const here = node.kind === 'subnet' ? node.subnet : undefined;
      // Traffic between two addresses of one subnet is not routed: AWS switches it in the subnet.
      if (here && here === this.arrivalSubnet(arrival)) return true;
      const { table, label } = this.tableOf(node);
      const route = lookupRoute(table, this.flow.family, packet.toAddress);
      const target = route?.target;
      if (!route || !target || target.kind === 'blackhole' || target.kind === 'unmodelled') {
        const why = !route ? `no route to ${formatted(packet.toAddress, this.flow.family)}` : target?.kind === 'blackhole' ? 'blackhole route' : `not modelled: ${target?.kind === 'unmodelled' ? target.text : ''}`;
        this.routeHop(label, table, route, 'deny', why, packet);
        return false;
      }
      if (target.kind === 'nat' && this.flow.family === 6) {
        this.routeHop(label, table, route, 'deny', `NAT64 through NAT gateway ${target.nat.name} is not modelled`, packet);
        return false;
      }
      if (target.kind === 'nat' && packet.phase === 'reply') {
        this.routeHop(label, table, route, 'deny', `asymmetric routing: the reply would go through NAT gateway ${target.nat.name}, which rewrites what the client would not recognise`, packet);
        return false;
      }
      const asymmetric = packet.phase === 'reply' ? this.partsFromRequest(target) : undefined;
      if (asymmetric) {
        this.routeHop(label, table, route, 'deny', `asymmetric routing: ${asymmetric}`, packet);
        return false;
      }
      this.routeHop(label, table, route, 'allow', `to ${targetName(target)}`, packet);
      switch (target.kind) {
        case 'local': {
          const into = this.subnetHolding(packet.toAddress);
          if (here) this.hops.push(naclHop(here, 'outbound', packet.phase, packet.to, packet.dstPort));
          if (into) this.hops.push(naclHop(into, 'inbound', packet.phase, packet.from, packet.dstPort));
          return true;
        }
        case 'igw': case 'eigw':
          if (here) this.hops.push(naclHop(here, 'outbound', packet.phase, packet.to, packet.dstPort));
          if (!this.leave(packet, target.gateway, arrival)) return false;
          return this.arrivalIsOutside(arrival);
        case 'nat':
          if (here && here !== target.nat.subnet) this.hops.push(naclHop(here, 'outbound', packet.phase, packet.to, packet.dstPort));
          if (target.nat.subnet && here !== target.nat.subnet) this.hops.push(naclHop(target.nat.subnet, 'inbound', packet.phase, packet.from, packet.dstPort));
          node = this.throughNat(packet, target.nat);
          break;
        case 'firewall':
          node = this.throughFirewall(packet, target.firewall, here);
          break;
      }
    }
    return false;
  }

  /** The packet leaves the VPC through a gateway; for IPv4 its source needs a public address. */
  private leave(packet: Packet, gateway: Gateway, arrival: Arrival): boolean {
    const family = this.flow.family;
    if (gateway.kind === 'egress-only-gateway' && family === 4) {
      this.pathHop({ kind: 'gateway', gateway, action: 'deny', why: 'an egress-only gateway carries IPv6 only' }, packet, 'outbound');
      return false;
    }
    if (!this.arrivalIsOutside(arrival)) {
      this.pathHop({ kind: 'gateway', gateway, action: 'deny', why: 'the packet leaves the VPC, away from its destination inside it' }, packet, 'outbound');
      return false;
    }
    if (gateway.kind === 'internet-gateway' && family === 4) {
      const source = this.publicSource(packet);
      if (source.public === undefined) {
        this.pathHop({ kind: 'gateway', gateway, action: 'deny', why: `no public IPv4 address: ${source.who}` }, packet, 'outbound');
        return false;
      }
      this.pathHop({ kind: 'gateway', gateway, rewrite: { src: source.public }, action: 'allow', why: `the source becomes the public address ${formatted(source.public, 4)}` }, packet, 'outbound');
    } else {
      this.pathHop({ kind: 'gateway', gateway, action: 'allow', why: 'leaves the VPC' }, packet, 'outbound');
    }
    if (packet.phase === 'request') this.leftThrough = gateway;
    return true;
  }

  /** The public address an IPv4 packet leaves with: its instance's public-ip (first `ip` only), or its NAT gateway's. */
  private publicSource(packet: Packet): { public?: bigint; who?: string } {
    if ('fixed' in packet.from) {
      const nat = this.nats.find((crossed) => crossed.nat.ip === (packet.from as { fixed: bigint }).fixed)?.nat;
      return nat?.publicIp !== undefined ? { public: nat.publicIp } : { who: `NAT gateway ${nat?.name ?? ''} has no public-ip` };
    }
    const region = packet.from.end === 'src' ? this.src : this.dst;
    if (region.kind !== 'instance') return { who: `${formatted(region.addrs.min()!, this.flow.family)} is no instance with a public-ip` };
    const instance = region.instance;
    if (instance.publicIp === undefined) return { who: `${instance.name} has no public-ip` };
    if (instance.ips[0] !== region.addrs.min()) return { who: `${instance.name}'s public-ip maps to its first address, not ${formatted(region.addrs.min()!, 4)}` };
    return { public: instance.publicIp };
  }

  /**
   * Where a reply's route leaves the request's path: it must go through the firewall endpoint the
   * request crossed last of those it has yet to cross, and through no other (AWS Network Firewall
   * requires symmetric routing). Undefined when it keeps to the path.
   */
  private partsFromRequest(target: RouteModel['target']): string | undefined {
    const owed = this.replyOwes[0];
    const owedFirewall = owed?.kind === 'firewall' ? owed.firewall : undefined;
    if (target.kind === 'firewall') {
      if (target.firewall === owedFirewall) return undefined;
      return `the reply would go through firewall ${target.firewall.name}, which the request did not cross${owedFirewall ? ` (it crossed firewall ${owedFirewall.name})` : ''}`;
    }
    if (!owedFirewall) return undefined;
    return `the reply would go ${targetName(target) === 'local' ? 'straight to its destination' : `to ${targetName(target)}`} around firewall ${owedFirewall.name}, which the request crossed`;
  }

  /** A packet routed to a firewall endpoint: into its subnet, judged by its two stages, then routed by that subnet's table. */
  private throughFirewall(packet: Packet, firewall: Firewall, here: Subnet | undefined): RoutingNode | undefined {
    const subnet = firewall.subnet;
    if (!subnet || !firewall.policy) {
      this.pathHop({ kind: 'drop', action: 'deny', why: `firewall ${firewall.name} has no ${subnet ? 'policy' : 'subnet'}` }, packet, 'inbound', `firewall ${firewall.name}`);
      return undefined;
    }
    if (here && here !== subnet) this.hops.push(naclHop(here, 'outbound', packet.phase, packet.to, packet.dstPort));
    if (here !== subnet) this.hops.push(naclHop(subnet, 'inbound', packet.phase, packet.from, packet.dstPort));
    const view: FirewallView = packet.phase === 'request'
      ? { initiator: packet.from, initiatorPort: packet.srcPort, responder: packet.to, responderPort: packet.dstPort }
      : { initiator: packet.to, initiatorPort: packet.dstPort, responder: packet.from, responderPort: packet.srcPort };
    for (const stage of ['stateless', 'stateful'] as const) {
      this.hops.push({ kind: 'firewall', step: 0, phase: packet.phase, direction: 'inbound', stage, firewall, view, label: `firewall ${firewall.name} ${stage}` });
    }
    if (packet.phase === 'request') this.middleboxes.push({ kind: 'firewall', firewall });
    else this.replyOwes.shift();
    return { kind: 'subnet', subnet, firewall };
  }

  /** A request through a NAT gateway: its source becomes the gateway's address and a port it chooses. */
  private throughNat(packet: Packet, nat: NatGateway): RoutingNode | undefined {
    if (nat.ip === undefined || !nat.subnet) {
      this.pathHop({ kind: 'drop', action: 'deny', why: `NAT gateway ${nat.name} has no address in a subnet` }, packet, 'outbound', `NAT gateway ${nat.name}`);
      return undefined;
    }
    const dim = this.dims++;
    this.nats.push({ nat, from: packet.from, srcPort: packet.srcPort, dim });
    this.middleboxes.push({ kind: 'nat', nat });
    this.hops.push({ kind: 'nat', step: 0, phase: packet.phase, direction: 'outbound', nat, dim, action: 'allow', why: `the source becomes ${formatted(nat.ip, 4)}${isIcmp(this.flow) ? '' : ' and a port it chooses in 1024-65535'}`, label: `NAT gateway ${nat.name}` });
    packet.from = { fixed: nat.ip };
    packet.srcPort = { dim };
    return { kind: 'subnet', subnet: nat.subnet, nat };
  }

  private routeHop(label: string, table: RouteTable, route: RouteModel | undefined, action: 'allow' | 'deny', why: string, packet: Packet): void {
    this.hops.push({ kind: 'route', step: 0, phase: packet.phase, direction: 'outbound', table, route, action, why, label });
  }

  private pathHop(hop: { kind: 'gateway'; gateway: Gateway; rewrite?: Rewrite; action: 'allow' | 'deny'; why: string } | { kind: 'drop'; action: 'allow' | 'deny'; why: string }, packet: Packet, direction: 'inbound' | 'outbound', what?: string): void {
    const label = hop.kind === 'gateway'
      ? `${hop.gateway.kind === 'internet-gateway' ? 'internet' : 'egress-only'} gateway ${hop.gateway.name}`
      : what ?? 'routing';
    this.hops.push({ ...hop, step: 0, phase: packet.phase, direction, label } as Hop);
  }
}

export function targetName(target: RouteModel['target']): string {
  switch (target.kind) {
    case 'local': case 'blackhole': return target.kind;
    case 'igw': case 'eigw': return `${target.kind} ${target.gateway.name}`;
    case 'nat': return `nat ${target.nat.name}`;
    case 'firewall': return `firewall ${target.firewall.name}`;
    case 'unmodelled': return `unmodelled "${target.text}"`;
  }
}

function routedPath(flow: Flow, model: Model, src: Region, dst: Region): FlowPath {
  return new RoutedPath(flow, model, src, dst).build();
}

function formatted(address: bigint, family: Family): string {
  return formatAddress(address, family);
}
