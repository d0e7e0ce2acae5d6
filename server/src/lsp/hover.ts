// textDocument/hover: a flow's verdict and trace, a rule's matches and findings, a route's target
// and flows, a CIDR's block, a port's service, a name's declaration.
import type { Connection, Hover } from 'vscode-languageserver';
import type { Analysis } from '../engine/analyze';
import { Reference, SYMBOL_KIND_LABELS } from '../engine/model';
import type { Cidr, Declaration, FlowDecl, InstanceDecl, Position, Range } from '../syntax/ast';
import { formatAddress } from '../syntax/cidr';
import type { AnalysisSource, AnalyzedDocument } from './analysis-source';
import { toLspRange } from './convert';
import { flowMarkdown } from './flow-markdown';
import { cidrHover } from './hover-cidr';
import { portsHover } from './hover-ports';
import { firewallDetails, statefulRuleHover, statelessRuleHover } from './hover-firewall';
import { firewallFlowDetails } from './hover-firewall-rules';
import { naclRuleHover, sgRuleHover } from './hover-rule';
import { routeHover, routingDetails } from './hover-routing';
import { code, escapeMarkdown, lineLabel } from './markdown';
import { Target, targetAt } from './node-at';
import { flowResultOf, lineText } from './lines';
import { onAnalyzed } from './requests';
import { occurrencesOf, usesOf } from './symbol-index';

/** The text a range covers, from the lines the parse kept. */
function writtenText(analyzed: AnalyzedDocument, range: Range): string {
  const line = lineText(analyzed.analysis.file, range.start.line);
  return line.slice(range.start.character, range.end.line === range.start.line ? range.end.character : line.length);
}

function firstLine(analyzed: AnalyzedDocument, range: Range): string {
  return lineText(analyzed.analysis.file, range.start.line).trimEnd();
}

/** An instance's addresses by family, the primary first: `- IPv4: 10.0.1.10 (primary), 10.0.1.11`. */
function instanceAddresses(instance: InstanceDecl): string[] {
  const family = (label: string, ips: Cidr[]) =>
    ips.length === 0 ? [] : [`- ${label}: ${ips.map((ip, i) => `${code(formatAddress(ip.address, ip.family))}${i === 0 && ips.length > 1 ? ' (primary)' : ''}`).join(', ')}`];
  const publicIp = instance.publicIp ? [`- public IPv4: ${code(instance.publicIp.text)}, mapped to ${code(instance.ips[0]?.text ?? 'the first ip')}`] : [];
  return [...family('IPv4', instance.ips), ...family('IPv6', instance.ip6s), ...publicIp];
}

/** The lines below a declaration's own line: an instance's addresses, what routing or a firewall says of it. */
function declarationDetails(analysis: Analysis, declaration: Declaration): string[] {
  if (declaration.kind === 'instance') return instanceAddresses(declaration);
  return [...routingDetails(analysis, declaration), ...firewallDetails(analysis.file, declaration), ...firewallFlowDetails(analysis, declaration)];
}

function declarationHover(analyzed: AnalyzedDocument, declaration: Declaration): string {
  const name = declaration.name?.text ?? '';
  const uses = occurrencesOf(analyzed.analysis, { kind: declaration.kind, name }).filter((occurrence) => !occurrence.isDeclaration).length;
  const details = declarationDetails(analyzed.analysis, declaration);
  return [
    `**${SYMBOL_KIND_LABELS[declaration.kind]} ${escapeMarkdown(name)}**, declared on ${lineLabel(declaration.range.start.line)}`,
    '',
    code(firstLine(analyzed, declaration.range).trim()),
    ...(details.length > 0 ? ['', ...details] : []),
    '',
    `referenced ${uses} time${uses === 1 ? '' : 's'}`,
  ].join('\n');
}

function referenceHover(analyzed: AnalyzedDocument, reference: Reference): string {
  const declaration = analyzed.analysis.file.declarations.find((decl) => decl.kind === reference.kind && decl.name?.text === reference.name);
  if (!declaration) return `unknown ${SYMBOL_KIND_LABELS[reference.kind]} ${escapeMarkdown(reference.name)}`;
  return declarationHover(analyzed, declaration);
}

function flowHover(analysis: Analysis, flow: FlowDecl): string {
  const result = flowResultOf(analysis, flow);
  if (result) return flowMarkdown(result);
  const problems = analysis.diagnostics.filter((d) => d.severity === 'error' && d.range.start.line === flow.range.start.line);
  return [`**flow ${escapeMarkdown(flow.name?.text ?? '')}** cannot be evaluated`, '', ...problems.map((d) => `- ${d.code}: ${escapeMarkdown(d.message)}`)].join('\n');
}

function targetRange(target: Target): Range {
  switch (target.kind) {
    case 'cidr': return target.cidr.range;
    case 'ports': return target.ports.range;
    case 'reference': return target.reference.range;
    case 'sg-rule':
    case 'nacl-rule': return target.rule.range;
    case 'route': return target.route.range;
    case 'policy-statement': return target.statement.range;
    case 'stateless-rule':
    case 'stateful-rule': return target.rule.range;
    case 'flow': return target.flow.range;
    case 'declaration': return target.declaration.name?.range ?? target.declaration.range;
  }
}

function markdownFor(analyzed: AnalyzedDocument, target: Target, position: Position): string | undefined {
  const analysis = analyzed.analysis;
  switch (target.kind) {
    case 'cidr': return cidrHover(target.cidr, target.declaration);
    case 'ports': return portsHover(target.ports, writtenText(analyzed, target.ports.range), position);
    case 'reference': return referenceHover(analyzed, target.reference);
    case 'sg-rule': return sgRuleHover(analysis, target.rule, target.group);
    case 'nacl-rule': return naclRuleHover(analysis, target.rule, target.acl);
    case 'route': return routeHover(analysis, target.route, target.table);
    case 'policy-statement': return declarationHover(analyzed, target.policy);
    case 'stateless-rule': return statelessRuleHover(analysis, target.rule, target.group);
    case 'stateful-rule': return statefulRuleHover(analysis, target.rule, target.group);
    case 'flow': return flowHover(analysis, target.flow);
    case 'declaration': return declarationHover(analyzed, target.declaration);
  }
}

/** The hover at a position of an analysed document, or null where there is nothing to say. */
export function hoverAt(analyzed: AnalyzedDocument, position: Position): Hover | null {
  // Uses read from the syntax tree too, so that a name on a line the model could not use still has its hover.
  const target = targetAt(analyzed.analysis.file, usesOf(analyzed.analysis), position);
  const markdown = target && markdownFor(analyzed, target, position);
  if (!markdown) return null;
  return { contents: { kind: 'markdown', value: markdown }, range: toLspRange(targetRange(target)) };
}

export function registerHover(connection: Connection, source: AnalysisSource): void {
  connection.onHover((params, token) =>
    onAnalyzed(connection, source, params?.textDocument?.uri, token, (analyzed): Hover | null =>
      params.position ? hoverAt(analyzed, params.position) : null));
}
