// Hover on firewall declarations and rules: which flows cross an endpoint, what a rule matches
// (addresses resolved), which flows it decides, and what the checks say about it.
import type { Analysis } from '../engine/analyze';
import { formatAddrSet, AddrSet } from '../engine/addresses';
import { formatPorts } from '../engine/keys';
import type { StatefulRuleModel, StatelessRuleModel } from '../engine/model';
import type { Declaration, StatefulRule, StatelessRule } from '../syntax/ast';
import { protocolName } from '../syntax/ast';
import { code, escapeMarkdown, lineLabel } from './markdown';
import { findings } from './hover-rule';

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

/** What the hover of a firewall, policy or rule group lists below its line. */
export function firewallDetails(analysis: Analysis, decl: Declaration): string[] {
  const model = analysis.model;
  switch (decl.kind) {
    case 'firewall': {
      const firewall = decl.name && model.firewalls.get(decl.name.text);
      if (!firewall) return [];
      return [
        `- subnet: ${escapeMarkdown(firewall.subnet?.name ?? '(unknown)')}, policy: ${escapeMarkdown(firewall.policy?.name ?? '(unknown)')}`,
        ...flowsThroughFirewall(analysis, firewall.name),
      ];
    }
    case 'firewall-policy': {
      const policy = decl.name && model.firewallPolicies.get(decl.name.text);
      if (!policy) return [];
      const endpoints = [...model.firewalls.values()].filter((firewall) => firewall.policy === policy).map((firewall) => escapeMarkdown(firewall.name));
      return [
        `- stateless: ${policy.stateless.length} rule${policy.stateless.length === 1 ? '' : 's'}, then the default ${policy.statelessDefault}`,
        `- stateful: ${policy.stateful.length} rule${policy.stateful.length === 1 ? '' : 's'} in ${policy.order} order${policy.order === 'strict' ? `, default ${policy.dropDefault ?? 'pass'}` : ''}` +
          (policy.undecidable.length > 0 ? `; ${policy.undecidable.length} left out (not modelled)` : ''),
        `- endpoints: ${endpoints.length > 0 ? endpoints.join(', ') : 'none'}`,
      ];
    }
    case 'stateless-rule-group': case 'stateful-rule-group': {
      const name = decl.name?.text ?? '';
      const policies = [...model.firewallPolicies.values()].filter((policy) =>
        [...policy.stateless, ...policy.stateful, ...policy.undecidable].some((rule) => rule.group.name === name && rule.group.decl === decl));
      return [`- policies: ${policies.length > 0 ? policies.map((policy) => escapeMarkdown(policy.name)).join(', ') : 'none'}`];
    }
    default: return [];
  }
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

export function statelessRuleHover(analysis: Analysis, rule: StatelessRule): string | undefined {
  const model = [...analysis.model.statelessGroups.values()].flatMap((group) => group.rules).find((candidate) => candidate.decl === rule);
  if (!model) return undefined;
  const ports = (set: StatelessRuleModel['sourcePorts']) => (set ? ` port ${formatPorts(set)}` : '');
  return [
    `**stateless rule ${model.priority}** of group ${escapeMarkdown(model.group.name)} (${lineLabel(rule.range.start.line)})`,
    '',
    `${model.action}s ${protocols(model.protocols)} from ${addresses(model.sources)}${ports(model.sourcePorts)} to ${addresses(model.destinations)}${ports(model.destinationPorts)}, each packet alone`,
    ...decidedFlows(analysis, model), ...findings(analysis, rule.range),
  ].join('\n');
}

export function statefulRuleHover(analysis: Analysis, rule: StatefulRule): string | undefined {
  const model = [...analysis.model.statefulGroups.values()].flatMap((group) => group.rules).find((candidate) => candidate.decl === rule);
  if (!model) return undefined;
  const flow = [model.flowDirection, model.flowState].filter(Boolean).join(', ');
  return [
    `**stateful rule${model.sid !== undefined ? ` sid ${model.sid}` : ''}** of group ${escapeMarkdown(model.group.name)} (${lineLabel(rule.range.start.line)})${model.msg ? `: ${escapeMarkdown(model.msg)}` : ''}`,
    '',
    `${model.action} ${protocols(model.protocols)} from ${addresses(model.sources)} port ${code(formatPorts(model.sourcePorts))} ${model.bidirectional ? '<>' : '->'} ${addresses(model.destinations)} port ${code(formatPorts(model.destinationPorts))}${flow ? ` (${flow})` : ''}`,
    ...(model.undecidable ? ['', `left out of the evaluation: ${escapeMarkdown(model.undecidable)}`] : []),
    ...decidedFlows(analysis, model), ...findings(analysis, rule.range),
  ].join('\n');
}
