import { IPv4, IPv6, Validator, collapseIPv6Number } from 'ip-num';
import type { Cidr, Family, Range } from './ast';

export type CidrParse = { ok: true; cidr: Cidr } | { ok: false; message: string; outOfRange: boolean };

const IPV4_SHAPE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEX_GROUPS = /^(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4})*)?$/;

/** A dotted quad without leading zeros, octets 0-255: the common case, read without ip-num. */
function plainIPv4(text: string): bigint | undefined {
  const match = IPV4_SHAPE.exec(text);
  if (!match) return undefined;
  let value = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(match[i]);
    if (octet > 255 || String(octet) !== match[i]) return undefined;
    value = value * 256 + octet;
  }
  return BigInt(value);
}

/** Hex groups, with at most one '::' standing for at least one zero group; no embedded IPv4, no zone. */
function plainIPv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2 || !halves.every((half) => HEX_GROUPS.test(half))) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  if (halves.length === 1 ? head.length !== 8 : head.length + tail.length > 7) return undefined;
  const groups = [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
  return groups.reduce((value, group) => (value << 16n) | BigInt(parseInt(group, 16)), 0n);
}

/** Validates and reads an address through ip-num, for the forms the plain readers leave out. */
function libraryAddress(text: string, family: Family): bigint | undefined {
  if (family === 4) return IPV4_SHAPE.test(text) && Validator.isValidIPv4String(text)[0] ? IPv4.fromString(text).getValue() : undefined;
  return Validator.isValidIPv6String(text)[0] && !text.includes('%') ? IPv6.fromString(text).getValue() : undefined;
}

/** Parses an address or CIDR as written in a .vpcrules file; a bare address means /32 or /128. */
export function parseCidr(text: string, range: Range): CidrParse {
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const prefixText = slash < 0 ? undefined : text.slice(slash + 1);
  const family: Family = addressText.includes(':') ? 6 : 4;
  const bits = family === 4 ? 32 : 128;
  const address = (family === 4 ? plainIPv4(addressText) : plainIPv6(addressText)) ?? libraryAddress(addressText, family);
  if (address === undefined) return { ok: false, outOfRange: false, message: `'${addressText}' is not a valid IPv${family} address` };
  let prefix = bits;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText)) return { ok: false, outOfRange: false, message: `'/${prefixText}' is not a prefix length` };
    prefix = Number(prefixText);
    if (prefix > bits) return { ok: false, outOfRange: true, message: `prefix length /${prefix} is out of range 0-${bits} for IPv${family}` };
  }
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  const first = address & ~hostMask;
  return {
    ok: true,
    cidr: { text, range, family, first, last: first | hostMask, prefix, address, hasPrefix: prefixText !== undefined },
  };
}

export function formatAddress(value: bigint, family: Family): string {
  if (family === 4 && value >= 0n && value <= 0xffffffffn) {
    // Dotted quad by arithmetic: the same text as ip-num's, without its binary strings.
    const n = Number(value);
    return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  }
  return family === 4 ? new IPv4(value).toString() : collapseIPv6Number(new IPv6(value).toString());
}

/** The CIDR text with host bits cleared, as AWS stores it. */
export function canonicalCidr(cidr: Cidr): string {
  return `${formatAddress(cidr.first, cidr.family)}/${cidr.prefix}`;
}

export function familyBits(family: Family): number {
  return family === 4 ? 32 : 128;
}

/** The blocks (address, prefix) that exactly cover [first, last], largest first. */
export function rangeToCidrs(first: bigint, last: bigint, family: Family): string[] {
  const bits = familyBits(family);
  const out: string[] = [];
  let start = first;
  while (start <= last) {
    let size = 0;
    while (size < bits) {
      const blockSize = 1n << BigInt(size + 1);
      if (start % blockSize !== 0n || start + blockSize - 1n > last) break;
      size++;
    }
    out.push(`${formatAddress(start, family)}/${bits - size}`);
    start += 1n << BigInt(size);
  }
  return out;
}
