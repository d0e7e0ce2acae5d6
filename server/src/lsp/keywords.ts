// The words of the language, grouped by where they may appear. The parser declares the words it
// dispatches on; they are re-exported here so that completion and rename read the same lists.
import {
  DECLARATION_KEYWORDS, FIREWALL_CLAUSES, FLOW_OPTIONS, INSTANCE_ATTRIBUTES, NAT_GATEWAY_CLAUSES, POLICY_STATEMENTS,
  PRIORITY_KEYWORD, RESERVED_NAMES, ROUTE_KEYWORD, ROUTE_TABLE_CLAUSES, ROUTE_TARGETS, STATEFUL_ACTIONS, STATEFUL_DEFAULT_ACTIONS,
  STATEFUL_ORDERS, STATELESS_ACTIONS, STATELESS_RULE_KEYWORD, STATELESS_RULE_WORDS, SUBNET_CLAUSES, SURICATA_DIRECTIONS,
  SURICATA_FLOW_VALUES, SURICATA_OPTIONS, SURICATA_PROTOCOLS, SURICATA_VARIABLES,
} from '../syntax/parser';

export {
  DECLARATION_KEYWORDS, FIREWALL_CLAUSES, FLOW_OPTIONS, INSTANCE_ATTRIBUTES, NAT_GATEWAY_CLAUSES, POLICY_STATEMENTS,
  PRIORITY_KEYWORD, RESERVED_NAMES, ROUTE_KEYWORD, ROUTE_TABLE_CLAUSES, ROUTE_TARGETS, STATEFUL_ACTIONS, STATEFUL_DEFAULT_ACTIONS,
  STATEFUL_ORDERS, STATELESS_ACTIONS, STATELESS_RULE_KEYWORD, STATELESS_RULE_WORDS, SUBNET_CLAUSES, SURICATA_DIRECTIONS,
  SURICATA_FLOW_VALUES, SURICATA_OPTIONS, SURICATA_PROTOCOLS, SURICATA_VARIABLES,
};
export const DIRECTIONS = ['inbound', 'outbound'] as const;
export const ACTIONS = ['allow', 'deny'] as const;
export const RULE_PROTOCOLS = ['tcp', 'udp', 'icmp', 'icmpv6', 'all'] as const;
export const FLOW_PROTOCOLS = ['tcp', 'udp', 'icmp', 'icmpv6'] as const;
export const PEER_KEYWORDS = ['sg', 'pl'] as const;
export const OPERATING_SYSTEMS = ['linux', 'windows'] as const;
/** Application protocols of Suricata rules that completion offers after the modelled ones. */
export const SURICATA_APP_PROTOCOLS = ['http', 'tls', 'dns', 'ssh', 'smtp', 'ftp', 'smb', 'http2', 'quic'] as const;

export const ALL_KEYWORDS: ReadonlySet<string> = new Set<string>([
  ...DECLARATION_KEYWORDS, ...DIRECTIONS, ...ACTIONS, ...RULE_PROTOCOLS, ...PEER_KEYWORDS, ...INSTANCE_ATTRIBUTES,
  ...OPERATING_SYSTEMS, ...FLOW_OPTIONS, ...RESERVED_NAMES, ...SUBNET_CLAUSES, ...NAT_GATEWAY_CLAUSES,
  ...ROUTE_TABLE_CLAUSES, ROUTE_KEYWORD, ...ROUTE_TARGETS, 'from', 'to', 'type', 'code',
  // The firewall's words; not `default` or `strict`, which only follow stateful-order (`default` names AWS's default security group).
  ...FIREWALL_CLAUSES, ...POLICY_STATEMENTS, PRIORITY_KEYWORD, ...STATELESS_ACTIONS, ...STATEFUL_DEFAULT_ACTIONS,
  STATELESS_RULE_KEYWORD, ...STATELESS_RULE_WORDS, ...STATEFUL_ACTIONS,
]);

/** A name as the spec defines it. */
export const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
