import { IPv4, IPv4CidrRange, IPv4Prefix, IPv6, IPv6CidrRange, IPv6Prefix, Validator, collapseIPv6Number } from 'ip-num';
import type { Cidr, Family, Range } from './ast';

export type CidrParse = { ok: true; cidr: Cidr } | { ok: false; message: string; outOfRange: boolean };

const IPV4_SHAPE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Parses an address or CIDR as written in a .vpcrules file; a bare address means /32 or /128. */
export function parseCidr(text: string, range: Range): CidrParse {
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const prefixText = slash < 0 ? undefined : text.slice(slash + 1);
  const family: Family = addressText.includes(':') ? 6 : 4;
  const bits = family === 4 ? 32 : 128;
  const valid = family === 4 ? IPV4_SHAPE.test(addressText) && Validator.isValidIPv4String(addressText)[0] : Validator.isValidIPv6String(addressText)[0] && !addressText.includes('%');
  if (!valid) return { ok: false, outOfRange: false, message: `'${addressText}' is not a valid IPv${family} address` };
  let prefix = bits;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText)) return { ok: false, outOfRange: false, message: `'/${prefixText}' is not a prefix length` };
    prefix = Number(prefixText);
    if (prefix > bits) return { ok: false, outOfRange: true, message: `prefix length /${prefix} is out of range 0-${bits} for IPv${family}` };
  }
  const block = family === 4
    ? new IPv4CidrRange(IPv4.fromString(addressText), IPv4Prefix.fromNumber(BigInt(prefix)))
    : new IPv6CidrRange(IPv6.fromString(addressText), IPv6Prefix.fromNumber(BigInt(prefix)));
  const address = family === 4 ? IPv4.fromString(addressText).getValue() : IPv6.fromString(addressText).getValue();
  return {
    ok: true,
    cidr: {
      text,
      range,
      family,
      first: block.getFirst().getValue(),
      last: block.getLast().getValue(),
      prefix,
      address,
      hasPrefix: prefixText !== undefined,
    },
  };
}

export function formatAddress(value: bigint, family: Family): string {
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
