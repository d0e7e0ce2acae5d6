// The naive evaluator's routing (../shared/spec/paths.md): one concrete connection's packets, in
// the order they are sent, each walked node by node through route tables, NAT gateways, AWS
// Network Firewall endpoints and the internet and egress-only gateways, with every NACL and SG
// met on the way. Only the project's parser and plain loops: nothing from server/src/engine.
//
// Readings where paths.md is silent or loose:
// - a node is a route lookup (in a subnet's table, or at a gateway on the way in); delivery inside
//   one subnet is none; the request and the reply count their nodes apart; the 17th drops;
// - ICMP through a NAT gateway gets no port (it has none): one connection, address rewritten only;
// - each crossing of a NAT gateway chooses its own port, even the same gateway twice in a loop;
// - a reply addressed to the NAT gateway it must cross next is handed to it (by local delivery or
//   by a route to it); any other NAT gateway on a reply's path, or a reply that would reach its
//   client or leave the VPC with a NAT gateway still to cross, is asymmetric routing;
// - a request addressed to a NAT gateway's own address (the flow names it) reaches a host of its
//   subnet: nothing to undo;
// - "the flow names the instance by its private address": the connection's destination is the
//   instance's first `ip`, whatever end holds it (a CIDR end too);
// - an Amazon-provided address as a source is outside the VPC: it comes in through the internet
//   gateway like any external address (vpcrules.md: judged like any other);
// - at the internet gateway, the NACL of the subnet left is crossed before the public address is
//   checked (the order changes traces, not verdicts);
// - a firewall endpoint is a node in its subnet, as a NAT gateway is: a packet routed to it
//   crosses the NACLs into that subnet (none when it comes from that subnet), is judged, and is
//   routed on by that subnet's table (delivered when its destination is in that subnet);
// - the reply must cross the request's NAT gateways and firewall endpoints as one sequence, in
//   reverse order: a firewall endpoint met out of turn, one the request did not cross, or a reply
//   that reaches its client or leaves the VPC with one still to cross, is asymmetric routing;
// - a connection is its packet sequence (paths.md, Network Firewall): TCP SYN, SYN-ACK, data
//   from the initiator, data back; UDP first datagram, reply, later datagram; ICMP echo request,
//   reply; a one-way flow, and ICMP that is not echo, its first packet. Each packet is walked
//   from its sender, the request's way or the reply's; the connection is admitted when every
//   packet arrives. SGs, NACLs, routes and the stateless stage judge each packet alone, so when
//   the request crosses no firewall endpoint the later packets fare as the first two and are not
//   walked;
// - a firewall endpoint crossed twice by one request (before and after a NAT gateway) sees two
//   connections: each crossing keeps its own state.
import type { Family } from '../../server/src/syntax/ast';
import { FirewallPacket, statefulStage, statelessStage } from './naive-firewall';
import { isPortProtocol, naclAdmits, Packet, sgAdmits } from './naive-filters';
import {
  cidrHas, classify, Conn, HopResult, insideVpc, NaiveFlow, NaiveModel, NFirewall, NInstance, NNatGateway, NRoute, NRouteTable,
  subnetHolding,
} from './naive-model';

/** A path that visits more nodes than this is a routing loop: dropped. */
const MAX_NODES = 16;

/** The source ports a NAT gateway chooses from. */
export const NAT_PORTS: [number, number] = [1024, 65535];

/** A packet's addresses and ports at one point of its path (NAT and the internet gateway change them). */
interface Header {
  src: bigint;
  srcPort: number;
  dst: bigint;
  /** The destination port, or ICMP type * 256 + code. */
  key: number;
}

/**
 * Where a packet is: in a subnet (sent from or delivered to an address there, a NAT gateway
 * included), in the VPC but in no declared subnet, or beyond a gateway (outside the VPC).
 */
type Place =
  | { kind: 'subnet'; subnet: string }
  | { kind: 'unsubnetted' }
  | { kind: 'outside'; gateway: 'igw' | 'eigw' };

/**
 * A NAT gateway the request crossed, with the source it replaced (the reply gets it back), or a
 * firewall endpoint it crossed: the reply must cross them all again, in reverse order.
 */
type Crossing =
  | { kind: 'nat'; nat: NNatGateway; before: { ip: bigint; port: number } }
  | { kind: 'firewall'; firewall: NFirewall };

function crossingName(crossing: Crossing): string {
  return crossing.kind === 'nat' ? `NAT gateway ${crossing.nat.name}` : `firewall ${crossing.firewall.name}`;
}

/** One packet of a connection's sequence (paths.md, Network Firewall). */
export interface SequencePacket {
  /** What the trace calls it. */
  name: string;
  /** Sent by the initiator (the request's way), else by the responder (the reply's way). */
  fromInitiator: boolean;
  established: boolean;
}

/**
 * The packets of one connection in the order they are sent: TCP SYN, SYN-ACK, data, data back;
 * UDP first datagram, reply, later datagram; ICMP echo request and reply; without a reply (a
 * one-way flow, ICMP that is not echo) the first packet only.
 */
export function packetSequence(protocol: number, hasReply: boolean): SequencePacket[] {
  const first = (name: string): SequencePacket => ({ name, fromInitiator: true, established: false });
  if (protocol === 6) {
    if (!hasReply) return [first('SYN')];
    return [first('SYN'), { name: 'SYN-ACK', fromInitiator: false, established: false },
      { name: 'data from the initiator', fromInitiator: true, established: true }, { name: 'data back', fromInitiator: false, established: true }];
  }
  if (protocol === 17) {
    if (!hasReply) return [first('first datagram')];
    return [first('first datagram'), { name: 'reply', fromInitiator: false, established: true },
      { name: 'later datagram from the initiator', fromInitiator: true, established: true }];
  }
  if (!hasReply) return [first('first packet')];
  return [first('echo request'), { name: 'echo reply', fromInitiator: false, established: true }];
}

/** What the firewall endpoints remember of one connection: the crossings whose stateful stage passed it, and why. */
interface ConnectionState {
  passed: Map<number, string>;
}

export interface RoutedTrace {
  steps: HopResult[];
  /** The NAT gateways the request crossed, in order (each chooses a source port). */
  nats: string[];
  /** Whether the request reached its destination (only then does a reply read the NAT ports). */
  requestArrived: boolean;
  /** Whether the first packet's request was dropped as a routing loop (its path does not depend on NAT ports). */
  requestLooped: boolean;
}

// ---------------------------------------------------------------------------------------------
// Route tables.

function sameBlock(a: { family: Family; first: bigint; prefix: number }, b: { family: Family; first: bigint; prefix: number }): boolean {
  return a.family === b.family && a.first === b.first && a.prefix === b.prefix;
}

const routesCache = new WeakMap<NaiveModel, Map<NRouteTable | undefined, NRoute[]>>();

/** The routes written, plus an implicit local route for each VPC block no written route replaces. */
function routesOf(model: NaiveModel, table: NRouteTable | undefined): NRoute[] {
  let byTable = routesCache.get(model);
  if (!byTable) routesCache.set(model, (byTable = new Map()));
  let routes = byTable.get(table);
  if (!routes) byTable.set(table, (routes = withLocalRoutes(model, table)));
  return routes;
}

function withLocalRoutes(model: NaiveModel, table: NRouteTable | undefined): NRoute[] {
  const written = table?.routes ?? [];
  const implicit = model.vpcBlocks
    .filter((block) => !written.some((route) => sameBlock(route.dest, block)))
    .map((block): NRoute => ({ dest: block, target: { kind: 'local' } }));
  return [...written, ...implicit];
}

/** Longest prefix match among the routes of the packet's family. */
function lookup(model: NaiveModel, table: NRouteTable | undefined, family: Family, dst: bigint): NRoute | undefined {
  let best: NRoute | undefined;
  for (const route of routesOf(model, table)) {
    if (cidrHas(route.dest, family, dst) && (!best || route.dest.prefix > best.dest.prefix)) best = route;
  }
  return best;
}

/** A subnet's table: its `routes`, else the main table; undefined: local routes only. */
function subnetTable(model: NaiveModel, subnet: string): NRouteTable | undefined {
  const named = model.subnets.get(subnet)!.routes;
  if (named !== undefined) return model.routeTables.get(named);
  for (const table of model.routeTables.values()) if (table.main) return table;
  return undefined;
}

/** The internet gateway's edge table; undefined: local routes only. */
function edgeTable(model: NaiveModel): NRouteTable | undefined {
  for (const table of model.routeTables.values()) if (table.edgeOf !== undefined && table.edgeOf === model.internetGateway) return table;
  return undefined;
}

function routeText(route: NRoute): string {
  const t = route.target;
  const target = t.kind === 'nat' ? `nat ${t.nat}` : t.kind === 'firewall' ? `firewall ${t.firewall}` : t.kind === 'unmodelled' ? `unmodelled "${t.text}"` : t.kind;
  return `${route.dest.text} -> ${target}${route.line === undefined ? ' (implicit)' : ''}`;
}

// ---------------------------------------------------------------------------------------------
// Public addresses: the internet gateway maps each to one private IPv4 address.

/** The public address of a private source the internet gateway may send out: an instance's first `ip` with `public-ip`, or a NAT gateway. */
function publicAddressOf(model: NaiveModel, privateIp: bigint): bigint | undefined {
  const instance = instanceWithPublicIp(model, privateIp);
  if (instance) return instance.publicIp;
  for (const nat of model.natGateways.values()) if (nat.ip === privateIp) return nat.publicIp;
  return undefined;
}

/** The instance whose first `ip` this is, when it has a `public-ip`: the only address reachable from outside. */
function instanceWithPublicIp(model: NaiveModel, privateIp: bigint): NInstance | undefined {
  for (const instance of model.instances.values()) if (instance.publicIp !== undefined && instance.ips[0] === privateIp) return instance;
  return undefined;
}

function privateAddressOf(model: NaiveModel, publicIp: bigint): bigint | undefined {
  for (const instance of model.instances.values()) if (instance.publicIp === publicIp) return instance.ips[0];
  for (const nat of model.natGateways.values()) if (nat.publicIp === publicIp) return nat.ip;
  return undefined;
}

function formatAddress(family: Family, address: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((address >> shift) & 255n)).join('.');
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((address >> BigInt(i * 16)) & 0xffffn).toString(16));
  return groups.join(':');
}

// ---------------------------------------------------------------------------------------------
// One packet's walk.

type Phase =
  /** The request: `natPorts` are the ports the NAT gateways choose, `crossed` fills as it goes. */
  | { kind: 'request'; natPorts: number[] | undefined; crossed: Crossing[] }
  /** The reply: the NAT gateways and firewall endpoints still to cross, the last one crossed at the end. */
  | { kind: 'reply'; toUndo: Crossing[] };

/** One packet from where it starts to where it arrives; each method returns where it arrived, or undefined when dropped. */
class PacketWalk {
  private nodes = 0;
  /** Set when the walk is dropped as a routing loop. */
  looped = false;

  constructor(
    private readonly model: NaiveModel,
    private readonly flow: NaiveFlow,
    readonly header: Header,
    private readonly phase: Phase,
    private readonly steps: HopResult[],
    private readonly describe: boolean,
    private readonly packetOfSequence: SequencePacket,
    /** The packet's place in the sequence: the first two carry the words they always had. */
    private readonly index: number,
    private readonly state: ConnectionState,
  ) {}

  private get family(): Family {
    return this.flow.family;
  }

  private get label(): string {
    if (this.index >= 2) return ` (${this.packetOfSequence.name})`;
    return this.phase.kind === 'reply' ? ' (reply)' : '';
  }

  private addr(address: bigint): string {
    return formatAddress(this.family, address);
  }

  /** An address with its port; ICMP has none. */
  private endpoint(address: bigint, port: number): string {
    return isPortProtocol(this.flow.protocol) ? `${this.addr(address)}:${port}` : this.addr(address);
  }

  /** Records a hop; its words are made only when the trace is wanted (enumeration needs just the verdicts). */
  private step(hop: () => string, allow: boolean): boolean {
    this.steps.push({ hop: this.describe ? `${hop()}${this.label}` : '', allow });
    return allow;
  }

  private drop(why: () => string): undefined {
    this.step(why, false);
    return undefined;
  }

  private packet(remote: bigint): Packet {
    return { protocol: this.flow.protocol, family: this.family, remote, key: this.header.key };
  }

  /** A security group judges the remote end: the destination going out, the source coming in. */
  sg(instance: NInstance, direction: 'inbound' | 'outbound'): boolean {
    const remote = direction === 'outbound' ? this.header.dst : this.header.src;
    return this.step(() => `sg ${instance.name} ${direction === 'outbound' ? 'out' : 'in'}`, sgAdmits(this.model, instance, direction, this.packet(remote)));
  }

  private nacl(subnet: string, direction: 'inbound' | 'outbound'): boolean {
    const remote = direction === 'outbound' ? this.header.dst : this.header.src;
    return this.step(() => `nacl ${subnet} ${direction === 'outbound' ? 'out' : 'in'}`, naclAdmits(this.model, subnet, direction, this.packet(remote)));
  }

  /** Moving between places: the NACL of the subnet left (outbound), then of the subnet entered (inbound). */
  private cross(from: Place, to: Place): boolean {
    const left = from.kind === 'subnet' ? from.subnet : undefined;
    const entered = to.kind === 'subnet' ? to.subnet : undefined;
    if (left === entered) return true; // one subnet (switched, not routed), or no subnet on either side
    if (left !== undefined && !this.nacl(left, 'outbound')) return false;
    return entered === undefined || this.nacl(entered, 'inbound');
  }

  /** The packet is in a subnet: delivered there when its destination is too (no route, no NACL), else routed. */
  fromSubnet(subnet: string): Place | undefined {
    const here: Place = { kind: 'subnet', subnet };
    if (subnetHolding(this.model, this.family, this.header.dst)?.name === subnet) return this.arrive(here);
    const table = subnetTable(this.model, subnet);
    return this.route(table, () => `route table ${table?.name ?? '(local routes)'} of subnet ${subnet}`, here);
  }

  /** From an address in the VPC in no declared subnet: no route table, straight to the destination's subnet. */
  fromUnsubnetted(): Place | undefined {
    return this.local({ kind: 'unsubnetted' });
  }

  /** The packet comes from outside to a gateway: the request's way in, or the reply's way back. */
  fromOutside(gateway: 'igw' | 'eigw'): Place | undefined {
    if (gateway === 'igw' && this.model.internetGateway === undefined) return this.drop(() => 'no internet gateway');
    if (gateway === 'igw' && this.family === 4 && !this.toPrivateDestination()) return undefined;
    const table = gateway === 'igw' ? edgeTable(this.model) : undefined; // an egress-only gateway has no edge table
    const name = gateway === 'igw' ? `internet gateway ${this.model.internetGateway}` : `egress-only gateway ${this.model.egressOnlyGateway}`;
    return this.route(table, () => `${name}, route table ${table?.name ?? '(local routes)'}`, { kind: 'outside', gateway });
  }

  /**
   * IPv4 from outside is addressed to a public address, which the internet gateway rewrites to its
   * private address: the request names that private address (an instance's first `ip` with a
   * `public-ip`); a reply comes back to the public address its request left from.
   */
  private toPrivateDestination(): boolean {
    const dst = this.header.dst;
    if (this.phase.kind === 'request') {
      const instance = instanceWithPublicIp(this.model, dst);
      if (!instance) return this.step(() => `internet gateway: no public IPv4 address for ${this.addr(dst)}`, false);
      return this.step(() => `internet gateway: destination ${this.addr(instance.publicIp!)} -> ${this.addr(dst)}`, true);
    }
    const privateIp = privateAddressOf(this.model, this.header.dst);
    if (privateIp === undefined) return this.step(() => `internet gateway: ${this.addr(this.header.dst)} is no public address`, false);
    this.step(() => `internet gateway: destination ${this.addr(this.header.dst)} -> ${this.addr(privateIp)}`, true);
    this.header.dst = privateIp;
    return true;
  }

  /** A node: the destination looked up in the node's table, then the route followed. */
  private route(table: NRouteTable | undefined, node: () => string, here: Place): Place | undefined {
    if (++this.nodes > MAX_NODES) {
      this.looped = true;
      return this.drop(() => `${node()}: routing loop (more than ${MAX_NODES} nodes)`);
    }
    const route = lookup(this.model, table, this.family, this.header.dst);
    if (!route) return this.drop(() => `${node()}: no route to ${this.addr(this.header.dst)}`);
    const target = route.target;
    const where = () => `${node()}: ${routeText(route)}`;
    switch (target.kind) {
      case 'local':
        this.step(where, true);
        return this.local(here);
      case 'igw':
      case 'eigw':
        this.step(where, true);
        return this.leave(here, target.kind);
      case 'nat':
        this.step(where, true);
        return this.toNat(here, this.model.natGateways.get(target.nat)!);
      case 'blackhole':
        return this.drop(() => `${where()}: blackhole`);
      case 'unmodelled':
        return this.drop(() => `${where()}: not modelled: ${target.text}`);
      case 'firewall':
        this.step(where, true);
        return this.toFirewall(here, this.model.firewalls.get(target.firewall)!);
    }
  }

  /** `local`: to the subnet holding the destination (an address in no declared subnet: no further hop). */
  private local(from: Place): Place | undefined {
    const subnet = subnetHolding(this.model, this.family, this.header.dst);
    const to: Place = subnet ? { kind: 'subnet', subnet: subnet.name } : { kind: 'unsubnetted' };
    if (!this.cross(from, to)) return undefined;
    return this.arrive(to);
  }

  /** Out through a gateway; IPv4 through the internet gateway only from an address with a public one. */
  private leave(from: Place, gateway: 'igw' | 'eigw'): Place | undefined {
    if (gateway === 'eigw' && this.family === 4) return this.drop(() => 'egress-only gateway: IPv4 is dropped');
    if (!this.cross(from, { kind: 'outside', gateway })) return undefined;
    if (gateway === 'igw' && this.family === 4 && !this.toPublicSource()) return undefined;
    const pending = this.phase.kind === 'reply' ? this.phase.toUndo[this.phase.toUndo.length - 1] : undefined;
    if (pending) return this.asymmetric(() => `it leaves the VPC before ${crossingName(pending)}`);
    return { kind: 'outside', gateway };
  }

  private toPublicSource(): boolean {
    const publicIp = publicAddressOf(this.model, this.header.src);
    if (publicIp === undefined) return this.step(() => `internet gateway: no public IPv4 address for ${this.addr(this.header.src)}`, false);
    this.step(() => `internet gateway: source ${this.addr(this.header.src)} -> ${this.addr(publicIp)}`, true);
    this.header.src = publicIp;
    return true;
  }

  /** To a NAT gateway: the request's source is rewritten; a reply must be coming back through it. */
  private toNat(from: Place, nat: NNatGateway): Place | undefined {
    if (this.family === 6) return this.drop(() => `NAT gateway ${nat.name}: NAT64 is not modelled`);
    if (!this.cross(from, { kind: 'subnet', subnet: nat.subnet })) return undefined;
    return this.phase.kind === 'request' ? this.natRewrite(nat, this.phase) : this.natUndo(nat);
  }

  private natRewrite(nat: NNatGateway, phase: Extract<Phase, { kind: 'request' }>): Place | undefined {
    const before = { ip: this.header.src, port: this.header.srcPort };
    // ICMP has no port for the gateway to choose.
    const natsBefore = phase.crossed.filter((c) => c.kind === 'nat').length;
    const port = isPortProtocol(this.flow.protocol) ? phase.natPorts?.[natsBefore] ?? NAT_PORTS[0] : 0;
    phase.crossed.push({ kind: 'nat', nat, before });
    this.header.src = nat.ip;
    this.header.srcPort = port;
    this.step(() => `NAT gateway ${nat.name}: source ${this.endpoint(before.ip, before.port)} -> ${this.endpoint(nat.ip, port)}`, true);
    return this.fromSubnet(nat.subnet);
  }

  /** A reply at a NAT gateway: it must be the last one its request crossed that is not undone yet. */
  private natUndo(nat: NNatGateway): Place | undefined {
    const toUndo = (this.phase as Extract<Phase, { kind: 'reply' }>).toUndo;
    const expected = toUndo[toUndo.length - 1];
    if (expected?.kind !== 'nat' || expected.nat !== nat || this.header.dst !== nat.ip) {
      return this.asymmetric(() => `the request did not leave through NAT gateway ${nat.name} here`);
    }
    toUndo.pop();
    const to = expected.before;
    this.step(() => `NAT gateway ${nat.name}: destination ${this.endpoint(nat.ip, this.header.key)} -> ${this.endpoint(to.ip, to.port)}`, true);
    this.header.dst = to.ip;
    if (isPortProtocol(this.flow.protocol)) this.header.key = to.port;
    return this.fromSubnet(nat.subnet);
  }

  private asymmetric(why: () => string): undefined {
    return this.drop(() => `asymmetric routing: ${why()}`);
  }

  /**
   * To a firewall endpoint: into its subnet, the request recording the crossing, the reply
   * checking that it is the one to cross next; judged; then routed on from its subnet.
   */
  private toFirewall(from: Place, firewall: NFirewall): Place | undefined {
    if (!this.cross(from, { kind: 'subnet', subnet: firewall.subnet })) return undefined;
    let crossing: number;
    if (this.phase.kind === 'request') {
      crossing = this.phase.crossed.length;
      this.phase.crossed.push({ kind: 'firewall', firewall });
    } else {
      const toUndo = this.phase.toUndo;
      const expected = toUndo[toUndo.length - 1];
      if (expected?.kind !== 'firewall' || expected.firewall !== firewall) {
        return this.asymmetric(() => `the request did not cross firewall ${firewall.name} here${expected ? ` (${crossingName(expected)} is next)` : ''}`);
      }
      toUndo.pop();
      crossing = toUndo.length;
    }
    if (!this.judge(firewall, crossing)) return undefined;
    return this.fromSubnet(firewall.subnet);
  }

  /** The endpoint's two stages on this packet, as the endpoint sees it. */
  private judge(firewall: NFirewall, crossing: number): boolean {
    const policy = this.model.firewallPolicies.get(firewall.policy)!;
    const seq = this.packetOfSequence;
    const packet: FirewallPacket = {
      protocol: this.flow.protocol, family: this.family, src: this.header.src, srcPort: this.header.srcPort, dst: this.header.dst,
      dstPort: this.header.key, fromInitiator: seq.fromInitiator, established: seq.established,
    };
    const what = () => `${seq.name}, ${seq.established ? 'established' : 'not established'}`;
    const stateless = statelessStage(this.model, policy, packet);
    if (stateless.action !== 'forward') {
      return this.step(() => `firewall ${firewall.name} stateless [${what()}]: ${stateless.why}${stateless.action === 'pass' ? ' (the stateful stage does not see it)' : ''}`, stateless.action === 'pass');
    }
    this.step(() => `firewall ${firewall.name} stateless [${what()}]: ${stateless.why}`, true);
    const passedBy = this.state.passed.get(crossing);
    if (passedBy !== undefined) return this.step(() => `firewall ${firewall.name} stateful [${what()}]: passes on state (${passedBy})`, true);
    const stateful = statefulStage(this.model, policy, packet);
    for (const note of stateful.leftOut) this.step(() => `firewall ${firewall.name} stateful [${what()}]: ${note}`, true);
    if (stateful.verdict === 'pass-connection') this.state.passed.set(crossing, `${seq.name}: ${stateful.why}`);
    return this.step(() => `firewall ${firewall.name} stateful [${what()}]: ${stateful.why}`, stateful.verdict !== 'drop');
  }

  /**
   * At the destination's place. A request meets the destination instance's SGs; a reply addressed
   * to the NAT gateway it must cross next is handed to it; any other reply is home (SGs pass it).
   */
  private arrive(place: Place): Place | undefined {
    if (this.phase.kind === 'reply') {
      const next = this.phase.toUndo[this.phase.toUndo.length - 1];
      if (next?.kind === 'nat' && this.header.dst === next.nat.ip) return this.natUndo(next.nat);
      if (next) return this.asymmetric(() => `it misses ${crossingName(next)}`);
      return place;
    }
    const dst = classify(this.model, this.family, this.header.dst);
    if (dst.kind === 'instance' && !this.sg(dst.instance, 'inbound')) return undefined;
    return place;
  }
}

// ---------------------------------------------------------------------------------------------
// A connection: the request, then its reply.

/** Where a packet from this source address starts. */
function start(walk: PacketWalk, model: NaiveModel, family: Family, src: bigint): Place | undefined {
  const subnet = subnetHolding(model, family, src);
  if (subnet) return walk.fromSubnet(subnet.name);
  if (insideVpc(model, family, src)) return walk.fromUnsubnetted();
  return walk.fromOutside('igw');
}

/** Where the reply starts: where its request arrived (outside: back through the gateway it left by). */
function startReply(walk: PacketWalk, place: Place): Place | undefined {
  switch (place.kind) {
    case 'subnet':
      return walk.fromSubnet(place.subnet);
    case 'unsubnetted':
      return walk.fromUnsubnetted();
    case 'outside':
      return walk.fromOutside(place.gateway);
  }
}

/**
 * The hops of one connection when routing is modelled, packet after packet of its sequence: the
 * source instance's SGs and the request's path, the destination instance's SGs, then (when the
 * flow has a reply) the reply's path from the responder to the address it saw, which must cross
 * the request's NAT gateways and firewall endpoints in reverse order; then, when the request
 * crossed a firewall endpoint, the later packets of the sequence the same ways. `replyKey` gives
 * the reply's key from the port the responder saw (undefined: no reply); without `describe` the
 * hops carry no words (for enumeration).
 */
export function routedTrace(
  model: NaiveModel, flow: NaiveFlow, conn: Conn, replyKey: (seenPort: number) => number | undefined, describe = true,
): RoutedTrace {
  const steps: HopResult[] = [];
  const state: ConnectionState = { passed: new Map() };
  const sequence = packetSequence(flow.protocol, replyKey(conn.srcPort) !== undefined);
  const source = classify(model, flow.family, conn.srcIp);
  // What the first packet found: the crossings, the request as the responder sees it, where it arrived.
  let crossed: Crossing[] = [];
  let seen: Header | undefined;
  let arrived: Place | undefined;
  let requestLooped = false;
  const result = (requestArrived: boolean): RoutedTrace => ({
    steps, nats: crossed.flatMap((c) => (c.kind === 'nat' ? [c.nat.name] : [])), requestArrived, requestLooped,
  });
  for (let index = 0; index < sequence.length; index++) {
    const packet = sequence[index];
    if (packet.fromInitiator) {
      const phase: Phase = { kind: 'request', natPorts: conn.natPorts, crossed: [] };
      const header: Header = { src: conn.srcIp, srcPort: conn.srcPort, dst: conn.dstIp, key: conn.key };
      const request = new PacketWalk(model, flow, header, phase, steps, describe, packet, index, state);
      if (index === 0) crossed = phase.crossed;
      if (source.kind === 'instance' && !request.sg(source.instance, 'outbound')) return result(index > 0);
      const place = start(request, model, flow.family, conn.srcIp);
      if (index === 0) requestLooped = request.looped;
      if (!place) return result(index > 0);
      if (index === 0) {
        seen = header;
        arrived = place;
      }
    } else {
      // The responder answers the address and port it saw.
      const key = replyKey(seen!.srcPort)!;
      const header: Header = { src: seen!.dst, srcPort: seen!.key, dst: seen!.src, key };
      const reply = new PacketWalk(model, flow, header, { kind: 'reply', toUndo: [...crossed] }, steps, describe, packet, index, state);
      if (!startReply(reply, arrived!)) return result(true);
    }
    // Without a firewall endpoint on the way, the later packets meet only hops that judge each packet alone.
    if (index === 1 && !crossed.some((c) => c.kind === 'firewall')) break;
  }
  return result(true);
}
