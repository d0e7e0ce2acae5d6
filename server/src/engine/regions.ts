// Where a flow end's addresses are. The addresses of a declared instance ARE that instance; other
// addresses of a declared subnet are hosts of that subnet (its NACL applies, no security group is
// modelled); the rest is external. A named Amazon-provided address is a service AWS never filters.
import type { Family } from '../syntax/ast';
import { ofFamily } from './addresses';
import { BigSet, IntervalSet } from './intervals';
import type { FlowEnd, InstanceAddress, Instance, Model, Region } from './model';

const serviceSets = new WeakMap<Model, Record<Family, BigSet>>();

/** The addresses AWS provides (and every subnet's router) as a set, computed once per model. */
export function serviceAddresses(model: Model, family: Family): BigSet {
  let sets = serviceSets.get(model);
  if (!sets) {
    const of = (f: Family) => IntervalSet.from([...model.awsServices[f].keys()].map((address) => [address, address] as const));
    serviceSets.set(model, (sets = { 4: of(4), 6: of(6) }));
  }
  return sets[family];
}

/**
 * The addresses an end written as `set` stands for: AWS's service addresses belong to no CIDR or
 * `internet` end, so only an end that is exactly one address can name one.
 */
export function withoutServiceAddresses(model: Model, set: BigSet, family: Family): BigSet {
  if (singleAddress(set) !== undefined) return set;
  const services = serviceAddresses(model, family);
  const inside = set.intervals.flatMap(([lo, hi]) => services.clip(lo, hi).intervals);
  return inside.length === 0 ? set : set.subtract(IntervalSet.from(inside));
}

/** The index of the first entry whose address is >= value. */
function lowerBound(sorted: readonly InstanceAddress[], value: bigint): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid].address < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The declared instances among a set of addresses, with the addresses of each. */
function instancesIn(set: BigSet, sorted: readonly InstanceAddress[]): Map<Instance, bigint[]> {
  const found = new Map<Instance, bigint[]>();
  for (const [lo, hi] of set.intervals) {
    for (let i = lowerBound(sorted, lo); i < sorted.length && sorted[i].address <= hi; i++) {
      const { instance, address } = sorted[i];
      const list = found.get(instance);
      if (list) list.push(address);
      else found.set(instance, [address]);
    }
  }
  return found;
}

/** The instance region without one instance: a connection from an instance to itself is no connection. */
export function withoutInstance(region: Region & { kind: 'instance' }, instance: Instance): Region | undefined {
  if (!region.members.includes(instance)) return region;
  const members = region.members.filter((member) => member !== instance);
  if (members.length === 0) return undefined;
  const own = IntervalSet.from([...instance.ips, ...instance.ip6s].map((address) => [address, address] as const));
  const addrs = region.addrs.subtract(own);
  return addrs.isEmpty() ? undefined : { kind: 'instance', instance: members[0], members, addrs };
}

/**
 * The pairs of regions that hold connections, with every connection from an instance to itself
 * taken out. One end of a valid flow is a single instance, so a class on the other end loses that
 * instance; two classes (which a valid flow never has) are paired member by member.
 */
export function connectablePairs(src: Region, dst: Region): [Region, Region][] {
  if (src.kind !== 'instance' || dst.kind !== 'instance') return [[src, dst]];
  if (src.members.length === 1) {
    const rest = withoutInstance(dst, src.instance);
    return rest ? [[src, rest]] : [];
  }
  if (dst.members.length === 1) {
    const rest = withoutInstance(src, dst.instance);
    return rest ? [[rest, dst]] : [];
  }
  return src.members.flatMap((member) => {
    const own = IntervalSet.from([...member.ips, ...member.ip6s].map((address) => [address, address] as const));
    return connectablePairs({ kind: 'instance', instance: member, members: [member], addrs: src.addrs.intersect(own) }, dst);
  });
}

/** The one instance of a region that holds an address. */
export function instanceHolding(region: Region & { kind: 'instance' }, address: bigint): Region {
  if (region.members.length === 1) return { ...region, addrs: IntervalSet.point(address) };
  const instance = region.members.find((member) => member.ips.includes(address) || member.ip6s.includes(address)) ?? region.instance;
  return { kind: 'instance', instance, members: [instance], addrs: IntervalSet.point(address) };
}

/** The single address a set holds, if it holds exactly one. */
export function singleAddress(set: BigSet): bigint | undefined {
  const [first] = set.intervals;
  return set.intervals.length === 1 && first[0] === first[1] ? first[0] : undefined;
}

/** The instance a one-address end names, if that address is an instance's. */
export function instanceAt(model: Model, family: Family, address: bigint): Instance | undefined {
  const sorted = model.instanceAddresses[family];
  const entry = sorted[lowerBound(sorted, address)];
  return entry?.address === address ? entry.instance : undefined;
}

/** A model's end regions, by the end's text, and by the end's address set when flows share it (the model build shares `internet`'s and each CIDR's). */
const regionCache = new WeakMap<Model, { byText: Map<string, Region[]>; bySet: Map<BigSet, Map<string, Region[]>> }>();

/**
 * Cuts a flow end into regions. Only a destination can be an Amazon-provided service. The regions
 * of an end of addresses are computed once per model (many flows name `internet` or a large CIDR)
 * and shared: regions are never changed.
 */
export function endRegions(model: Model, end: FlowEnd, family: Family, side: 'src' | 'dst'): Region[] {
  if (end.kind === 'instance') return [{ kind: 'instance', instance: end.instance, members: [end.instance], addrs: end.addrs }];
  let cache = regionCache.get(model);
  if (!cache) regionCache.set(model, (cache = { byText: new Map(), bySet: new Map() }));
  let bySet = cache.bySet.get(end.addrs);
  if (!bySet) cache.bySet.set(end.addrs, (bySet = new Map()));
  const where = `${side}|${family}`;
  const known = bySet.get(where);
  if (known) return known;
  const key = `${where}|${end.addrs.intervals.map(([lo, hi]) => `${lo}-${hi}`).join(',')}`;
  let found = cache.byText.get(key);
  if (!found) cache.byText.set(key, (found = addressRegions(model, end, family, side)));
  bySet.set(where, found);
  return found;
}

function addressRegions(model: Model, end: FlowEnd, family: Family, side: 'src' | 'dst'): Region[] {
  const single = singleAddress(end.addrs);
  const service = side === 'dst' && single !== undefined ? model.awsServices[family].get(single) : undefined;
  if (service) return [{ kind: 'aws-service', service, addrs: end.addrs }];
  const regions: Region[] = [];
  let rest = end.addrs;
  const instances = instancesIn(rest, model.instanceAddresses[family]);
  if (instances.size > 0) {
    for (const [instance, addresses] of instances) {
      regions.push({ kind: 'instance', instance, members: [instance], addrs: IntervalSet.from(addresses.map((address) => [address, address] as const)) });
    }
    rest = rest.subtract(IntervalSet.from([...instances.values()].flat().map((address) => [address, address] as const)));
  }
  const vpcBlocks = model.vpc ? ofFamily(model.vpc.blocks, family) : IntervalSet.empty<bigint>();
  if (rest.overlaps(vpcBlocks)) {
    for (const subnet of model.subnets.values()) {
      const block = family === 4 ? subnet.v4 : subnet.v6;
      if (!block) continue;
      const hosts = rest.intersect(IntervalSet.of(block.first, block.last));
      if (hosts.isEmpty()) continue;
      regions.push({ kind: 'host', subnet, addrs: hosts });
      rest = rest.subtract(hosts);
    }
  }
  if (!rest.isEmpty()) regions.push({ kind: 'external', addrs: rest });
  return regions;
}
