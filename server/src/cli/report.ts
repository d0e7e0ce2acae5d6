// The CLI's output contract: JSON objects as the spec fixes them (1-based lines and columns).
import type { Analysis } from '../engine/analyze';
import type { Connection, FlowResult, HopStep } from '../engine/evaluate';
import { assumptionLines, requestRewrites, ruleName, ruleRange } from '../engine/explain';
import { FirewallPacketNote, firewallPackets } from '../engine/explain-firewall';
import { formatAddress } from '../syntax/cidr';
import type { Diagnostic } from '../diagnostics/diagnostic';

export interface FileAnalysis {
  path: string;
  analysis: Analysis;
}

export interface JsonDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: string;
  code: string;
  message: string;
}

export interface JsonWitness {
  protocol: string;
  srcIp: string;
  srcPort: number | null;
  dstIp: string;
  dstPort: number | null;
  icmpType?: number;
  icmpCode?: number;
  /** The packet as it leaves each rewriting hop (NAT gateway, internet gateway). */
  rewrites?: { hop: string; srcIp: string; srcPort: number | null; dstIp: string; dstPort: number | null }[];
}

export interface JsonTraceStep {
  hop: string;
  direction: string;
  action: string;
  rule: string;
  line: number | null;
  step: number;
  phase: string;
  /** At a firewall stage: what it does with each packet of its direction. */
  packets?: FirewallPacketNote[];
}

export interface JsonFlow {
  file: string;
  name: string;
  line: number;
  expect: string;
  verdict: string;
  ok: boolean;
  witness: JsonWitness | null;
  trace: JsonTraceStep[];
  split?: string;
  /** Stateful firewall rules left out of the evaluation that could decide some of its packets. */
  assumes?: string[];
}

export function jsonDiagnostic(path: string, d: Diagnostic): JsonDiagnostic {
  return {
    file: path,
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
    endLine: d.range.end.line + 1,
    endColumn: d.range.end.character + 1,
    severity: d.severity,
    code: d.code,
    message: d.message,
  };
}

const PROTOCOL_TEXT: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'icmpv6' };

export function jsonConnection(conn: Connection): JsonWitness {
  const isIcmp = conn.protocol === 1 || conn.protocol === 58;
  const witness: JsonWitness = {
    protocol: PROTOCOL_TEXT[conn.protocol],
    srcIp: formatAddress(conn.srcIp, conn.family),
    srcPort: isIcmp ? null : conn.srcPort,
    dstIp: formatAddress(conn.dstIp, conn.family),
    dstPort: isIcmp ? null : conn.key,
  };
  if (isIcmp) {
    witness.icmpType = conn.key >> 8;
    witness.icmpCode = conn.key & 255;
  }
  return witness;
}

function jsonWitness(result: FlowResult, conn: Connection): JsonWitness {
  const witness = jsonConnection(conn);
  const ports = conn.protocol === 6 || conn.protocol === 17;
  const rewrites = requestRewrites(result, conn).map((packet) => ({
    hop: packet.hop.label, srcIp: formatAddress(packet.srcIp, conn.family), srcPort: ports ? packet.srcPort : null,
    dstIp: formatAddress(packet.dstIp, conn.family), dstPort: ports ? packet.dstPort : null,
  }));
  if (rewrites.length > 0) witness.rewrites = rewrites;
  return witness;
}

export function jsonTraceStep(step: HopStep): JsonTraceStep {
  const range = ruleRange(step);
  return {
    hop: step.hop.label,
    direction: step.hop.direction,
    action: step.action,
    rule: ruleName(step),
    line: range ? range.start.line + 1 : null,
    step: step.hop.step,
    phase: step.hop.phase,
    ...(step.hop.kind === 'firewall' && step.firewall ? { packets: firewallPackets({ ...step, hop: step.hop }) } : {}),
  };
}

export function jsonFlow(path: string, result: FlowResult): JsonFlow {
  const json: JsonFlow = {
    file: path,
    name: result.flow.name,
    line: result.flow.decl.range.start.line + 1,
    expect: result.flow.expect,
    verdict: result.verdict,
    ok: result.ok,
    witness: result.witness ? jsonWitness(result, result.witness) : null,
    trace: result.trace.map(jsonTraceStep),
  };
  if (result.split) json.split = result.split;
  if (result.assumed.length > 0) json.assumes = assumptionLines(result);
  return json;
}

export function jsonReport(files: FileAnalysis[]): { diagnostics: JsonDiagnostic[]; flows: JsonFlow[] } {
  return {
    diagnostics: files.flatMap(({ path, analysis }) => analysis.diagnostics.map((d) => jsonDiagnostic(path, d))),
    flows: files.flatMap(({ path, analysis }) => analysis.flows.map((flow) => jsonFlow(path, flow))),
  };
}
