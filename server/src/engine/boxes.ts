// Sets of port tuples as unions of disjoint boxes. A box is a product of port sets, one per
// dimension of a flow's connections (the destination key, the client's source port, and later the
// ports that gateways choose). A hop admits a box set; the connections a path admits are the
// intersection of its hops' sets. Disjoint boxes make sizes exact sums, so "every connection is
// admitted" is a comparison of sizes.
import { IntervalSet, PortSet } from './intervals';

export type Box = readonly PortSet[];

function boxSize(box: Box): bigint {
  return box.reduce((product, set) => product * set.size(), 1n);
}

function intersectBoxes(a: Box, b: Box): Box | undefined {
  const out: PortSet[] = [];
  for (let dim = 0; dim < a.length; dim++) {
    const set = a[dim].intersect(b[dim]);
    if (set.isEmpty()) return undefined;
    out.push(set);
  }
  return out;
}

/** `box` minus `cut`, as disjoint boxes. */
function subtractBox(box: Box, cut: Box): Box[] {
  const pieces: Box[] = [];
  const kept = [...box];
  for (let dim = 0; dim < box.length; dim++) {
    const outside = kept[dim].subtract(cut[dim]);
    if (!outside.isEmpty()) pieces.push(kept.map((set, d) => (d === dim ? outside : set)));
    kept[dim] = kept[dim].intersect(cut[dim]);
    if (kept[dim].isEmpty()) return pieces;
  }
  return pieces;
}

export class BoxSet {
  private constructor(readonly boxes: readonly Box[]) {}

  static of(box: Box): BoxSet {
    return new BoxSet(box.some((set) => set.isEmpty()) ? [] : [box]);
  }

  static empty(): BoxSet {
    return new BoxSet([]);
  }

  /** The union of sets that share no tuple. */
  static disjointUnion(sets: BoxSet[]): BoxSet {
    return new BoxSet(sets.flatMap((set) => set.boxes));
  }

  isEmpty(): boolean {
    return this.boxes.length === 0;
  }

  size(): bigint {
    return this.boxes.reduce((total, box) => total + boxSize(box), 0n);
  }

  /** The tuples whose value in `dim` lies in `set`. */
  restrict(dim: number, set: PortSet): BoxSet {
    const out: Box[] = [];
    for (const box of this.boxes) {
      const part = box[dim].intersect(set);
      if (!part.isEmpty()) out.push(box.map((s, d) => (d === dim ? part : s)));
    }
    return new BoxSet(out);
  }

  intersect(other: BoxSet): BoxSet {
    const out: Box[] = [];
    for (const a of this.boxes) for (const b of other.boxes) {
      const both = intersectBoxes(a, b);
      if (both) out.push(both);
    }
    return new BoxSet(out);
  }

  /** The tuples of `box` that are not in this set. */
  complementIn(box: Box): BoxSet {
    let rest: Box[] = BoxSet.of(box).boxes.slice();
    for (const cut of this.boxes) rest = rest.flatMap((piece) => subtractBox(piece, cut));
    return new BoxSet(rest);
  }

  /** The values of one dimension that some tuple takes. */
  project(dim: number): PortSet {
    return this.boxes.reduce((set, box) => set.union(box[dim]), IntervalSet.empty<number>());
  }

  /** The smallest tuple, comparing dimensions in order. */
  first(): number[] | undefined {
    let best: number[] | undefined;
    for (const box of this.boxes) {
      const point = box.map((set) => set.min()!);
      if (!best || comparePoints(point, best) < 0) best = point;
    }
    return best;
  }

  has(point: readonly number[]): boolean {
    return this.boxes.some((box) => box.every((set, dim) => set.has(point[dim])));
  }
}

function comparePoints(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}
