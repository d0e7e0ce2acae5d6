// The naive evaluator's filters: security groups and network ACLs judging one packet at a time,
// one rule at a time.
import type { Family, IcmpSpec, NaclRule, Peer, PortRange } from '../../server/src/syntax/ast';
import { addressesOf, cidrHas, NaiveModel, NInstance } from './naive-model';

export interface Packet {
  protocol: number;
  family: Family;
  /** The remote address the rule's CIDR/peer is compared with. */
  remote: bigint;
  /** Destination port, or ICMP type * 256 + code. */
  key: number;
}

export function isPortProtocol(p: number): boolean {
  return p === 6 || p === 17;
}

export function isIcmpProtocol(p: number): boolean {
  return p === 1 || p === 58;
}

function ruleProtocolAndKeyMatch(rule: { protocol?: { number: number }; ports?: PortRange; icmp?: IcmpSpec }, packet: Packet): boolean {
  const p = rule.protocol!.number;
  if (p !== -1 && p !== packet.protocol) return false;
  if (isPortProtocol(p)) return rule.ports!.from <= packet.key && packet.key <= rule.ports!.to;
  if (isIcmpProtocol(p)) {
    const spec = rule.icmp;
    if (!spec || spec.type === undefined) return true; // `all` or nothing: every type
    if (Math.floor(packet.key / 256) !== spec.type) return false;
    return spec.code === undefined || packet.key % 256 === spec.code;
  }
  return true; // `all` or another protocol number: every port and type
}

function isMember(instance: NInstance, group: string): boolean {
  return instance.groups.includes(group);
}

function peerHas(model: NaiveModel, peer: Peer, family: Family, address: bigint): boolean {
  switch (peer.kind) {
    case 'cidr':
      return cidrHas(peer.cidr, family, address);
    case 'pl': {
      const cidrs = model.prefixLists.get(peer.name.text) ?? [];
      for (const cidr of cidrs) if (cidrHas(cidr, family, address)) return true;
      return false;
    }
    case 'sg':
      for (const instance of model.instances.values()) {
        if (isMember(instance, peer.name.text) && addressesOf(instance, family).includes(address)) return true;
      }
      return false;
  }
}

/** Security groups: allow-only; any rule of any group of the instance admits. */
export function sgAdmits(model: NaiveModel, instance: NInstance, direction: 'inbound' | 'outbound', packet: Packet): boolean {
  for (const groupName of instance.groups) {
    for (const rule of model.groups.get(groupName) ?? []) {
      if (rule.direction !== direction || !rule.protocol || !rule.peer) continue;
      if (ruleProtocolAndKeyMatch(rule, packet) && peerHas(model, rule.peer, packet.family, packet.remote)) return true;
    }
  }
  return false;
}

/** Set by tests that prove the property can fail: ignore the rule numbers' order. */
export const naiveKnobs = { ignoreNaclOrder: false };

/** Network ACL: rules of the direction in ascending number, the first match decides, else deny. */
export function naclAdmits(model: NaiveModel, subnetName: string, direction: 'inbound' | 'outbound', packet: Packet): boolean {
  const subnet = model.subnets.get(subnetName)!;
  if (subnet.acl === undefined) return true; // the default NACL allows everything
  for (const rule of rulesInOrder(model, subnet.acl, direction)) {
    if (ruleProtocolAndKeyMatch(rule, packet) && cidrHas(rule.cidr!, packet.family, packet.remote)) {
      return rule.action!.value === 'allow';
    }
  }
  return false; // the implicit `*` deny
}

type RulesByDirection = { inbound?: NaclRule[]; outbound?: NaclRule[] };
/** The ordered rules per model and ACL, one cache per setting of the knob. */
const inOrder = new WeakMap<NaiveModel, Map<string, RulesByDirection>>();
const ignoringOrder = new WeakMap<NaiveModel, Map<string, RulesByDirection>>();

/** The rules of one direction of an ACL in the order they are tried (kept: models do not change). */
function rulesInOrder(model: NaiveModel, acl: string, direction: 'inbound' | 'outbound'): NaclRule[] {
  const cache = naiveKnobs.ignoreNaclOrder ? ignoringOrder : inOrder;
  let byAcl = cache.get(model);
  if (!byAcl) cache.set(model, (byAcl = new Map()));
  let entry = byAcl.get(acl);
  if (!entry) byAcl.set(acl, (entry = {}));
  return (entry[direction] ??= orderRules(model, acl, direction));
}

function orderRules(model: NaiveModel, acl: string, direction: 'inbound' | 'outbound'): NaclRule[] {
  const rules = (model.acls.get(acl) ?? []).filter((rule) => rule.direction === direction && rule.number && rule.action && rule.protocol && rule.cidr);
  // Plain selection of the lowest remaining number, again and again.
  const remaining = [...rules];
  const ordered: NaclRule[] = [];
  while (remaining.length > 0) {
    let best = 0;
    if (!naiveKnobs.ignoreNaclOrder) {
      for (let i = 1; i < remaining.length; i++) if (remaining[i].number!.value < remaining[best].number!.value) best = i;
    } else {
      best = remaining.length - 1;
    }
    ordered.push(remaining.splice(best, 1)[0]);
  }
  return ordered;
}
