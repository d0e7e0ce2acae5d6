// The shapes of the AWS CLI's JSON that `vpcrules import aws` reads, as zod schemas: the fields the
// import uses, with the CLI's PascalCase names. Unknown keys are ignored (zod objects strip them);
// a field of the wrong type is an error that names its JSON path.
import { z } from 'zod';

const str = z.string();
const int = z.number().int();
const tags = z.array(z.object({ Key: str, Value: str.optional() })).optional();

export const Vpc = z.object({
  VpcId: str,
  CidrBlock: str.optional(),
  CidrBlockAssociationSet: z.array(z.object({ CidrBlock: str, CidrBlockState: z.object({ State: str.optional() }).optional() })).optional(),
  Ipv6CidrBlockAssociationSet: z.array(z.object({ Ipv6CidrBlock: str.optional(), Ipv6CidrBlockState: z.object({ State: str.optional() }).optional() })).optional(),
  IsDefault: z.boolean().optional(),
  OwnerId: str.optional(),
  Tags: tags,
});

export const Subnet = z.object({
  SubnetId: str,
  VpcId: str,
  CidrBlock: str.optional(),
  Ipv6CidrBlockAssociationSet: z.array(z.object({ Ipv6CidrBlock: str.optional(), Ipv6CidrBlockState: z.object({ State: str.optional() }).optional() })).optional(),
  AvailabilityZone: str.optional(),
  Ipv6Native: z.boolean().optional(),
  Tags: tags,
});

const IpPermission = z.object({
  IpProtocol: str,
  FromPort: int.optional(),
  ToPort: int.optional(),
  IpRanges: z.array(z.object({ CidrIp: str, Description: str.optional() })).optional(),
  Ipv6Ranges: z.array(z.object({ CidrIpv6: str, Description: str.optional() })).optional(),
  PrefixListIds: z.array(z.object({ PrefixListId: str, Description: str.optional() })).optional(),
  UserIdGroupPairs: z.array(z.object({
    GroupId: str.optional(),
    GroupName: str.optional(),
    UserId: str.optional(),
    VpcId: str.optional(),
    VpcPeeringConnectionId: str.optional(),
    PeeringStatus: str.optional(),
    Description: str.optional(),
  })).optional(),
});
export type IpPermission = z.infer<typeof IpPermission>;

export const SecurityGroup = z.object({
  GroupId: str,
  GroupName: str.optional(),
  Description: str.optional(),
  VpcId: str.optional(),
  OwnerId: str.optional(),
  IpPermissions: z.array(IpPermission).optional(),
  IpPermissionsEgress: z.array(IpPermission).optional(),
  Tags: tags,
});

export const SecurityGroupRule = z.object({
  SecurityGroupRuleId: str,
  GroupId: str,
  GroupOwnerId: str.optional(),
  IsEgress: z.boolean(),
  IpProtocol: str,
  FromPort: int.optional(),
  ToPort: int.optional(),
  CidrIpv4: str.optional(),
  CidrIpv6: str.optional(),
  PrefixListId: str.optional(),
  ReferencedGroupInfo: z.object({
    GroupId: str.optional(),
    UserId: str.optional(),
    VpcId: str.optional(),
    VpcPeeringConnectionId: str.optional(),
    PeeringStatus: str.optional(),
  }).optional(),
  Description: str.optional(),
});

export const NetworkAcl = z.object({
  NetworkAclId: str,
  VpcId: str,
  IsDefault: z.boolean().optional(),
  Associations: z.array(z.object({ SubnetId: str.optional(), NetworkAclId: str.optional() })).optional(),
  Entries: z.array(z.object({
    RuleNumber: int,
    Egress: z.boolean(),
    Protocol: str,
    RuleAction: str,
    CidrBlock: str.optional(),
    Ipv6CidrBlock: str.optional(),
    PortRange: z.object({ From: int.optional(), To: int.optional() }).optional(),
    IcmpTypeCode: z.object({ Type: int.optional(), Code: int.optional() }).optional(),
  })).optional(),
  Tags: tags,
});

const PrivateIpAddress = z.object({
  PrivateIpAddress: str.optional(),
  Primary: z.boolean().optional(),
  Association: z.object({ PublicIp: str.optional() }).optional(),
});

/** A network interface, as `describe-network-interfaces` and `describe-instances` print it. */
export const NetworkInterface = z.object({
  NetworkInterfaceId: str,
  SubnetId: str.optional(),
  VpcId: str.optional(),
  InterfaceType: str.optional(),
  Description: str.optional(),
  RequesterId: str.optional(),
  RequesterManaged: z.boolean().optional(),
  Status: str.optional(),
  PrivateIpAddress: str.optional(),
  PrivateIpAddresses: z.array(PrivateIpAddress).optional(),
  Ipv6Addresses: z.array(z.object({ Ipv6Address: str, IsPrimaryIpv6: z.boolean().optional() })).optional(),
  Ipv4Prefixes: z.array(z.object({ Ipv4Prefix: str.optional() })).optional(),
  Ipv6Prefixes: z.array(z.object({ Ipv6Prefix: str.optional() })).optional(),
  Association: z.object({ PublicIp: str.optional() }).optional(),
  Attachment: z.object({ InstanceId: str.optional(), InstanceOwnerId: str.optional(), DeviceIndex: int.optional(), Status: str.optional() }).optional(),
  Groups: z.array(z.object({ GroupId: str, GroupName: str.optional() })).optional(),
  TagSet: tags,
});
export type NetworkInterface = z.infer<typeof NetworkInterface>;

export const Instance = z.object({
  InstanceId: str,
  VpcId: str.optional(),
  SubnetId: str.optional(),
  Platform: str.optional(),
  PlatformDetails: str.optional(),
  State: z.object({ Name: str.optional() }).optional(),
  NetworkInterfaces: z.array(NetworkInterface).optional(),
  Tags: tags,
});

export const Reservation = z.object({ Instances: z.array(Instance).optional() });

export const PrefixList = z.object({
  PrefixListId: str,
  PrefixListName: str.optional(),
  AddressFamily: str.optional(),
  OwnerId: str.optional(),
  Tags: tags,
});

export const PrefixListEntry = z.object({ Cidr: str, Description: str.optional() });

export const RouteTable = z.object({
  RouteTableId: str,
  VpcId: str,
  Associations: z.array(z.object({
    Main: z.boolean().optional(),
    SubnetId: str.optional(),
    GatewayId: str.optional(),
    AssociationState: z.object({ State: str.optional() }).optional(),
  })).optional(),
  Routes: z.array(z.object({
    DestinationCidrBlock: str.optional(),
    DestinationIpv6CidrBlock: str.optional(),
    DestinationPrefixListId: str.optional(),
    GatewayId: str.optional(),
    EgressOnlyInternetGatewayId: str.optional(),
    NatGatewayId: str.optional(),
    InstanceId: str.optional(),
    NetworkInterfaceId: str.optional(),
    TransitGatewayId: str.optional(),
    VpcPeeringConnectionId: str.optional(),
    LocalGatewayId: str.optional(),
    CarrierGatewayId: str.optional(),
    CoreNetworkArn: str.optional(),
    VpcEndpointId: str.optional(),
    Origin: str.optional(),
    State: str.optional(),
  })).optional(),
  Tags: tags,
});

const GatewayAttachments = z.array(z.object({ VpcId: str.optional(), State: str.optional() })).optional();

export const InternetGateway = z.object({ InternetGatewayId: str, Attachments: GatewayAttachments, Tags: tags });
export const EgressOnlyInternetGateway = z.object({ EgressOnlyInternetGatewayId: str, Attachments: GatewayAttachments, Tags: tags });

export const NatGateway = z.object({
  NatGatewayId: str,
  VpcId: str.optional(),
  SubnetId: str.optional(),
  State: str.optional(),
  ConnectivityType: str.optional(),
  NatGatewayAddresses: z.array(z.object({
    PrivateIp: str.optional(),
    PublicIp: str.optional(),
    NetworkInterfaceId: str.optional(),
    IsPrimary: z.boolean().optional(),
    Status: str.optional(),
  })).optional(),
  Tags: tags,
});

// --- AWS Network Firewall (`aws network-firewall describe-…`) -------------------------------------

export const DescribeFirewall = z.object({
  Firewall: z.object({
    FirewallName: str,
    FirewallArn: str.optional(),
    FirewallId: str.optional(),
    FirewallPolicyArn: str,
    VpcId: str,
    SubnetMappings: z.array(z.object({ SubnetId: str })).optional(),
    Tags: tags,
  }),
  FirewallStatus: z.object({
    Status: str.optional(),
    SyncStates: z.record(str, z.object({
      Attachment: z.object({ SubnetId: str.optional(), EndpointId: str.optional(), Status: str.optional() }).optional(),
    })).optional(),
  }).optional(),
});

const RuleGroupReference = z.object({ ResourceArn: str, Priority: int.optional() });

export const DescribeFirewallPolicy = z.object({
  FirewallPolicyResponse: z.object({
    FirewallPolicyName: str,
    FirewallPolicyArn: str,
    FirewallPolicyId: str.optional(),
    Tags: tags,
  }),
  FirewallPolicy: z.object({
    StatelessDefaultActions: z.array(str),
    StatelessFragmentDefaultActions: z.array(str).optional(),
    StatelessRuleGroupReferences: z.array(RuleGroupReference).optional(),
    StatefulRuleGroupReferences: z.array(RuleGroupReference.extend({ Override: z.object({ Action: str.optional() }).optional() })).optional(),
    StatefulDefaultActions: z.array(str).optional(),
    StatefulEngineOptions: z.object({ RuleOrder: str.optional(), StreamExceptionPolicy: str.optional() }).optional(),
    StatelessCustomActions: z.array(z.unknown()).optional(),
    PolicyVariables: z.object({ RuleVariables: z.record(str, z.unknown()).optional() }).optional(),
    TLSInspectionConfigurationArn: str.optional(),
  }),
});

const PortRangeShape = z.object({ FromPort: int, ToPort: int });

export const DescribeRuleGroup = z.object({
  RuleGroupResponse: z.object({
    RuleGroupName: str,
    RuleGroupArn: str,
    RuleGroupId: str.optional(),
    Type: str.optional(),
    Tags: tags,
  }),
  RuleGroup: z.object({
    RuleVariables: z.object({ IPSets: z.record(str, z.unknown()).optional(), PortSets: z.record(str, z.unknown()).optional() }).optional(),
    ReferenceSets: z.unknown().optional(),
    StatefulRuleOptions: z.object({ RuleOrder: str.optional() }).optional(),
    RulesSource: z.object({
      RulesString: str.optional(),
      RulesSourceList: z.object({ Targets: z.array(str).optional(), TargetTypes: z.array(str).optional(), GeneratedRulesType: str.optional() }).optional(),
      StatefulRules: z.array(z.object({
        Action: str,
        Header: z.object({
          Protocol: str,
          Source: str,
          SourcePort: str,
          Direction: str,
          Destination: str,
          DestinationPort: str,
        }),
        RuleOptions: z.array(z.object({ Keyword: str, Settings: z.array(str).optional() })).optional(),
      })).optional(),
      StatelessRulesAndCustomActions: z.object({
        StatelessRules: z.array(z.object({
          Priority: int,
          RuleDefinition: z.object({
            Actions: z.array(str),
            MatchAttributes: z.object({
              Sources: z.array(z.object({ AddressDefinition: str })).optional(),
              Destinations: z.array(z.object({ AddressDefinition: str })).optional(),
              SourcePorts: z.array(PortRangeShape).optional(),
              DestinationPorts: z.array(PortRangeShape).optional(),
              Protocols: z.array(int).optional(),
              TCPFlags: z.array(z.unknown()).optional(),
            }),
          }),
        })),
        CustomActions: z.array(z.unknown()).optional(),
      }).optional(),
    }),
  }),
});

/**
 * The top-level keys a file may hold, each with the schema of its elements and the command that
 * prints it. A file holds one or several of them.
 */
export const LIST_KEYS = {
  Vpcs: { schema: Vpc, command: 'ec2 describe-vpcs' },
  Subnets: { schema: Subnet, command: 'ec2 describe-subnets' },
  SecurityGroups: { schema: SecurityGroup, command: 'ec2 describe-security-groups' },
  SecurityGroupRules: { schema: SecurityGroupRule, command: 'ec2 describe-security-group-rules' },
  NetworkAcls: { schema: NetworkAcl, command: 'ec2 describe-network-acls' },
  NetworkInterfaces: { schema: NetworkInterface, command: 'ec2 describe-network-interfaces' },
  Reservations: { schema: Reservation, command: 'ec2 describe-instances' },
  PrefixLists: { schema: PrefixList, command: 'ec2 describe-managed-prefix-lists' },
  Entries: { schema: PrefixListEntry, command: 'ec2 get-managed-prefix-list-entries' },
  RouteTables: { schema: RouteTable, command: 'ec2 describe-route-tables' },
  InternetGateways: { schema: InternetGateway, command: 'ec2 describe-internet-gateways' },
  EgressOnlyInternetGateways: { schema: EgressOnlyInternetGateway, command: 'ec2 describe-egress-only-internet-gateways' },
  NatGateways: { schema: NatGateway, command: 'ec2 describe-nat-gateways' },
} as const;

/** The keys of a `network-firewall describe-…` output, whose top level is one object. */
export const OBJECT_KEYS = {
  Firewall: { schema: DescribeFirewall, command: 'network-firewall describe-firewall' },
  FirewallPolicy: { schema: DescribeFirewallPolicy, command: 'network-firewall describe-firewall-policy' },
  RuleGroup: { schema: DescribeRuleGroup, command: 'network-firewall describe-rule-group' },
} as const;

export type ListKey = keyof typeof LIST_KEYS;
export type ObjectKey = keyof typeof OBJECT_KEYS;

/** The elements of each list, once validated. */
export type AwsLists = { [K in ListKey]: z.infer<(typeof LIST_KEYS)[K]['schema']>[] };
export type AwsObjects = { [K in ObjectKey]: z.infer<(typeof OBJECT_KEYS)[K]['schema']>[] };
