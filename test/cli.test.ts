import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHOP } from './shop-model';
import { run, tempFolder } from './cli-run';

const { dir, file } = tempFolder('vpcrules-cli-');


describe('CLI: vpcrules check', () => {
  it('exits 0 when there is no error and every expectation holds', () => {
    const path = file('good.vpcrules', SHOP.replace('32768-65535', '1024-65535'));
    const { code, stdout } = run('check', path);
    assert.equal(code, 0, stdout);
    assert.match(stdout, /allow\s+https\s+internet -> web-1 tcp 443\s+ok/);
    assert.match(stdout, /deny\s+ssh\s+internet -> web-1 tcp 22\s+ok/);
    assert.match(stdout, /1 file, 2 flows: 2 as expected, 0 failing; 0 errors, 0 warnings/);
  });

  it('exits 1 on a failed expectation and prints witness and trace like a compiler', () => {
    const path = file('shop.vpcrules', SHOP);
    const { code, stdout } = run('check', path);
    assert.equal(code, 1);
    assert.ok(stdout.includes(`${path}:11:1: error VR500: flow 'https' expects allow but is partial (admitted for source ports 32768-65535, dropped for 1024-32767)`), stdout);
    assert.ok(stdout.includes(`${path}:4:3: warning VR405: inbound rule 100 admits tcp 443 requests from 0.0.0.0/0`), stdout);
    assert.match(stdout, /partial\s+https\s+internet -> web-1 tcp 443\s+FAIL \(expected allow\)/);
    assert.ok(stdout.includes('witness: tcp 1.0.0.1:1024 -> 10.0.1.10:443'));
    assert.ok(stdout.includes('3. network ACL public-acl of subnet public, outbound (reply): deny by rule * (implicit deny)'), stdout);
  });

  it('prints the JSON contract field by field, with 1-based positions', () => {
    const path = file('shop-json.vpcrules', SHOP);
    const { code, stdout } = run('check', path, '--format', 'json');
    assert.equal(code, 1);
    const report = JSON.parse(stdout);
    assert.deepEqual(Object.keys(report), ['diagnostics', 'flows']);
    const failed = report.diagnostics.find((d: { code: string }) => d.code === 'VR500');
    assert.deepEqual(Object.keys(failed), ['file', 'line', 'column', 'endLine', 'endColumn', 'severity', 'code', 'message']);
    assert.equal(failed.file, path);
    assert.equal(failed.line, 11);
    assert.equal(failed.column, 1);
    assert.equal(failed.endLine, 11);
    assert.equal(failed.endColumn, 50);
    assert.equal(failed.severity, 'error');
    const [https, ssh] = report.flows;
    assert.deepEqual(
      { file: https.file, name: https.name, line: https.line, expect: https.expect, verdict: https.verdict, ok: https.ok },
      { file: path, name: 'https', line: 11, expect: 'allow', verdict: 'partial', ok: false },
    );
    assert.deepEqual(https.witness, { protocol: 'tcp', srcIp: '1.0.0.1', srcPort: 1024, dstIp: '10.0.1.10', dstPort: 443 });
    assert.deepEqual(https.trace.map((t: { hop: string; direction: string; action: string; rule: string; line: number | null }) => [t.hop, t.direction, t.action, t.rule, t.line]), [
      ['network ACL public-acl of subnet public', 'inbound', 'allow', '100', 4],
      ['security groups of web-1', 'inbound', 'allow', 'web: inbound tcp 443 from 0.0.0.0/0', 8],
      ['network ACL public-acl of subnet public', 'outbound', 'deny', '*', null],
    ]);
    assert.equal(ssh.verdict, 'deny');
    assert.equal(ssh.ok, true);
    assert.equal(ssh.witness, null);
  });

  it('reports every flow that can be evaluated in a file with errors', () => {
    const path = file('broken.vpcrules', `${SHOP}flow bad web-1 -> nowhere tcp 80 expect allow\nthis is not a statement\n`);
    const { code, stdout } = run('check', path, '--format', 'json');
    assert.equal(code, 1);
    const report = JSON.parse(stdout);
    assert.deepEqual(report.flows.map((f: { name: string }) => f.name), ['https', 'ssh']);
    assert.deepEqual(report.diagnostics.filter((d: { severity: string }) => d.severity === 'error').map((d: { line: number; code: string }) => `${d.line} ${d.code}`), ['11 VR500', '13 VR200', '14 VR100']);
  });

  it('exits 2 on an unreadable file, an unknown option or no file', () => {
    const missing = run('check', join(dir, 'missing.vpcrules'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read .*missing\.vpcrules/);
    assert.equal(run('check', '--format', 'xml', file('x.vpcrules', SHOP)).code, 2);
    assert.equal(run('check').code, 2);
    const unknown = run('chek', 'x');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /did you mean 'check'/);
  });

  it('survives binary garbage, a 1 MB line and unbalanced braces without a stack trace', () => {
    const garbage = file('garbage.vpcrules', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)).toString('latin1'));
    const longLine = file('long.vpcrules', `vpc a 10.0.0.0/16\n${'x'.repeat(1024 * 1024)}\n`);
    const braces = file('braces.vpcrules', 'security-group a {\n{\n}}}\nnetwork-acl {\n');
    for (const path of [garbage, longLine, braces]) {
      const { code, stdout, stderr } = run('check', path, '--format', 'json');
      assert.equal(code, 1, stderr);
      assert.equal(stderr, '');
      const report = JSON.parse(stdout);
      assert.ok(report.diagnostics.length > 0);
      assert.ok(report.diagnostics.every((d: { code: string }) => /^VR\d{3}$/.test(d.code)));
    }
  });

  it('writes SARIF 2.1.0 with a rule per check', () => {
    const { stdout } = run('check', file('sarif.vpcrules', SHOP), '--format', 'sarif');
    const sarif = JSON.parse(stdout);
    assert.equal(sarif.version, '2.1.0');
    assert.ok(sarif.runs[0].tool.driver.rules.some((rule: { id: string }) => rule.id === 'VR500'));
    assert.deepEqual(sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'VR500').locations[0].physicalLocation.region.startLine, 11);
  });

  it('checks every .vpcrules file of a directory', () => {
    const sub = mkdtempSync(join(dir, 'tree-'));
    writeFileSync(join(sub, 'a.vpcrules'), SHOP);
    writeFileSync(join(sub, 'notes.txt'), 'not a model');
    const { stdout } = run('check', sub, '--format', 'json');
    assert.deepEqual([...new Set(JSON.parse(stdout).flows.map((f: { file: string }) => f.file))], [join(sub, 'a.vpcrules')]);
  });

  it('takes the source ports of external clients from --external-ephemeral', () => {
    const path = file('clients.vpcrules', SHOP);
    const narrow = run('check', path, '--external-ephemeral', '32768-65535', '--format', 'json');
    assert.equal(narrow.code, 0, narrow.stdout);
    assert.equal(JSON.parse(narrow.stdout).flows[0].verdict, 'allow');
    const wide = run('check', path, '--external-ephemeral=1024-65535', '--format', 'json');
    assert.equal(JSON.parse(wide.stdout).flows[0].verdict, 'partial');
    const bad = run('check', path, '--external-ephemeral', '5000-100');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--external-ephemeral needs a port range N-M within 0-65535, not '5000-100'/);
  });
});

describe('CLI: vpcrules explain', () => {
  it('prints the hops and the packet sequence of a flow', () => {
    const path = file('explain.vpcrules', SHOP);
    const { code, stdout } = run('explain', path, 'https');
    assert.equal(code, 1);
    assert.ok(stdout.includes('verdict: partial (expected allow: fails)'));
    assert.ok(stdout.includes('split: admitted for source ports 32768-65535, dropped for 1024-32767'));
    assert.ok(stdout.includes('  SYN 1.0.0.1:1024 -> 10.0.1.10:443'));
    assert.ok(stdout.includes('  SYN-ACK 10.0.1.10:443 -> 1.0.0.1:1024'));
    assert.ok(stdout.includes('security groups of web-1 outbound: passes on connection tracking'));
    assert.ok(stdout.includes('network ACL public-acl of subnet public outbound: deny by rule * (implicit deny)'));
  });

  it('shows a whole TCP exchange for an admitted flow', () => {
    const path = file('explain-ok.vpcrules', SHOP.replace('32768-65535', '1024-65535'));
    const { code, stdout } = run('explain', path, 'https');
    assert.equal(code, 0);
    const packets = stdout.split('\n').filter((line) => /^ {2}\S/.test(line)).map((line) => line.trim().split(' ')[0]);
    assert.deepEqual(packets.slice(-6), ['SYN', 'SYN-ACK', 'ACK,', 'data', 'FIN', 'FIN-ACK']);
  });

  it('suggests a flow name on a typo', () => {
    const { code, stderr } = run('explain', file('typo.vpcrules', SHOP), 'htps');
    assert.equal(code, 2);
    assert.match(stderr, /no flow 'htps'.*did you mean 'https'\?/);
  });
});
