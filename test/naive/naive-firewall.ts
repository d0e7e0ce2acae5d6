// The naive evaluator's AWS Network Firewall (../shared/spec/paths.md, "Network Firewall"): one
// packet at one endpoint, judged by the stateless stage, then (when forwarded) by the stateful
// stage, one rule at a time. Only the syntax tree as naive-model.ts reads it: nothing from
// server/src/engine.
//
// Readings where paths.md is silent or loose:
// - a Suricata list is the union of its positive items (everything when it has none) minus its
//   negated items; a negated list or item outside a list is the complement of what it holds;
//   `$HOME_NET` is the VPC's blocks of both families, `$EXTERNAL_NET` every other address; a CIDR
//   holds addresses of its own family only;
// - a port constraint is anything but a plain `any` (in a stateless rule, a `port` clause): a
//   rule with one on either side matches TCP and UDP packets only;
// - `icmp` in a stateful rule matches ICMP and ICMPv6; in a stateless rule protocols are numbers
//   (`icmp` is 1 only);
// - `flow` keywords combine (to_server,established: both); contradictory ones match nothing.
import type { Cidr, Family, PortRange, SuricataAddress, SuricataPort } from '../../server/src/syntax/ast';
import { isPortProtocol } from './naive-filters';
import { cidrHas, insideVpc, NaiveModel, NFirewallPolicy, NStatefulRule, NStatelessRule } from './naive-model';

/** One packet as the endpoint sees it, with its place in its connection's sequence. */
export interface FirewallPacket {
  protocol: number;
  family: Family;
  src: bigint;
  srcPort: number;
  dst: bigint;
  /** The destination port (meaningless for ICMP, which has none). */
  dstPort: number;
  /** From the initiator of the connection (the request's direction). */
  fromInitiator: boolean;
  established: boolean;
}

// ---------------------------------------------------------------------------------------------
// The stateless stage.

function inPorts(ports: PortRange[] | undefined, packet: FirewallPacket, port: number): boolean {
  if (ports === undefined) return true;
  if (!isPortProtocol(packet.protocol)) return false; // a port constraint matches TCP and UDP only
  return ports.some((range) => range.from <= port && port <= range.to);
}

function inAddresses(cidrs: NStatelessRule['sources'], family: Family, address: bigint): boolean {
  return cidrs === undefined || cidrs.some((cidr) => cidrHas(cidr, family, address));
}

export function statelessMatches(rule: NStatelessRule, packet: FirewallPacket): boolean {
  if (!rule.protocols.includes(-1) && !rule.protocols.includes(packet.protocol)) return false;
  return inAddresses(rule.sources, packet.family, packet.src) && inPorts(rule.sourcePorts, packet, packet.srcPort)
    && inAddresses(rule.destinations, packet.family, packet.dst) && inPorts(rule.destinationPorts, packet, packet.dstPort);
}

export interface StatelessDecision {
  action: 'pass' | 'drop' | 'forward';
  why: string;
}

/** The groups in ascending priority, each group's rules in ascending priority: the first match decides, else the default. */
export function statelessStage(model: NaiveModel, policy: NFirewallPolicy, packet: FirewallPacket): StatelessDecision {
  for (const group of policy.statelessGroups) {
    for (const rule of model.statelessGroups.get(group) ?? []) {
      if (statelessMatches(rule, packet)) return { action: rule.action, why: `${rule.action} by group ${group} rule ${rule.priority} (line ${rule.line + 1})` };
    }
  }
  return { action: policy.statelessDefault, why: `${policy.statelessDefault}: no stateless rule matches (stateless-default of policy ${policy.name})` };
}

// ---------------------------------------------------------------------------------------------
// Suricata headers.

/** What an address item holds, its own `!` aside. */
function addressHolds(model: NaiveModel, item: SuricataAddress, family: Family, address: bigint): boolean {
  switch (item.kind) {
    case 'any':
      return true;
    case 'variable':
      if (item.name === 'HOME_NET') return insideVpc(model, family, address);
      if (item.name === 'EXTERNAL_NET') return !insideVpc(model, family, address);
      throw new Error(`unknown Suricata variable $${item.name}`);
    case 'cidr':
      return cidrHas(item.cidr, family, address);
    case 'list': {
      const positive = item.items.filter((i) => !i.negated);
      const negated = item.items.filter((i) => i.negated);
      return (positive.length === 0 || positive.some((i) => addressHolds(model, i, family, address)))
        && !negated.some((i) => addressHolds(model, i, family, address));
    }
  }
}

export function addressMatches(model: NaiveModel, spec: SuricataAddress, family: Family, address: bigint): boolean {
  return spec.negated !== addressHolds(model, spec, family, address);
}

function portHolds(item: SuricataPort, port: number): boolean {
  switch (item.kind) {
    case 'any':
      return true;
    case 'range':
      return item.from <= port && port <= item.to;
    case 'list': {
      const positive = item.items.filter((i) => !i.negated);
      const negated = item.items.filter((i) => i.negated);
      return (positive.length === 0 || positive.some((i) => portHolds(i, port))) && !negated.some((i) => portHolds(i, port));
    }
  }
}

export function portMatches(spec: SuricataPort, port: number): boolean {
  return spec.negated !== portHolds(spec, port);
}

/** Anything but a plain `any`. */
export function constrainsPort(spec: SuricataPort): boolean {
  return !(spec.kind === 'any' && !spec.negated);
}

function protocolMatches(rule: NStatefulRule, protocol: number): boolean {
  switch (rule.protocol) {
    case 'ip':
      return true;
    case 'tcp':
      return protocol === 6;
    case 'udp':
      return protocol === 17;
    case 'icmp':
      return protocol === 1 || protocol === 58;
    default:
      return false;
  }
}

/** SRC/SRCPORT against the packet's source and DST/DSTPORT against its destination, in one direction. */
function headerOneWay(model: NaiveModel, rule: NStatefulRule, packet: FirewallPacket, reversed: boolean): boolean {
  const [src, srcPort, dst, dstPort] = reversed ? [packet.dst, packet.dstPort, packet.src, packet.srcPort] : [packet.src, packet.srcPort, packet.dst, packet.dstPort];
  if (!addressMatches(model, rule.source, packet.family, src) || !addressMatches(model, rule.destination, packet.family, dst)) return false;
  if (!isPortProtocol(packet.protocol)) return true; // no ports: only a rule without a port constraint gets here
  return portMatches(rule.sourcePort, srcPort) && portMatches(rule.destinationPort, dstPort);
}

/** The rule's header (protocol, addresses, ports, `->` or `<>`): an application protocol's is read as `ip`. */
export function headerMatches(model: NaiveModel, rule: NStatefulRule, packet: FirewallPacket): boolean {
  const protocolOk = rule.leftOut !== undefined && !['ip', 'tcp', 'udp', 'icmp'].includes(rule.protocol) ? true : protocolMatches(rule, packet.protocol);
  if (!protocolOk) return false;
  if ((constrainsPort(rule.sourcePort) || constrainsPort(rule.destinationPort)) && !isPortProtocol(packet.protocol)) return false;
  return headerOneWay(model, rule, packet, false) || (rule.bidirectional && headerOneWay(model, rule, packet, true));
}

function flowMatches(rule: NStatefulRule, packet: FirewallPacket): boolean {
  const flow = rule.flow;
  if (flow.never) return false;
  if (flow.fromInitiator !== undefined && flow.fromInitiator !== packet.fromInitiator) return false;
  return flow.established === undefined || flow.established === packet.established;
}

/** Whether a rule that is evaluated matches the packet. */
export function statefulMatches(model: NaiveModel, rule: NStatefulRule, packet: FirewallPacket): boolean {
  return rule.leftOut === undefined && headerMatches(model, rule, packet) && flowMatches(rule, packet);
}

// ---------------------------------------------------------------------------------------------
// The stateful stage.

export interface StatefulDecision {
  /** `connection`: a pass rule passes this packet and every later one; `packet`: only this one passes. */
  verdict: 'pass-connection' | 'pass-packet' | 'drop';
  why: string;
  /** The rules left out of the evaluation whose header matches the packet. */
  leftOut: string[];
}

export function ruleName(group: string, rule: NStatefulRule): string {
  return `group ${group} ${rule.action} rule${rule.sid !== undefined ? ` sid ${rule.sid}` : ''} (line ${rule.line + 1})`;
}

/** One packet the stateful stage sees, decided by the policy's order. */
export function statefulStage(model: NaiveModel, policy: NFirewallPolicy, packet: FirewallPacket): StatefulDecision {
  const leftOut: string[] = [];
  const rules: { group: string; rule: NStatefulRule }[] = [];
  for (const group of policy.statefulGroups) {
    for (const rule of model.statefulGroups.get(group) ?? []) {
      if (rule.leftOut !== undefined) {
        if (headerMatches(model, rule, packet)) leftOut.push(`${ruleName(group, rule)} is left out (${rule.leftOut}): the verdict assumes it does not decide`);
      } else {
        rules.push({ group, rule });
      }
    }
  }
  if (policy.order === 'default') {
    const matching = rules.filter(({ rule }) => statefulMatches(model, rule, packet));
    const pass = matching.find(({ rule }) => rule.action === 'pass');
    if (pass) return { verdict: 'pass-connection', why: `passed by ${ruleName(pass.group, pass.rule)} (default order: pass wins)`, leftOut };
    const drop = matching.find(({ rule }) => rule.action === 'drop' || rule.action === 'reject');
    if (drop) return { verdict: 'drop', why: `dropped by ${ruleName(drop.group, drop.rule)}`, leftOut };
    const alerts = matching.length > 0 ? ` (alert only: ${matching.map(({ group, rule }) => ruleName(group, rule)).join(', ')})` : '';
    return { verdict: 'pass-packet', why: `no pass, drop or reject rule matches: the packet passes${alerts}`, leftOut };
  }
  for (const { group, rule } of rules) {
    if (rule.action === 'alert' || !statefulMatches(model, rule, packet)) continue;
    if (rule.action === 'pass') return { verdict: 'pass-connection', why: `passed by ${ruleName(group, rule)} (strict order)`, leftOut };
    return { verdict: 'drop', why: `dropped by ${ruleName(group, rule)} (strict order)`, leftOut };
  }
  if (policy.statefulDefault.includes('drop-strict')) return { verdict: 'drop', why: `no rule decides: stateful-default drop-strict of policy ${policy.name}`, leftOut };
  if (policy.statefulDefault.includes('drop-established') && packet.established) {
    return { verdict: 'drop', why: `no rule decides an established packet: stateful-default drop-established of policy ${policy.name}`, leftOut };
  }
  return { verdict: 'pass-packet', why: `no rule decides: the packet passes (strict order, policy ${policy.name})`, leftOut };
}

// ---------------------------------------------------------------------------------------------
// Where rules cut addresses and ports (for the evaluator's boundaries and NAT port stretches).

/** Every port range a firewall rule reads. */
export function firewallPortRanges(model: NaiveModel): [number, number][] {
  const out: [number, number][] = [];
  for (const rules of model.statelessGroups.values()) {
    for (const rule of rules) for (const range of [...(rule.sourcePorts ?? []), ...(rule.destinationPorts ?? [])]) out.push([range.from, range.to]);
  }
  const walk = (port: SuricataPort) => {
    if (port.kind === 'range') out.push([port.from, port.to]);
    if (port.kind === 'list') port.items.forEach(walk);
  };
  for (const rules of model.statefulGroups.values()) for (const rule of rules) [rule.sourcePort, rule.destinationPort].forEach(walk);
  return out;
}

/** Every CIDR a firewall rule reads (the variables are the VPC's blocks). */
export function firewallCidrs(model: NaiveModel): Cidr[] {
  const out: Cidr[] = [];
  for (const rules of model.statelessGroups.values()) for (const rule of rules) out.push(...(rule.sources ?? []), ...(rule.destinations ?? []));
  const walk = (address: SuricataAddress) => {
    if (address.kind === 'cidr') out.push(address.cidr);
    if (address.kind === 'list') address.items.forEach(walk);
  };
  for (const rules of model.statefulGroups.values()) for (const rule of rules) [rule.source, rule.destination].forEach(walk);
  return out;
}
