import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { IntervalSet } from '../server/src/engine/intervals';
import { IPv4 } from 'ip-num';
import { formatAddress, rangeToCidrs } from '../server/src/syntax/cidr';
import { formatAddrSet } from '../server/src/engine/addresses';

// Interval sets against plain sets of integers over a small universe.
const UNIVERSE = 64;
const intervalList = fc.array(fc.tuple(fc.integer({ min: 0, max: UNIVERSE - 1 }), fc.integer({ min: 0, max: UNIVERSE - 1 })), { maxLength: 6 });

function toSet(intervals: [number, number][]): Set<number> {
  const set = new Set<number>();
  for (const [lo, hi] of intervals) for (let v = lo; v <= hi; v++) set.add(v);
  return set;
}

function members(set: IntervalSet<number>): number[] {
  return [...toSet(set.intervals.map(([lo, hi]) => [lo, hi]))].sort((a, b) => a - b);
}

function sorted(set: Set<number>): number[] {
  return [...set].sort((a, b) => a - b);
}

describe('interval sets', () => {
  it('union, intersection, difference and membership agree with plain sets', () => {
    fc.assert(fc.property(intervalList, intervalList, (a, b) => {
      const x = IntervalSet.from(a.map(([p, q]) => [p, q] as const));
      const y = IntervalSet.from(b.map(([p, q]) => [p, q] as const));
      const sx = toSet(a.filter(([p, q]) => p <= q));
      const sy = toSet(b.filter(([p, q]) => p <= q));
      assert.deepEqual(members(x.union(y)), sorted(new Set([...sx, ...sy])));
      assert.deepEqual(members(x.intersect(y)), sorted(new Set([...sx].filter((v) => sy.has(v)))));
      assert.deepEqual(members(x.subtract(y)), sorted(new Set([...sx].filter((v) => !sy.has(v)))));
      assert.equal(x.within(y), [...sx].every((v) => sy.has(v)));
      assert.equal(x.overlaps(y), [...sx].some((v) => sy.has(v)));
      // Intervals given in order (adjacent, overlapping or apart) make the same set as in any order.
      const ordered = IntervalSet.from([...a].sort((p, q) => p[0] - q[0]).map(([p, q]) => [p, q] as const));
      assert.deepEqual(ordered.intervals, x.intervals);
      assert.deepEqual(IntervalSet.from(x.intervals).intervals, x.intervals);
      for (let v = 0; v < UNIVERSE; v++) assert.equal(x.has(v), sx.has(v));
      // Canonical form: sorted, disjoint and never adjacent, so equal sets are equal intervals.
      x.intervals.forEach(([lo, hi], i) => {
        assert.ok(lo <= hi);
        if (i > 0) assert.ok(lo > x.intervals[i - 1][1] + 1);
      });
    }), { numRuns: 500, seed: 42 });
  });

  it('works on 128-bit addresses', () => {
    const all = IntervalSet.of(0n, (1n << 128n) - 1n);
    const vpc = IntervalSet.of(0x26001f18000000000000000000000000n, 0x26001f180000ffffffffffffffffffffn);
    const internet = all.subtract(vpc);
    assert.equal(internet.intervals.length, 2);
    assert.ok(!internet.has(0x26001f18000000000000000000000010n));
    assert.ok(internet.union(vpc).equals(all));
  });
});

describe('address formatting', () => {
  it('turns a range into the fewest CIDR blocks', () => {
    assert.deepEqual(rangeToCidrs(0x0a000000n, 0x0a0000ffn, 4), ['10.0.0.0/24']);
    assert.deepEqual(rangeToCidrs(0x0a000001n, 0x0a000006n, 4), ['10.0.0.1/32', '10.0.0.2/31', '10.0.0.4/31', '10.0.0.6/32']);
    assert.deepEqual(rangeToCidrs(0n, (1n << 128n) - 1n, 6), ['::/0']);
  });

  it('prints whole families, blocks and long ranges readably', () => {
    assert.equal(formatAddrSet(IntervalSet.of(0n, (1n << 32n) - 1n), 4), '0.0.0.0/0');
    assert.equal(formatAddrSet(IntervalSet.of(0x0a000000n, 0x0a00ffffn), 4), '10.0.0.0/16');
    assert.equal(formatAddrSet(IntervalSet.of(0x0a000001n, 0x0a000006n), 4), '10.0.0.1-10.0.0.6');
  });

  it('writes an IPv4 address as ip-num does', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }), (value) => formatAddress(value, 4) === new IPv4(value).toString()), { seed: 4 });
    assert.equal(formatAddress(0n, 4), '0.0.0.0');
    assert.equal(formatAddress((1n << 32n) - 1n, 4), '255.255.255.255');
  });
});
