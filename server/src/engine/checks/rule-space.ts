// The space a list of rules matches, cut into cells: within a cell (one protocol, an interval of
// keys, an interval of addresses) every rule matches all of it or none of it. Checks that compare
// rules with each other (shadowed, redundant, covered) then reason cell by cell, exactly.
import type { Family } from '../../syntax/ast';
import { AddrSet, ofFamily } from '../addresses';
import { BigSet, IntervalSet, PortSet } from '../intervals';

export interface RuleBox {
  /** IANA number, -1 for all. */
  protocol: number;
  keys: PortSet;
  addrs: AddrSet;
}

export interface Cell {
  family: Family;
  protocol: number;
  keys: PortSet;
  addrs: BigSet;
  /** Indexes of the boxes that match the cell, ascending. */
  matching: number[];
}

function cutsToAtoms<T extends number | bigint>(cuts: Set<T>, lo: T, hi: T, one: T): [T, T][] {
  const sorted = [...cuts].filter((c) => c > lo && c <= hi).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const atoms: [T, T][] = [];
  let start = lo;
  for (const cut of sorted) {
    atoms.push([start, (cut - one) as T]);
    start = cut;
  }
  atoms.push([start, hi]);
  return atoms;
}

function protocolAtoms(boxes: RuleBox[]): number[] {
  const specific = [...new Set(boxes.map((box) => box.protocol).filter((p) => p >= 0))];
  // One representative of "every protocol no rule names", when such a protocol exists.
  if (boxes.some((box) => box.protocol === -1) && specific.length < 256) {
    let other = 0;
    while (specific.includes(other)) other++;
    specific.push(other);
  }
  return specific;
}

/** Every cell matched by at least one box. */
export function* cells(boxes: RuleBox[]): Generator<Cell> {
  for (const family of [4, 6] as const) {
    const indexed = boxes.map((box, index) => ({ box, index, addrs: ofFamily(box.addrs, family) })).filter((entry) => !entry.addrs.isEmpty());
    if (indexed.length === 0) continue;
    const protocols = protocolAtoms(indexed.map((entry) => entry.box));
    for (const protocol of protocols) {
      const forProtocol = indexed.filter((entry) => entry.box.protocol === -1 || entry.box.protocol === protocol);
      const covered = forProtocol.reduce<BigSet>((set, entry) => set.union(entry.addrs), IntervalSet.empty());
      const addrCuts = new Set<bigint>();
      for (const entry of forProtocol) for (const [lo, hi] of entry.addrs.intervals) addrCuts.add(lo).add(hi + 1n);
      for (const [lo, hi] of covered.intervals) {
        for (const [alo, ahi] of cutsToAtoms(addrCuts, lo, hi, 1n)) {
          const here = forProtocol.filter((entry) => entry.addrs.has(alo));
          const keyCuts = new Set<number>();
          for (const entry of here) for (const [klo, khi] of entry.box.keys.intervals) keyCuts.add(klo).add(khi + 1);
          for (const [klo, khi] of cutsToAtoms(keyCuts, 0, 65535, 1)) {
            const matching = here.filter((entry) => entry.box.keys.has(klo)).map((entry) => entry.index);
            if (matching.length === 0) continue;
            yield { family, protocol, keys: IntervalSet.of(klo, khi), addrs: IntervalSet.of(alo, ahi), matching };
          }
        }
      }
    }
  }
}
