// The space a list of rules matches, cut into cells: within a cell (one protocol, an interval of
// keys, an interval of addresses) every rule matches all of it or none of it. Checks that compare
// rules with each other (shadowed, redundant, covered) reason on which rules match each cell, so
// only the distinct sets of matching rules matter; they are found by one sweep over the address
// boundaries, cutting the keys once per distinct set of rules that match an address piece.
import type { Family } from '../../syntax/ast';
import { AddrSet, ofFamily } from '../addresses';
import type { BigSet, PortSet } from '../intervals';

export interface RuleBox {
  /** IANA number, -1 for all. */
  protocol: number;
  keys: PortSet;
  addrs: AddrSet;
}

interface Entry {
  box: RuleBox;
  index: number;
  addrs: BigSet;
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

/** For each key piece (0-65535 cut at every boundary of these entries' keys), the entries matching it. */
function keyCells(active: readonly Entry[], emit: (matching: number[]) => void): void {
  const cuts = new Set<number>([0]);
  for (const entry of active) for (const [lo, hi] of entry.box.keys.intervals) cuts.add(lo).add(hi + 1);
  const starts = [...cuts].filter((cut) => cut <= 65535).sort((a, b) => a - b);
  for (const start of starts) {
    const matching: number[] = [];
    for (const entry of active) if (entry.box.keys.has(start)) matching.push(entry.index);
    if (matching.length > 0) emit(matching);
  }
}

/** Entries sharing one address set (rules naming the same group or list share it). */
interface SharedSet {
  set: BigSet;
  entries: Entry[];
}

/** Sorted boundaries: at `ats[i]` the entries of `sets[codes[i] >> 1]` start (code odd) or end. */
interface AddressEvents {
  ats: (number | bigint)[];
  codes: number[];
  sets: SharedSet[];
}

/** Room below an IPv4 boundary (at most 2^32) for an event code, in one exact double. */
const CODE_SLOTS = 2 ** 20;

/** IPv4 boundaries of a set as numbers [lo, hi + 1, ...], once per set: groups are named by many rules. */
const v4Boundaries = new WeakMap<BigSet, Float64Array>();

function boundariesOf(set: BigSet): Float64Array {
  let boundaries = v4Boundaries.get(set);
  if (!boundaries) {
    boundaries = new Float64Array(set.intervals.length * 2);
    set.intervals.forEach(([lo, hi], i) => {
      boundaries![2 * i] = Number(lo);
      boundaries![2 * i + 1] = Number(hi) + 1;
    });
    v4Boundaries.set(set, boundaries);
  }
  return boundaries;
}

function sharedSets(entries: Entry[]): SharedSet[] {
  const bySet = new Map<BigSet, Entry[]>();
  for (const entry of entries) {
    const sharing = bySet.get(entry.addrs);
    if (sharing) sharing.push(entry);
    else bySet.set(entry.addrs, [entry]);
  }
  return [...bySet].map(([set, sharing]) => ({ set, entries: sharing }));
}

/**
 * Where the sets' intervals start and end, sorted by address. IPv4 events are packed into doubles
 * (address above, code below) and sorted natively, far faster than comparing objects.
 */
function addressEvents(entries: Entry[], family: Family): AddressEvents {
  const sets = sharedSets(entries);
  const total = sets.reduce((sum, shared) => sum + shared.set.intervals.length * 2, 0);
  if (family === 4 && sets.length * 2 < CODE_SLOTS) {
    const packed = new Float64Array(total);
    let n = 0;
    sets.forEach((shared, index) => {
      const boundaries = boundariesOf(shared.set);
      for (let b = 0; b < boundaries.length; b++) packed[n++] = boundaries[b] * CODE_SLOTS + index * 2 + (b % 2 === 0 ? 1 : 0);
    });
    packed.sort();
    const ats: number[] = new Array(total);
    const codes: number[] = new Array(total);
    for (let i = 0; i < total; i++) {
      codes[i] = packed[i] % CODE_SLOTS;
      ats[i] = (packed[i] - codes[i]) / CODE_SLOTS;
    }
    return { ats, codes, sets };
  }
  const events: { at: bigint; code: number }[] = [];
  sets.forEach((shared, index) => {
    for (const [lo, hi] of shared.set.intervals) events.push({ at: lo, code: index * 2 + 1 }, { at: hi + 1n, code: index * 2 });
  });
  events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return { ats: events.map((event) => event.at), codes: events.map((event) => event.code), sets };
}

/** Address pieces in ascending order, each with the included entries (in index order) whose addresses hold it. */
function addressSweep(events: AddressEvents, include: (entry: Entry) => boolean, visit: (active: readonly Entry[]) => void): void {
  const { ats, codes, sets } = events;
  const active: Entry[] = [];
  for (let e = 0; e < ats.length;) {
    const at = ats[e];
    let changed = false;
    for (; e < ats.length && ats[e] === at; e++) {
      const starts = (codes[e] & 1) === 1;
      for (const entry of sets[codes[e] >> 1].entries) {
        if (!include(entry)) continue;
        changed = true;
        if (starts) {
          let position = active.length;
          while (position > 0 && active[position - 1].index > entry.index) position--;
          active.splice(position, 0, entry);
        } else {
          active.splice(active.indexOf(entry), 1);
        }
      }
    }
    // An unchanged set of entries was visited at the previous piece already.
    if (changed && active.length > 0) visit(active);
  }
}

/**
 * The distinct lists of boxes (indexes, ascending) that match together some cell of the space, in
 * the order cells are first met: family, protocol, then ascending addresses, then ascending keys.
 */
export function matchingSets(boxes: RuleBox[]): number[][] {
  const found: number[][] = [];
  const seen = new Set<string>();
  const emit = (matching: number[]) => {
    const signature = matching.join(',');
    if (seen.has(signature)) return;
    seen.add(signature);
    found.push(matching);
  };
  for (const family of [4, 6] as const satisfies readonly Family[]) {
    const indexed = boxes.map((box, index) => ({ box, index, addrs: ofFamily(box.addrs, family) })).filter((entry) => !entry.addrs.isEmpty());
    if (indexed.length === 0) continue;
    const events = addressEvents(indexed, family);
    for (const protocol of protocolAtoms(indexed.map((entry) => entry.box))) {
      const matchesProtocol = (entry: Entry) => entry.box.protocol === -1 || entry.box.protocol === protocol;
      // Address pieces matched by the same entries have the same key cells: cut keys once per set.
      const cutFor = new Set<string>();
      addressSweep(events, matchesProtocol, (active) => {
        const signature = active.map((entry) => entry.index).join(',');
        if (cutFor.has(signature)) return;
        cutFor.add(signature);
        keyCells(active, emit);
      });
    }
  }
  return found;
}
