// AWS Network Firewall's two engines on one connection (paths.md, "Network Firewall"). The
// stateless stage judges every packet alone, like a network ACL; the stateful stage follows the
// connection's packets in order, like a security group, and once a `pass` rule matches one packet
// it passes the rest of the connection both ways. A connection is judged by walking its packet
// sequence; a set of connections is judged exactly by cutting the ports into cells within which
// every rule matches alike and walking one connection per cell.
import type { Family, StatelessAction } from '../syntax/ast';
import { ofFamily } from './addresses';
import { BoxSet } from './boxes';
import type { Hop, KeySource, Remote } from './hops';
import { BigSet, IntervalSet, PortSet } from './intervals';
import type { Firewall, FirewallPolicy, StatefulRuleModel, StatelessRuleModel } from './model';

/** One packet of a connection as the stateful stage orders them. */
export interface SequencePacket {
  name: string;
  fromInitiator: boolean;
  established: boolean;
}

const TCP_SEQUENCE: SequencePacket[] = [
  { name: 'SYN', fromInitiator: true, established: false },
  { name: 'SYN-ACK', fromInitiator: false, established: false },
  { name: 'data from the initiator', fromInitiator: true, established: true },
  { name: 'data back', fromInitiator: false, established: true },
];
const DATAGRAM_SEQUENCE: SequencePacket[] = [
  { name: 'first datagram', fromInitiator: true, established: false },
  { name: 'reply datagram', fromInitiator: false, established: true },
  { name: 'later datagram from the initiator', fromInitiator: true, established: true },
];
const ECHO_SEQUENCE: SequencePacket[] = [
  { name: 'echo request', fromInitiator: true, established: false },
  { name: 'echo reply', fromInitiator: false, established: true },
];

/** The packets of a connection of this protocol, in order; a one-way connection has its first packet only. */
export function connectionPackets(protocol: number, oneWay: boolean): SequencePacket[] {
  const sequence = protocol === 6 ? TCP_SEQUENCE : protocol === 1 || protocol === 58 ? ECHO_SEQUENCE : DATAGRAM_SEQUENCE;
  if (!oneWay) return sequence;
  return [{ ...sequence[0], name: protocol === 1 || protocol === 58 ? 'ICMP message' : sequence[0].name }];
}

/** A concrete connection at an endpoint, in the request's orientation. */
export interface EndpointConnection {
  protocol: number;
  family: Family;
  initiator: bigint;
  initiatorPort: number;
  responder: bigint;
  responderPort: number;
}

interface Header {
  src: bigint;
  srcPort: number;
  dst: bigint;
  dstPort: number;
}

export interface StatelessDecision {
  action: StatelessAction;
  /** Undefined: no rule matches, the policy's stateless default decides. */
  rule?: StatelessRuleModel;
}

export interface StatefulDecision {
  action: 'pass' | 'drop';
  /**
   * rule: a rule decides; state: an earlier packet's pass covers it; no-match: no rule decides and
   * the packet passes; default: the strict order's default action decides.
   */
  how: 'rule' | 'state' | 'no-match' | 'default';
  rule?: StatefulRuleModel;
}

export interface PacketOutcome {
  packet: SequencePacket;
  stateless: StatelessDecision;
  /** Present when the stateless stage forwarded the packet. */
  stateful?: StatefulDecision;
  dropped: boolean;
}

export interface SequenceOutcome {
  /** The packets up to the first one dropped. */
  packets: PacketOutcome[];
  /** The first dropped packet's direction and stage; undefined when every packet passes. */
  drop?: { fromInitiator: boolean; stage: 'stateless' | 'stateful' };
  /** Left-out rules whose header matches a packet the stateful stage judged. */
  assumed: StatefulRuleModel[];
}

const hasPorts = (protocol: number) => protocol === 6 || protocol === 17;

function statelessMatches(rule: StatelessRuleModel, protocol: number, family: Family, header: Header): boolean {
  if (rule.protocols && !rule.protocols.includes(protocol)) return false;
  if ((rule.sourcePorts || rule.destinationPorts) && !hasPorts(protocol)) return false;
  if (rule.sourcePorts && !rule.sourcePorts.has(header.srcPort)) return false;
  if (rule.destinationPorts && !rule.destinationPorts.has(header.dstPort)) return false;
  return ofFamily(rule.sources, family).has(header.src) && ofFamily(rule.destinations, family).has(header.dst);
}

export function statelessDecision(policy: FirewallPolicy, protocol: number, family: Family, header: Header): StatelessDecision {
  const rule = policy.stateless.find((candidate) => statelessMatches(candidate, protocol, family, header));
  return rule ? { action: rule.action, rule } : { action: policy.statelessDefault };
}

function headerMatches(rule: StatefulRuleModel, protocol: number, family: Family, header: Header): boolean {
  if (rule.protocols && !rule.protocols.includes(protocol)) return false;
  if (rule.hasPorts && !hasPorts(protocol)) return false;
  const oneWay = (h: Header) => ofFamily(rule.sources, family).has(h.src) && rule.sourcePorts.has(h.srcPort)
    && ofFamily(rule.destinations, family).has(h.dst) && rule.destinationPorts.has(h.dstPort);
  return oneWay(header) || (rule.bidirectional && oneWay({ src: header.dst, srcPort: header.dstPort, dst: header.src, dstPort: header.srcPort }));
}

function statefulMatches(rule: StatefulRuleModel, protocol: number, family: Family, header: Header, packet: SequencePacket): boolean {
  if (rule.flowDirection && (rule.flowDirection === 'to_server') !== packet.fromInitiator) return false;
  if (rule.flowState && (rule.flowState === 'established') !== packet.established) return false;
  return headerMatches(rule, protocol, family, header);
}

/** The stateful stage's decision on one packet it sees, by the policy's rule order. */
export function statefulDecision(policy: FirewallPolicy, protocol: number, family: Family, header: Header, packet: SequencePacket): StatefulDecision {
  const matching = policy.stateful.filter((rule) => statefulMatches(rule, protocol, family, header, packet));
  if (policy.order === 'default') {
    const pass = matching.find((rule) => rule.action === 'pass');
    if (pass) return { action: 'pass', how: 'rule', rule: pass };
    const drop = matching.find((rule) => rule.action === 'drop' || rule.action === 'reject');
    if (drop) return { action: 'drop', how: 'rule', rule: drop };
    return { action: 'pass', how: 'no-match' };
  }
  const first = matching.find((rule) => rule.action !== 'alert');
  if (first) return { action: first.action === 'pass' ? 'pass' : 'drop', how: 'rule', rule: first };
  const drops = policy.dropDefault === 'drop-strict' || (policy.dropDefault === 'drop-established' && packet.established);
  return drops ? { action: 'drop', how: 'default' } : { action: 'pass', how: 'no-match' };
}

/** Walks a connection's packets through the endpoint's two stages. */
export function judgeSequence(policy: FirewallPolicy, conn: EndpointConnection, packets: SequencePacket[]): SequenceOutcome {
  const forward: Header = { src: conn.initiator, srcPort: conn.initiatorPort, dst: conn.responder, dstPort: conn.responderPort };
  const back: Header = { src: conn.responder, srcPort: conn.responderPort, dst: conn.initiator, dstPort: conn.initiatorPort };
  const outcome: SequenceOutcome = { packets: [], assumed: [] };
  const assumed = new Set<StatefulRuleModel>();
  let passedOnState = false;
  for (const packet of packets) {
    const header = packet.fromInitiator ? forward : back;
    const stateless = statelessDecision(policy, conn.protocol, conn.family, header);
    const line: PacketOutcome = { packet, stateless, dropped: stateless.action === 'drop' };
    if (stateless.action === 'forward') {
      if (passedOnState) {
        line.stateful = { action: 'pass', how: 'state' };
      } else {
        for (const rule of policy.undecidable) if (statefulMatches(rule, conn.protocol, conn.family, header, packet)) assumed.add(rule);
        line.stateful = statefulDecision(policy, conn.protocol, conn.family, header, packet);
        if (line.stateful.how === 'rule' && line.stateful.action === 'pass') passedOnState = true;
        line.dropped = line.stateful.action === 'drop';
      }
    }
    outcome.packets.push(line);
    if (line.dropped) {
      outcome.drop = { fromInitiator: packet.fromInitiator, stage: line.stateful ? 'stateful' : 'stateless' };
      break;
    }
  }
  outcome.assumed = [...assumed];
  return outcome;
}

/** Whether the first drop of a sequence is this hop's: its stage, on a packet of its direction. */
export function dropsAt(hop: Hop & { kind: 'firewall' }, outcome: SequenceOutcome): boolean {
  return outcome.drop !== undefined && outcome.drop.stage === hop.stage && outcome.drop.fromInitiator === (hop.phase === 'request');
}

const addressCache = new WeakMap<FirewallPolicy, Record<Family, BigSet[]>>();

/** The address sets of every rule of a firewall's policy: where its decision may change. */
export function firewallAddressSets(firewall: Firewall, family: Family): BigSet[] {
  const policy = firewall.policy;
  if (!policy) return [];
  let sets = addressCache.get(policy);
  if (!sets) {
    const of = (f: Family) => [...new Set([...policy.stateless, ...policy.stateful, ...policy.undecidable]
      .flatMap((rule) => [ofFamily(rule.sources, f), ofFamily(rule.destinations, f)]))];
    addressCache.set(policy, (sets = { 4: of(4), 6: of(6) }));
  }
  return sets[family];
}

/** Every port where some rule of the policy may decide otherwise, sorted. */
const cutCache = new WeakMap<FirewallPolicy, number[]>();

function portCuts(policy: FirewallPolicy): number[] {
  let cuts = cutCache.get(policy);
  if (cuts) return cuts;
  const points = new Set<number>([0, 65536]);
  const add = (set: PortSet | undefined) => {
    for (const [lo, hi] of set?.intervals ?? []) points.add(lo).add(hi + 1);
  };
  for (const rule of policy.stateless) {
    add(rule.sourcePorts);
    add(rule.destinationPorts);
  }
  for (const rule of [...policy.stateful, ...policy.undecidable]) {
    add(rule.sourcePorts);
    add(rule.destinationPorts);
  }
  cuts = [...points].sort((a, b) => a - b);
  cutCache.set(policy, cuts);
  return cuts;
}

/** The values a key source takes in `admitted`, cut where the policy's rules may decide otherwise. */
function cells(key: KeySource, admitted: BoxSet, cuts: number[], protocol: number): PortSet[] {
  if ('fixed' in key) return [IntervalSet.point(key.fixed)];
  const values = admitted.project(key.dim);
  // Ports matter to TCP and UDP only: for other protocols every value is judged alike.
  if (!hasPorts(protocol)) return [values];
  const pieces: PortSet[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const piece = values.intersect(IntervalSet.of(cuts[i], cuts[i + 1] - 1));
    if (!piece.isEmpty()) pieces.push(piece);
  }
  return pieces;
}

export interface FirewallJudgement {
  admitted: BoxSet;
  /** Every outcome seen, one per cell, for the rules that decide and the rules assumed. */
  outcomes: SequenceOutcome[];
}

function remoteAddress(remote: Remote, src: bigint, dst: bigint): bigint {
  return 'fixed' in remote ? remote.fixed : remote.end === 'src' ? src : dst;
}

/** The connections of `admitted`, between one pair of addresses, that a firewall stage lets through. */
export function judgeFirewallStage(
  hop: Hop & { kind: 'firewall' }, protocol: number, family: Family, oneWay: boolean, admitted: BoxSet, src: bigint, dst: bigint,
): FirewallJudgement {
  const policy = hop.firewall.policy;
  if (!policy) return { admitted, outcomes: [] };
  const view = hop.view;
  const cuts = portCuts(policy);
  const packets = connectionPackets(protocol, oneWay);
  const initiator = remoteAddress(view.initiator, src, dst);
  const responder = remoteAddress(view.responder, src, dst);
  const outcomes: SequenceOutcome[] = [];
  const kept: BoxSet[] = [];
  const responderCells = cells(view.responderPort, admitted, cuts, protocol);
  for (const initiatorCell of cells(view.initiatorPort, admitted, cuts, protocol)) {
    let passing: PortSet = IntervalSet.empty();
    for (const responderCell of responderCells) {
      const outcome = judgeSequence(policy, {
        protocol, family, initiator, responder, initiatorPort: initiatorCell.min()!, responderPort: responderCell.min()!,
      }, packets);
      outcomes.push(outcome);
      if (!dropsAt(hop, outcome)) passing = passing.union(responderCell);
    }
    let part = admitted;
    if ('dim' in view.initiatorPort) part = part.restrict(view.initiatorPort.dim, initiatorCell);
    if ('dim' in view.responderPort) part = part.restrict(view.responderPort.dim, passing);
    else if (passing.isEmpty()) part = BoxSet.empty();
    kept.push(part);
  }
  return { admitted: BoxSet.disjointUnion(kept), outcomes };
}

/** The concrete connection a firewall hop sees, from the flow's connection values. */
export function endpointConnection(hop: Hop & { kind: 'firewall' }, protocol: number, family: Family, srcIp: bigint, dstIp: bigint, values: number[]): EndpointConnection {
  const value = (key: KeySource) => ('fixed' in key ? key.fixed : values[key.dim]);
  return {
    protocol, family,
    initiator: remoteAddress(hop.view.initiator, srcIp, dstIp), initiatorPort: value(hop.view.initiatorPort),
    responder: remoteAddress(hop.view.responder, srcIp, dstIp), responderPort: value(hop.view.responderPort),
  };
}
