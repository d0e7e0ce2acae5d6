// How one hop judges a set of packets that share protocol and remote address: which keys (ports or
// ICMP type/code) it admits, and which rule decides each part. Exact over the whole key set.
import type { Direction, Family } from '../syntax/ast';
import { ofFamily } from './addresses';
import { BigSet, IntervalSet, PortSet } from './intervals';
import type { Instance, NaclRuleModel, NetworkAcl, SgRuleModel, Subnet } from './model';

export type Phase = 'request' | 'reply';

export interface Hop {
  /** 1-4: the request's hops; 5-6: the reply's (see the spec's list). */
  step: number;
  kind: 'sg' | 'nacl';
  direction: Direction;
  phase: Phase;
  instance?: Instance;
  subnet?: Subnet;
  acl?: NetworkAcl;
  /** Which end of the flow is this hop's remote side. */
  remote: 'src' | 'dst';
  label: string;
}

export interface DecidedPart<R> {
  /** The deciding rule; undefined for "no rule matches" (SG) or `*` (NACL). */
  rule?: R;
  keys: PortSet;
  action: 'allow' | 'deny';
}

export interface HopJudgement<R> {
  allowed: PortSet;
  parts: DecidedPart<R>[];
}

function matches(rule: { protocol: number }, protocol: number): boolean {
  return rule.protocol === -1 || rule.protocol === protocol;
}

const sgRuleCache = new WeakMap<Instance, Record<Direction, SgRuleModel[]>>();

/** The rules of all the instance's groups for one direction, in file order. */
export function instanceSgRules(instance: Instance, direction: Direction): SgRuleModel[] {
  let cached = sgRuleCache.get(instance);
  if (!cached) {
    const all = instance.groups.flatMap((group) => group.rules).sort((a, b) => a.order - b.order);
    cached = { inbound: all.filter((rule) => rule.direction === 'inbound'), outbound: all.filter((rule) => rule.direction === 'outbound') };
    sgRuleCache.set(instance, cached);
  }
  return cached[direction];
}

/** Security groups: a union of allow rules; the first matching rule in file order is named. */
export function judgeSg(instance: Instance, direction: Direction, protocol: number, family: Family, remote: bigint, keys: PortSet): HopJudgement<SgRuleModel> {
  const parts: DecidedPart<SgRuleModel>[] = [];
  let remaining = keys;
  for (const rule of instanceSgRules(instance, direction)) {
    if (remaining.isEmpty()) break;
    if (!matches(rule, protocol) || !ofFamily(rule.peer, family).has(remote)) continue;
    const part = remaining.intersect(rule.keys);
    if (part.isEmpty()) continue;
    parts.push({ rule, keys: part, action: 'allow' });
    remaining = remaining.subtract(rule.keys);
  }
  if (!remaining.isEmpty()) parts.push({ keys: remaining, action: 'deny' });
  return { allowed: keys.subtract(remaining), parts };
}

/** Network ACLs: rules in ascending number, the first match decides, then the implicit `*` deny. */
export function judgeNacl(acl: NetworkAcl, direction: Direction, protocol: number, family: Family, remote: bigint, keys: PortSet): HopJudgement<NaclRuleModel> {
  const parts: DecidedPart<NaclRuleModel>[] = [];
  let remaining = keys;
  let allowed: PortSet = IntervalSet.empty();
  for (const rule of acl[direction]) {
    if (remaining.isEmpty()) break;
    if (!matches(rule, protocol) || rule.family !== family || !ofFamily(rule.cidr, family).has(remote)) continue;
    const part = remaining.intersect(rule.keys);
    if (part.isEmpty()) continue;
    parts.push({ rule, keys: part, action: rule.action });
    if (rule.action === 'allow') allowed = allowed.union(part);
    remaining = remaining.subtract(rule.keys);
  }
  if (!remaining.isEmpty()) parts.push({ keys: remaining, action: 'deny' });
  return { allowed, parts };
}

export function judgeHop(hop: Hop, protocol: number, family: Family, remote: bigint, keys: PortSet): HopJudgement<SgRuleModel | NaclRuleModel> {
  return hop.kind === 'sg'
    ? judgeSg(hop.instance!, hop.direction, protocol, family, remote, keys)
    : judgeNacl(hop.acl!, hop.direction, protocol, family, remote, keys);
}

/** The index of the first interval of `set` that ends at or after `value`. */
function firstEndingFrom(set: BigSet, value: bigint): number {
  const intervals = set.intervals;
  let low = 0;
  let high = intervals.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (intervals[mid][1] < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * The addresses in (lo, hi] at which the hop's decision on these keys can change: the boundaries
 * of the address sets of the rules that match the protocol and some of the keys (a rule matching
 * none of the keys never decides them). Each rule's intervals are searched, not walked, so that a
 * rule naming a large group costs a binary search. In no order, possibly repeated.
 */
export function hopCuts(hop: Hop, protocol: number, family: Family, keys: PortSet, lo: bigint, hi: bigint): bigint[] {
  const sets: BigSet[] = [];
  if (hop.kind === 'sg') {
    for (const rule of instanceSgRules(hop.instance!, hop.direction)) {
      if (matches(rule, protocol) && rule.keys.overlaps(keys)) sets.push(ofFamily(rule.peer, family));
    }
  } else {
    for (const rule of hop.acl![hop.direction]) {
      if (rule.family === family && matches(rule, protocol) && rule.keys.overlaps(keys)) sets.push(ofFamily(rule.cidr, family));
    }
  }
  const cuts: bigint[] = [];
  for (const set of sets) {
    for (let i = firstEndingFrom(set, lo); i < set.intervals.length && set.intervals[i][0] <= hi; i++) {
      const [start, end] = set.intervals[i];
      if (start > lo) cuts.push(start);
      if (end + 1n <= hi) cuts.push(end + 1n);
    }
  }
  return cuts;
}
