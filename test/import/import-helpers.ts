// Reading the import fixtures: every .json file of a fixture folder, in name order.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InputFile } from '../../server/src/import';

export const IMPORT_FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'import');

export function fixtureInputs(folder: string): InputFile[] {
  const dir = join(IMPORT_FIXTURES, folder);
  return readdirSync(dir).filter((name) => name.endsWith('.json')).sort().map((name) => ({ path: `${folder}/${name}`, text: readFileSync(join(dir, name), 'utf8') }));
}

/** One Terraform fixture: `terraform show -json` of NETWORK's state or plan. */
export function terraformInput(network: string, kind: 'state' | 'plan'): InputFile {
  const name = `${network}.${kind}.json`;
  return { path: `terraform/${name}`, text: readFileSync(join(IMPORT_FIXTURES, 'terraform', name), 'utf8') };
}
