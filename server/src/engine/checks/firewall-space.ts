// The packets a stateless firewall rule matches, as exact sets: unions of disjoint boxes over
// (protocol, source address, destination address, source port, destination port), one family at a
// time. First-match analysis walks a policy's rules over these sets, as the NACL checks do.
import type { Family } from '../../syntax/ast';
import { ofFamily, universe } from '../addresses';
import { BigSet, IntervalSet, PortSet } from '../intervals';
import { ALL_KEYS } from '../keys';
import type { FirewallPolicy, StatefulRuleModel, StatelessRuleModel } from '../model';

/** [protocols, sources, destinations, source ports, destination ports] */
export type PacketBox = readonly [PortSet, BigSet, BigSet, PortSet, PortSet];

const ALL_PROTOCOLS: PortSet = IntervalSet.of(0, 255);
const PORT_PROTOCOLS: PortSet = IntervalSet.from([[6, 6], [17, 17]]);

type AnySet = IntervalSet<number> & IntervalSet<bigint>;

function intersect(a: PacketBox, b: PacketBox): PacketBox | undefined {
  const out: AnySet[] = [];
  for (let dim = 0; dim < 5; dim++) {
    const set = (a[dim] as AnySet).intersect(b[dim] as AnySet) as AnySet;
    if (set.isEmpty()) return undefined;
    out.push(set);
  }
  return out as unknown as PacketBox;
}

/** `box` minus `cut`, as disjoint boxes. */
function subtract(box: PacketBox, cut: PacketBox): PacketBox[] {
  const pieces: PacketBox[] = [];
  const kept = [...box] as AnySet[];
  for (let dim = 0; dim < 5; dim++) {
    const outside = kept[dim].subtract(cut[dim] as AnySet) as AnySet;
    if (!outside.isEmpty()) pieces.push(kept.map((set, d) => (d === dim ? outside : set)) as unknown as PacketBox);
    kept[dim] = kept[dim].intersect(cut[dim] as AnySet) as AnySet;
    if (kept[dim].isEmpty()) return pieces;
  }
  return pieces;
}

/** A set of packets of one family. */
export class PacketSpace {
  private constructor(readonly boxes: readonly PacketBox[]) {}

  static of(box: PacketBox | undefined): PacketSpace {
    return new PacketSpace(box && box.every((set) => !set.isEmpty()) ? [box] : []);
  }

  static union(spaces: PacketSpace[]): PacketSpace {
    let out: PacketBox[] = [];
    for (const space of spaces) for (const box of space.boxes) out = [...out.flatMap((kept) => subtract(kept, box)), box];
    return new PacketSpace(out);
  }

  isEmpty(): boolean {
    return this.boxes.length === 0;
  }

  intersect(other: PacketSpace): PacketSpace {
    const out: PacketBox[] = [];
    for (const a of this.boxes) for (const b of other.boxes) {
      const both = intersect(a, b);
      if (both) out.push(both);
    }
    return new PacketSpace(out);
  }

  subtract(other: PacketSpace): PacketSpace {
    let rest = this.boxes.slice();
    for (const cut of other.boxes) rest = rest.flatMap((box) => subtract(box, cut));
    return new PacketSpace(rest);
  }

  /** The same packets seen the other way: addresses and ports swapped (the replies). */
  reversed(): PacketSpace {
    return new PacketSpace(this.boxes.map(([protocols, src, dst, srcPorts, dstPorts]) => [protocols, dst, src, dstPorts, srcPorts] as const));
  }

  /** Some packet of the set, to show: the smallest values. */
  sample(): { protocol: number; src: bigint; dst: bigint; srcPort: number; dstPort: number } | undefined {
    const box = this.boxes[0];
    return box && { protocol: box[0].min()!, src: box[1].min()!, dst: box[2].min()!, srcPort: box[3].min()!, dstPort: box[4].min()! };
  }
}

function protocolSet(protocols: number[] | undefined): PortSet {
  return protocols ? IntervalSet.from(protocols.map((protocol) => [protocol, protocol] as const)) : ALL_PROTOCOLS;
}

/** The packets a stateless rule matches: a port constraint limits it to TCP and UDP. */
export function statelessSpace(rule: StatelessRuleModel, family: Family): PacketSpace {
  let protocols = protocolSet(rule.protocols);
  if (rule.sourcePorts || rule.destinationPorts) protocols = protocols.intersect(PORT_PROTOCOLS);
  return PacketSpace.of([protocols, ofFamily(rule.sources, family), ofFamily(rule.destinations, family), rule.sourcePorts ?? ALL_KEYS, rule.destinationPorts ?? ALL_KEYS]);
}

/** The packets a stateful rule's header matches, either way for `<>`. */
export function statefulSpace(rule: StatefulRuleModel, family: Family): PacketSpace {
  let protocols = protocolSet(rule.protocols);
  if (rule.hasPorts) protocols = protocols.intersect(PORT_PROTOCOLS);
  const forward = PacketSpace.of([protocols, ofFamily(rule.sources, family), ofFamily(rule.destinations, family), rule.sourcePorts, rule.destinationPorts]);
  return rule.bidirectional ? PacketSpace.union([forward, forward.reversed()]) : forward;
}

export function everyPacket(family: Family): PacketSpace {
  return PacketSpace.of([ALL_PROTOCOLS, universe(family), universe(family), ALL_KEYS, ALL_KEYS]);
}

/** What the stateless stage does with a set of packets, part by part: the deciding rule, or the default. */
export function statelessDecisions(policy: FirewallPolicy, family: Family, packets: PacketSpace): { rule?: StatelessRuleModel; action: string; packets: PacketSpace }[] {
  const parts: { rule?: StatelessRuleModel; action: string; packets: PacketSpace }[] = [];
  let rest = packets;
  for (const rule of policy.stateless) {
    if (rest.isEmpty()) break;
    const matched = rest.intersect(statelessSpace(rule, family));
    if (matched.isEmpty()) continue;
    parts.push({ rule, action: rule.action, packets: matched });
    rest = rest.subtract(matched);
  }
  if (!rest.isEmpty()) parts.push({ action: policy.statelessDefault, packets: rest });
  return parts;
}
