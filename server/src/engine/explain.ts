// Words for verdicts: how a hop and its deciding rule are named, and the packet sequence of a
// connection (which packets each security group and network ACL judges, which pass on
// connection tracking). Shared by the CLI, the hover and the explain report.
import type { Range } from '../syntax/ast';
import { formatAddress } from '../syntax/cidr';
import type { Connection, FlowResult, HopStep } from './evaluate';
import { formatConnection } from './evaluate';
import type { Hop } from './hops';
import type { Flow, NaclRuleModel, SgRuleModel } from './model';

export function isNaclRule(rule: SgRuleModel | NaclRuleModel): rule is NaclRuleModel {
  return 'number' in rule;
}

/** The deciding rule as the contract names it: SG rule text, NACL number, or * / "no rule matches". */
export function ruleName(step: HopStep): string {
  if (!step.rule) return step.hop.kind === 'nacl' ? '*' : 'no rule matches';
  if (isNaclRule(step.rule)) return String(step.rule.number);
  return `${step.rule.group.name}: ${step.rule.text}`;
}

export function ruleRange(step: HopStep): Range | undefined {
  return step.rule?.decl?.range;
}

export function hopTitle(hop: Hop): string {
  return `${hop.step}. ${hop.label}, ${hop.direction}${hop.phase === 'reply' ? ' (reply)' : ''}`;
}

/** "allow by rule 100 (line 12)" */
export function describeStep(step: HopStep): string {
  const range = ruleRange(step);
  const where = range ? ` (line ${range.start.line + 1})` : step.hop.kind === 'nacl' && step.rule ? ' (default network ACL)' : '';
  const rule = step.hop.kind === 'nacl' ? (step.rule ? `rule ${ruleName(step)}` : 'rule * (implicit deny)') : step.rule ? `rule '${ruleName(step)}'` : 'no rule matches';
  return `${step.action} by ${rule}${where}`;
}

export interface PacketLine {
  packet: string;
  direction: 'request' | 'reply';
  /** What each hop does with this packet. */
  checks: { hop: Hop; direction: 'inbound' | 'outbound'; judged: boolean; action?: 'allow' | 'deny'; note: string }[];
}

/**
 * The packets of one connection in order. SGs judge only the first packet of a connection (the
 * request) and pass the rest on connection tracking; NACLs judge every packet, each alone.
 */
export function packetSequence(result: FlowResult, conn: Connection = result.example): PacketLine[] {
  const flow = result.flow;
  const requestHops = result.hops.filter((hop) => hop.phase === 'request');
  const replyHops = result.hops.filter((hop) => hop.phase === 'reply');
  const byStep = new Map(result.trace.map((step) => [step.hop.step, step]));
  const requestAdmitted = requestHops.every((hop) => byStep.get(hop.step)?.action === 'allow');
  const judgedLine = (hop: Hop): PacketLine['checks'][number] => {
    const step = byStep.get(hop.step);
    if (!step) return { hop, direction: hop.direction, judged: true, note: 'not reached' };
    return { hop, direction: hop.direction, judged: true, action: step.action, note: describeStep(step) };
  };
  const flip = (direction: 'inbound' | 'outbound') => (direction === 'inbound' ? 'outbound' : 'inbound');
  const tracked = (hop: Hop, reversed = false): PacketLine['checks'][number] => ({
    hop, direction: reversed ? flip(hop.direction) : hop.direction, judged: false, note: 'passes on connection tracking',
  });
  const requestLine = (packet: string, first: boolean): PacketLine => ({
    packet, direction: 'request',
    checks: requestHops.map((hop) => (hop.kind === 'sg' && !first ? tracked(hop) : judgedLine(hop))),
  });
  // Reply packets cross the request's SGs in reverse (tracked) and the reply NACL hops (judged).
  const replyLine = (packet: string): PacketLine => ({
    packet, direction: 'reply',
    checks: [
      ...requestHops.filter((hop) => hop.step === 4).map((hop) => tracked(hop, true)),
      ...replyHops.map(judgedLine),
      ...requestHops.filter((hop) => hop.step === 1).map((hop) => tracked(hop, true)),
    ],
  });
  const lines = buildSequence(flow, conn, requestAdmitted, requestLine, replyLine);
  // A dropped packet ends the exchange: later packets are never sent.
  const firstDrop = lines.findIndex((line) => line.checks.some((check) => check.action === 'deny'));
  return firstDrop < 0 ? lines : lines.slice(0, firstDrop + 1);
}

function buildSequence(
  flow: Flow, conn: Connection, requestAdmitted: boolean,
  requestLine: (packet: string, first: boolean) => PacketLine, replyLine: (packet: string) => PacketLine,
): PacketLine[] {
  const src = endpointText(conn, 'src');
  const dst = endpointText(conn, 'dst');
  const lines: PacketLine[] = [];
  if (flow.protocol === 6) {
    lines.push(requestLine(`SYN ${src} -> ${dst}`, true));
    if (!requestAdmitted) return lines;
    if (flow.reply.kind === 'none') {
      lines.push(requestLine(`data ${src} -> ${dst}`, false));
      return lines;
    }
    lines.push(replyLine(`SYN-ACK ${dst} -> ${src}`));
    lines.push(requestLine(`ACK, data ${src} -> ${dst}`, false));
    lines.push(replyLine(`data ${dst} -> ${src}`));
    lines.push(requestLine(`FIN ${src} -> ${dst}`, false));
    lines.push(replyLine(`FIN-ACK ${dst} -> ${src}`));
  } else if (flow.protocol === 17) {
    lines.push(requestLine(`datagram ${src} -> ${dst}`, true));
    if (!requestAdmitted) return lines;
    lines.push(requestLine(`next datagrams ${src} -> ${dst}`, false));
    if (flow.reply.kind !== 'none') lines.push(replyLine(`reply datagrams ${dst} -> ${src}`));
  } else {
    const request = flow.reply.kind === 'icmp' ? 'echo request' : `ICMP type ${conn.key >> 8} code ${conn.key & 255}`;
    lines.push(requestLine(`${request} ${src} -> ${dst}`, true));
    if (requestAdmitted && flow.reply.kind === 'icmp') lines.push(replyLine(`echo reply ${dst} -> ${src}`));
  }
  return lines;
}

function endpointText(conn: Connection, side: 'src' | 'dst'): string {
  const ip = formatAddress(side === 'src' ? conn.srcIp : conn.dstIp, conn.family);
  if (conn.protocol !== 6 && conn.protocol !== 17) return ip;
  const port = side === 'src' ? conn.srcPort : conn.key;
  return conn.family === 6 ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** One line: "partial (expected allow): admitted for source ports ..., dropped for ..." */
export function verdictSummary(result: FlowResult): string {
  const expectation = result.ok ? `as expected` : `expected ${result.flow.expect}`;
  const split = result.split ? `: ${result.split}` : '';
  return `${result.verdict} (${expectation})${split}`;
}

export function describeFlowEnds(flow: Flow): string {
  const end = (e: Flow['src']) => (e.kind === 'instance' ? e.instance.name : e.label);
  return `${end(flow.src)} -> ${end(flow.dst)}`;
}

/** The failing connection and the hop that decides it, in a sentence. */
export function witnessSentence(result: FlowResult): string | undefined {
  if (!result.witness) return undefined;
  const last = result.trace[result.trace.length - 1];
  const admitted = result.trace.every((step) => step.action === 'allow');
  const fate = admitted ? 'is admitted' : `is dropped at ${last.hop.label} ${last.hop.direction}${last.hop.phase === 'reply' ? ' (the reply)' : ''}, ${describeStep(last)}`;
  return `e.g. ${formatConnection(result.witness)} ${fate}`;
}
