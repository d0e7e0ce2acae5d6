// Hover on an address or CIDR: the block it stands for, and in a subnet the five addresses AWS
// reserves.
import type { Cidr, Declaration } from '../syntax/ast';
import { canonicalCidr, familyBits, formatAddress } from '../syntax/cidr';
import { code, escapeMarkdown } from './markdown';

function addressCount(prefix: number, bits: number): string {
  const hostBits = bits - prefix;
  if (hostBits > 52) return `2^${hostBits}`;
  return (2 ** hostBits).toLocaleString('en-US');
}

function reservedAddresses(cidr: Cidr): string[] {
  const at = (offset: bigint) => code(formatAddress(cidr.first + offset, cidr.family));
  return [
    `- ${at(0n)}: network address`,
    `- ${at(1n)}: VPC router`,
    `- ${at(2n)}: DNS server`,
    `- ${at(3n)}: reserved for future use`,
    `- ${code(formatAddress(cidr.last, cidr.family))}: ${cidr.family === 4 ? 'broadcast address' : 'last address'}`,
  ];
}

export function cidrHover(cidr: Cidr, declaration: Declaration): string {
  const bits = familyBits(cidr.family);
  const written = formatAddress(cidr.address, cidr.family);
  if (cidr.prefix === bits) return `IPv${cidr.family} address ${code(written)} (a single address, /${bits})`;
  const out = [
    `**${code(canonicalCidr(cidr))}**: IPv${cidr.family} network ${code(formatAddress(cidr.first, cidr.family))}, prefix /${cidr.prefix}`,
    '',
    `- addresses: ${addressCount(cidr.prefix, bits)}`,
    `- first: ${code(formatAddress(cidr.first, cidr.family))}`,
    `- last: ${code(formatAddress(cidr.last, cidr.family))}`,
  ];
  if (cidr.address !== cidr.first) out.push('', `Host bits are set: AWS uses ${code(canonicalCidr(cidr))} for ${code(cidr.text)}.`);
  if (declaration.kind === 'subnet' && cidr.prefix <= bits - 3) {
    out.push('', `AWS reserves 5 addresses of subnet ${escapeMarkdown(declaration.name?.text ?? '')}:`, '', ...reservedAddresses(cidr));
  }
  return out.join('\n');
}
