// The source ports clients use. A declared instance uses its own ephemeral range, and a declared
// NAT gateway the 1024-65535 it chooses from for the connections it opens. Where the model
// declares neither (a subnet without instances, VPC space in no declared subnet, addresses
// outside the VPC) the clients are hosts it does not know: load balancer nodes, Lambda
// interfaces, the internet. They use the range of clients that are not instances (the
// language's 1024-65535 unless configured), as flows from such addresses do.
//
// Ranges by address: instances share a handful of distinct ranges (Linux, Windows, a few custom
// ones), so one binary search per distinct range answers a query.
import type { Family } from '../../syntax/ast';
import { ofFamily } from '../addresses';
import { BigSet, IntervalSet, PortSet } from '../intervals';
import type { Instance, Model, NaclRuleModel, NatGateway, NetworkAcl, Subnet } from '../model';
import { instanceAddresses } from '../model';
import { NAT_GATEWAY_PORTS } from '../services';

interface RangeUsers {
  ports: PortSet;
  /** Sorted addresses of the instances using `ports`. */
  addresses: bigint[];
}

function portsKey(ports: PortSet): string {
  return ports.intervals.map(([lo, hi]) => `${lo}-${hi}`).join(',');
}

/** The union of distinct port sets, each counted once however often it occurs. */
export function unionOfDistinct(sets: Iterable<PortSet>): PortSet {
  const distinct = new Map<string, PortSet>();
  for (const set of sets) distinct.set(portsKey(set), set);
  return [...distinct.values()].reduce<PortSet>((union, set) => union.union(set), IntervalSet.empty());
}

function hasAddressIn(sorted: bigint[], lo: bigint, hi: bigint): boolean {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid] < lo) low = mid + 1;
    else high = mid;
  }
  return low < sorted.length && sorted[low] <= hi;
}

export class EphemeralIndex {
  private readonly users: Record<Family, RangeUsers[]> = { 4: [], 6: [] };

  constructor(instances: Iterable<Instance>) {
    const byKey: Record<Family, Map<string, RangeUsers>> = { 4: new Map(), 6: new Map() };
    for (const instance of instances) {
      for (const [family, address] of [...instance.ips.map((ip) => [4, ip] as const), ...instance.ip6s.map((ip) => [6, ip] as const)]) {
        const key = portsKey(instance.ephemeral);
        let users = byKey[family].get(key);
        if (!users) byKey[family].set(key, (users = { ports: instance.ephemeral, addresses: [] }));
        users.addresses.push(address);
      }
    }
    for (const family of [4, 6] as const) {
      for (const users of byKey[family].values()) users.addresses.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      this.users[family] = [...byKey[family].values()];
    }
  }

  /** The union of the ephemeral ranges of the instances in [lo, hi]; undefined when there is none. */
  portsWithin(family: Family, lo: bigint, hi: bigint): PortSet | undefined {
    const used = this.users[family].filter((users) => hasAddressIn(users.addresses, lo, hi)).map((users) => users.ports);
    return used.length === 0 ? undefined : unionOfDistinct(used);
  }
}

/** What the return-rule check asks of the model about clients, computed once per model. */
export interface ClientContext {
  model: Model;
  /** The source ports of the hosts behind each network ACL, by family. */
  behindAcl: Map<NetworkAcl, Record<Family, PortSet>>;
  /** By family, the blocks of the subnets whose hosts the model declares: those with an instance of that family. */
  declaredBlocks: Record<Family, BigSet>;
  ephemeral: EphemeralIndex;
}

/** A subnet's block of one family, as a set of addresses. */
export function subnetBlock(subnet: Subnet, family: Family): BigSet | undefined {
  const cidr = family === 4 ? subnet.v4 : subnet.v6;
  return cidr && IntervalSet.of(cidr.first, cidr.last);
}

function declaredInstances(subnet: Subnet, family: Family): Instance[] {
  return subnet.instances.filter((instance) => instanceAddresses(instance, family).length > 0);
}

function natGatewaysIn(model: Model, subnet: Subnet): NatGateway[] {
  return [...model.natGateways.values()].filter((nat) => nat.subnet === subnet);
}

/**
 * The source ports of the connections a subnet's hosts open: its declared instances' ranges and,
 * for IPv4, the ports its NAT gateways choose; where it declares neither, the range of clients
 * that are not instances.
 */
export function subnetClientPorts(model: Model, subnet: Subnet, family: Family): PortSet {
  const ranges = declaredInstances(subnet, family).map((instance) => instance.ephemeral);
  if (family === 4 && natGatewaysIn(model, subnet).length > 0) ranges.push(NAT_GATEWAY_PORTS);
  return ranges.length > 0 ? unionOfDistinct(ranges) : model.externalEphemeral;
}

export function clientContext(model: Model): ClientContext {
  const behindAcl = new Map<NetworkAcl, Record<Family, PortSet>>();
  const declaredBlocks: Record<Family, BigSet> = { 4: IntervalSet.empty(), 6: IntervalSet.empty() };
  for (const subnet of model.subnets.values()) {
    const behind = behindAcl.get(subnet.acl) ?? { 4: IntervalSet.empty(), 6: IntervalSet.empty() };
    behindAcl.set(subnet.acl, behind);
    for (const family of [4, 6] as const) {
      const block = subnetBlock(subnet, family);
      if (!block) continue;
      if (declaredInstances(subnet, family).length > 0) declaredBlocks[family] = declaredBlocks[family].union(block);
      behind[family] = unionOfDistinct([behind[family], subnetClientPorts(model, subnet, family)]);
    }
  }
  return { model, behindAcl, declaredBlocks, ephemeral: new EphemeralIndex(model.instances.values()) };
}

/**
 * The source ports of the clients of a service rule. An outbound rule's clients are the hosts of
 * the subnets behind the ACL; an inbound rule's, the hosts its CIDR names: the declared instances
 * in it and, when it reaches beyond the subnets where instances are declared (or holds none), hosts
 * the model does not know.
 */
export function clientPorts(context: ClientContext, acl: NetworkAcl, rule: NaclRuleModel): PortSet {
  const undeclared = context.model.externalEphemeral;
  if (rule.direction === 'outbound') {
    const behind = context.behindAcl.get(acl)?.[rule.family];
    return behind && !behind.isEmpty() ? behind : undeclared;
  }
  const remote = ofFamily(rule.cidr, rule.family);
  const [lo, hi] = remote.intervals[0];
  const declared = context.ephemeral.portsWithin(rule.family, lo, hi);
  if (!declared) return undeclared;
  return remote.within(context.declaredBlocks[rule.family]) ? declared : declared.union(undeclared);
}
