// Placeholders for values unknown until apply (in a Terraform plan): a private address is a free
// address of its subnet, a public address one from 203.0.113.0/24 (TEST-NET-3), an IPv6 block one
// from 2001:db8::/32 (the documentation prefix). The pool knows every address and block the input
// does, so that a placeholder never takes one of them; it hands them out in the order asked, so
// that the same input always gets the same placeholders.
import type { Family } from '../syntax/ast';
import { formatAddress, parseCidr } from '../syntax/cidr';

const NOWHERE = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

interface Block {
  family: Family;
  first: bigint;
  last: bigint;
  prefix: number;
}

function block(text: string | undefined): Block | undefined {
  if (!text) return undefined;
  const parsed = parseCidr(text, NOWHERE);
  return parsed.ok ? { family: parsed.cidr.family, first: parsed.cidr.first, last: parsed.cidr.last, prefix: parsed.cidr.prefix } : undefined;
}

const key = (family: Family, value: bigint) => `${family}:${value}`;

/** The public addresses placeholders come from. */
export const PUBLIC_PLACEHOLDERS = '203.0.113.0/24';
/** The IPv6 blocks placeholders come from. */
export const IPV6_PLACEHOLDERS = '2001:db8::/32';

export class AddressPool {
  private readonly used = new Set<string>();
  private readonly blocks: Block[] = [];

  /** An address the input holds: no placeholder takes it. */
  useAddress(text: string | undefined): void {
    const parsed = block(text);
    if (parsed && !text!.includes('/')) this.used.add(key(parsed.family, parsed.first));
  }

  /** A block the input holds (a VPC's or subnet's): no placeholder block overlaps it. */
  useBlock(text: string | undefined): void {
    const parsed = block(text);
    if (parsed) this.blocks.push(parsed);
  }

  /**
   * The first free address of `cidr`, after the first four (AWS reserves them) and before the last
   * (reserved too); undefined when the block is full or not a CIDR.
   */
  freeAddress(cidr: string | undefined): string | undefined {
    const parsed = block(cidr);
    if (!parsed || parsed.last - parsed.first < 5n) return undefined;
    for (let value = parsed.first + 4n; value < parsed.last; value++) {
      if (this.used.has(key(parsed.family, value))) continue;
      this.used.add(key(parsed.family, value));
      return formatAddress(value, parsed.family);
    }
    return undefined;
  }

  /** A free public IPv4 address of 203.0.113.0/24. */
  freePublicAddress(): string | undefined {
    const parsed = block(PUBLIC_PLACEHOLDERS)!;
    for (let value = parsed.first + 1n; value < parsed.last; value++) {
      if (this.used.has(key(4, value))) continue;
      this.used.add(key(4, value));
      return formatAddress(value, 4);
    }
    return undefined;
  }

  /** The first block of length `prefix` inside `within` that overlaps no block in use. */
  freeBlock(within: string | undefined, prefix: number): string | undefined {
    const outer = block(within);
    if (!outer || prefix < outer.prefix || prefix > (outer.family === 4 ? 32 : 128)) return undefined;
    const bits = BigInt((outer.family === 4 ? 32 : 128) - prefix);
    const size = 1n << bits;
    const count = 1n << BigInt(prefix - outer.prefix);
    for (let i = 0n; i < count && i < 65536n; i++) {
      const first = outer.first + i * size;
      const last = first + size - 1n;
      if (this.blocks.some((b) => b.family === outer.family && b.first <= last && first <= b.last)) continue;
      this.blocks.push({ family: outer.family, first, last, prefix });
      return `${formatAddress(first, outer.family)}/${prefix}`;
    }
    return undefined;
  }
}
