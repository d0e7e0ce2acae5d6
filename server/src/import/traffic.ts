// Protocols and ports as AWS gives them, shared by every source: `-1`, names or numbers; FromPort and
// ToPort, or an ICMP type and code, `-1` meaning all.
import type { Traffic } from './network';

/** The IP protocol of an SG rule or NACL entry: `-1`, a name or a number; undefined when it is neither. */
export function protocolOf(text: string): number | 'all' | undefined {
  const lower = text.toLowerCase();
  if (lower === '-1' || lower === 'all') return 'all';
  const named: Record<string, number> = { tcp: 6, udp: 17, icmp: 1, icmpv6: 58 };
  if (lower in named) return named[lower];
  if (/^\d{1,3}$/.test(lower) && Number(lower) <= 255) return Number(lower);
  return undefined;
}

/** Protocol and ports as AWS gives them (FromPort/ToPort; ICMP type/code, -1 meaning all). */
export function trafficOf(protocol: number | 'all', from: number | undefined, to: number | undefined): Traffic {
  if (protocol === 6 || protocol === 17) {
    if (from === undefined || from === -1) return { protocol };
    return { protocol, ports: { from, to: to === undefined || to === -1 ? from : to } };
  }
  if (protocol === 1 || protocol === 58) {
    if (from === undefined || from === -1) return { protocol };
    return { protocol, icmp: to === undefined || to === -1 ? { type: from } : { type: from, code: to } };
  }
  return { protocol };
}
