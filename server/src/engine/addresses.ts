import type { Cidr, Family } from '../syntax/ast';
import { formatAddress, rangeToCidrs } from '../syntax/cidr';
import { BigSet, IntervalSet } from './intervals';

/** A set of addresses of both families. */
export interface AddrSet {
  v4: BigSet;
  v6: BigSet;
}

export const MAX_V4 = (1n << 32n) - 1n;
export const MAX_V6 = (1n << 128n) - 1n;

export function universe(family: Family): BigSet {
  return IntervalSet.of(0n, family === 4 ? MAX_V4 : MAX_V6);
}

export function emptyAddrs(): AddrSet {
  return { v4: IntervalSet.empty(), v6: IntervalSet.empty() };
}

export function ofFamily(addrs: AddrSet, family: Family): BigSet {
  return family === 4 ? addrs.v4 : addrs.v6;
}

export function cidrSet(cidr: Cidr): BigSet {
  return IntervalSet.of(cidr.first, cidr.last);
}

export function addrsOfCidrs(cidrs: Iterable<Cidr>): AddrSet {
  const v4: [bigint, bigint][] = [];
  const v6: [bigint, bigint][] = [];
  for (const cidr of cidrs) (cidr.family === 4 ? v4 : v6).push([cidr.first, cidr.last]);
  return { v4: IntervalSet.from(v4), v6: IntervalSet.from(v6) };
}

export function addrsOfPoints(points: Iterable<{ value: bigint; family: Family }>): AddrSet {
  const v4: [bigint, bigint][] = [];
  const v6: [bigint, bigint][] = [];
  for (const { value, family } of points) (family === 4 ? v4 : v6).push([value, value]);
  return { v4: IntervalSet.from(v4), v6: IntervalSet.from(v6) };
}

export function isWholeFamily(set: BigSet, family: Family): boolean {
  return set.equals(universe(family));
}

/** Addresses as a reader wants them: CIDRs, or a range when that is shorter. */
export function formatAddrSet(set: BigSet, family: Family, max = 4): string {
  if (set.isEmpty()) return 'no address';
  if (isWholeFamily(set, family)) return family === 4 ? '0.0.0.0/0' : '::/0';
  const parts: string[] = [];
  for (const [lo, hi] of set.intervals) {
    const cidrs = rangeToCidrs(lo, hi, family);
    if (cidrs.length <= 2) parts.push(...cidrs);
    else parts.push(`${formatAddress(lo, family)}-${formatAddress(hi, family)}`);
  }
  if (parts.length <= max) return parts.join(', ');
  return `${parts.slice(0, max).join(', ')} and ${parts.length - max} more`;
}
