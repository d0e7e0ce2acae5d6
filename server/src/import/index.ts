// `vpcrules import`: from a source's JSON to one `.vpcrules` file per VPC. Pure: the CLI reads the
// files and writes the results.
import { readAws } from './aws';
import { LIST_KEYS, OBJECT_KEYS } from './aws-shapes';
import { ImportInputError, InputFile } from './input';
import { looksLikeTerraform, readTerraform } from './terraform';
import type { NetworkDescription } from './network';
import { ImportedFile, ImportSummary, vpcsOf, writeVpc } from './write';

export { ImportInputError } from './input';
export type { InputFile } from './input';
export type { ImportedFile, ImportSummary } from './write';

/** The sources `vpcrules import` reads, each from its files to a network description. */
export const SOURCES: Record<string, (files: readonly InputFile[]) => NetworkDescription> = {
  aws: readAws,
  terraform: readTerraform,
};

/**
 * Which source files are: `terraform` for one `terraform show -json` output, `aws` when every file
 * holds AWS CLI output; undefined when a file is neither, or they are a mix.
 */
export function detectSource(files: readonly InputFile[]): 'aws' | 'terraform' | undefined {
  const awsKeys = [...Object.keys(LIST_KEYS), ...Object.keys(OBJECT_KEYS)];
  const kinds = files.map((file) => {
    let json: unknown;
    try {
      json = JSON.parse(file.text.replace(/^\uFEFF/, ''));
    } catch {
      return undefined;
    }
    if (looksLikeTerraform(json)) return 'terraform' as const;
    if (json !== null && typeof json === 'object' && !Array.isArray(json) && Object.keys(json).some((key) => awsKeys.includes(key))) return 'aws' as const;
    return undefined;
  });
  if (kinds.length === 0 || kinds.some((kind) => kind !== kinds[0])) return undefined;
  if (kinds[0] === 'terraform' && files.length > 1) return undefined;
  return kinds[0];
}

/** Writes the VPC `vpc` of the description, or every VPC in it. */
export function writeDescription(description: NetworkDescription, vpc?: string): ImportedFile[] {
  const vpcs = vpcsOf(description);
  if (vpcs.length === 0) {
    if (description.source !== 'AWS') throw new ImportInputError('no VPC in the input');
    throw new ImportInputError(`no VPC in the input: add the output of 'aws ec2 describe-vpcs'${description.subnets.length > 0 ? ' (the subnets name their VPC, but its blocks are needed)' : ''}`);
  }
  if (vpc !== undefined) {
    const found = vpcs.find((v) => v.id === vpc || v.awsId === vpc) ?? vpcs.find((v) => v.name === vpc);
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
