// Which of the packets that must cross one network ACL direction it drops: judged exactly, by the
// ACL's own judge (hops.ts), over every remote address and port.
import type { Direction, Family } from '../../syntax/ast';
import { ofFamily } from '../addresses';
import { judgeNacl } from '../hops';
import { BigSet, IntervalSet, PortSet } from '../intervals';
import type { NaclRuleModel, NetworkAcl } from '../model';

export interface DroppedPackets {
  /** The remote addresses whose packets are dropped, on some of the ports. */
  addrs: BigSet;
  /** The ports dropped for the first of them. */
  ports: PortSet;
  /** The lowest-numbered rule that denies some of the packets; undefined when only `*` does. */
  blocker?: NaclRuleModel;
}

/** `remote` cut into intervals inside which each of these rules matches every address or none. */
export function piecesAtRuleBounds(rules: Iterable<NaclRuleModel>, family: Family, remote: BigSet): [bigint, bigint][] {
  const cuts = new Set<bigint>();
  for (const rule of rules) {
    if (rule.family !== family) continue;
    for (const [start, end] of ofFamily(rule.cidr, family).intervals) cuts.add(start).add(end + 1n);
  }
  const sorted = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return remote.intervals.flatMap(([lo, hi]) => {
    const starts = [lo, ...sorted.filter((cut) => cut > lo && cut <= hi)];
    return starts.map((start, i): [bigint, bigint] => [start, i + 1 < starts.length ? starts[i + 1] - 1n : hi]);
  });
}

/**
 * What one ACL direction drops of the packets of `protocol` whose remote address is in `remote`
 * and whose destination port is in `needed`; undefined when it drops none. Addresses for which
 * `expected` is false are left out (no such packets are expected from or to them).
 */
export function droppedPackets(
  acl: NetworkAcl, direction: Direction, protocol: number, family: Family, remote: BigSet, needed: PortSet,
  expected: (address: bigint) => boolean = () => true,
): DroppedPackets | undefined {
  let dropped: DroppedPackets | undefined;
  for (const [start, end] of piecesAtRuleBounds(acl[direction], family, remote)) {
    if (!expected(start)) continue;
    const judgement = judgeNacl(acl, direction, protocol, family, start, needed);
    const gap = needed.subtract(judgement.allowed);
    if (gap.isEmpty()) continue;
    dropped ??= { addrs: IntervalSet.empty(), ports: gap };
    dropped.addrs = dropped.addrs.union(IntervalSet.of(start, end));
    for (const part of judgement.parts) {
      if (part.action === 'deny' && part.rule && (!dropped.blocker || part.rule.number < dropped.blocker.number)) dropped.blocker = part.rule;
    }
  }
  return dropped;
}

/** Both findings in one: the addresses of both, the ports of the first, the lower blocker. */
export function mergeDropped(a: DroppedPackets | undefined, b: DroppedPackets | undefined): DroppedPackets | undefined {
  if (!a || !b) return a ?? b;
  const blockers = [a.blocker, b.blocker].filter((rule): rule is NaclRuleModel => rule !== undefined);
  const blocker = blockers.sort((x, y) => x.number - y.number)[0];
  return { addrs: a.addrs.union(b.addrs), ports: a.ports, blocker };
}
