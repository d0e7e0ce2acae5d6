// The source ports clients use, looked up by address: the union of the ephemeral ranges of the
// instances in an address range. Instances share a handful of distinct ranges (Linux, Windows, a
// few custom ones), so one binary search per distinct range answers a query.
import type { Family } from '../../syntax/ast';
import { IntervalSet, PortSet } from '../intervals';
import type { Instance } from '../model';

interface RangeUsers {
  ports: PortSet;
  /** Sorted addresses of the instances using `ports`. */
  addresses: bigint[];
}

function portsKey(ports: PortSet): string {
  return ports.intervals.map(([lo, hi]) => `${lo}-${hi}`).join(',');
}

/** The union of distinct port sets, each counted once however often it occurs. */
export function unionOfDistinct(sets: Iterable<PortSet>): PortSet {
  const distinct = new Map<string, PortSet>();
  for (const set of sets) distinct.set(portsKey(set), set);
  return [...distinct.values()].reduce<PortSet>((union, set) => union.union(set), IntervalSet.empty());
}

function hasAddressIn(sorted: bigint[], lo: bigint, hi: bigint): boolean {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid] < lo) low = mid + 1;
    else high = mid;
  }
  return low < sorted.length && sorted[low] <= hi;
}

export class EphemeralIndex {
  private readonly users: Record<Family, RangeUsers[]> = { 4: [], 6: [] };

  constructor(instances: Iterable<Instance>) {
    const byKey: Record<Family, Map<string, RangeUsers>> = { 4: new Map(), 6: new Map() };
    for (const instance of instances) {
      for (const [family, address] of [...instance.ips.map((ip) => [4, ip] as const), ...instance.ip6s.map((ip) => [6, ip] as const)]) {
        const key = portsKey(instance.ephemeral);
        let users = byKey[family].get(key);
        if (!users) byKey[family].set(key, (users = { ports: instance.ephemeral, addresses: [] }));
        users.addresses.push(address);
      }
    }
    for (const family of [4, 6] as const) {
      for (const users of byKey[family].values()) users.addresses.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      this.users[family] = [...byKey[family].values()];
    }
  }

  /** The union of the ephemeral ranges of the instances in [lo, hi]; undefined when there is none. */
  portsWithin(family: Family, lo: bigint, hi: bigint): PortSet | undefined {
    const used = this.users[family].filter((users) => hasAddressIn(users.addresses, lo, hi)).map((users) => users.ports);
    return used.length === 0 ? undefined : unionOfDistinct(used);
  }
}
