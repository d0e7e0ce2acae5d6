// `vpcrules import aws`: the AWS CLI's JSON (describe-… outputs, in any mix and order) mapped into
// the source-neutral network description of `network.ts`.
import { z } from 'zod';
import * as aws from './aws-shapes';
import { AwsLists, AwsObjects, LIST_KEYS, ListKey, OBJECT_KEYS, ObjectKey } from './aws-shapes';
import { ImportInputError, InputFile, kindOf, oneLine, parseJson, validate } from './input';
import { compareText } from './names';
import { protocolOf, trafficOf } from './traffic';
import {
  emptyDescription, FirewallPolicy, Instance, InterfaceOwner, NaclEntry, NetworkDescription, PortRange, RouteTarget, RuleGroup,
  SecurityGroup, SgPeer, SgRule, StatefulRule, StatelessAction, StatelessRule,
} from './network';

/** Outputs of other commands people give by mistake, and what to give instead. */
const OTHER_OUTPUTS: Record<string, string> = {
  DBInstances: "rds describe-db-instances is not read: the database's network interfaces come from 'ec2 describe-network-interfaces'",
  LoadBalancers: "elbv2 describe-load-balancers is not read: the load balancer's network interfaces come from 'ec2 describe-network-interfaces'",
  LoadBalancerDescriptions: "elb describe-load-balancers is not read: the load balancer's network interfaces come from 'ec2 describe-network-interfaces'",
  Functions: "lambda list-functions is not read: the functions' network interfaces come from 'ec2 describe-network-interfaces'",
  VpcEndpoints: "ec2 describe-vpc-endpoints is not read: the endpoints' network interfaces come from 'ec2 describe-network-interfaces'",
  Firewalls: "network-firewall list-firewalls is not read: give 'network-firewall describe-firewall' for each firewall",
  FirewallPolicies: "network-firewall list-firewall-policies is not read: give 'network-firewall describe-firewall-policy' for each policy",
  RuleGroups: "network-firewall list-rule-groups is not read: give 'network-firewall describe-rule-group' for each rule group",
  Buckets: 's3 list-buckets is not a network description',
  TransitGateways: 'transit gateways are not modelled',
  values: "this looks like 'terraform show -json': use 'vpcrules import terraform'",
  format_version: "this looks like 'terraform show -json': use 'vpcrules import terraform'",
};

const KNOWN_KEYS = [...Object.keys(LIST_KEYS), ...Object.keys(OBJECT_KEYS)];

/** Where each item came from, to name both files when an id is given twice with different contents. */
interface Found<T> {
  item: T;
  file: string;
  path: string;
}

/** The items of every file, merged by id. */
interface Collected {
  lists: { [K in ListKey]: Found<AwsLists[K][number]>[] };
  objects: { [K in ObjectKey]: Found<AwsObjects[K][number]>[] };
  /** Prefix list entries by list id, in the order of the files. */
  entries: Map<string, string[]>;
}

/** Reads AWS CLI JSON files into a network description. Throws `ImportInputError` (one line) on bad input. */
export function readAws(files: readonly InputFile[]): NetworkDescription {
  const collected: Collected = {
    lists: Object.fromEntries(Object.keys(LIST_KEYS).map((key) => [key, []])) as unknown as Collected['lists'],
    objects: { Firewall: [], FirewallPolicy: [], RuleGroup: [] },
    entries: new Map(),
  };
  for (const file of files) collectFile(file, collected);
  return new AwsMapper(collected).map();
}

function collectFile(file: InputFile, collected: Collected): void {
  const json = parseJson(file);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ImportInputError(`${file.path}: expected the JSON object an AWS CLI describe command prints, found ${kindOf(json)}`);
  }
  const record = json as Record<string, unknown>;
  const keys = Object.keys(record).filter((key) => KNOWN_KEYS.includes(key));
  if (keys.length === 0) {
    const hint = Object.keys(record).map((key) => OTHER_OUTPUTS[key]).find(Boolean);
    const found = Object.keys(record).slice(0, 5).join(', ') || 'no key';
    throw new ImportInputError(`${file.path}: not an output that import reads (found ${found})${hint ? `: ${hint}` : `; expected one of ${KNOWN_KEYS.join(', ')}`}`);
  }
  for (const key of keys) {
    if (key in OBJECT_KEYS) {
      const objectKey = key as ObjectKey;
      const value = validate(OBJECT_KEYS[objectKey].schema, record, file, []);
      (collected.objects[objectKey] as Found<unknown>[]).push({ item: value, file: file.path, path: '$' });
      continue;
    }
    const listKey = key as ListKey;
    const value = record[listKey];
    if (!Array.isArray(value)) throw new ImportInputError(`${file.path}: $.${listKey}: expected an array (the output of '${LIST_KEYS[listKey].command}'), found ${kindOf(value)}`);
    const items = validate(z.array(LIST_KEYS[listKey].schema as z.ZodType), value, file, [listKey]) as unknown[];
    if (listKey === 'Entries') {
      const listId = prefixListIdOf(file, record);
      const entries = collected.entries.get(listId) ?? [];
      entries.push(...(items as aws.AwsLists['Entries']).map((entry) => entry.Cidr));
      collected.entries.set(listId, entries);
      continue;
    }
    items.forEach((item, index) => (collected.lists[listKey] as Found<unknown>[]).push({ item, file: file.path, path: `$.${listKey}[${index}]` }));
  }
}

/** The prefix list that a `get-managed-prefix-list-entries` output is for. */
function prefixListIdOf(file: InputFile, record: Record<string, unknown>): string {
  const given = record.PrefixListId;
  if (given !== undefined) {
    if (typeof given !== 'string' || !/^pl-[0-9a-zA-Z]+$/.test(given)) throw new ImportInputError(`${file.path}: $.PrefixListId: expected a prefix list id (pl-…), found ${kindOf(given)}`);
    return given;
  }
  const base = file.path.split(/[\\/]/).pop() ?? '';
  const ids = [...new Set(base.match(/pl-[0-9a-fA-F]+/g) ?? [])];
  if (ids.length === 1) return ids[0];
  throw new ImportInputError(`${file.path}: $.Entries: cannot tell which prefix list these entries are for: add a "PrefixListId" key beside "Entries", or put the pl- id in the file's name`);
}

const nameTag = (tags: { Key: string; Value?: string }[] | undefined) => tags?.find((tag) => tag.Key === 'Name')?.Value || undefined;

const USABLE_NAT_STATES = ['available', 'pending'];

class AwsMapper {
  private readonly out = emptyDescription('AWS');

  constructor(private readonly input: Collected) {}

  /** The items of one list, one per id: an id given twice must have the same contents. */
  private unique<K extends ListKey>(key: K, idOf: (item: AwsLists[K][number]) => string): AwsLists[K][number][] {
    const byId = new Map<string, Found<AwsLists[K][number]>>();
    for (const found of this.input.lists[key]) {
      const id = idOf(found.item);
      const earlier = byId.get(id);
      if (!earlier) {
        byId.set(id, found);
      } else if (JSON.stringify(earlier.item) !== JSON.stringify(found.item)) {
        throw new ImportInputError(`${found.file}: ${found.path}: ${id} is given twice with different contents (also in ${earlier.file} at ${earlier.path})`);
      }
    }
    return [...byId.keys()].sort(compareText).map((id) => byId.get(id)!.item);
  }

  private skip(id: string, kind: string, reason: string): void {
    this.out.skipped.push({ id, kind, reason });
  }

  map(): NetworkDescription {
    this.vpcs();
    this.subnets();
    this.securityGroups();
    this.networkAcls();
    this.natGateways();
    this.firewalls();
    this.instances();
    this.prefixLists();
    this.routeTables();
    this.gateways();
    this.policies();
    this.ruleGroups();
    return this.out;
  }

  private vpcs(): void {
    for (const vpc of this.unique('Vpcs', (v) => v.VpcId)) {
      const associated = (state: string | undefined) => state === undefined || state === 'associated';
      const cidrs = vpc.CidrBlockAssociationSet?.filter((a) => associated(a.CidrBlockState?.State)).map((a) => a.CidrBlock) ?? [];
      if (vpc.CidrBlock && !cidrs.includes(vpc.CidrBlock)) cidrs.unshift(vpc.CidrBlock);
      if (vpc.CidrBlock) cidrs.sort((a, b) => (a === vpc.CidrBlock ? -1 : b === vpc.CidrBlock ? 1 : 0));
      const ipv6Cidrs = vpc.Ipv6CidrBlockAssociationSet?.filter((a) => associated(a.Ipv6CidrBlockState?.State) && a.Ipv6CidrBlock).map((a) => a.Ipv6CidrBlock!) ?? [];
      this.out.vpcs.push({ id: vpc.VpcId, name: nameTag(vpc.Tags), cidrs, ipv6Cidrs, note: vpc.IsDefault ? 'the default VPC' : undefined });
    }
  }

  private subnets(): void {
    for (const subnet of this.unique('Subnets', (s) => s.SubnetId)) {
      const ipv6 = subnet.Ipv6CidrBlockAssociationSet?.find((a) => (a.Ipv6CidrBlockState?.State ?? 'associated') === 'associated' && a.Ipv6CidrBlock);
      this.out.subnets.push({
        id: subnet.SubnetId, vpc: subnet.VpcId, name: nameTag(subnet.Tags), cidr: subnet.CidrBlock, ipv6Cidr: ipv6?.Ipv6CidrBlock, note: subnet.AvailabilityZone,
      });
    }
  }

  // --- security groups ----------------------------------------------------------------------------

  private securityGroups(): void {
    const groups = this.unique('SecurityGroups', (g) => g.GroupId);
    const known = new Set(groups.map((g) => g.GroupId));
    for (const group of groups) {
      if (!group.VpcId) {
        this.skip(group.GroupId, 'security group', 'has no VpcId (EC2-Classic): not written');
        continue;
      }
      const rules = (permissions: aws.IpPermission[] | undefined) => (permissions ?? []).flatMap((p) => this.permissionRules(group.GroupId, group.OwnerId, p));
      this.out.securityGroups.push({
        id: group.GroupId, vpc: group.VpcId, name: nameTag(group.Tags), note: group.GroupName ? `(${group.GroupName})` : undefined,
        isDefault: group.GroupName === 'default', inbound: rules(group.IpPermissions), outbound: rules(group.IpPermissionsEgress),
      });
    }
    // Rules of groups that describe-security-groups did not give.
    const byGroup = new Map<string, AwsLists['SecurityGroupRules']>();
    for (const rule of this.unique('SecurityGroupRules', (r) => r.SecurityGroupRuleId)) {
      if (known.has(rule.GroupId)) continue;
      byGroup.set(rule.GroupId, [...(byGroup.get(rule.GroupId) ?? []), rule]);
    }
    const ordered = (rules: AwsLists['SecurityGroupRules']) => {
      // `unique` sorted them by rule id; the input's order is the AWS order.
      const order = this.input.lists.SecurityGroupRules.map((found) => found.item.SecurityGroupRuleId);
      return [...rules].sort((a, b) => order.indexOf(a.SecurityGroupRuleId) - order.indexOf(b.SecurityGroupRuleId));
    };
    for (const [groupId, rules] of [...byGroup].sort(([a], [b]) => compareText(a, b))) {
      const vpc = this.vpcOfGroup(groupId);
      if (!vpc) {
        this.skip(groupId, 'security group', 'known only from describe-security-group-rules, and its VPC cannot be told (give describe-security-groups): not written');
        continue;
      }
      const group: SecurityGroup = { id: groupId, vpc, isDefault: false, inbound: [], outbound: [] };
      for (const rule of ordered(rules)) {
        const mapped = this.groupRule(rule);
        if (mapped) (rule.IsEgress ? group.outbound : group.inbound).push(mapped);
      }
      this.out.securityGroups.push(group);
    }
  }

  /** The VPC of a group known only by its rules: that of the interfaces in it, else the only VPC. */
  private vpcOfGroup(groupId: string): string | undefined {
    for (const { item } of this.input.lists.NetworkInterfaces) if (item.Groups?.some((g) => g.GroupId === groupId) && item.VpcId) return item.VpcId;
    const vpcs = new Set(this.input.lists.Vpcs.map((found) => found.item.VpcId));
    return vpcs.size === 1 ? [...vpcs][0] : undefined;
  }

  private permissionRules(groupId: string, ownerId: string | undefined, permission: aws.IpPermission): SgRule[] {
    const protocol = protocolOf(permission.IpProtocol);
    if (protocol === undefined) {
      this.skip(groupId, 'security group rule', `unknown protocol '${permission.IpProtocol}': left out`);
      return [];
    }
    const traffic = trafficOf(protocol, permission.FromPort, permission.ToPort);
    const rules: SgRule[] = [];
    const add = (peer: SgPeer, description: string | undefined) => rules.push({ traffic, peer, description: description || undefined });
    for (const range of permission.IpRanges ?? []) add({ kind: 'cidr', cidr: range.CidrIp }, range.Description);
    for (const range of permission.Ipv6Ranges ?? []) add({ kind: 'cidr', cidr: range.CidrIpv6 }, range.Description);
    for (const list of permission.PrefixListIds ?? []) add({ kind: 'prefix-list', list: list.PrefixListId }, list.Description);
    for (const pair of permission.UserIdGroupPairs ?? []) {
      if (!pair.GroupId) {
        this.skip(groupId, 'security group rule', `a rule refers to a group by name only (${pair.GroupName ?? '?'}): left out`);
        continue;
      }
      add({
        kind: 'group', group: pair.GroupId,
        account: pair.UserId && ownerId && pair.UserId !== ownerId ? pair.UserId : undefined,
        vpc: pair.VpcId, peering: pair.VpcPeeringConnectionId,
      }, pair.Description);
    }
    return rules;
  }

  private groupRule(rule: AwsLists['SecurityGroupRules'][number]): SgRule | undefined {
    const protocol = protocolOf(rule.IpProtocol);
    if (protocol === undefined) {
      this.skip(rule.SecurityGroupRuleId, 'security group rule', `unknown protocol '${rule.IpProtocol}': left out`);
      return undefined;
    }
    const traffic = trafficOf(protocol, rule.FromPort, rule.ToPort);
    const info = rule.ReferencedGroupInfo;
    const peer: SgPeer | undefined = rule.CidrIpv4 ? { kind: 'cidr', cidr: rule.CidrIpv4 }
      : rule.CidrIpv6 ? { kind: 'cidr', cidr: rule.CidrIpv6 }
        : rule.PrefixListId ? { kind: 'prefix-list', list: rule.PrefixListId }
          : info?.GroupId ? {
            kind: 'group', group: info.GroupId, account: info.UserId && rule.GroupOwnerId && info.UserId !== rule.GroupOwnerId ? info.UserId : undefined,
            vpc: info.VpcId, peering: info.VpcPeeringConnectionId,
          } : undefined;
    if (!peer) {
      this.skip(rule.SecurityGroupRuleId, 'security group rule', 'has no peer (CIDR, prefix list or group): left out');
      return undefined;
    }
    return { traffic, peer, description: rule.Description || undefined, id: rule.SecurityGroupRuleId };
  }

  // --- network ACLs -------------------------------------------------------------------------------

  private networkAcls(): void {
    for (const acl of this.unique('NetworkAcls', (a) => a.NetworkAclId)) {
      const entries: NaclEntry[] = [];
      for (const entry of acl.Entries ?? []) {
        if (entry.RuleNumber === 32767 || entry.RuleNumber === 32768) continue;
        const where = `${entry.Egress ? 'outbound' : 'inbound'} ${entry.RuleNumber}`;
        const protocol = protocolOf(entry.Protocol);
        const action = entry.RuleAction.toLowerCase();
        const cidr = entry.CidrBlock ?? entry.Ipv6CidrBlock;
        if (protocol === undefined || (action !== 'allow' && action !== 'deny') || !cidr) {
          const why = protocol === undefined ? `unknown protocol '${entry.Protocol}'` : !cidr ? 'no CIDR' : `unknown action '${entry.RuleAction}'`;
          this.skip(acl.NetworkAclId, 'network ACL entry', `${where}: ${why}: left out`);
          continue;
        }
        const traffic = protocol === 1 || protocol === 58
          ? trafficOf(protocol, entry.IcmpTypeCode?.Type, entry.IcmpTypeCode?.Code)
          : trafficOf(protocol, entry.PortRange?.From, entry.PortRange?.To);
        entries.push({ direction: entry.Egress ? 'outbound' : 'inbound', number: entry.RuleNumber, action, traffic, cidr });
      }
      this.out.networkAcls.push({
        id: acl.NetworkAclId, vpc: acl.VpcId, name: nameTag(acl.Tags), isDefault: acl.IsDefault ?? false,
        subnets: (acl.Associations ?? []).flatMap((a) => (a.SubnetId ? [a.SubnetId] : [])), entries,
      });
    }
  }

  // --- network interfaces -------------------------------------------------------------------------

  private instances(): void {
    const standalone = new Map(this.unique('NetworkInterfaces', (n) => n.NetworkInterfaceId).map((eni) => [eni.NetworkInterfaceId, eni]));
    type Ec2Instance = NonNullable<AwsLists['Reservations'][number]['Instances']>[number];
    const ec2 = new Map<string, { eni: aws.NetworkInterface; instance: Ec2Instance }>();
    const reservations = this.input.lists.Reservations.map((found) => found.item);
    const instances = new Map<string, Ec2Instance>();
    for (const reservation of reservations) for (const instance of reservation.Instances ?? []) {
      const earlier = instances.get(instance.InstanceId);
      if (earlier && JSON.stringify(earlier) !== JSON.stringify(instance)) {
        const found = this.input.lists.Reservations.find((f) => f.item === reservation)!;
        throw new ImportInputError(`${found.file}: ${found.path}: instance ${instance.InstanceId} is given twice with different contents`);
      }
      instances.set(instance.InstanceId, instance);
    }
    for (const instance of [...instances.values()].sort((a, b) => compareText(a.InstanceId, b.InstanceId))) {
      const state = instance.State?.Name;
      if (state === 'terminated' || state === 'shutting-down') {
        this.skip(instance.InstanceId, 'instance', `${state}: left out`);
        continue;
      }
      for (const eni of instance.NetworkInterfaces ?? []) ec2.set(eni.NetworkInterfaceId, { eni, instance });
      if ((instance.NetworkInterfaces ?? []).length === 0) this.skip(instance.InstanceId, 'instance', 'has no network interface in the input: left out');
    }
    const natInterfaces = new Set(this.input.lists.NatGateways.flatMap((found) => (found.item.NatGatewayAddresses ?? []).flatMap((a) => (a.NetworkInterfaceId ? [a.NetworkInterfaceId] : []))));
    const firewallEndpoints = new Set(this.out.firewalls.flatMap((fw) => fw.endpoints.flatMap((e) => (e.endpoint ? [e.endpoint] : []))));
    let unknownPlatform = 0;
    const ids = [...new Set([...standalone.keys(), ...ec2.keys()])].sort(compareText);
    for (const id of ids) {
      const fromInstance = ec2.get(id);
      const eni = standalone.get(id) ?? fromInstance!.eni;
      const type = eni.InterfaceType ?? 'interface';
      const description = eni.Description ?? '';
      if (natInterfaces.has(id) || type === 'nat_gateway' || type === 'natGateway' || /^Interface for NAT Gateway nat-/.test(description)) continue;
      const endpoint = description.match(/vpce-[0-9a-f]+/)?.[0];
      if (endpoint && firewallEndpoints.has(endpoint)) continue;
      if (type === 'gateway_load_balancer_endpoint') {
        this.skip(id, 'network interface', `a Gateway Load Balancer endpoint${endpoint ? ` (${endpoint})` : ''} that is not a firewall endpoint of the input: a route target, not modelled`);
        continue;
      }
      if (eni.Status === 'available') {
        this.skip(id, 'network interface', 'not attached (status available): left out');
        continue;
      }
      const vpc = eni.VpcId ?? fromInstance?.instance.VpcId;
      const subnet = eni.SubnetId ?? fromInstance?.instance.SubnetId;
      if (!vpc || !subnet) {
        this.skip(id, 'network interface', 'has no VpcId or SubnetId: left out');
        continue;
      }
      const instanceId = fromInstance?.instance.InstanceId ?? eni.Attachment?.InstanceId;
      const index = eni.Attachment?.DeviceIndex ?? 0;
      const owner: InterfaceOwner = instanceId ? { kind: 'ec2', instance: instanceId, index } : this.serviceOf(eni);
      if (instanceId && !fromInstance) unknownPlatform++;
      const platform = fromInstance?.instance.Platform;
      const instanceName = fromInstance ? nameTag(fromInstance.instance.Tags) : undefined;
      const base = nameTag(eni.TagSet) ?? (instanceId ? `${instanceName ?? instanceId}${index > 0 ? `-eth${index}` : ''}` : undefined);
      const addresses = [...(eni.PrivateIpAddresses ?? [])];
      if (addresses.length === 0 && eni.PrivateIpAddress) addresses.push({ PrivateIpAddress: eni.PrivateIpAddress, Primary: true, Association: eni.Association });
      addresses.sort((a, b) => Number(b.Primary ?? false) - Number(a.Primary ?? false));
      const primary = addresses.find((a) => a.Primary) ?? addresses[0];
      const ipv6 = [...(eni.Ipv6Addresses ?? [])].sort((a, b) => Number(b.IsPrimaryIpv6 ?? false) - Number(a.IsPrimaryIpv6 ?? false));
      const result: Instance = {
        id, vpc, subnet, name: base,
        privateIps: addresses.flatMap((a) => (a.PrivateIpAddress ? [a.PrivateIpAddress] : [])),
        ipv6s: ipv6.map((a) => a.Ipv6Address),
        groups: (eni.Groups ?? []).map((g) => g.GroupId),
        publicIp: primary?.Association?.PublicIp ?? (primary?.PrivateIpAddress === eni.PrivateIpAddress ? eni.Association?.PublicIp : undefined),
        otherPublicIps: addresses.filter((a) => a !== primary && a.Association?.PublicIp).map((a) => ({ privateIp: a.PrivateIpAddress ?? '?', publicIp: a.Association!.PublicIp! })),
        prefixes: [...(eni.Ipv4Prefixes ?? []).flatMap((p) => (p.Ipv4Prefix ? [p.Ipv4Prefix] : [])), ...(eni.Ipv6Prefixes ?? []).flatMap((p) => (p.Ipv6Prefix ? [p.Ipv6Prefix] : []))],
        os: platform === undefined ? undefined : platform.toLowerCase() === 'windows' ? 'windows' : 'linux',
        owner,
        note: owner.kind === 'ec2' ? undefined : description || undefined,
      };
      this.out.instances.push(result);
    }
    if (unknownPlatform > 0) {
      this.skip('describe-instances', 'instance platform', `${unknownPlatform} interface(s) of EC2 instances not in the input's describe-instances: their platform is unknown, Linux assumed`);
    }
  }

  private serviceOf(eni: aws.NetworkInterface): InterfaceOwner {
    const type = eni.InterfaceType ?? '';
    const description = eni.Description ?? '';
    const requester = eni.RequesterId ?? '';
    const what = type === 'network_load_balancer' ? 'network load balancer'
      : type === 'gateway_load_balancer' ? 'gateway load balancer'
        : type === 'load_balancer' || description.startsWith('ELB ') ? 'load balancer'
          : type === 'vpc_endpoint' ? 'VPC endpoint'
            : type === 'lambda' || description.startsWith('AWS Lambda VPC ENI') ? 'Lambda'
              : requester === 'amazon-rds' || description.startsWith('RDSNetworkInterface') ? 'RDS'
                : requester === 'amazon-elasticache' ? 'ElastiCache'
                  : type && type !== 'interface' ? type.replace(/_/g, ' ')
                    : eni.RequesterManaged ? `interface managed by ${requester || 'AWS'}`
                      : undefined;
    return what ? { kind: 'service', what } : { kind: 'none' };
  }

  // --- prefix lists -------------------------------------------------------------------------------

  private prefixLists(): void {
    const lists = this.unique('PrefixLists', (l) => l.PrefixListId);
    const ids = new Set([...lists.map((l) => l.PrefixListId), ...this.input.entries.keys()]);
    for (const id of [...ids].sort(compareText)) {
      const list = lists.find((l) => l.PrefixListId === id);
      const entries = this.input.entries.get(id);
      const awsManaged = list?.OwnerId === 'AWS' || (list?.PrefixListName ?? '').startsWith('com.amazonaws.');
      this.out.prefixLists.push({
        id, name: nameTag(list?.Tags), cidrs: entries ? [...new Set(entries)] : undefined, awsManaged, note: list?.PrefixListName,
      });
    }
  }

  // --- routes -------------------------------------------------------------------------------------

  private routeTables(): void {
    for (const table of this.unique('RouteTables', (t) => t.RouteTableId)) {
      const associations = (table.Associations ?? []).filter((a) => !['disassociated', 'disassociating', 'failed'].includes(a.AssociationState?.State ?? ''));
      const routes = (table.Routes ?? []).flatMap((route) => {
        const cidr = route.DestinationCidrBlock ?? route.DestinationIpv6CidrBlock;
        const destination = cidr ? { kind: 'cidr' as const, cidr } : route.DestinationPrefixListId ? { kind: 'prefix-list' as const, list: route.DestinationPrefixListId } : undefined;
        if (!destination) {
          this.skip(table.RouteTableId, 'route', 'a route without a destination: left out');
          return [];
        }
        return [{ destination, target: this.routeTarget(route) }];
      });
      this.out.routeTables.push({
        id: table.RouteTableId, vpc: table.VpcId, name: nameTag(table.Tags), main: associations.some((a) => a.Main),
        subnets: associations.flatMap((a) => (a.SubnetId ? [a.SubnetId] : [])),
        edgeGateways: associations.flatMap((a) => (a.GatewayId ? [a.GatewayId] : [])),
        routes,
      });
    }
  }

  private routeTarget(route: NonNullable<AwsLists['RouteTables'][number]['Routes']>[number]): RouteTarget {
    const gateway = route.GatewayId;
    const targetId = gateway ?? route.EgressOnlyInternetGatewayId ?? route.NatGatewayId ?? route.TransitGatewayId ?? route.VpcPeeringConnectionId
      ?? route.NetworkInterfaceId ?? route.InstanceId ?? route.LocalGatewayId ?? route.CarrierGatewayId ?? route.CoreNetworkArn ?? route.VpcEndpointId;
    if (route.State === 'blackhole') return { kind: 'blackhole', id: targetId };
    if (gateway === 'local') return { kind: 'local' };
    if (gateway?.startsWith('igw-')) return { kind: 'internet-gateway', gateway };
    if (gateway?.startsWith('vpce-')) return { kind: 'endpoint', endpoint: gateway };
    if (route.VpcEndpointId) return { kind: 'endpoint', endpoint: route.VpcEndpointId };
    if (gateway?.startsWith('vgw-')) return { kind: 'other', id: gateway, what: 'virtual private gateway' };
    if (gateway) return { kind: 'other', id: gateway, what: 'gateway' };
    if (route.EgressOnlyInternetGatewayId) return { kind: 'egress-only-gateway', gateway: route.EgressOnlyInternetGatewayId };
    if (route.NatGatewayId) return { kind: 'nat-gateway', gateway: route.NatGatewayId };
    if (route.TransitGatewayId) return { kind: 'other', id: route.TransitGatewayId, what: 'transit gateway' };
    if (route.VpcPeeringConnectionId) return { kind: 'other', id: route.VpcPeeringConnectionId, what: 'VPC peering connection' };
    if (route.NetworkInterfaceId) return { kind: 'other', id: route.NetworkInterfaceId, what: route.InstanceId ? `network interface of ${route.InstanceId}` : 'network interface' };
    if (route.InstanceId) return { kind: 'other', id: route.InstanceId, what: 'instance' };
    if (route.LocalGatewayId) return { kind: 'other', id: route.LocalGatewayId, what: 'local gateway' };
    if (route.CarrierGatewayId) return { kind: 'other', id: route.CarrierGatewayId, what: 'carrier gateway' };
    if (route.CoreNetworkArn) return { kind: 'other', id: route.CoreNetworkArn, what: 'core network' };
    return { kind: 'other', id: 'unknown', what: 'a target the input does not name' };
  }

  private gateways(): void {
    const attachedTo = (attachments: { VpcId?: string; State?: string }[] | undefined) =>
      (attachments ?? []).filter((a) => a.VpcId && ['available', 'attached', undefined].includes(a.State)).map((a) => a.VpcId!);
    for (const gateway of this.unique('InternetGateways', (g) => g.InternetGatewayId)) {
      this.out.gateways.push({ id: gateway.InternetGatewayId, kind: 'internet', name: nameTag(gateway.Tags), vpcs: attachedTo(gateway.Attachments) });
    }
    for (const gateway of this.unique('EgressOnlyInternetGateways', (g) => g.EgressOnlyInternetGatewayId)) {
      this.out.gateways.push({ id: gateway.EgressOnlyInternetGatewayId, kind: 'egress-only', name: nameTag(gateway.Tags), vpcs: attachedTo(gateway.Attachments) });
    }
  }

  private natGateways(): void {
    for (const nat of this.unique('NatGateways', (n) => n.NatGatewayId)) {
      if (!nat.VpcId || !nat.SubnetId) {
        this.skip(nat.NatGatewayId, 'NAT gateway', 'has no VpcId or SubnetId: left out');
        continue;
      }
      const addresses = [...(nat.NatGatewayAddresses ?? [])].sort((a, b) => Number(b.IsPrimary ?? false) - Number(a.IsPrimary ?? false));
      const primary = addresses.find((a) => a.IsPrimary) ?? addresses[0];
      const state = nat.State ?? 'available';
      this.out.natGateways.push({
        id: nat.NatGatewayId, vpc: nat.VpcId, subnet: nat.SubnetId, name: nameTag(nat.Tags),
        connectivity: nat.ConnectivityType === 'private' ? 'private' : 'public',
        privateIp: primary?.PrivateIp, publicIp: primary?.PublicIp,
        otherAddresses: addresses.filter((a) => a !== primary).map((a) => a.PublicIp ?? a.PrivateIp ?? '?'),
        unusable: USABLE_NAT_STATES.includes(state) ? undefined : state,
      });
    }
  }

  // --- AWS Network Firewall -----------------------------------------------------------------------

  /** The firewall resources, one per ARN; the same ARN twice must be the same. */
  private uniqueObjects<K extends ObjectKey>(key: K, idOf: (item: AwsObjects[K][number]) => string): AwsObjects[K][number][] {
    const byId = new Map<string, Found<AwsObjects[K][number]>>();
    for (const found of this.input.objects[key] as Found<AwsObjects[K][number]>[]) {
      const id = idOf(found.item);
      const earlier = byId.get(id);
      if (!earlier) byId.set(id, found);
      else if (JSON.stringify(earlier.item) !== JSON.stringify(found.item)) {
        throw new ImportInputError(`${found.file}: ${found.path}: ${id} is given twice with different contents (also in ${earlier.file})`);
      }
    }
    return [...byId.keys()].sort(compareText).map((id) => byId.get(id)!.item);
  }

  private firewalls(): void {
    for (const { Firewall: fw, FirewallStatus: status } of this.uniqueObjects('Firewall', (f) => f.Firewall.FirewallArn ?? f.Firewall.FirewallName)) {
      const id = fw.FirewallArn ?? fw.FirewallName;
      const sync = Object.entries(status?.SyncStates ?? {}).sort(([a], [b]) => compareText(a, b));
      const endpoints = sync.flatMap(([zone, state]) => (state.Attachment?.SubnetId ? [{ zone, subnet: state.Attachment.SubnetId, endpoint: state.Attachment.EndpointId }] : []));
      if (endpoints.length === 0) {
        for (const mapping of fw.SubnetMappings ?? []) endpoints.push({ zone: mapping.SubnetId, subnet: mapping.SubnetId, endpoint: undefined });
        if (endpoints.length > 0) this.skip(id, 'firewall', 'no SyncStates in the input: endpoint ids unknown, so routes to its endpoints are unmodelled');
      }
      this.out.firewalls.push({ id, vpc: fw.VpcId, policy: fw.FirewallPolicyArn, name: nameTag(fw.Tags) ?? fw.FirewallName, endpoints });
    }
  }

  private policies(): void {
    const action = (actions: string[] | undefined, id: string, what: string): StatelessAction | undefined => {
      const standard = (actions ?? []).find((a) => ['aws:pass', 'aws:drop', 'aws:forward_to_sfe'].includes(a));
      const custom = (actions ?? []).filter((a) => a !== standard);
      if (custom.length > 0) this.skip(id, 'firewall policy', `custom actions of the ${what} (${custom.join(', ')}) are not modelled`);
      return standard === 'aws:pass' ? 'pass' : standard === 'aws:drop' ? 'drop' : standard === 'aws:forward_to_sfe' ? 'forward' : undefined;
    };
    for (const { FirewallPolicyResponse: response, FirewallPolicy: policy } of this.uniqueObjects('FirewallPolicy', (p) => p.FirewallPolicyResponse.FirewallPolicyArn)) {
      const id = response.FirewallPolicyArn;
      const unsupported: string[] = [];
      const statelessDefault = action(policy.StatelessDefaultActions, id, 'stateless default action');
      if (!statelessDefault) {
        this.skip(id, 'firewall policy', `no standard stateless default action (${policy.StatelessDefaultActions.join(', ')}): drop assumed`);
      }
      const strict = policy.StatefulEngineOptions?.RuleOrder === 'STRICT_ORDER';
      const defaults = (policy.StatefulDefaultActions ?? []).flatMap((a) => {
        const mapped = ({ 'aws:drop_strict': 'drop-strict', 'aws:drop_established': 'drop-established', 'aws:alert_strict': 'alert-strict', 'aws:alert_established': 'alert-established' } as const)[a];
        if (!mapped) unsupported.push(`stateful default action ${a} is not modelled`);
        return mapped ? [mapped] : [];
      });
      for (const ref of policy.StatefulRuleGroupReferences ?? []) {
        if (ref.Override?.Action) unsupported.push(`the override ${ref.Override.Action} of ${ref.ResourceArn} is not modelled`);
      }
      if (policy.PolicyVariables?.RuleVariables && Object.keys(policy.PolicyVariables.RuleVariables).length > 0) {
        unsupported.push(`policy variables (${Object.keys(policy.PolicyVariables.RuleVariables).join(', ')}) are not modelled: $HOME_NET is the VPC's blocks`);
      }
      if (policy.TLSInspectionConfigurationArn) unsupported.push('TLS inspection is not modelled');
      if ((policy.StatelessCustomActions ?? []).length > 0) unsupported.push('custom actions are not modelled');
      const result: FirewallPolicy = {
        id, name: nameTag(response.Tags) ?? response.FirewallPolicyName,
        statelessDefault: statelessDefault ?? 'drop',
        statelessFragmentDefault: action(policy.StatelessFragmentDefaultActions, id, 'fragment default action'),
        statelessGroups: (policy.StatelessRuleGroupReferences ?? []).map((ref) => ({ group: ref.ResourceArn, priority: ref.Priority ?? 0 })),
        statefulGroups: (policy.StatefulRuleGroupReferences ?? []).map((ref) => ({ group: ref.ResourceArn, priority: strict ? ref.Priority : undefined })),
        statefulOrder: strict ? 'strict' : 'default',
        statefulDefaults: strict ? defaults : [],
        unsupported,
      };
      if (!strict && defaults.length > 0) unsupported.push('stateful default actions under default rule order are not modelled');
      this.out.firewallPolicies.push(result);
    }
  }

  private ruleGroups(): void {
    for (const { RuleGroupResponse: response, RuleGroup: group } of this.uniqueObjects('RuleGroup', (g) => g.RuleGroupResponse.RuleGroupArn)) {
      const id = response.RuleGroupArn;
      const source = group.RulesSource;
      const stateless = response.Type ? response.Type === 'STATELESS' : Boolean(source.StatelessRulesAndCustomActions);
      const unsupported: string[] = [];
      if (group.RuleVariables?.IPSets && Object.keys(group.RuleVariables.IPSets).length > 0) unsupported.push(`rule variables (${Object.keys(group.RuleVariables.IPSets).join(', ')}) are not modelled: $HOME_NET is the VPC's blocks`);
      if (group.RuleVariables?.PortSets && Object.keys(group.RuleVariables.PortSets).length > 0) unsupported.push(`port variables (${Object.keys(group.RuleVariables.PortSets).join(', ')}) are not modelled`);
      if (group.ReferenceSets) unsupported.push('reference sets are not modelled');
      if (source.RulesSourceList) unsupported.push(`a domain list (${(source.RulesSourceList.Targets ?? []).join(', ')}) is not modelled: left out`);
      const result: RuleGroup = { id, name: nameTag(response.Tags) ?? response.RuleGroupName, type: stateless ? 'stateless' : 'stateful', stateless: [], stateful: [], unsupported };
      if (stateless) {
        for (const rule of source.StatelessRulesAndCustomActions?.StatelessRules ?? []) {
          const mapped = this.statelessRule(id, rule);
          if (mapped) result.stateless.push(mapped);
        }
      } else {
        result.stateful.push(...this.statefulRules(source));
      }
      this.out.ruleGroups.push(result);
    }
  }

  private statelessRule(groupId: string, rule: NonNullable<z.infer<typeof aws.DescribeRuleGroup>['RuleGroup']['RulesSource']['StatelessRulesAndCustomActions']>['StatelessRules'][number]): StatelessRule | undefined {
    const actions = rule.RuleDefinition.Actions;
    const standard = actions.find((a) => ['aws:pass', 'aws:drop', 'aws:forward_to_sfe'].includes(a));
    if (!standard) {
      this.skip(groupId, 'stateless rule', `priority ${rule.Priority}: only custom actions (${actions.join(', ')}): left out`);
      return undefined;
    }
    if (actions.length > 1) this.skip(groupId, 'stateless rule', `priority ${rule.Priority}: custom actions are not modelled`);
    const match = rule.RuleDefinition.MatchAttributes;
    const ports = (list: { FromPort: number; ToPort: number }[] | undefined): PortRange[] => (list ?? []).map((p) => ({ from: p.FromPort, to: p.ToPort }));
    return {
      priority: rule.Priority,
      action: standard === 'aws:pass' ? 'pass' : standard === 'aws:drop' ? 'drop' : 'forward',
      protocols: match.Protocols ?? [],
      sources: (match.Sources ?? []).map((s) => s.AddressDefinition),
      sourcePorts: ports(match.SourcePorts),
      destinations: (match.Destinations ?? []).map((d) => d.AddressDefinition),
      destinationPorts: ports(match.DestinationPorts),
      tcpFlags: (match.TCPFlags ?? []).length > 0,
    };
  }

  private statefulRules(source: z.infer<typeof aws.DescribeRuleGroup>['RuleGroup']['RulesSource']): StatefulRule[] {
    const rules: StatefulRule[] = [];
    if (source.RulesString) {
      for (const line of source.RulesString.split(/\r?\n/)) {
        const text = line.trim();
        if (text && !text.startsWith('#')) rules.push({ kind: 'text', text: oneLine(text) });
      }
    }
    for (const rule of source.StatefulRules ?? []) {
      const h = rule.Header;
      const word = (text: string) => (text.toUpperCase() === 'ANY' ? 'any' : text);
      rules.push({
        kind: 'header',
        rule: {
          action: rule.Action.toLowerCase() as 'pass',
          protocol: h.Protocol.toLowerCase(),
          source: word(h.Source), sourcePort: word(h.SourcePort),
          direction: h.Direction.toUpperCase() === 'ANY' ? '<>' : '->',
          destination: word(h.Destination), destinationPort: word(h.DestinationPort),
          options: (rule.RuleOptions ?? []).map((o) => ({ keyword: o.Keyword, settings: o.Settings ?? [] })),
        },
      });
    }
    return rules;
  }
}
