// Hover on a security group or network ACL rule: what it matches (addresses resolved), which
// flows it decides, and what the checks say about it (shadowed, redundant, covered, ...).
import type { Analysis } from '../engine/analyze';
import { formatAddrSet, AddrSet } from '../engine/addresses';
import { formatKeys } from '../engine/keys';
import type { Model, NaclRuleModel, SgRuleModel } from '../engine/model';
import type { NaclRule, NetworkAclDecl, Peer, Range, SecurityGroupDecl, SgRule } from '../syntax/ast';
import { protocolHasPorts, protocolIsIcmp, protocolName } from '../syntax/ast';
import { formatAddress } from '../syntax/cidr';
import { code, escapeMarkdown, lineLabel } from './markdown';

function matchedKeys(rule: SgRuleModel | NaclRuleModel): string {
  const protocol = protocolName(rule.protocol);
  if (protocolHasPorts(rule.protocol)) return `${protocol} ports ${formatKeys(rule.protocol, rule.keys)}`;
  if (protocolIsIcmp(rule.protocol)) return `${protocol} ${formatKeys(rule.protocol, rule.keys)}`;
  return rule.protocol === -1 ? 'every protocol and port' : `protocol ${protocol}, every port`;
}

function addresses(addrs: AddrSet): string {
  const families = [
    addrs.v4.isEmpty() ? undefined : formatAddrSet(addrs.v4, 4),
    addrs.v6.isEmpty() ? undefined : formatAddrSet(addrs.v6, 6),
  ].filter((text): text is string => text !== undefined);
  return families.length > 0 ? families.map(code).join(', ') : 'no address';
}

function peerMembers(peer: Peer | undefined, model: Model): string | undefined {
  if (peer?.kind === 'sg') {
    const members = model.groups.get(peer.name.text)?.members ?? [];
    const list = members.map((instance) => `${escapeMarkdown(instance.name)} (${[...instance.ips.map((ip) => formatAddress(ip, 4)), ...instance.ip6s.map((ip) => formatAddress(ip, 6))].join(', ')})`);
    return `security group ${escapeMarkdown(peer.name.text)}: ${list.length > 0 ? list.join(', ') : 'no instance'}`;
  }
  if (peer?.kind === 'pl') return `prefix list ${escapeMarkdown(peer.name.text)}`;
  return undefined;
}

function decidedFlows(analysis: Analysis, rule: SgRuleModel | NaclRuleModel): string[] {
  const inTrace = analysis.flows.filter((result) => result.trace.some((step) => step.rule === rule));
  const lines = inTrace.map((result) => `- flow ${escapeMarkdown(result.flow.name)} (${lineLabel(result.flow.decl.range.start.line)}): ${result.verdict}`);
  const traced = new Set(inTrace);
  const elsewhere = analysis.flows.filter((result) => !traced.has(result) && result.decidingRules.has(rule));
  if (elsewhere.length > 0) lines.push(`- also decides some connections of: ${elsewhere.map((result) => escapeMarkdown(result.flow.name)).join(', ')}`);
  return lines.length > 0 ? ['', 'decides:', '', ...lines] : ['', 'decides no flow of this file'];
}

export function findings(analysis: Analysis, range: Range): string[] {
  const onRule = analysis.diagnostics.filter((d) => d.range.start.line >= range.start.line && d.range.start.line <= range.end.line);
  return onRule.length > 0 ? ['', ...onRule.map((d) => `- ${d.severity} ${d.code}: ${escapeMarkdown(d.message)}`)] : [];
}

export function sgRuleHover(analysis: Analysis, rule: SgRule, group: SecurityGroupDecl): string | undefined {
  const model = [...analysis.model.groups.values()].flatMap((g) => g.rules).find((r) => r.decl === rule);
  if (!model) return undefined;
  const remote = rule.direction === 'inbound' ? 'from' : 'to';
  const out = [
    `**security group ${escapeMarkdown(group.name?.text ?? '')}**, ${rule.direction} rule (${lineLabel(rule.range.start.line)})`,
    '',
    `allows ${matchedKeys(model)} ${remote} ${addresses(model.peer)}`,
  ];
  if (rule.description) out.push('', `description: ${escapeMarkdown(rule.description.text)}`);
  const members = peerMembers(rule.peer, analysis.model);
  if (members) out.push('', members);
  return [...out, ...decidedFlows(analysis, model), ...findings(analysis, rule.range)].join('\n');
}

export function naclRuleHover(analysis: Analysis, rule: NaclRule, acl: NetworkAclDecl): string | undefined {
  const model = [...analysis.model.acls.values()].flatMap((a) => [...a.inbound, ...a.outbound]).find((r) => r.decl === rule);
  if (!model) return undefined;
  const remote = rule.direction === 'inbound' ? 'from' : 'to';
  const out = [
    `**network ACL ${escapeMarkdown(acl.name?.text ?? '')}**, ${rule.direction} rule ${model.number} (${lineLabel(rule.range.start.line)})`,
    '',
    `${model.action === 'allow' ? 'allows' : 'denies'} ${matchedKeys(model)} ${remote} ${addresses(model.cidr)}`,
  ];
  return [...out, ...decidedFlows(analysis, model), ...findings(analysis, rule.range)].join('\n');
}
