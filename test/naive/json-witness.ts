// A witness as the CLI's JSON prints it (vpcrules.md, paths.md), read back into the naive
// evaluator's concrete connection, so that decideConnection can judge it, NAT ports included.
import type { Range } from '../../server/src/syntax/ast';
import { parseCidr } from '../../server/src/syntax/cidr';
import type { Conn } from './naive-model';

/** The packet as it leaves a rewriting hop (a NAT gateway or the internet gateway). */
export interface JsonRewrite {
  hop: string;
  srcIp: string;
  srcPort: number | null;
  dstIp: string;
  dstPort: number | null;
}

export interface JsonWitness {
  protocol: string;
  srcIp: string;
  srcPort: number | null;
  dstIp: string;
  dstPort: number | null;
  icmpType?: number;
  icmpCode?: number;
  rewrites?: JsonRewrite[];
}

const PROTOCOLS: Record<string, number> = { tcp: 6, udp: 17, icmp: 1, icmpv6: 58 };
const NOWHERE: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

function address(text: string): { family: 4 | 6; address: bigint } {
  const parsed = parseCidr(text, NOWHERE);
  if (!parsed.ok) throw new Error(`not an address: ${text}`);
  return { family: parsed.cidr.family, address: parsed.cidr.address };
}

/** The ports the NAT gateways chose, in the order the request crossed them: each NAT hop's source port. */
export function natPortsOf(rewrites: JsonRewrite[] | undefined): number[] {
  return (rewrites ?? []).filter((r) => r.hop.startsWith('NAT gateway ') && r.srcPort !== null).map((r) => r.srcPort!);
}

export function connectionOfJsonWitness(witness: JsonWitness): Conn {
  const protocol = PROTOCOLS[witness.protocol];
  if (protocol === undefined) throw new Error(`unknown protocol ${witness.protocol}`);
  const src = address(witness.srcIp);
  const dst = address(witness.dstIp);
  const isIcmp = protocol === 1 || protocol === 58;
  return {
    protocol, family: src.family, srcIp: src.address, dstIp: dst.address,
    srcPort: isIcmp ? 0 : witness.srcPort!,
    key: isIcmp ? witness.icmpType! * 256 + witness.icmpCode! : witness.dstPort!,
    natPorts: natPortsOf(witness.rewrites),
  };
}
