// vpcrules import aws on the three-tier fixture: the golden output, its analysis, flows added to it
// with their verdicts reasoned out by hand, determinism, and the summary.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonReport } from '../../server/src/cli/report';
import { analyze } from '../../server/src/engine/analyze';
import { hoverAt } from '../../server/src/lsp/hover';
import { analyzedOf } from '../lsp-features/analyzed';
import { readAws } from '../../server/src/import/aws';
import { summaryText, writeDescription } from '../../server/src/import';
import { fixtureInputs, IMPORT_FIXTURES } from './import-helpers';

const GOLDEN = join(IMPORT_FIXTURES, 'aws', 'three-tier.vpcrules.golden');

function importThreeTier(order: 'sorted' | 'reversed' = 'sorted') {
  const inputs = fixtureInputs('aws/three-tier');
  if (order === 'reversed') inputs.reverse();
  const files = writeDescription(readAws(inputs));
  assert.equal(files.length, 1);
  return files[0];
}

describe('import aws: the three-tier VPC', () => {
  const imported = importThreeTier();

  it('writes the golden file (UPDATE_GOLDEN=1 rewrites it)', () => {
    if (process.env.UPDATE_GOLDEN || !existsSync(GOLDEN)) writeFileSync(GOLDEN, imported.text);
    assert.equal(imported.text, readFileSync(GOLDEN, 'utf8'));
  });

  it('gives the same bytes twice, and whatever the order of the files', () => {
    assert.equal(importThreeTier().text, imported.text);
    assert.equal(importThreeTier('reversed').text, imported.text);
  });

  it('checks with no error and no warning', () => {
    const analysis = analyze(imported.text);
    const problems = analysis.diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning');
    assert.deepEqual(problems.map((d) => `${d.range.start.line + 1}: ${d.code} ${d.message}`), []);
  });

  it('declares what the input holds', () => {
    const { model } = analyze(imported.text);
    const reporting = [...model.instances.values()].find((i) => i.name === 'reporting');
    assert.equal(reporting?.decl.os?.value, 'windows', 'Platform windows');
    assert.deepEqual(reporting?.ephemeral.intervals, [[49152, 65535]]);
    const rds = [...model.instances.values()].find((i) => i.name === 'orders-db');
    assert.deepEqual(rds?.ephemeral.intervals, [[1024, 65535]], 'an RDS interface uses the whole range');
    const web = [...model.instances.values()].find((i) => i.name === 'web-1');
    assert.deepEqual(web?.ephemeral.intervals, [[32768, 60999]], 'an EC2 instance keeps the Linux default');
    // The NAT gateway's interface is the NAT gateway, not an instance.
    assert.ok(![...model.instances.values()].some((i) => i.name.includes('0a9b8c7d6e5f40911')));
    assert.match(imported.text, /^instance app-2-eth1 subnet app-b ip 10\.20\.11\.11 groups app /m);
    assert.match(imported.text, /^instance web-1 subnet public-a ip 10\.20\.0\.10,10\.20\.0\.11 ip6 2600:1f18:4a3:6e00::10 public-ip 198\.51\.100\.10 groups web /m);
    // The default NACL allows all and is not written; only the database subnets name an ACL.
    assert.match(imported.text, /^subnet db-a 10\.20\.20\.0\/24 acl db-acl /m);
    assert.match(imported.text, /^subnet app-a 10\.20\.10\.0\/24 2600:1f18:4a3:6e0a::\/64 routes private /m);
    assert.doesNotMatch(imported.text, /32767/);
    // ICMP: type 8 with code -1 is every code of type 8; a NACL's type 3 code 4 stays exact.
    assert.match(imported.text, /inbound icmp type 8 from 10\.20\.0\.0\/16 "ping from inside the VPC"/);
    assert.match(imported.text, /inbound 120 allow icmp type 3 code 4 from 10\.20\.0\.0\/16/);
    assert.match(imported.text, /inbound icmpv6 all from 2600:1f18:4a3:6e00::\/56/);
  });

  it("shows a declaration's AWS id in the hover of its uses", () => {
    const analyzed = analyzedOf(imported.text);
    const lines = imported.text.split('\n');
    const use = lines.findIndex((line) => line.startsWith('instance web-1 '));
    const at = { line: use, character: lines[use].indexOf('public-a') + 2 };
    const hover = hoverAt(analyzed, at);
    const value = JSON.stringify(hover?.contents);
    assert.match(value, /subnet-0c1a2b3c4d5e6f701/, value);
    const group = { line: use, character: lines[use].indexOf('groups web') + 8 };
    assert.match(JSON.stringify(hoverAt(analyzed, group)?.contents), /sg-0b7e1f0a2c3d4e5f6/);
  });

  it('reports what it could not represent', () => {
    const { summary } = imported;
    assert.deepEqual(summary.skipped.map((s) => s.id), [
      'i-0a1b2c3d4e5f60099', // terminated
      'rtb-0a1b2c3d4e5f60703', // the route to the transit gateway is unmodelled
      'rtb-0a1b2c3d4e5f60703', // the S3 gateway endpoint route: an AWS-managed list without entries
      'sg-0c0ffee1234567890', // RDP from a group of another account
    ]);
    assert.match(summary.skipped[3].reason, /account 111122223333/);
    const counts = Object.fromEntries(summary.counts.map(({ kind, count }) => [kind, count]));
    assert.equal(counts['instances (network interfaces)'], 9);
    assert.equal(counts['security groups'], 5);
    assert.equal(counts.routes, 8);
    assert.match(summaryText(summary), /^imported vpc-0a3f5e7c9b1d24680 as shop-prod: 1 VPC, 6 subnets, /);
  });

  // Flows written against the import, each with the verdict AWS gives and why.
  const FLOWS: [flow: string, verdict: 'allow' | 'deny' | 'partial', why: string][] = [
    ['flow https internet -> eni-0e1d2c3b4a5f60711 tcp 443 expect allow', 'allow',
      'the load balancer node has a public address, its subnet routes 0.0.0.0/0 to the internet gateway, the default NACL allows all, and alb admits 443 from 0.0.0.0/0'],
    ['flow https6 internet -> eni-0e1d2c3b4a5f60711 tcp 443 ipv6 expect allow', 'allow',
      'IPv6 reaches the node through the internet gateway (::/0 route back), and alb admits 443 from ::/0'],
    ['flow alb-web eni-0e1d2c3b4a5f60711 -> web-1 tcp 80 expect allow', 'allow',
      'alb sends 80 to members of web; web admits 80 from members of alb; same subnet, so no NACL and no route'],
    ['flow alb-b-web eni-0e1d2c3b4a5f60712 -> web-1 tcp 80 expect allow', 'allow',
      'from the other public subnet: local route, default NACL both ways'],
    ['flow web-app web-1 -> app-1 tcp 8080 expect allow', 'allow',
      'web sends anything; app admits 8080 from web (and from 10.20.0.0/23); default NACLs'],
    ['flow app-db app-1 -> orders-db tcp 5432 expect allow', 'allow',
      'db-acl admits 5432 from 10.20.10.0/23 and returns 1024-65535 to it, covering 32768-60999 of a Linux client; db admits 5432 from app'],
    ['flow report-db reporting -> orders-db tcp 5432 expect allow', 'allow',
      'the Windows reporting server (49152-65535) in app-b is inside 10.20.10.0/23 too'],
    ['flow web-db web-1 -> orders-db tcp 5432 expect deny', 'deny',
      'db-acl denies tcp from the public subnets (rule 200), and db has no rule for web'],
    ['flow app-out app-1 -> 93.184.216.34 tcp 443 expect allow', 'allow',
      'app allows 443 out; private routes 0.0.0.0/0 to nat-a in public-a, whose table goes to the internet gateway; default NACLs admit every NAT port'],
    ['flow app-internet app-1 -> internet tcp 443 expect allow', 'partial',
      'the internet end includes 172.16.0.0/12 (routed to a transit gateway, not modelled) and 192.168.50.0/24 (a blackhole route): those are dropped, the rest leaves through the NAT gateway'],
    ['flow app-tgw app-1 -> 172.16.5.5 tcp 443 expect deny', 'deny',
      'the route to the transit gateway is unmodelled: the packet is dropped there'],
    ['flow app-out6 app-1 -> internet tcp 443 ipv6 expect allow', 'allow',
      'app allows 443 to ::/0; private routes ::/0 to the egress-only gateway, and replies to an outbound connection come back'],
    ['flow in-app internet -> app-1 tcp 8080 expect deny', 'deny',
      'app-1 has no public address'],
    ['flow office-ssh 203.0.113.50 -> 10.20.0.10 tcp 22 expect allow', 'allow',
      "web admits 22 from the office prefix list (203.0.113.0/24 is one of its entries), through the public address mapped to web-1's primary address"],
    ['flow office-ssh-all 203.0.113.50 -> web-1 tcp 22 expect allow', 'partial',
      "web-1's secondary address 10.20.0.11 has no public address (its Association is the primary's only), so nothing reaches it from outside"],
    ['flow other-ssh 198.51.100.200 -> web-1 tcp 22 expect deny', 'deny',
      '198.51.100.200 is in neither entry of the office list'],
    ['flow app-ping app-1 -> web-1 icmp type 8 expect deny', 'deny',
      'app allows only 5432 and 443 out'],
    ['flow web-ping-db web-1 -> orders-db icmp type 8 expect deny', 'deny',
      'db-acl admits echo requests from the VPC (rule 110), but db admits only 5432'],
  ];

  it('gives the flows added to it the verdicts AWS gives', () => {
    const text = `${imported.text}\n${FLOWS.map(([flow]) => flow).join('\n')}\n`;
    const analysis = analyze(text);
    assert.deepEqual(analysis.diagnostics.filter((d) => d.severity === 'error' && d.code !== 'VR500').map((d) => d.message), []);
    for (const [flow, verdict, why] of FLOWS) {
      const name = flow.split(' ')[1];
      const result = analysis.flows.find((f) => f.flow.name === name);
      assert.ok(result, `flow ${name} evaluated`);
      assert.equal(result.verdict, verdict, `${name}: ${why}`);
    }
    const tgw = jsonReport([{ path: 'three-tier.vpcrules', analysis }]).flows.find((f) => f.name === 'app-tgw')!;
    assert.deepEqual(tgw.trace.map((step) => [step.hop, step.action, step.rule]), [
      ['security groups of app-1', 'allow', 'app: outbound tcp 443 to 0.0.0.0/0 "package updates and the payment API"'],
      ['route table private of subnet app-a', 'deny', 'route 172.16.0.0/12 -> unmodelled "tgw-0f1e2d3c4b5a69788 (transit gateway)"'],
    ]);
  });

  it('suggests flows between groups, commented out, that hold once uncommented', () => {
    const suggested = imported.text.split('\n').filter((line) => line.startsWith('# flow ')).map((line) => line.slice(2).replace(/\s+#.*$/, ''));
    assert.deepEqual(suggested, [
      'flow eni-0e1d2c3b4a5f60711-to-web-1-tcp-80 eni-0e1d2c3b4a5f60711 -> web-1 tcp 80 expect allow',
      'flow web-1-to-app-1-tcp-8080 web-1 -> app-1 tcp 8080 expect allow',
      'flow app-1-to-orders-db-tcp-5432 app-1 -> orders-db tcp 5432 expect allow',
    ]);
    const analysis = analyze(`${imported.text}\n${suggested.join('\n')}\n`);
    assert.deepEqual(analysis.flows.map((f) => [f.flow.name, f.verdict]), suggested.map((line) => [line.split(' ')[1], 'allow']));
  });
});

describe('import aws: the inspection VPC with AWS Network Firewall', () => {
  const golden = join(IMPORT_FIXTURES, 'aws', 'inspection.vpcrules.golden');
  const importIt = (reversed = false) => {
    const inputs = fixtureInputs('aws/inspection');
    if (reversed) inputs.reverse();
    return writeDescription(readAws(inputs))[0];
  };
  const imported = importIt();

  it('writes the golden file, the same bytes whatever the order of the files', () => {
    if (process.env.UPDATE_GOLDEN || !existsSync(golden)) writeFileSync(golden, imported.text);
    assert.equal(imported.text, readFileSync(golden, 'utf8'));
    assert.equal(importIt(true).text, imported.text);
  });

  it('checks with no error', () => {
    const analysis = analyze(imported.text);
    assert.deepEqual(analysis.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.range.start.line + 1}: ${d.message}`), []);
  });

  // Requests from the internet reach the public subnets through the internet gateway's edge table,
  // which sends them to the endpoint of their zone; the public subnets send everything else to the
  // same endpoint, whose subnet routes to the internet gateway: both directions cross one endpoint.
  const FLOWS: [flow: string, verdict: 'allow' | 'deny', why: string][] = [
    ['flow https 203.0.113.200 -> web-a tcp 443 expect allow', 'allow',
      'stateless rule 100 forwards it; web-egress (priority 10) passes tcp to $HOME_NET 443, and the reply passes on that state'],
    ['flow blocked 198.51.100.7 -> web-a tcp 443 expect deny', 'deny', 'stateless rule 10 of block-list drops 198.51.100.0/24'],
    ['flow ssh 203.0.113.200 -> web-a tcp 22 expect deny', 'deny',
      'web admits 22 from anywhere, but sid 102 of web-egress drops tcp to $HOME_NET 22 first'],
    ['flow out-https web-a -> 93.184.216.34 tcp 443 expect allow', 'allow', 'sid 101 passes tcp from $HOME_NET to 443; out by the public address'],
    ['flow out-dns web-a -> 93.184.216.34 udp 53 expect deny', 'deny',
      'no rule passes the request (it goes on, strict default drop-established only drops established packets), so the reply is judged too: sid 202 drops udp to $HOME_NET'],
    ['flow east-west web-a -> web-b tcp 443 expect allow', 'allow', 'local routes: inside the VPC no endpoint is crossed'],
  ];

  it('gives the flows added to it the verdicts AWS gives', () => {
    const analysis = analyze(`${imported.text}\n${FLOWS.map(([flow]) => flow).join('\n')}\n`);
    for (const [flow, verdict, why] of FLOWS) {
      const name = flow.split(' ')[1];
      assert.equal(analysis.flows.find((f) => f.flow.name === name)?.verdict, verdict, `${name}: ${why}`);
    }
    const ssh = jsonReport([{ path: 'inspection.vpcrules', analysis }]).flows.find((f) => f.name === 'ssh')!;
    assert.deepEqual(ssh.trace.at(-1), { ...ssh.trace.at(-1), hop: 'firewall edge-fw-us-east-1a stateful', action: 'deny', rule: 'stateful sid 102 of group web-egress "no SSH from outside"' });
  });

  it('writes one firewall per endpoint, the policy and its rule groups', () => {
    const text = imported.text;
    // Endpoints from SyncStates, in zone order; routes to their vpce- ids name them.
    assert.match(text, /^firewall edge-fw-us-east-1a subnet fw-a policy edge-policy +# vpce-0fa1b2c3d4e5f6071 /m);
    assert.match(text, /^firewall edge-fw-us-east-1b subnet fw-b policy edge-policy +# vpce-0fa1b2c3d4e5f6072 /m);
    assert.match(text, /^route-table igw-ingress edge edge-igw \{/m);
    assert.match(text, /^ {2}route 10\.30\.1\.0\/24 -> firewall edge-fw-us-east-1a/m);
    assert.match(text, /^ {2}route 0\.0\.0\.0\/0 -> firewall edge-fw-us-east-1b/m);
    // The endpoints' network interfaces are the firewall, not instances.
    assert.doesNotMatch(text, /^instance eni-0d1a2b3c4d5e6f70/m);
    // Strict order: stateful groups by priority, with the default actions.
    const policy = text.slice(text.indexOf('firewall-policy edge-policy {'), text.indexOf('}', text.indexOf('firewall-policy edge-policy {')));
    assert.deepEqual(policy.split('\n').slice(1).map((line) => line.trim()).filter(Boolean), [
      'stateless-default forward',
      'stateless block-list priority 10',
      'stateful web-egress priority 10',
      'stateful ssh-and-icmp priority 20',
      'stateful allowed-domains priority 30',
      'stateful-order strict',
      'stateful-default drop-established,alert-established',
    ]);
    // Stateless rules by priority; the one with TCP flags is a comment.
    assert.match(text, /^ {2}rule 20 drop tcp,udp from any to 10\.30\.0\.0\/16 port 3389,445$/m);
    assert.match(text, /^ {2}# rule 30 drop tcp from any to any +# matches TCP flags/m);
    // 5-tuple rules as Suricata lines, in order; RulesString lines as written, comments and blanks dropped.
    assert.match(text, /^ {2}pass tcp any any -> \$HOME_NET 443 \(msg:"HTTPS to the web servers"; sid:100;\)\n {2}pass tcp \$HOME_NET any -> any 443 \(sid:101;\)\n {2}drop tcp any any <> \$HOME_NET 22 /m);
    assert.match(text, /^ {2}pass icmp any any -> \$HOME_NET any \(msg:"ping"; sid:200; rev:1;\)\n {2}alert tcp \$EXTERNAL_NET any -> \$HOME_NET 22 /m);
  });

  it('reports the domain list, the rule variables and the TCP flags', () => {
    const reasons = imported.summary.skipped.map((s) => `${s.id.replace(/^arn:.*\//, '')}: ${s.reason}`);
    assert.deepEqual(reasons, [
      'describe-instances: 2 interface(s) of EC2 instances not in the input\'s describe-instances: their platform is unknown, Linux assumed',
      "allowed-domains: rule variables (HOME_NET) are not modelled: $HOME_NET is the VPC's blocks",
      'allowed-domains: a domain list (.amazonaws.com, updates.example.com) is not modelled: left out',
      'block-list: priority 30 matches TCP flags, which the language does not model: written as a comment',
    ]);
  });
});
