// Exact sets of integers as sorted, disjoint, non-adjacent closed intervals. Ports and ICMP
// keys use numbers; addresses use bigints (an IPv6 address needs 128 bits).

type Scalar = number | bigint;

export type Interval<T extends Scalar> = readonly [T, T];

function succ<T extends Scalar>(value: T): T {
  return (typeof value === 'bigint' ? value + 1n : (value as number) + 1) as T;
}

function pred<T extends Scalar>(value: T): T {
  return (typeof value === 'bigint' ? value - 1n : (value as number) - 1) as T;
}

/** Whether intervals are each non-empty, in order, and neither overlapping nor adjacent: a set as it is. */
function isOrderedApart<T extends Scalar>(intervals: readonly Interval<T>[]): boolean {
  for (let i = 0; i < intervals.length; i++) {
    const [lo, hi] = intervals[i];
    if (lo > hi || (i > 0 && lo <= succ(intervals[i - 1][1]))) return false;
  }
  return true;
}

function isOrdered<T extends Scalar>(intervals: readonly Interval<T>[]): boolean {
  for (let i = 1; i < intervals.length; i++) if (intervals[i][0] < intervals[i - 1][0]) return false;
  return true;
}

export class IntervalSet<T extends Scalar> {
  private constructor(readonly intervals: readonly Interval<T>[]) {}

  static empty<T extends Scalar>(): IntervalSet<T> {
    return new IntervalSet<T>([]);
  }

  static of<T extends Scalar>(lo: T, hi: T): IntervalSet<T> {
    return lo <= hi ? new IntervalSet<T>([[lo, hi]]) : IntervalSet.empty<T>();
  }

  static point<T extends Scalar>(value: T): IntervalSet<T> {
    return new IntervalSet<T>([[value, value]]);
  }

  /** Builds a set from intervals in any order, overlapping or not. */
  static from<T extends Scalar>(intervals: Iterable<Interval<T>>): IntervalSet<T> {
    // Intervals often come already sorted and apart (an end's addresses, one per instance).
    if (Array.isArray(intervals) && isOrderedApart(intervals)) return new IntervalSet<T>(intervals);
    const sorted = [...intervals].filter(([lo, hi]) => lo <= hi);
    if (!isOrdered(sorted)) sorted.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const merged: [T, T][] = [];
    for (const [lo, hi] of sorted) {
      const last = merged[merged.length - 1];
      if (last && lo <= succ(last[1])) {
        if (hi > last[1]) last[1] = hi;
      } else {
        merged.push([lo, hi]);
      }
    }
    return new IntervalSet<T>(merged);
  }

  isEmpty(): boolean {
    return this.intervals.length === 0;
  }

  min(): T | undefined {
    return this.intervals[0]?.[0];
  }

  has(value: T): boolean {
    let lo = 0;
    let hi = this.intervals.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [a, b] = this.intervals[mid];
      if (value < a) hi = mid - 1;
      else if (value > b) lo = mid + 1;
      else return true;
    }
    return false;
  }

  union(other: IntervalSet<T>): IntervalSet<T> {
    if (other.isEmpty()) return this;
    if (this.isEmpty()) return other;
    return IntervalSet.from([...this.intervals, ...other.intervals]);
  }

  intersect(other: IntervalSet<T>): IntervalSet<T> {
    const out: [T, T][] = [];
    let i = 0;
    let j = 0;
    const a = this.intervals;
    const b = other.intervals;
    while (i < a.length && j < b.length) {
      const lo = a[i][0] > b[j][0] ? a[i][0] : b[j][0];
      const hi = a[i][1] < b[j][1] ? a[i][1] : b[j][1];
      if (lo <= hi) out.push([lo, hi]);
      if (a[i][1] < b[j][1]) i++;
      else j++;
    }
    return new IntervalSet<T>(out);
  }

  subtract(other: IntervalSet<T>): IntervalSet<T> {
    if (this.isEmpty() || other.isEmpty()) return this;
    const out: [T, T][] = [];
    let j = 0;
    const b = other.intervals;
    for (const [lo0, hi] of this.intervals) {
      let lo = lo0;
      while (j < b.length && b[j][1] < lo) j++;
      let k = j;
      while (k < b.length && b[k][0] <= hi && lo <= hi) {
        if (b[k][0] > lo) out.push([lo, pred(b[k][0])]);
        lo = succ(b[k][1]);
        if (b[k][1] > hi) break;
        k++;
      }
      if (lo <= hi) out.push([lo, hi]);
    }
    return new IntervalSet<T>(out);
  }

  /** Whether every element of this set is in `other`. */
  within(other: IntervalSet<T>): boolean {
    return this.subtract(other).isEmpty();
  }

  overlaps(other: IntervalSet<T>): boolean {
    const a = this.intervals;
    const b = other.intervals;
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      if (a[i][1] < b[j][0]) i++;
      else if (b[j][1] < a[i][0]) j++;
      else return true;
    }
    return false;
  }

  /** The index of the first interval that ends at or after `value`. */
  private firstEndingFrom(value: T): number {
    let low = 0;
    let high = this.intervals.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.intervals[mid][1] < value) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** The part of the set within [lo, hi], found by binary search: cheap on a large set. */
  clip(lo: T, hi: T): IntervalSet<T> {
    const out: [T, T][] = [];
    for (let i = this.firstEndingFrom(lo); i < this.intervals.length && this.intervals[i][0] <= hi; i++) {
      const [a, b] = this.intervals[i];
      out.push([a > lo ? a : lo, b < hi ? b : hi]);
    }
    return new IntervalSet<T>(out);
  }

  /** The smallest element of this set that `excluded` does not hold, by binary search in `excluded`. */
  firstOutside(excluded: IntervalSet<T>): T | undefined {
    for (const [lo, hi] of this.intervals) {
      let candidate = lo;
      for (let i = excluded.firstEndingFrom(candidate); candidate <= hi; i++) {
        const blocking = excluded.intervals[i];
        if (!blocking || blocking[0] > candidate) return candidate;
        candidate = succ(blocking[1]);
      }
    }
    return undefined;
  }

  /** How many elements the set holds. */
  size(): bigint {
    let total = 0n;
    for (const [lo, hi] of this.intervals) total += BigInt(hi) - BigInt(lo) + 1n;
    return total;
  }

  equals(other: IntervalSet<T>): boolean {
    if (this.intervals.length !== other.intervals.length) return false;
    return this.intervals.every(([lo, hi], i) => lo === other.intervals[i][0] && hi === other.intervals[i][1]);
  }
}

export type PortSet = IntervalSet<number>;
export type BigSet = IntervalSet<bigint>;
