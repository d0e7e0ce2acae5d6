// The words of the language, grouped by where they may appear.
import { DECLARATION_KEYWORDS, RESERVED_NAMES } from '../syntax/parser';

export { DECLARATION_KEYWORDS, RESERVED_NAMES };
export const DIRECTIONS = ['inbound', 'outbound'] as const;
export const ACTIONS = ['allow', 'deny'] as const;
export const RULE_PROTOCOLS = ['tcp', 'udp', 'icmp', 'icmpv6', 'all'] as const;
export const FLOW_PROTOCOLS = ['tcp', 'udp', 'icmp', 'icmpv6'] as const;
export const PEER_KEYWORDS = ['sg', 'pl'] as const;
export const INSTANCE_ATTRIBUTES = ['subnet', 'ip', 'ip6', 'groups', 'os', 'ephemeral'] as const;
export const OPERATING_SYSTEMS = ['linux', 'windows'] as const;
export const FLOW_OPTIONS = ['from-ports', 'ipv6', 'oneway', 'expect'] as const;

export const ALL_KEYWORDS: ReadonlySet<string> = new Set<string>([
  ...DECLARATION_KEYWORDS, ...DIRECTIONS, ...ACTIONS, ...RULE_PROTOCOLS, ...PEER_KEYWORDS, ...INSTANCE_ATTRIBUTES,
  ...OPERATING_SYSTEMS, ...FLOW_OPTIONS, ...RESERVED_NAMES, 'from', 'to', 'type', 'code', 'acl',
]);

/** A name as the spec defines it. */
export const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
