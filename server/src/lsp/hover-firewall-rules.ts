// What the analysis adds to the hovers of firewall forms: the flows that cross an endpoint, what a
// rule matches with its addresses resolved, and the flows it decides.
import type { Analysis } from '../engine/analyze';
import { formatAddrSet, AddrSet } from '../engine/addresses';
import { formatPorts } from '../engine/keys';
import type { StatefulRuleModel, StatelessRuleModel } from '../engine/model';
import type { Declaration, StatefulRule, StatelessRule } from '../syntax/ast';
import { protocolName } from '../syntax/ast';
import { code, escapeMarkdown, lineLabel } from './markdown';

function addresses(addrs: AddrSet): string {
  const families = [addrs.v4.isEmpty() ? undefined : formatAddrSet(addrs.v4, 4), addrs.v6.isEmpty() ? undefined : formatAddrSet(addrs.v6, 6)]
    .filter((text): text is string => text !== undefined);
  return families.length > 0 ? families.map(code).join(', ') : 'no address';
}

function protocols(numbers: number[] | undefined): string {
  return numbers ? numbers.map(protocolName).join(', ') : 'every protocol';
}

function flowLine(name: string, line: number, verdict: string): string {
  return `${escapeMarkdown(name)} (${lineLabel(line)}): ${verdict}`;
}

/** `- flows through it: ...`: the flows some of whose paths cross the endpoint. */
function flowsThroughFirewall(analysis: Analysis, name: string): string[] {
  const flows = analysis.flows.filter((result) => result.paths.some((path) => path.hops.some((hop) => hop.kind === 'firewall' && hop.firewall.name === name)));
  const listed = flows.map((result) => flowLine(result.flow.name, result.flow.decl.range.start.line, result.verdict));
  return [`- flows through it: ${listed.length > 0 ? listed.join(', ') : 'none'}`];
}

/** What the analysis says of a firewall declaration: the flows that cross an endpoint. */
export function firewallFlowDetails(analysis: Analysis, decl: Declaration): string[] {
  return decl.kind === 'firewall' && decl.name ? flowsThroughFirewall(analysis, decl.name.text) : [];
}

function decidedFlows(analysis: Analysis, rule: StatelessRuleModel | StatefulRuleModel): string[] {
  const inTrace = analysis.flows.filter((result) => result.trace.some((step) => step.rule === rule));
  const lines = inTrace.map((result) => `- flow ${flowLine(result.flow.name, result.flow.decl.range.start.line, result.verdict)}`);
  const traced = new Set(inTrace);
  const elsewhere = analysis.flows.filter((result) => !traced.has(result) && result.decidingRules.has(rule));
  if (elsewhere.length > 0) lines.push(`- also decides some packets of: ${elsewhere.map((result) => escapeMarkdown(result.flow.name)).join(', ')}`);
  const assumed = rule.kind === 'stateful' ? analysis.flows.filter((result) => result.assumed.includes(rule)) : [];
  if (assumed.length > 0) lines.push(`- left out, and could decide packets of: ${assumed.map((result) => escapeMarkdown(result.flow.name)).join(', ')}`);
  return lines.length > 0 ? ['', 'decides:', '', ...lines] : ['', 'decides no flow of this file'];
}

/** What the model makes of a stateless rule: its sets resolved, and the flows it decides. */
export function statelessRuleDetails(analysis: Analysis, rule: StatelessRule): string[] {
  const model = [...analysis.model.statelessGroups.values()].flatMap((group) => group.rules).find((candidate) => candidate.decl === rule);
  if (!model) return [];
  const ports = (set: StatelessRuleModel['sourcePorts']) => (set ? ` port ${code(formatPorts(set))}` : '');
  return [
    '',
    `matches ${protocols(model.protocols)} from ${addresses(model.sources)}${ports(model.sourcePorts)} to ${addresses(model.destinations)}${ports(model.destinationPorts)}, each packet alone`,
    ...decidedFlows(analysis, model),
  ];
}

/** What the model makes of a stateful rule: its header resolved (`$HOME_NET`, lists, negations), left out or not, and the flows it decides. */
export function statefulRuleDetails(analysis: Analysis, rule: StatefulRule): string[] {
  const model = [...analysis.model.statefulGroups.values()].flatMap((group) => group.rules).find((candidate) => candidate.decl === rule);
  if (!model) return [];
  const flow = [model.flowDirection, model.flowState].filter(Boolean).join(', ');
  return [
    '',
    `matches ${protocols(model.protocols)} from ${addresses(model.sources)} port ${code(formatPorts(model.sourcePorts))} ${model.bidirectional ? '<>' : '->'} ${addresses(model.destinations)} port ${code(formatPorts(model.destinationPorts))}${flow ? ` (${flow})` : ''}`,
    ...(model.undecidable ? ['', `left out of the evaluation: ${escapeMarkdown(model.undecidable)}`] : []),
    ...decidedFlows(analysis, model),
  ];
}
