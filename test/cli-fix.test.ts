import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'server', 'bin', 'vpcrules.js');

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'vpcrules-fix-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const SHOP = `vpc shop 10.0.0.0/16
subnet public 10.0.1.0/24 acl public-acl
network-acl public-acl {
  inbound  100 allow tcp 443 from 0.0.0.0/0
  outbound 100 allow tcp 32768-65535 to 0.0.0.0/0
}
security-group web {
  inbound tcp 443 from 0.0.0.0/0
}
instance web-1 subnet public ip 10.0.1.10 groups web
flow https internet -> web-1 tcp 443 expect allow
flow ssh internet -> web-1 tcp 22 expect deny
`;

describe('CLI: vpcrules fix', () => {
  it('prints the repair as a unified diff with a note on the other flows, and exits 0', () => {
    const path = file('shop.vpcrules', SHOP);
    const { code, stdout, stderr } = run('fix', path);
    assert.equal(code, 0, stderr);
    assert.equal(stdout, [
      "flow 'https': Add outbound 110 allow tcp 1024-32767 to 0.0.0.0/0 to public-acl; no other flow changes",
      `--- a/${path.replace(/\\/g, '/').replace(/^\/+/, '')}`,
      `+++ b/${path.replace(/\\/g, '/').replace(/^\/+/, '')}`,
      '@@ -3,6 +3,7 @@',
      ' network-acl public-acl {',
      '   inbound  100 allow tcp 443 from 0.0.0.0/0',
      '   outbound 100 allow tcp 32768-65535 to 0.0.0.0/0',
      '+  outbound 110 allow tcp 1024-32767 to 0.0.0.0/0',
      ' }',
      ' security-group web {',
      '   inbound tcp 443 from 0.0.0.0/0',
      '',
    ].join('\n'));
    assert.equal(readFileSync(path, 'utf8'), SHOP, 'the file is left as it was');
  });

  it('writes the repaired file with --write, after which check passes', () => {
    const path = file('write.vpcrules', SHOP);
    const { code, stdout } = run('fix', path, '--write');
    assert.equal(code, 0);
    assert.match(stdout, /vpcrules: wrote /);
    assert.ok(readFileSync(path, 'utf8').includes('  outbound 110 allow tcp 1024-32767 to 0.0.0.0/0\n'));
    assert.equal(run('check', path).code, 0);
  });

  it('says so for a named flow that already holds, and exits 0', () => {
    const { code, stdout } = run('fix', file('holds.vpcrules', SHOP), '--flow', 'ssh');
    assert.equal(code, 0);
    assert.equal(stdout, "flow 'ssh' already holds (deny, as expected): nothing to repair\n");
  });

  it('announces the other flows a repair changes', () => {
    const { code, stdout } = run('fix', 'test/fixtures/engine/nacl-order.vpcrules');
    assert.equal(code, 0);
    assert.match(stdout, /^flow 'http': Add inbound 10 allow tcp 80 from 198\.51\.100\.0\/24 to web-acl; other flows change: blocked: deny -> allow, failing\n/);
  });

  it('exits 1 naming the flows it finds no repair for', () => {
    const { code, stderr } = run('fix', 'test/fixtures/engine/routing.vpcrules', '--flow', 'by-name');
    assert.equal(code, 1);
    assert.equal(stderr, "vpcrules: no repair found for flow 'by-name'\n");
  });

  it('exits 2 on bad usage: no file, an unknown option, an unknown flow', () => {
    assert.equal(run('fix').code, 2);
    assert.equal(run('fix', file('usage.vpcrules', SHOP), '--frobnicate').code, 2);
    const unknown = run('fix', file('typo.vpcrules', SHOP), '--flow', 'htps');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no flow 'htps' in .*; did you mean 'https'\?/);
    assert.equal(run('fix', join(dir, 'missing.vpcrules')).code, 2);
  });
});
