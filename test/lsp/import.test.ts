// vpcrules/import: the editor's import of AWS CLI or Terraform JSON, through the language server.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureInputs, IMPORT_FIXTURES, terraformInput } from '../import/import-helpers';
import { openSession, Session } from './harness';

interface Imported {
  kind: string;
  source?: string;
  message?: string;
  files?: { vpcId: string; name: string; text: string; summary: string; notRepresented: number }[];
}

describe('language server: vpcrules/import', () => {
  let session: Session;
  before(async () => {
    session = await openSession({ debounceMs: 0 });
  });
  after(() => session.close());

  it('imports a terraform show -json plan, told apart by its shape', async () => {
    const result = await session.request<Imported>('vpcrules/import', { files: [terraformInput('three-tier', 'plan')] });
    assert.equal(result.kind, 'imported');
    assert.equal(result.source, 'terraform');
    assert.equal(result.files?.length, 1);
    const [file] = result.files!;
    assert.equal(file.text, readFileSync(join(IMPORT_FIXTURES, 'terraform', 'three-tier.plan.vpcrules.golden'), 'utf8'));
    assert.equal(file.name, 'shop-prod');
    assert.match(file.summary, /^imported module\.network\.aws_vpc\.this as shop-prod: /);
    assert.ok(file.notRepresented > 0);
  });

  it('imports AWS CLI outputs given as several files', async () => {
    const result = await session.request<Imported>('vpcrules/import', { files: fixtureInputs('aws/inspection') });
    assert.equal(result.kind, 'imported');
    assert.equal(result.source, 'aws');
    assert.equal(result.files?.[0].text, readFileSync(join(IMPORT_FIXTURES, 'aws', 'inspection.vpcrules.golden'), 'utf8'));
  });

  it('asks which source when the files do not say, and imports as told', async () => {
    const files = [{ path: 'odd.json', text: '{"hello": 1}' }];
    assert.deepEqual(await session.request('vpcrules/import', { files }), { kind: 'unknown-source' });
    const told = await session.request<Imported>('vpcrules/import', { files, source: 'terraform' });
    assert.deepEqual(told, { kind: 'error', message: "odd.json: not the output of 'terraform show -json' (found hello, no format_version)" });
  });

  it('answers the one-line message of input that cannot be imported', async () => {
    const result = await session.request<Imported>('vpcrules/import', { files: [{ path: 'plan.json', text: '{"format_version": "1.0", "values": {"root_module": {"resources": [{"address": 3}]}}}' }] });
    assert.deepEqual(result, { kind: 'error', message: 'plan.json: $.values.root_module.resources[0].address: expected string, found the number 3' });
  });

  it('refuses a request without files', async () => {
    await assert.rejects(session.request('vpcrules/import', { files: [] }), /needs files/);
    await assert.rejects(session.request('vpcrules/import', { files: [{ path: 'a.json', text: '{}' }], source: 'azure' }), /unknown import source 'azure'/);
  });
});
