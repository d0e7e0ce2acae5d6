// The registry of every diagnostic the language can report: a stable code, a short name,
// a default severity and a one-line doc. docs/diagnostics.md documents each one with an example.

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface CheckInfo {
  code: string;
  name: string;
  severity: Severity;
  doc: string;
}

function check(code: string, name: string, severity: Severity, doc: string): CheckInfo {
  return { code, name, severity, doc };
}

export const CHECKS = {
  syntax: check('VR100', 'syntax-error', 'error', 'The text is not a statement of the language.'),
  outOfRange: check('VR101', 'out-of-range', 'error', 'A number lies outside its range: rule number 1-32766, port 0-65535, protocol 0-255, ICMP type/code 0-255, prefix length, firewall rule and rule group priority 1-65535, Suricata sid 1-4294967295.'),
  unknownReference: check('VR200', 'unknown-reference', 'error', 'A name refers to nothing declared of the right kind.'),
  duplicateName: check('VR201', 'duplicate-name', 'error', 'Two declarations of the same kind share a name.'),
  duplicateRuleNumber: check('VR202', 'duplicate-rule-number', 'error', 'Two rules of one network ACL direction share a number.'),
  unused: check('VR203', 'unused-declaration', 'warning', 'A security group, network ACL, prefix list, route table, subnet, firewall, firewall policy or rule group that nothing uses.'),
  vpcDeclaration: check('VR204', 'vpc-declaration', 'error', 'A model needs exactly one vpc declaration.'),
  hostBits: check('VR300', 'cidr-host-bits', 'warning', 'A CIDR has bits set beyond its prefix; AWS would use the network address.'),
  subnetOutsideVpc: check('VR301', 'subnet-outside-vpc', 'error', "A subnet's block does not lie inside the VPC's blocks."),
  subnetOverlap: check('VR302', 'subnet-overlap', 'error', 'Two subnets share addresses.'),
  instanceOutsideSubnet: check('VR303', 'instance-address-outside-subnet', 'error', "An instance's address is not in its subnet."),
  instanceReserved: check('VR304', 'instance-address-reserved', 'error', 'An instance uses one of the five addresses AWS reserves in every subnet.'),
  familyMismatch: check('VR305', 'family-mismatch', 'error', "A flow's ends cannot be of the flow's address family."),
  ruleFamily: check('VR306', 'rule-family-never-matches', 'warning', 'A rule whose address family or protocol can never match a packet of this VPC.'),
  blockSize: check('VR307', 'block-size', 'error', 'A block AWS refuses: an IPv4 VPC or subnet block outside /16 to /28, or an IPv6 subnet block longer than /64.'),
  prefixListFamilies: check('VR308', 'prefix-list-mixed-families', 'warning', 'A prefix list that holds both IPv4 and IPv6 entries; an AWS prefix list holds one family.'),
  gatewayDeclaration: check('VR309', 'gateway-declaration', 'error', 'A gateway AWS refuses: a second internet or egress-only gateway, a NAT gateway address outside its subnet, a public address inside the VPC.'),
  routeTableAssociation: check('VR310', 'route-table-association', 'error', "A route table association AWS refuses: a second main table, an edge table on anything but the internet gateway."),
  routeRefused: check('VR311', 'route-refused', 'error', 'A route AWS refuses: a target of the wrong kind or family, a duplicate destination, a route more specific than local that is not middlebox routing, an edge route that AWS does not allow.'),
  routeTargetFamily: check('VR312', 'route-target-family', 'warning', 'A route to a gateway that does not carry its address family as modelled: an IPv6 route to a NAT gateway (NAT64) drops the packets that take it.'),
  natGatewayNotPublic: check('VR313', 'nat-gateway-not-public', 'warning', "A NAT gateway that cannot reach the internet: its subnet's route table has no route to the internet gateway."),
  publicIpUnreachable: check('VR314', 'public-ip-unreachable', 'hint', "An instance with a public address in a subnet whose route table has no route to the internet gateway."),
  asymmetricRouting: check('VR315', 'asymmetric-routing', 'warning', "The internet gateway's edge table sends a subnet's incoming traffic through an appliance, while the subnet's table sends its outgoing traffic straight to the internet gateway."),
  firewallPolicy: check('VR316', 'firewall-policy-refused', 'error', 'A firewall policy AWS refuses: no stateless default action, repeated group priorities, a stateful priority or default action under default order, a stateful group without priority under strict order.'),
  firewallRule: check('VR317', 'firewall-rule-refused', 'error', 'A firewall rule AWS refuses: a stateless priority repeated in its group, a stateful rule without sid, a sid repeated in a rule group.'),
  quota: check('VR400', 'quota-exceeded', 'warning', 'More rules or groups than AWS allows by default.'),
  naclShadowed: check('VR401', 'nacl-rule-shadowed', 'warning', 'A network ACL rule that never decides a packet: lower-numbered rules decide all it matches.'),
  naclRedundant: check('VR402', 'nacl-rule-redundant', 'warning', 'A network ACL rule whose removal changes no decision.'),
  sgCovered: check('VR403', 'sg-rule-covered', 'warning', 'A security group rule that the other rules of the group already cover.'),
  worldOpenAdminPort: check('VR404', 'world-open-admin-port', 'warning', 'An administration or database port open to 0.0.0.0/0 or ::/0.'),
  missingReturnRule: check('VR405', 'nacl-missing-return-rule', 'warning', 'A network ACL admits requests whose replies its other direction drops.'),
  instanceWithoutGroup: check('VR406', 'instance-without-security-group', 'warning', "An instance that lists no security group: AWS places it in the VPC's default group."),
  natTrafficDropped: check('VR407', 'nacl-drops-nat-traffic', 'warning', "A network ACL drops packets of the connections a NAT gateway forwards: the replies to the gateway's ports 1024-65535, the replies to the private hosts, or the requests leaving its subnet."),
  firewallRuleNotModelled: check('VR408', 'firewall-rule-not-modelled', 'warning', 'A stateful rule that matches on what the model does not have (an application protocol, content, another option): it is left out of the evaluation, and the verdicts it could change say so.'),
  statelessShadowed: check('VR409', 'stateless-rule-shadowed', 'warning', 'A stateless firewall rule that never decides a packet: rules before it, by priority, decide all it matches.'),
  statelessRedundant: check('VR410', 'stateless-rule-redundant', 'warning', 'A stateless firewall rule whose removal changes no decision.'),
  firewallMissingReturn: check('VR411', 'firewall-missing-return-rule', 'warning', "A stateless rule passes requests whose replies the firewall's stateless stage drops: no rule passes or forwards them."),
  strictWithoutDefault: check('VR412', 'strict-order-without-default', 'hint', 'A policy with strict order and no stateful default drop action: every packet no stateful rule decides passes.'),
  statefulUnreachable: check('VR413', 'stateful-rule-unreachable', 'warning', 'A stateful rule that never sees a packet: the stateless stage passes or drops everything its header matches.'),
  expectationFailed: check('VR500', 'expectation-failed', 'error', "A flow's verdict is not the one it expects."),
  invalidFlow: check('VR501', 'invalid-flow', 'error', 'A flow that cannot be evaluated: no instance end, or a protocol a flow cannot have.'),
} as const;

export type CheckKey = keyof typeof CHECKS;

export const ALL_CHECKS: CheckInfo[] = Object.values(CHECKS);
