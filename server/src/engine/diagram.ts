// A diagram of a flow's example path as an SVG image: the client and the server at either side,
// every hop the request crosses as a box in order (arrows left to right) and, below, every hop the
// reply crosses (arrows back, right to left), with the security groups that pass the reply on
// connection tracking. The hop that drops the example is highlighted with its deciding rule named.
// Pure and deterministic: the same result gives the same text; no script, no external reference,
// every text escaped; its own background, with colours for light and dark themes.
import type { Family } from '../syntax/ast';
import { formatAddress } from '../syntax/cidr';
import type { Connection, FlowResult, HopStep } from './evaluate';
import { formatConnection } from './evaluate';
import { describeFlowEnds, hopTitle, ruleName, untrackedReplyRule } from './explain';
import type { Hop } from './hops';
import { exampleKind, flowShape } from './report-text';

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** One box of the diagram, as the tests and the drawing see it. */
export interface DiagramBox {
  /** The heading: "3. network ACL app-acl of subnet app-a, outbound". */
  title: string;
  /** What the hop did: "allow", "deny", "not reached", "passes on connection tracking". */
  status: string;
  /** The deciding rule, or what passes the packet. */
  detail?: string;
  kind: 'allow' | 'drop' | 'unreached' | 'stateful';
  lane: 'request' | 'reply';
}

const BOX_WIDTH = 184;
const GAP = 40;
const END_WIDTH = 170;
const MARGIN = 20;
const LINE = 14;
const CHAR = 6.7; // a monospace character at 11px
const TEXT_CHARS = Math.floor((BOX_WIDTH - 16) / CHAR);
const MAX_DETAIL_LINES = 5;

/** Words wrapped into lines of at most `width` characters; a word longer than a line is cut. */
function wrap(text: string, width: number, maxLines = Infinity): string[] {
  const lines: string[] = [];
  let line = '';
  for (let word of text.split(/\s+/).filter(Boolean)) {
    while (word.length > width) {
      if (line) lines.push(line);
      lines.push(word.slice(0, width));
      line = '';
      word = word.slice(width);
    }
    if (!line) line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    kept[maxLines - 1] = `${kept[maxLines - 1].slice(0, width - 1)}…`;
    return kept;
  }
  return lines;
}

/** Whether a firewall stage passed some packet of its own direction on the connection's state, and dropped none. */
function passesOnState(step: HopStep): boolean {
  if (step.hop.kind !== 'firewall' || step.hop.stage !== 'stateful' || !step.firewall || step.action !== 'allow') return false;
  const mine = step.firewall.packets.filter((line) => line.packet.fromInitiator === (step.hop.phase === 'request'));
  return mine.some((line) => line.stateful?.how === 'state');
}

/** The deciding rule as explain names it; the implicit `*` of a network ACL says what it is. */
function ruleDetail(step: HopStep): string {
  const name = ruleName(step);
  // A gateway, a NAT gateway or a drop has no rule: its reason is the name.
  if (step.hop.kind === 'gateway' || step.hop.kind === 'nat' || step.hop.kind === 'drop' || step.hop.kind === 'aws-service') return name;
  return `rule: ${name}${step.hop.kind === 'nacl' && name === '*' ? ` (implicit ${step.action})` : ''}`;
}

function hopBox(hop: Hop, step: HopStep | undefined, dropping: HopStep | undefined, witness: boolean): DiagramBox {
  const lane = hop.phase;
  const title = hopTitle(hop).replace(/ \(reply\)$/, '');
  if (!step) return { title, status: 'not reached', kind: 'unreached', lane };
  if (step === dropping) return { title, status: `drops the ${witness ? 'witness' : 'example'}`, detail: ruleDetail(step), kind: 'drop', lane };
  if (passesOnState(step)) {
    const all = step.firewall!.packets.filter((line) => line.packet.fromInitiator === (hop.phase === 'request')).every((line) => line.stateful?.how === 'state');
    return { title, status: all ? 'stateful: passes on state' : 'stateful: later packets pass on state', detail: all ? undefined : `rule: ${ruleName(step)}`, kind: 'stateful', lane };
  }
  return { title, status: step.action, detail: ruleDetail(step), kind: step.action === 'allow' ? 'allow' : 'drop', lane };
}

/** The reply's passage through a security group of the request's path: on connection tracking, unless AWS does not track it. */
function replySgBox(result: FlowResult, step: HopStep, reached: boolean): DiagramBox {
  const hop = step.hop;
  const title = `${hop.label}, ${hop.direction === 'inbound' ? 'outbound' : 'inbound'}`;
  if (!reached) return { title, status: 'not reached', kind: 'unreached', lane: 'reply' };
  const untracked = untrackedReplyRule(step, result.flow.family);
  if (untracked) return { title, status: 'allow: not tracked', detail: `rule: ${untracked.group.name}: ${untracked.text}`, kind: 'allow', lane: 'reply' };
  return { title, status: 'stateful: passes on connection tracking', kind: 'stateful', lane: 'reply' };
}

/** The boxes of both lanes, in the order the packets cross them. */
export function diagramBoxes(result: FlowResult): { request: DiagramBox[]; reply: DiagramBox[]; replyJudged: boolean } {
  const byHop = new Map(result.trace.map((step) => [step.hop, step]));
  const dropping = result.trace.find((step) => step.action === 'deny');
  const witness = result.witness !== undefined;
  const request = result.hops.filter((hop) => hop.phase === 'request').map((hop) => hopBox(hop, byHop.get(hop), dropping, witness));
  const replyJudged = result.flow.reply.kind !== 'none';
  if (!replyJudged) return { request, reply: [], replyJudged };
  const replyHops = result.hops.filter((hop) => hop.phase === 'reply');
  const requestAdmitted = result.hops.filter((hop) => hop.phase === 'request').every((hop) => byHop.get(hop)?.action === 'allow');
  const replyAdmitted = requestAdmitted && replyHops.every((hop) => byHop.get(hop)?.action === 'allow');
  const groups = result.trace.filter((step) => step.hop.kind === 'sg' && step.action === 'allow');
  const reply = [
    ...groups.filter((step) => step.hop.direction === 'inbound').map((step) => replySgBox(result, step, requestAdmitted)),
    ...replyHops.map((hop) => hopBox(hop, byHop.get(hop), dropping, witness)),
    ...groups.filter((step) => step.hop.direction === 'outbound').map((step) => replySgBox(result, step, replyAdmitted)),
  ];
  return { request, reply, replyJudged };
}

function endpointText(conn: Connection, side: 'src' | 'dst'): string {
  const ip = formatAddress(side === 'src' ? conn.srcIp : conn.dstIp, conn.family as Family);
  if (conn.protocol !== 6 && conn.protocol !== 17) return ip;
  const port = side === 'src' ? conn.srcPort : conn.key;
  return conn.family === 6 ? `[${ip}]:${port}` : `${ip}:${port}`;
}

const STYLE = `
.bg{fill:#ffffff}
text{font-family:ui-monospace,'DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:11px;fill:#1f2328}
.title{font-family:system-ui,'DejaVu Sans',Arial,sans-serif;font-size:16px;font-weight:bold}
.subtitle{font-family:system-ui,'DejaVu Sans',Arial,sans-serif;font-size:13px}
.lane{font-size:12px;font-weight:bold;fill:#57606a}
.box{fill:#f6f8fa;stroke:#1a7f37;stroke-width:1.5}
.box.end{stroke:#57606a;fill:#eaeef2}
.box.drop{fill:#ffebe9;stroke:#cf222e;stroke-width:3.5}
.box.unreached{fill:none;stroke:#8c959f;stroke-dasharray:5 4}
.box.stateful{stroke:#0969da;stroke-dasharray:8 3}
.head{font-weight:bold}
.status-allow{fill:#1a7f37;font-weight:bold}
.status-drop{fill:#cf222e;font-weight:bold}
.status-unreached{fill:#6e7781}
.status-stateful{fill:#0969da;font-weight:bold}
.unreached-text{fill:#6e7781}
.arrow{stroke:#1f2328;stroke-width:1.6;fill:none}
.arrow.unreached{stroke:#8c959f;stroke-dasharray:4 4}
.arrowhead{fill:#1f2328}
.verdict-fails{fill:#cf222e;font-weight:bold}
.verdict-holds{fill:#1a7f37;font-weight:bold}
@media (prefers-color-scheme:dark){
.bg{fill:#0d1117}
text{fill:#e6edf3}
.lane{fill:#9198a1}
.box{fill:#161b22;stroke:#3fb950}
.box.end{fill:#21262d;stroke:#9198a1}
.box.drop{fill:#3d1518;stroke:#f85149}
.box.unreached{fill:none;stroke:#6e7681}
.box.stateful{stroke:#4493f8}
.status-allow,.verdict-holds{fill:#3fb950}
.status-drop,.verdict-fails{fill:#ff7b72}
.status-unreached,.unreached-text{fill:#9198a1}
.status-stateful{fill:#79c0ff}
.arrow{stroke:#e6edf3}
.arrow.unreached{stroke:#6e7681}
.arrowhead{fill:#e6edf3}
}`;

const LEGEND: [DiagramBox['kind'], string][] = [
  ['allow', 'allows'],
  ['drop', 'drops the packet (deciding rule named)'],
  ['stateful', 'passes on state (stateful)'],
  ['unreached', 'not reached'],
];

interface Placed {
  box: DiagramBox;
  x: number;
  lines: { text: string; cls?: string }[];
}

function boxLines(box: DiagramBox): { text: string; cls?: string }[] {
  const lines: { text: string; cls?: string }[] = wrap(box.title, TEXT_CHARS, 4).map((text, i) => ({ text, cls: i === 0 ? 'head' : undefined }));
  lines.push({ text: '' });
  for (const text of wrap(box.status, TEXT_CHARS, 2)) lines.push({ text, cls: `status-${box.kind}` });
  if (box.detail) for (const text of wrap(box.detail, TEXT_CHARS, MAX_DETAIL_LINES)) lines.push({ text });
  return lines;
}

/** The SVG text of the diagram of a flow's example path. */
export function pathDiagram(result: FlowResult): string {
  const flow = result.flow;
  const { request, reply, replyJudged } = diagramBoxes(result);
  const columns = Math.max(request.length, reply.length, 1);
  const inner = columns * (BOX_WIDTH + GAP) + GAP;
  const width0 = MARGIN * 2 + END_WIDTH * 2 + inner;

  const heading = [
    { text: `flow ${flow.name}: ${flowShape(result)}`, cls: 'title' },
  ];
  const verdictLine = `verdict ${result.verdict}, expected ${flow.expect}: ${result.ok ? 'holds' : 'fails'}`;
  const subtitles = [
    ...(result.split ? [`split: ${result.split}`] : []),
    `${exampleKind(result)}: ${formatConnection(result.example)}`,
  ];
  const place = (boxes: DiagramBox[]): Placed[] => {
    const slot = inner / Math.max(boxes.length, 1);
    return boxes.map((box, i) => ({ box, x: MARGIN + END_WIDTH + (boxes.length === columns ? GAP + i * (BOX_WIDTH + GAP) : i * slot + (slot - BOX_WIDTH) / 2), lines: boxLines(box) }));
  };
  const requestPlaced = place(request);
  // The reply crosses its hops from the server's side: the first box is at the right.
  const replyPlaced = place(reply).map((placed) => ({ ...placed, x: width0 - placed.x - BOX_WIDTH }));
  const rowHeight = (placed: Placed[]) => Math.max(60, ...placed.map((p) => p.lines.length * LINE + 16));
  const top = MARGIN + 26 + 20 * (1 + subtitles.length) + 18;
  const requestTop = top + 18;
  const requestHeight = rowHeight(requestPlaced);
  const replyTop = requestTop + requestHeight + 48;
  const replyHeight = replyJudged ? rowHeight(replyPlaced) : 24;
  const bottom = replyTop + replyHeight;
  const legendY = bottom + 30;
  const height = legendY + 16 + MARGIN;
  const titleWidth = Math.max(...[heading[0].text].map((t) => t.length * 9.5), ...[verdictLine, ...subtitles].map((t) => t.length * 7.6));
  const width = Math.ceil(Math.max(width0, titleWidth + MARGIN * 2));

  const out: string[] = [];
  const text = (x: number, y: number, content: string, cls?: string, anchor?: string) =>
    out.push(`<text x="${round(x)}" y="${round(y)}"${cls ? ` class="${cls}"` : ''}${anchor ? ` text-anchor="${anchor}"` : ''}>${escapeXml(content)}</text>`);
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="diagram-title">`);
  out.push(`<title id="diagram-title">${escapeXml(`flow ${flow.name}: ${flowShape(result)}; ${verdictLine}`)}</title>`);
  out.push(`<style>${STYLE}\n</style>`);
  out.push('<defs><marker id="head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path class="arrowhead" d="M0,0 L10,5 L0,10 z"/></marker></defs>');
  out.push(`<rect class="bg" x="0" y="0" width="${width}" height="${height}" rx="8"/>`);
  text(MARGIN, MARGIN + 16, heading[0].text, 'title');
  out.push(`<text x="${MARGIN}" y="${MARGIN + 40}" class="subtitle">verdict <tspan class="${result.ok ? 'verdict-holds' : 'verdict-fails'}">${escapeXml(result.verdict)}</tspan>, expected ${escapeXml(flow.expect)}: <tspan class="${result.ok ? 'verdict-holds' : 'verdict-fails'}">${result.ok ? 'holds' : 'fails'}</tspan></text>`);
  subtitles.forEach((line, i) => text(MARGIN, MARGIN + 60 + 20 * i, line, 'subtitle'));

  // The two ends, as tall as both lanes.
  const endTop = requestTop;
  const endHeight = bottom - requestTop;
  const endBox = (x: number, role: string, name: string, address: string) => {
    out.push(`<g class="endpoint"><rect class="box end" x="${round(x)}" y="${round(endTop)}" width="${END_WIDTH}" height="${round(endHeight)}" rx="6"/>`);
    const lines = [...wrap(role, 24), ...wrap(name, 24), ...wrap(address, 24)];
    lines.forEach((line, i) => text(x + END_WIDTH / 2, endTop + endHeight / 2 - ((lines.length - 1) * LINE) / 2 + i * LINE + 4, line, i === 0 ? 'head' : undefined, 'middle'));
    out.push('</g>');
  };
  const [srcName, dstName] = describeFlowEnds(flow).split(' -> ');
  endBox(MARGIN, 'client', srcName, endpointText(result.example, 'src'));
  endBox(width0 - MARGIN - END_WIDTH, 'server', dstName, endpointText(result.example, 'dst'));

  text(MARGIN + END_WIDTH + GAP, requestTop - 6, 'request →', 'lane');
  text(width0 - MARGIN - END_WIDTH - GAP, replyTop - 6, replyJudged ? '← reply' : '← no reply judged: one way', 'lane', 'end');

  const drawBoxes = (placed: Placed[], y: number, height: number) => {
    for (const { box, x, lines } of placed) {
      out.push(`<g class="hop ${box.kind}" data-lane="${box.lane}"><rect class="box ${box.kind}" x="${round(x)}" y="${round(y)}" width="${BOX_WIDTH}" height="${round(height)}" rx="6"/>`);
      lines.forEach((line, i) => {
        if (line.text) text(x + 8, y + 16 + i * LINE, line.text, box.kind === 'unreached' && !line.cls?.startsWith('status') ? 'unreached-text' : line.cls);
      });
      out.push('</g>');
    }
  };
  const arrow = (x1: number, x2: number, y: number, travelled: boolean) =>
    out.push(`<line class="arrow${travelled ? '' : ' unreached'}" x1="${round(x1)}" y1="${round(y)}" x2="${round(x2)}" y2="${round(y)}" marker-end="url(#head)"/>`);
  // Request: client -> boxes -> server, left to right; an arrow is travelled when the box it leaves passed the packet.
  const requestY = requestTop + requestHeight / 2;
  const requestStops = [MARGIN + END_WIDTH, ...requestPlaced.flatMap((p) => [p.x, p.x + BOX_WIDTH]), width0 - MARGIN - END_WIDTH];
  for (let i = 0; i + 1 < requestStops.length; i += 2) {
    const from = i === 0 ? undefined : requestPlaced[i / 2 - 1].box;
    arrow(requestStops[i] + 2, requestStops[i + 1] - 2, requestY, !from || from.kind === 'allow' || from.kind === 'stateful');
  }
  drawBoxes(requestPlaced, requestTop, requestHeight);
  const replyY = replyTop + replyHeight / 2;
  if (replyJudged) {
    // Reply: server -> boxes -> client, right to left.
    const requestAdmitted = request.every((box) => box.kind === 'allow' || box.kind === 'stateful');
    const replyStops = [width0 - MARGIN - END_WIDTH, ...replyPlaced.flatMap((p) => [p.x + BOX_WIDTH, p.x]), MARGIN + END_WIDTH];
    for (let i = 0; i + 1 < replyStops.length; i += 2) {
      const from = i === 0 ? undefined : replyPlaced[i / 2 - 1].box;
      arrow(replyStops[i] - 2, replyStops[i + 1] + 2, replyY, from ? from.kind === 'allow' || from.kind === 'stateful' : requestAdmitted);
    }
    drawBoxes(replyPlaced, replyTop, replyHeight);
  }
  // The legend: a swatch of each kind of box.
  let legendX = MARGIN;
  for (const [kind, words] of LEGEND) {
    out.push(`<rect class="box ${kind}" x="${legendX}" y="${legendY - 11}" width="22" height="14" rx="3"/>`);
    text(legendX + 30, legendY, words, 'lane');
    legendX += 30 + words.length * 7.4 + 24;
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function round(value: number): string {
  return String(Math.round(value * 10) / 10);
}
