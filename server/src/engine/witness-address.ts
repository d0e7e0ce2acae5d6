// Which address of a set a witness should use: one a real host could send from or to. Never
// 0.0.0.0, ::, loopback, multicast, a subnet's network address or the addresses AWS reserves when
// another address of the set will do; and a publicly routable address when the set holds one, so
// that a witness from `internet` looks like a client on the internet.
import type { Family } from '../syntax/ast';
import { parseCidr } from '../syntax/cidr';
import { BigSet, IntervalSet } from './intervals';
import type { Model } from './model';
import { serviceAddresses } from './regions';

function setOf(cidrs: string[]): BigSet {
  return IntervalSet.from(cidrs.map((text) => {
    const parsed = parseCidr(text, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
    if (!parsed.ok) throw new Error(`bad built-in CIDR ${text}`);
    return [parsed.cidr.first, parsed.cidr.last] as const;
  }));
}

const UNUSABLE: Record<Family, BigSet> = {
  4: setOf(['0.0.0.0/8', '127.0.0.0/8', '224.0.0.0/4', '240.0.0.0/4']),
  6: setOf(['::/128', '::1/128', 'ff00::/8']),
};

/** Special-purpose ranges: private, shared, link-local, documentation, benchmarking. */
const NOT_PUBLIC: Record<Family, BigSet> = {
  4: setOf(['10.0.0.0/8', '100.64.0.0/10', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24', '192.0.2.0/24',
    '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24']),
  // Everything outside global unicast (2000::/3), and the documentation range.
  6: setOf(['::/3', '4000::/2', '8000::/1', '2001:db8::/32']),
};

interface Avoided {
  /** Addresses no real host uses here. */
  unusable: BigSet;
  /** Those, and the addresses that are not publicly routable. */
  notRoutable: BigSet;
}

const reservedCache = new WeakMap<Model, Record<Family, Avoided>>();

/** The five addresses AWS reserves in every subnet, and the addresses of the services it provides. */
function reservedAddresses(model: Model): Record<Family, Avoided> {
  let found = reservedCache.get(model);
  if (found) return found;
  const points: Record<Family, [bigint, bigint][]> = { 4: [], 6: [] };
  for (const subnet of model.subnets.values()) {
    for (const block of [subnet.v4, subnet.v6]) {
      if (!block) continue;
      points[block.family].push([block.first, block.first + 3n], [block.last, block.last]);
    }
  }
  const avoided = (family: Family): Avoided => {
    const unusable = IntervalSet.from(points[family]).union(UNUSABLE[family]).union(serviceAddresses(model, family));
    return { unusable, notRoutable: unusable.union(NOT_PUBLIC[family]) };
  };
  found = { 4: avoided(4), 6: avoided(6) };
  reservedCache.set(model, found);
  return found;
}

export interface PreferredAddress {
  address: bigint;
  /** 0: publicly routable; 1: usable; 2: only unusable addresses were left. */
  rank: number;
}

export function preferredAddress(model: Model, set: BigSet, family: Family): PreferredAddress {
  const avoided = reservedAddresses(model)[family];
  const routable = hostLike(set, avoided.notRoutable);
  if (routable !== undefined) return { address: routable, rank: 0 };
  const usable = hostLike(set, avoided.unusable);
  return usable !== undefined ? { address: usable, rank: 1 } : { address: set.min()!, rank: 2 };
}

/** The smallest address not excluded; the next one when it ends in zero and reads as a network. */
function hostLike(set: BigSet, excluded: BigSet): bigint | undefined {
  const first = set.firstOutside(excluded);
  if (first === undefined || first % 256n !== 0n) return first;
  const next = first + 1n;
  return set.has(next) && !excluded.has(next) ? next : first;
}

/**
 * The set with the runs of reserved service addresses that lie inside it filled in: no end holds
 * them, so a sentence about an end's addresses need not cut around them.
 */
export function withServiceGapsFilled(model: Model, set: BigSet, family: Family): BigSet {
  const filled = serviceAddresses(model, family).intervals.filter(([lo, hi]) => set.has(lo - 1n) && set.has(hi + 1n));
  return filled.length === 0 ? set : set.union(IntervalSet.from(filled));
}
