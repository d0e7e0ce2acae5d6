// The shapes of `terraform show -json` that `vpcrules import terraform` reads, as zod schemas: the
// document (a state's `values` or a plan's `planned_values`, `resource_changes` and
// `configuration`), and the `values` of each resource type the import maps, with the AWS
// provider's attribute names. Unknown keys are ignored (zod objects strip them); a field of the
// wrong type is an error that names its JSON path. Terraform writes null for an unset attribute,
// and a plan writes null for a list element unknown until apply, so almost everything is nullish.
import { z } from 'zod';

const str = z.string().nullish();
const num = z.number().nullish();
const bool = z.boolean().nullish();
/** A list whose elements may be null (unknown until apply, in a plan). */
const list = <T extends z.ZodType>(item: T) => z.array(item.nullable()).nullish();
const strs = list(z.string());
const tags = z.record(z.string(), z.string().nullable()).nullish();

// --- the document ---------------------------------------------------------------------------------

/** One module of `values` or `planned_values`: its resources and child modules (read one level at a time). */
export const ModuleValues = z.object({
  address: str,
  resources: z.array(z.unknown()).nullish(),
  child_modules: z.array(z.unknown()).nullish(),
});

export const ResourceValues = z.object({
  address: z.string(),
  mode: z.string(),
  type: z.string(),
  name: z.string(),
  index: z.union([z.number(), z.string()]).nullish(),
  values: z.record(z.string(), z.unknown()).nullish(),
});

export const ResourceChange = z.object({
  address: z.string(),
  change: z.object({
    actions: z.array(z.string()).nullish(),
    after_unknown: z.unknown().optional(),
  }).nullish(),
});

/** An expression of the configuration: a constant, or the references it is made of. */
export const Expression = z.object({
  constant_value: z.unknown().optional(),
  references: z.array(z.string()).nullish(),
});

export const ConfigResource = z.object({
  address: z.string(),
  mode: str,
  type: z.string(),
  name: z.string(),
  expressions: z.record(z.string(), z.unknown()).nullish(),
  count_expression: Expression.nullish(),
  for_each_expression: Expression.nullish(),
});

export const ConfigModule = z.object({
  resources: z.array(z.unknown()).nullish(),
  module_calls: z.record(z.string(), z.unknown()).nullish(),
  outputs: z.record(z.string(), z.object({ expression: Expression.nullish() })).nullish(),
});

export const ModuleCall = z.object({
  expressions: z.record(z.string(), z.unknown()).nullish(),
  count_expression: Expression.nullish(),
  for_each_expression: Expression.nullish(),
  module: z.unknown(),
});

export const ShowJson = z.object({
  format_version: z.string(),
  terraform_version: str,
  values: z.object({ root_module: z.unknown() }).nullish(),
  planned_values: z.object({ root_module: z.unknown() }).nullish(),
  resource_changes: z.array(z.unknown()).nullish(),
  configuration: z.object({ root_module: z.unknown() }).nullish(),
});

// --- resources: VPC, subnets, gateways ------------------------------------------------------------

export const Vpc = z.object({
  id: str,
  arn: str,
  cidr_block: str,
  ipv6_cidr_block: str,
  ipv6_netmask_length: num,
  assign_generated_ipv6_cidr_block: bool,
  main_route_table_id: str,
  default_route_table_id: str,
  default_network_acl_id: str,
  default_security_group_id: str,
  owner_id: str,
  /** data.aws_vpc */
  cidr_block_associations: list(z.object({ cidr_block: str, state: str })),
  tags,
});

export const VpcCidrAssociation = z.object({ vpc_id: str, cidr_block: str, ipv6_cidr_block: str });

export const Subnet = z.object({
  id: str,
  vpc_id: str,
  cidr_block: str,
  ipv6_cidr_block: str,
  availability_zone: str,
  map_public_ip_on_launch: bool,
  tags,
});

export const Gateway = z.object({ id: str, vpc_id: str, tags });
export const GatewayAttachment = z.object({ internet_gateway_id: str, vpc_id: str });

export const NatGateway = z.object({
  id: str,
  subnet_id: str,
  connectivity_type: str,
  allocation_id: str,
  private_ip: str,
  public_ip: str,
  secondary_private_ip_addresses: strs,
  secondary_allocation_ids: strs,
  tags,
});

export const Eip = z.object({
  id: str,
  allocation_id: str,
  public_ip: str,
  private_ip: str,
  instance: str,
  network_interface: str,
  associate_with_private_ip: str,
  domain: str,
  tags,
});

export const EipAssociation = z.object({
  allocation_id: str,
  public_ip: str,
  instance_id: str,
  network_interface_id: str,
  private_ip_address: str,
});

// --- security groups ------------------------------------------------------------------------------

export const InlineSgRule = z.object({
  from_port: num,
  to_port: num,
  protocol: str,
  cidr_blocks: strs,
  ipv6_cidr_blocks: strs,
  prefix_list_ids: strs,
  security_groups: strs,
  self: bool,
  description: str,
});

export const SecurityGroup = z.object({
  id: str,
  vpc_id: str,
  name: str,
  owner_id: str,
  ingress: list(InlineSgRule),
  egress: list(InlineSgRule),
  tags,
});

export const SecurityGroupRule = z.object({
  id: str,
  type: str,
  security_group_id: str,
  from_port: num,
  to_port: num,
  protocol: str,
  cidr_blocks: strs,
  ipv6_cidr_blocks: strs,
  prefix_list_ids: strs,
  source_security_group_id: str,
  self: bool,
  description: str,
});

export const VpcSecurityGroupRule = z.object({
  id: str,
  security_group_id: str,
  security_group_rule_id: str,
  ip_protocol: str,
  from_port: num,
  to_port: num,
  cidr_ipv4: str,
  cidr_ipv6: str,
  prefix_list_id: str,
  referenced_security_group_id: str,
  description: str,
  tags,
});

// --- network ACLs ---------------------------------------------------------------------------------

export const InlineNaclEntry = z.object({
  rule_no: num,
  action: str,
  protocol: str,
  cidr_block: str,
  ipv6_cidr_block: str,
  from_port: num,
  to_port: num,
  icmp_type: num,
  icmp_code: num,
});

export const NetworkAcl = z.object({
  id: str,
  vpc_id: str,
  /** aws_default_network_acl */
  default_network_acl_id: str,
  subnet_ids: strs,
  ingress: list(InlineNaclEntry),
  egress: list(InlineNaclEntry),
  tags,
});

export const NetworkAclRule = z.object({
  network_acl_id: str,
  rule_number: num,
  egress: bool,
  protocol: str,
  rule_action: str,
  cidr_block: str,
  ipv6_cidr_block: str,
  from_port: num,
  to_port: num,
  icmp_type: num,
  icmp_code: num,
});

export const NetworkAclAssociation = z.object({ network_acl_id: str, subnet_id: str });

// --- routes ---------------------------------------------------------------------------------------

/** The targets a route may have, in `aws_route` and in `aws_route_table`'s `route` blocks. */
export const ROUTE_TARGETS = [
  'gateway_id', 'egress_only_gateway_id', 'nat_gateway_id', 'transit_gateway_id', 'vpc_peering_connection_id',
  'network_interface_id', 'vpc_endpoint_id', 'local_gateway_id', 'carrier_gateway_id', 'core_network_arn', 'instance_id',
] as const;
export type RouteTargetKey = (typeof ROUTE_TARGETS)[number];

const targets = Object.fromEntries(ROUTE_TARGETS.map((key) => [key, str])) as Record<RouteTargetKey, typeof str>;

export const InlineRoute = z.object({ cidr_block: str, ipv6_cidr_block: str, destination_prefix_list_id: str, ...targets });

export const RouteTable = z.object({
  id: str,
  vpc_id: str,
  /** aws_default_route_table */
  default_route_table_id: str,
  route: list(InlineRoute),
  tags,
});

export const Route = z.object({
  route_table_id: str,
  destination_cidr_block: str,
  destination_ipv6_cidr_block: str,
  destination_prefix_list_id: str,
  state: str,
  ...targets,
});

export const RouteTableAssociation = z.object({ route_table_id: str, subnet_id: str, gateway_id: str });
export const MainRouteTableAssociation = z.object({ vpc_id: str, route_table_id: str });

// --- interfaces -----------------------------------------------------------------------------------

export const Instance = z.object({
  id: str,
  subnet_id: str,
  private_ip: str,
  secondary_private_ips: strs,
  ipv6_addresses: strs,
  ipv6_address_count: num,
  vpc_security_group_ids: strs,
  associate_public_ip_address: bool,
  public_ip: str,
  primary_network_interface_id: str,
  instance_state: str,
  network_interface: list(z.object({ device_index: num, network_interface_id: str })),
  tags,
});

export const NetworkInterface = z.object({
  id: str,
  subnet_id: str,
  private_ip: str,
  private_ips: strs,
  private_ip_list: strs,
  ipv6_addresses: strs,
  ipv6_address_count: num,
  security_groups: strs,
  description: str,
  interface_type: str,
  attachment: list(z.object({ instance: str, device_index: num })),
  tags,
});

export const NetworkInterfaceAttachment = z.object({ instance_id: str, network_interface_id: str, device_index: num });
export const NetworkInterfaceSgAttachment = z.object({ security_group_id: str, network_interface_id: str });

// --- prefix lists ---------------------------------------------------------------------------------

export const PrefixList = z.object({
  id: str,
  name: str,
  owner_id: str,
  entry: list(z.object({ cidr: str, description: str })),
  /** data.aws_ec2_managed_prefix_list */
  entries: list(z.object({ cidr: str, description: str })),
  /** data.aws_prefix_list */
  cidr_blocks: strs,
  tags,
});

export const PrefixListEntry = z.object({ prefix_list_id: str, cidr: str, description: str });

// --- AWS Network Firewall -------------------------------------------------------------------------

export const Firewall = z.object({
  id: str,
  arn: str,
  name: str,
  vpc_id: str,
  firewall_policy_arn: str,
  subnet_mapping: list(z.object({ subnet_id: str })),
  firewall_status: list(z.object({
    sync_states: list(z.object({
      availability_zone: str,
      attachment: list(z.object({ endpoint_id: str, subnet_id: str })),
    })),
  })),
  tags,
});

const ipSets = list(z.object({ key: str, ip_set: list(z.object({ definition: strs })) }));

export const FirewallPolicy = z.object({
  id: str,
  arn: str,
  name: str,
  firewall_policy: list(z.object({
    stateless_default_actions: strs,
    stateless_fragment_default_actions: strs,
    stateless_custom_action: list(z.object({ action_name: str })),
    stateless_rule_group_reference: list(z.object({ priority: num, resource_arn: str })),
    stateful_rule_group_reference: list(z.object({
      priority: num,
      resource_arn: str,
      override: list(z.object({ action: str })),
    })),
    stateful_engine_options: list(z.object({ rule_order: str })),
    stateful_default_actions: strs,
    policy_variables: list(z.object({ rule_variables: ipSets })),
    tls_inspection_configuration_arn: str,
  })),
  tags,
});

const portRanges = list(z.object({ from_port: num, to_port: num }));
const addresses = list(z.object({ address_definition: str }));

export const RuleGroup = z.object({
  id: str,
  arn: str,
  name: str,
  type: str,
  rules: str,
  rule_group: list(z.object({
    rule_variables: list(z.object({
      ip_sets: ipSets,
      port_sets: list(z.object({ key: str })),
    })),
    reference_sets: list(z.object({})),
    rules_source: list(z.object({
      rules_string: str,
      rules_source_list: list(z.object({ targets: strs, target_types: strs, generated_rules_type: str })),
      stateful_rule: list(z.object({
        action: str,
        header: list(z.object({
          protocol: str,
          source: str,
          source_port: str,
          direction: str,
          destination: str,
          destination_port: str,
        })),
        rule_option: list(z.object({ keyword: str, settings: strs })),
      })),
      stateless_rules_and_custom_actions: list(z.object({
        stateless_rule: list(z.object({
          priority: num,
          rule_definition: list(z.object({
            actions: strs,
            match_attributes: list(z.object({
              source: addresses,
              destination: addresses,
              source_port: portRanges,
              destination_port: portRanges,
              protocols: list(z.number()),
              tcp_flag: list(z.object({ flags: strs })),
            })),
          })),
        })),
      })),
    })),
  })),
  tags,
});
