// `vpcrules import`: from a source's JSON to one `.vpcrules` file per VPC. Pure: the CLI reads the
// files and writes the results.
import { readAws } from './aws';
import { ImportInputError, InputFile } from './input';
import type { NetworkDescription } from './network';
import { ImportedFile, ImportSummary, vpcsOf, writeVpc } from './write';

export { ImportInputError } from './input';
export type { InputFile } from './input';
export type { ImportedFile, ImportSummary } from './write';

/** The sources `vpcrules import` reads, each from its files to a network description. */
export const SOURCES: Record<string, (files: readonly InputFile[]) => NetworkDescription> = {
  aws: readAws,
};

/** Writes the VPC `vpc` of the description, or every VPC in it. */
export function writeDescription(description: NetworkDescription, vpc?: string): ImportedFile[] {
  const vpcs = vpcsOf(description);
  if (vpcs.length === 0) {
    throw new ImportInputError(`no VPC in the input: add the output of 'aws ec2 describe-vpcs'${description.subnets.length > 0 ? ' (the subnets name their VPC, but its blocks are needed)' : ''}`);
  }
  if (vpc !== undefined) {
    const found = vpcs.find((v) => v.id === vpc || v.name === vpc);
    if (!found) throw new ImportInputError(`no VPC '${vpc}' in the input; it has ${vpcs.map((v) => v.id + (v.name ? ` (${v.name})` : '')).join(', ')}`);
    return [writeVpc(description, found.id)];
  }
  return vpcs.map((v) => writeVpc(description, v.id));
}

/** The summary as text, for stderr. */
export function summaryText(summary: ImportSummary): string {
  const lines = [`imported ${summary.vpc.id} as ${summary.vpc.name}: ${summary.counts.map(({ kind, count }) => `${count} ${kind}`).join(', ')}`];
  for (const note of summary.notes) lines.push(`  note: ${note}`);
  if (summary.skipped.length > 0) {
    lines.push(`not represented (${summary.skipped.length}):`);
    for (const item of summary.skipped) lines.push(`  ${item.id} (${item.kind}): ${item.reason}`);
  }
  return lines.join('\n');
}
