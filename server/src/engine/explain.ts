// Words for verdicts: how a hop and its deciding rule are named, and the packet sequence of a
// connection (which packets each security group and network ACL judges, which pass on
// connection tracking). Shared by the CLI, the hover and the explain report.
import type { Family, Range } from '../syntax/ast';
import { formatAddress } from '../syntax/cidr';
import { formatAddrSet, isWholeFamily, ofFamily } from './addresses';
import { instanceSgRules } from './hops';
import { IntervalSet } from './intervals';
import { ALL_KEYS } from './keys';
import type { Connection, FlowResult, HopStep } from './evaluate';
import { formatConnection } from './evaluate';
import type { Hop } from './hops';
import type { Rule } from './hops';
import type { Flow, NaclRuleModel, Region, SgRuleModel } from './model';
import { connectionPackets } from './firewall';
import { describeFirewallStep, firewallRuleName, stageNote, statefulRuleName } from './explain-firewall';
import { targetName } from './paths';
import { LineLabel, lineLabel } from './line-map';

export function isNaclRule(rule: Rule): rule is NaclRuleModel {
  return 'number' in rule;
}

export function isSgRule(rule: Rule): rule is SgRuleModel {
  return 'peer' in rule;
}

/** The deciding rule as the contract names it: SG rule text, NACL number, * / "no rule matches", the route. */
export function ruleName(step: HopStep): string {
  const { hop, rule } = step;
  switch (hop.kind) {
    case 'aws-service': return 'not filtered by AWS';
    case 'nacl': return rule && isNaclRule(rule) ? String(rule.number) : '*';
    case 'sg': return rule && isSgRule(rule) ? `${rule.group.name}: ${rule.text}` : 'no rule matches';
    case 'route': return hop.route ? `route ${hop.route.destText} -> ${targetName(hop.route.target)}` : 'no route';
    case 'gateway': case 'nat': case 'drop': return hop.why;
    case 'firewall': return firewallRuleName({ ...step, hop });
  }
}

export function ruleRange(step: HopStep): Range | undefined {
  return step.rule?.decl?.range;
}

/** "3. network ACL public-acl of subnet public, outbound (reply)"; hops without a direction of their own name none. */
export function hopTitle(hop: Hop): string {
  const filters = hop.kind === 'sg' || hop.kind === 'nacl';
  return `${hop.step}. ${hop.label}${filters ? `, ${hop.direction}` : ''}${hop.phase === 'reply' ? ' (reply)' : ''}`;
}

/** Where a rule without a line of its own comes from. */
function implicitOrigin(step: HopStep): string {
  if (!step.rule) return '';
  return step.hop.kind === 'nacl' ? ' (default network ACL)' : step.hop.kind === 'sg' ? " (AWS's default security group)" : '';
}

/** "allow by rule 100 (line 12)" */
export function describeStep(step: HopStep, label: LineLabel = lineLabel): string {
  const hop = step.hop;
  if (hop.kind === 'aws-service') return `allow (AWS does not filter traffic between an instance and ${hop.service.name})`;
  if (hop.kind === 'gateway' || hop.kind === 'nat' || hop.kind === 'drop') return `${step.action} (${hop.why})`;
  if (hop.kind === 'firewall') return describeFirewallStep({ ...step, hop }, label);
  const range = ruleRange(step);
  if (hop.kind === 'route') return `${step.action} by ${ruleName(step)}${range ? ` (${label(range.start.line)})` : ''}${step.action === 'deny' ? ` (${hop.why})` : ''}`;
  const where = range ? ` (${label(range.start.line)})` : implicitOrigin(step);
  const rule = hop.kind === 'nacl' ? (step.rule ? `rule ${ruleName(step)}` : 'rule * (implicit deny)') : step.rule ? `rule '${ruleName(step)}'` : 'no rule matches';
  return `${step.action} by ${rule}${where}`;
}

/** Where one end of the example's path is, when the flow's text alone does not say it. */
export function describeRegion(region: Region, family: Family): string {
  const single = region.addrs.intervals.length === 1 && region.addrs.intervals[0][0] === region.addrs.intervals[0][1];
  const addresses = single ? formatAddress(region.addrs.min()!, family) : formatAddrSet(region.addrs, family, 2);
  switch (region.kind) {
    case 'instance': return `${region.instance.name} (${addresses})`;
    case 'host': return `${addresses}, a host of subnet ${region.subnet.name} (no security group modelled)`;
    case 'external': return `${addresses}, outside the VPC's subnets`;
    case 'aws-service': return `${addresses}, ${region.service.name}`;
  }
}

/** Where the example's ends are, when a flow end is written as addresses: "10.0.3.10 is db-1", ... */
export function exampleEnds(result: FlowResult): string | undefined {
  const flow = result.flow;
  const [src, dst] = result.exampleEnds;
  const plain = (end: Flow['src'], region: Region) => end.kind === 'instance' || region.kind === 'external';
  if (plain(flow.src, src) && plain(flow.dst, dst)) return undefined;
  const at = (region: Region, address: bigint) => describeRegion({ ...region, addrs: IntervalSet.point(address) } as Region, flow.family);
  return `${at(src, result.example.srcIp)} -> ${at(dst, result.example.dstIp)}`;
}

/**
 * The rule that passes the replies of a connection its group does not track: AWS tracks no TCP or
 * UDP connection admitted by a rule for 0.0.0.0/0 or ::/0 when the group also admits all traffic,
 * every port, to 0.0.0.0/0 or ::/0 in the other direction; that rule then passes the replies.
 */
export function untrackedReplyRule(step: HopStep, family: Family): SgRuleModel | undefined {
  const { hop, rule } = step;
  if (hop.kind !== 'sg' || !rule || !isSgRule(rule) || step.action !== 'allow') return undefined;
  const protocol = rule.protocol;
  if (!isWholeFamily(ofFamily(rule.peer, family), family)) return undefined;
  const other = hop.direction === 'inbound' ? 'outbound' : 'inbound';
  return instanceSgRules(hop.instance, other).find((candidate) =>
    (candidate.protocol === -1 || (candidate.protocol === protocol && protocol !== -1)) && candidate.keys.equals(ALL_KEYS)
    && isWholeFamily(ofFamily(candidate.peer, family), family));
}

/** "network ACL x of subnet y outbound", or a routing hop's name alone: only filters judge a direction. */
export function checkPlace(hop: Hop, direction: 'inbound' | 'outbound'): string {
  return hop.kind === 'sg' || hop.kind === 'nacl' ? `${hop.label} ${direction}` : hop.label;
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
  /**
   * A security group passes the later packets of a connection it admitted, and its replies, on
   * connection tracking; a connection AWS does not track is judged by the rules again.
   */
  const stateful = (hop: Hop, reversed = false): PacketLine['checks'][number] => {
    const step = byStep.get(hop.step);
    const untracked = step && untrackedReplyRule(step, flow.family);
    const rule = untracked && (reversed ? untracked : step.rule as SgRuleModel);
    const note = rule
      ? `passes by rule '${rule.group.name}: ${rule.text}'${rule.decl ? ` (line ${rule.decl.range.start.line + 1})` : ''}: AWS does not track this connection`
      : 'passes on connection tracking';
    return { hop, direction: reversed ? flip(hop.direction) : hop.direction, judged: false, note };
  };
  const sequence = connectionPackets(flow.protocol, flow.reply.kind === 'none');
  /** A firewall stage on the packet at `position` of the connection's sequence. */
  const firewallLine = (hop: Hop, position: number): PacketLine['checks'][number] => {
    // When the stateless stage of the same visit dropped the packet, the trace ends there: its
    // outcome tells the stateful stage's part too.
    const sibling = byStep.get(hop.step - 1);
    const step = byStep.get(hop.step) ?? (sibling?.hop.kind === 'firewall' && sibling.action === 'deny' ? sibling : undefined);
    const line = step?.firewall?.packets[position];
    const policy = hop.kind === 'firewall' ? hop.firewall.policy : undefined;
    if (hop.kind !== 'firewall' || !step || !policy) return { hop, direction: hop.direction, judged: true, note: 'not reached' };
    if (position >= sequence.length) return { hop, direction: hop.direction, judged: false, note: 'not judged: a one-way flow is judged on its first packet' };
    if (!line) return { hop, direction: hop.direction, judged: false, note: 'not sent: an earlier packet was dropped' };
    return { hop, direction: hop.direction, ...stageNote(hop, line, policy) };
  };
  const requestLine = (packet: string, first: boolean, position: number): PacketLine => ({
    packet, direction: 'request',
    checks: requestHops.map((hop) => (hop.kind === 'sg' && !first ? stateful(hop) : hop.kind === 'firewall' ? firewallLine(hop, position) : judgedLine(hop))),
  });
  // Reply packets cross the request's SGs in reverse (stateful) and the reply NACL hops (judged).
  const securityGroups = requestHops.filter((hop) => hop.kind === 'sg');
  const replyLine = (packet: string, position: number): PacketLine => ({
    packet, direction: 'reply',
    checks: [
      ...securityGroups.filter((hop) => hop.direction === 'inbound').map((hop) => stateful(hop, true)),
      ...replyHops.map((hop) => (hop.kind === 'firewall' ? firewallLine(hop, position) : judgedLine(hop))),
      ...securityGroups.filter((hop) => hop.direction === 'outbound').map((hop) => stateful(hop, true)),
    ],
  });
  const lines = buildSequence(flow, conn, requestAdmitted, requestLine, replyLine);
  // A dropped packet ends the exchange: later packets are never sent.
  const firstDrop = lines.findIndex((line) => line.checks.some((check) => check.action === 'deny'));
  return firstDrop < 0 ? lines : lines.slice(0, firstDrop + 1);
}

function buildSequence(
  flow: Flow, conn: Connection, requestAdmitted: boolean,
  requestLine: (packet: string, first: boolean, position: number) => PacketLine, replyLine: (packet: string, position: number) => PacketLine,
): PacketLine[] {
  // Positions are those of the firewall's packet sequence (firewall.ts): a FIN is judged like data.
  const src = endpointText(conn, 'src');
  const dst = endpointText(conn, 'dst');
  const lines: PacketLine[] = [];
  if (flow.protocol === 6) {
    lines.push(requestLine(`SYN ${src} -> ${dst}`, true, 0));
    if (!requestAdmitted) return lines;
    if (flow.reply.kind === 'none') {
      lines.push(requestLine(`data ${src} -> ${dst}`, false, 2));
      return lines;
    }
    lines.push(replyLine(`SYN-ACK ${dst} -> ${src}`, 1));
    lines.push(requestLine(`ACK, data ${src} -> ${dst}`, false, 2));
    lines.push(replyLine(`data ${dst} -> ${src}`, 3));
    lines.push(requestLine(`FIN ${src} -> ${dst}`, false, 2));
    lines.push(replyLine(`FIN-ACK ${dst} -> ${src}`, 3));
  } else if (flow.protocol === 17) {
    lines.push(requestLine(`datagram ${src} -> ${dst}`, true, 0));
    if (!requestAdmitted) return lines;
    if (flow.reply.kind !== 'none') lines.push(replyLine(`reply datagrams ${dst} -> ${src}`, 1));
    lines.push(requestLine(`next datagrams ${src} -> ${dst}`, false, 2));
  } else {
    const request = flow.reply.kind === 'icmp' ? 'echo request' : `ICMP type ${conn.key >> 8} code ${conn.key & 255}`;
    lines.push(requestLine(`${request} ${src} -> ${dst}`, true, 0));
    if (requestAdmitted && flow.reply.kind === 'icmp') lines.push(replyLine(`echo reply ${dst} -> ${src}`, 1));
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

/** "the verdict assumes stateful sid 5 ... (line 40) does not decide: ...", for rules left out that could. */
export function assumptionLines(result: FlowResult): string[] {
  return result.assumed.map((rule) => `the verdict assumes ${statefulRuleName(rule)} (line ${rule.decl.range.start.line + 1}) does not decide: ${rule.undecidable}`);
}

export function describeFlowEnds(flow: Flow): string {
  const end = (e: Flow['src']) => (e.kind === 'instance' ? e.instance.name : e.label);
  return `${end(flow.src)} -> ${end(flow.dst)}`;
}

/** The failing connection and the hop that decides it, in a sentence. */
/** The request as it leaves each hop that rewrites it: NAT gateways and the internet gateway. */
export interface RewrittenPacket {
  hop: Hop;
  srcIp: bigint;
  srcPort: number;
  dstIp: bigint;
  dstPort: number;
}

export function requestRewrites(result: FlowResult, conn: Connection = result.example): RewrittenPacket[] {
  const out: RewrittenPacket[] = [];
  let packet = { srcIp: conn.srcIp, srcPort: conn.srcPort, dstIp: conn.dstIp, dstPort: conn.key };
  for (const hop of result.hops) {
    if (hop.phase !== 'request') continue;
    if (hop.kind === 'nat' && hop.nat.ip !== undefined) {
      packet = { ...packet, srcIp: hop.nat.ip, srcPort: conn.natPorts[hop.dim - 2] ?? packet.srcPort };
    } else if (hop.kind === 'gateway' && hop.action === 'allow' && hop.rewrite) {
      packet = { ...packet, srcIp: hop.rewrite.src ?? packet.srcIp, dstIp: hop.rewrite.dst ?? packet.dstIp };
    } else {
      continue;
    }
    out.push({ hop, ...packet });
  }
  return out;
}

/** "NAT gateway nat-a: tcp 10.0.1.5:1024 -> 1.0.0.1:443", one line per rewriting hop of the example. */
export function rewriteLines(result: FlowResult): string[] {
  const conn = result.example;
  return requestRewrites(result).map((packet) => `${packet.hop.label}: ${formatConnection({ ...conn, srcIp: packet.srcIp, srcPort: packet.srcPort, dstIp: packet.dstIp, key: packet.dstPort })}`);
}

/** " (as 10.0.1.5:1024 from NAT gateway nat-a)": where the witness leaves rewritten, in words. */
function rewritesText(result: FlowResult, conn: Connection): string {
  const nat = requestRewrites(result, conn).filter((packet) => packet.hop.kind === 'nat');
  if (nat.length === 0) return '';
  const at = (packet: RewrittenPacket) => `${formatAddress(packet.srcIp, conn.family)}${conn.protocol === 6 || conn.protocol === 17 ? `:${packet.srcPort}` : ''}`;
  return ` (leaving ${nat.map((packet) => `${packet.hop.label} as ${at(packet)}`).join(', then ')})`;
}

export function witnessSentence(result: FlowResult, label: LineLabel = lineLabel): string | undefined {
  if (!result.witness) return undefined;
  const last = result.trace[result.trace.length - 1];
  const admitted = result.trace.every((step) => step.action === 'allow');
  const fate = admitted ? 'is admitted' : `is dropped at ${checkPlace(last.hop, last.hop.direction)}${last.hop.phase === 'reply' ? ' (the reply)' : ''}, ${describeStep(last, label)}`;
  return `e.g. ${formatConnection(result.witness)}${rewritesText(result, result.witness)} ${fate}`;
}
