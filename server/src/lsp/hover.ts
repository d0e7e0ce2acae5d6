// textDocument/hover: a flow's verdict and trace, a rule's matches and findings, a CIDR's block,
// a port's service, a name's declaration.
import type { Connection, Hover } from 'vscode-languageserver';
import type { Analysis } from '../engine/analyze';
import { Reference, SYMBOL_KIND_LABELS } from '../engine/model';
import type { Declaration, FlowDecl, Position, Range } from '../syntax/ast';
import type { AnalysisSource, AnalyzedDocument } from './analysis-source';
import { toLspRange } from './convert';
import { flowMarkdown } from './flow-markdown';
import { cidrHover } from './hover-cidr';
import { portsHover } from './hover-ports';
import { naclRuleHover, sgRuleHover } from './hover-rule';
import { code, escapeMarkdown, lineLabel } from './markdown';
import { Target, targetAt } from './node-at';
import { flowResultOf, lineText } from './lines';
import { onAnalyzed } from './requests';

/** The text a range covers, from the lines the parse kept. */
function writtenText(analyzed: AnalyzedDocument, range: Range): string {
  const line = lineText(analyzed.analysis.file, range.start.line);
  return line.slice(range.start.character, range.end.line === range.start.line ? range.end.character : line.length);
}

function firstLine(analyzed: AnalyzedDocument, range: Range): string {
  return lineText(analyzed.analysis.file, range.start.line).trimEnd();
}

function declarationHover(analyzed: AnalyzedDocument, declaration: Declaration): string {
  const name = declaration.name?.text ?? '';
  const uses = analyzed.analysis.model.references.filter((ref) => ref.kind === declaration.kind && ref.name === name).length;
  return [
    `**${SYMBOL_KIND_LABELS[declaration.kind]} ${escapeMarkdown(name)}**, declared on ${lineLabel(declaration.range.start.line)}`,
    '',
    code(firstLine(analyzed, declaration.range).trim()),
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
    case 'flow': return flowHover(analysis, target.flow);
    case 'declaration': return declarationHover(analyzed, target.declaration);
  }
}

export function registerHover(connection: Connection, source: AnalysisSource): void {
  connection.onHover((params, token) =>
    onAnalyzed(connection, source, params?.textDocument?.uri, token, (analyzed): Hover | null => {
      const position = params.position;
      if (!position) return null;
      const target = targetAt(analyzed.analysis.file, analyzed.analysis.model.references, position);
      const markdown = target && markdownFor(analyzed, target, position);
      if (!markdown) return null;
      return { contents: { kind: 'markdown', value: markdown }, range: toLspRange(targetRange(target)) };
    }));
}
