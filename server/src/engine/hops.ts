// The hops of a packet's path, one kind each with its own judge: which keys (ports or ICMP
// type/code) of a set of packets that share protocol and remote address it admits, and which rule
// decides each part. Exact over the whole key set. A new kind of hop is a new member of `Hop`: the
// compiler then points at every switch that must handle it.
import type { Direction, Family } from '../syntax/ast';
import { ofFamily } from './addresses';
import { BigSet, IntervalSet, PortSet } from './intervals';
import type {
  AwsService, Firewall, Gateway, Instance, NaclRuleModel, NatGateway, NetworkAcl, RouteModel, RouteTable, SgRuleModel, StatefulRuleModel,
  StatelessRuleModel, Subnet,
} from './model';

export type Phase = 'request' | 'reply';

/**
 * Which value of a connection a hop matches as the packet's destination port: a dimension of the
 * flow's port tuples (0: the destination key, 1: the client's source port), or a fixed ICMP key.
 */
export type KeySource = { dim: number } | { fixed: number };

interface HopBase {
  /** Position on the path, from 1. */
  step: number;
  phase: Phase;
  direction: Direction;
  label: string;
}

/**
 * The packet's remote address at a filtering hop: an address of one of the flow's ends, or a fixed
 * address that a gateway put in its place (a NAT gateway's).
 */
export type Remote = { end: 'src' | 'dst' } | { fixed: bigint };

/** A hop that filters by rules. */
interface FilterHop extends HopBase {
  remote: Remote;
  key: KeySource;
}

/** A hop whose decision is the same for every packet of its path: a route lookup, a gateway. */
interface PathHop extends HopBase {
  action: 'allow' | 'deny';
  /** Why, in words: "no route", "no public IPv4 address", "asymmetric routing: ...". */
  why: string;
}

export type Hop =
  | (FilterHop & { kind: 'sg'; instance: Instance })
  | (FilterHop & { kind: 'nacl'; subnet: Subnet; acl: NetworkAcl })
  /** Traffic to an address AWS provides (Amazon DNS, metadata, the subnet's router): never filtered. */
  | (HopBase & { kind: 'aws-service'; service: AwsService })
  /** A route table's lookup of the packet's destination; `route` undefined: no route matches. */
  | (PathHop & { kind: 'route'; table: RouteTable; route?: RouteModel })
  /** An internet or egress-only gateway, with its address rewrite. */
  | (PathHop & { kind: 'gateway'; gateway?: Gateway; rewrite?: Rewrite })
  /** A NAT gateway: the source becomes its address and a port it chooses, dimension `dim`. */
  | (PathHop & { kind: 'nat'; nat: NatGateway; dim: number })
  /** A drop that no table or gateway decides: asymmetric routing, a routing loop. */
  | (PathHop & { kind: 'drop' })
  /**
   * One stage of a firewall endpoint, for the packets of one direction of the connection (the
   * request's phase: from the initiator; the reply's: to it). Both stages judge the whole packet
   * sequence; each hop answers for the drops of its own stage and direction.
   */
  | (HopBase & { kind: 'firewall'; stage: 'stateless' | 'stateful'; firewall: Firewall; view: FirewallView });

/** The connection as a firewall endpoint sees it: the initiator's and responder's addresses and ports there. */
export interface FirewallView {
  initiator: Remote;
  initiatorPort: KeySource;
  responder: Remote;
  responderPort: KeySource;
}

/** How a gateway changes a packet's addresses. */
export interface Rewrite {
  src?: bigint;
  dst?: bigint;
}

export type Rule = SgRuleModel | NaclRuleModel | RouteModel | StatelessRuleModel | StatefulRuleModel;

export interface DecidedPart<R extends Rule = Rule> {
  /** The deciding rule; undefined for "no rule matches" (SG), `*` (NACL), or a hop without rules. */
  rule?: R;
  keys: PortSet;
  action: 'allow' | 'deny';
}

export interface HopJudgement<R extends Rule = Rule> {
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

/** How a filtering hop judges packets of one protocol, from one remote address, on a set of keys. */
export function judgeHop(hop: Hop & { kind: 'sg' | 'nacl' }, protocol: number, family: Family, remote: bigint, keys: PortSet): HopJudgement {
  return hop.kind === 'sg'
    ? judgeSg(hop.instance, hop.direction, protocol, family, remote, keys)
    : judgeNacl(hop.acl, hop.direction, protocol, family, remote, keys);
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

/** The address sets of the rules a hop consults for this protocol and these keys. */
function consultedAddresses(hop: Hop, protocol: number, family: Family, keys: PortSet): BigSet[] {
  switch (hop.kind) {
    case 'sg':
      return instanceSgRules(hop.instance, hop.direction)
        .filter((rule) => matches(rule, protocol) && rule.keys.overlaps(keys))
        .map((rule) => ofFamily(rule.peer, family));
    case 'nacl':
      return hop.acl[hop.direction]
        .filter((rule) => rule.family === family && matches(rule, protocol) && rule.keys.overlaps(keys))
        .map((rule) => ofFamily(rule.cidr, family));
    case 'aws-service': case 'route': case 'gateway': case 'nat': case 'drop': case 'firewall':
      return [];
  }
}

/**
 * The addresses in (lo, hi] at which the hop's decision on these keys can change: the boundaries
 * of the address sets of the rules that match the protocol and some of the keys (a rule matching
 * none of the keys never decides them). Each rule's intervals are searched, not walked, so that a
 * rule naming a large group costs a binary search. In no order, possibly repeated.
 */
export function hopCuts(hop: Hop, protocol: number, family: Family, keys: PortSet, lo: bigint, hi: bigint): bigint[] {
  return setCuts(consultedAddresses(hop, protocol, family, keys), lo, hi);
}

/** The addresses in (lo, hi] where membership in one of the sets changes. In no order, possibly repeated. */
export function setCuts(sets: BigSet[], lo: bigint, hi: bigint): bigint[] {
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
