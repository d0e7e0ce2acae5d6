// A packet's "key" is what rules match besides protocol and address: the destination port for
// TCP and UDP, and for ICMP the type and code packed as type * 256 + code. One number space
// (0-65535) lets ports and ICMP share the same exact interval arithmetic.
import type { IcmpSpec, PortRange } from '../syntax/ast';
import { protocolHasPorts, protocolIsIcmp } from '../syntax/ast';
import { IntervalSet, PortSet } from './intervals';

export const ALL_KEYS: PortSet = IntervalSet.of(0, 65535);

export function portKeys(ports: PortRange): PortSet {
  return IntervalSet.of(ports.from, ports.to);
}

export function icmpKeys(icmp: IcmpSpec | undefined): PortSet {
  if (!icmp || icmp.type === undefined) return ALL_KEYS;
  if (icmp.code === undefined) return IntervalSet.of(icmp.type * 256, icmp.type * 256 + 255);
  return IntervalSet.point(icmp.type * 256 + icmp.code);
}

/** The keys a rule or flow of this protocol covers. */
export function keysOf(protocol: number, spec: { ports?: PortRange; icmp?: IcmpSpec }): PortSet {
  if (protocolHasPorts(protocol)) return spec.ports ? portKeys(spec.ports) : ALL_KEYS;
  if (protocolIsIcmp(protocol)) return icmpKeys(spec.icmp);
  return ALL_KEYS;
}

export function icmpKey(type: number, code: number): number {
  return type * 256 + code;
}

export function describeIcmpKey(key: number): string {
  return `type ${key >> 8} code ${key & 255}`;
}

/** ICMP keys as text: "all types", "type 8", "type 3 code 4", ... */
export function formatIcmpKeys(keys: PortSet): string {
  if (keys.equals(ALL_KEYS)) return 'all types';
  const parts = keys.intervals.map(([lo, hi]) => {
    if (lo === hi) return describeIcmpKey(lo);
    if ((lo & 255) === 0 && (hi & 255) === 255) return lo >> 8 === hi >> 8 ? `type ${lo >> 8}` : `types ${lo >> 8}-${hi >> 8}`;
    return `${describeIcmpKey(lo)} to ${describeIcmpKey(hi)}`;
  });
  return parts.join(', ');
}

export function formatPorts(keys: PortSet): string {
  if (keys.isEmpty()) return 'no port';
  if (keys.equals(ALL_KEYS)) return '0-65535';
  return keys.intervals.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`)).join(', ');
}

export function formatKeys(protocol: number, keys: PortSet): string {
  return protocolIsIcmp(protocol) ? formatIcmpKeys(keys) : formatPorts(keys);
}

/** A port range written `N` or `N-M` (0-65535, N <= M), as in settings and command-line options. */
export function parsePortRange(text: string): PortSet | undefined {
  const match = /^\s*(\d{1,5})\s*(?:-\s*(\d{1,5})\s*)?$/.exec(text);
  if (!match) return undefined;
  const from = Number(match[1]);
  const to = match[2] === undefined ? from : Number(match[2]);
  return from <= to && to <= 65535 ? IntervalSet.of(from, to) : undefined;
}
