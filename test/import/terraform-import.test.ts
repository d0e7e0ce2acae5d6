// vpcrules import terraform on the three-tier and inspection fixtures, each as a state and as a
// plan that creates the VPC: the golden outputs, their analysis, flows added to them with their
// verdicts reasoned out by hand (the same as for the AWS import of the same network),
// determinism, placeholders, and the summary.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonReport } from '../../server/src/cli/report';
import { analyze } from '../../server/src/engine/analyze';
import { summaryText, writeDescription } from '../../server/src/import';
import { readAws } from '../../server/src/import/aws';
import { readTerraform } from '../../server/src/import/terraform';
import { hoverAt } from '../../server/src/lsp/hover';
import { analyzedOf } from '../lsp-features/analyzed';
import { fixtureInputs, IMPORT_FIXTURES, terraformInput } from './import-helpers';

type Kind = 'state' | 'plan';
type Verdict = 'allow' | 'deny' | 'partial';

function importTerraform(network: string, kind: Kind, shuffle = false) {
  const input = terraformInput(network, kind);
  if (shuffle) input.text = JSON.stringify(shuffled(JSON.parse(input.text)));
  const files = writeDescription(readTerraform([input]));
  assert.equal(files.length, 1);
  return files[0];
}

/** The same document with every list of resources, modules and changes in reverse order. */
function shuffled(json: Record<string, unknown>): Record<string, unknown> {
  const reverseModule = (module: { resources?: unknown[]; child_modules?: unknown[] } | undefined) => {
    if (!module) return;
    module.resources?.reverse();
    module.child_modules?.reverse();
    for (const child of module.child_modules ?? []) reverseModule(child as typeof module);
  };
  reverseModule((json.values as { root_module?: never } | undefined)?.root_module);
  reverseModule((json.planned_values as { root_module?: never } | undefined)?.root_module);
  (json.resource_changes as unknown[] | undefined)?.reverse();
  return json;
}

function problems(text: string): string[] {
  return analyze(text).diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning').map((d) => `${d.range.start.line + 1}: ${d.code} ${d.message}`);
}

/** Verdicts of flows added to an imported file. */
function verdicts(text: string, flows: string[]): Map<string, Verdict> {
  const analysis = analyze(`${text}\n${flows.join('\n')}\n`);
  assert.deepEqual(analysis.diagnostics.filter((d) => d.severity === 'error' && d.code !== 'VR500').map((d) => d.message), []);
  return new Map(analysis.flows.map((f) => [f.flow.name, f.verdict as Verdict]));
}

// Flows that hold in both imports of the three-tier VPC and in its AWS import, with the verdict
// AWS gives and why. The AWS fixture's load balancer and database interfaces are not Terraform
// resources (AWS creates them); its database is an EC2 instance here, with the same address.
const THREE_TIER_FLOWS: [flow: string, verdict: Verdict, why: string][] = [
  ['flow web-app web-1 -> app-1 tcp 8080 expect allow', 'allow', 'web sends anything; app admits 8080 from web (and from 10.20.0.0/23); default NACLs'],
  ['flow app-db app-1 -> orders-db tcp 5432 expect allow', 'allow',
    'db-acl admits 5432 from 10.20.10.0/23 and returns 1024-65535 to it, covering 32768-60999 of a Linux client; db admits 5432 from app'],
  ['flow report-db reporting -> orders-db tcp 5432 expect allow', 'allow', 'the Windows reporting server (49152-65535) in app-b is inside 10.20.10.0/23 too'],
  ['flow admin-db app-2-eth1 -> orders-db tcp 5432 expect allow', 'allow', "app-2's second interface is in app and in app-b, inside 10.20.10.0/23"],
  ['flow web-db web-1 -> orders-db tcp 5432 expect deny', 'deny', 'db-acl denies tcp from the public subnets (rule 200), and db has no rule for web'],
  ['flow app-out app-1 -> 93.184.216.34 tcp 443 expect allow', 'allow',
    'app allows 443 out; private routes 0.0.0.0/0 to nat-a in public-a, whose table goes to the internet gateway; default NACLs admit every NAT port'],
  ['flow app-internet app-1 -> internet tcp 443 expect allow', 'partial',
    'the internet end includes 172.16.0.0/12 (a transit gateway, not modelled) and 192.168.50.0/24 (a peering route, gone or not modelled): those are dropped'],
  ['flow app-tgw app-1 -> 172.16.5.5 tcp 443 expect deny', 'deny', 'the route to the transit gateway is unmodelled: the packet is dropped there'],
  ['flow app-peer app-1 -> 192.168.50.5 tcp 443 expect deny', 'deny', 'the route to the peering connection is a blackhole (state) or unmodelled (plan)'],
  ['flow app-out6 app-1 -> internet tcp 443 ipv6 expect allow', 'allow',
    'app allows 443 to ::/0; private routes ::/0 to the egress-only gateway, and replies to an outbound connection come back'],
  ['flow in-app internet -> app-1 tcp 8080 expect deny', 'deny', 'app-1 has no public address'],
  ['flow office-ssh 203.0.113.50 -> 10.20.0.10 tcp 22 expect allow', 'allow',
    "web admits 22 from the office prefix list (203.0.113.0/24 is one of its entries), through the public address mapped to web-1's primary address"],
  ['flow office-ssh-all 203.0.113.50 -> web-1 tcp 22 expect allow', 'partial', "web-1's secondary address 10.20.0.11 has no public address"],
  ['flow other-ssh 198.51.100.200 -> web-1 tcp 22 expect deny', 'deny', '198.51.100.200 is in neither entry of the office list'],
  ['flow app-ping app-1 -> web-1 icmp type 8 expect deny', 'deny', 'app allows only 5432 and 443 out'],
  ['flow web-ping-db web-1 -> orders-db icmp type 8 expect deny', 'deny', 'db-acl admits echo requests from the VPC (rule 110), but db admits only 5432'],
  ['flow ping6 web-1 -> app-1 icmpv6 type 128 expect allow', 'allow', "web sends anything to ::/0; app admits ICMPv6 from the VPC's IPv6 block (a placeholder in the plan)"],
  ['flow app-office app-1 -> 203.0.113.9 tcp 443 expect allow', 'allow', 'the office prefix list is routed to nat-a (a route per entry), which leaves by the internet gateway'],
];

// In Terraform the load balancer is an aws_lb, not an instance: nothing is a member of alb.
const THREE_TIER_TERRAFORM_ONLY: [flow: string, verdict: Verdict, why: string][] = [
  ['flow http-web internet -> web-1 tcp 80 expect deny', 'deny', 'web admits 80 only from members of alb, and the load balancer has no interface in the state'],
];

describe('import terraform: the three-tier VPC', () => {
  for (const kind of ['state', 'plan'] as const) {
    describe(`as a ${kind}`, () => {
      const imported = importTerraform('three-tier', kind);
      const golden = join(IMPORT_FIXTURES, 'terraform', `three-tier.${kind}.vpcrules.golden`);

      it('writes the golden file (UPDATE_GOLDEN=1 rewrites it)', () => {
        if (process.env.UPDATE_GOLDEN || !existsSync(golden)) writeFileSync(golden, imported.text);
        assert.equal(imported.text, readFileSync(golden, 'utf8'));
      });

      it('gives the same bytes twice, and whatever the order of the resources in the file', () => {
        assert.equal(importTerraform('three-tier', kind).text, imported.text);
        assert.equal(importTerraform('three-tier', kind, true).text, imported.text);
      });

      it('checks with no error and no warning', () => {
        assert.deepEqual(problems(imported.text), []);
      });

      it('gives the flows added to it the verdicts AWS gives', () => {
        const found = verdicts(imported.text, [...THREE_TIER_FLOWS, ...THREE_TIER_TERRAFORM_ONLY].map(([flow]) => flow));
        for (const [flow, verdict, why] of [...THREE_TIER_FLOWS, ...THREE_TIER_TERRAFORM_ONLY]) {
          const name = flow.split(' ')[1];
          assert.equal(found.get(name), verdict, `${name}: ${why}`);
        }
      });

      it('names items by their Name tag, else their resource name with its index; addresses in the comments', () => {
        const text = imported.text;
        // count and for_each instances, in a module: their Name tags.
        assert.match(text, /^subnet public-a 10\.20\.0\.0\/24 .*# module\.network\.aws_subnet\.public\[0\]/m);
        assert.match(text, /^subnet app-b 10\.20\.11\.0\/24 routes private +# module\.network\.aws_subnet\.app\["b"\]/m);
        assert.match(text, /^subnet db-a 10\.20\.20\.0\/24 acl db-acl +# module\.network\.aws_subnet\.db\[0\]/m);
        // No Name tag: the resource name.
        assert.match(text, /^security-group default \{ +# aws_default_security_group\.default /m);
        // A second interface without a Name tag: its instance's, with -eth1.
        assert.match(text, /^instance app-2-eth1 subnet app-b ip 10\.20\.11\.11 groups app +# aws_network_interface\.app_admin/m);
        assert.match(text, /^instance reporting subnet app-b ip 10\.20\.11\.30 groups app os windows /m);
        // Rules from rule resources carry their address; a rule a refreshed state lists inline too is written once.
        assert.match(text, /^ {2}outbound tcp 5432 to sg db "PostgreSQL" +# aws_vpc_security_group_egress_rule\.app_to_db$/m);
        assert.equal(text.match(/outbound tcp 5432 to sg db/g)?.length, 1);
        assert.match(text, /^ {2}inbound tcp 80 from sg alb "HTTP from the load balancer" +# aws_security_group_rule\.web_from_alb$/m);
        assert.equal(text.match(/inbound tcp 80 from sg alb/g)?.length, 1);
        // self = true is the group itself; protocol -1 is all.
        assert.match(text, /^ {2}inbound all from sg default$/m);
        // The prefix list: its inline entry and the aws_ec2_managed_prefix_list_entry, once each.
        assert.match(text, /^prefix-list office (203\.0\.113\.0\/24 198\.51\.100\.64\/26|198\.51\.100\.64\/26 203\.0\.113\.0\/24) +# aws_ec2_managed_prefix_list\.office/m);
        // The NACL's protocols, however spelled (6, tcp, 1, icmp).
        assert.match(text, /^ {2}inbound 100 allow tcp 5432 from 10\.20\.10\.0\/23$/m);
        assert.match(text, /^ {2}inbound 120 allow icmp type 3 code 4 from 10\.20\.0\.0\/16$/m);
        // The default NACL, named only by the VPC's default_network_acl_id: allow all, left implicit.
        assert.match(text, /^# module\.network\.aws_vpc\.this\.default_network_acl_id: the VPC's default network ACL, unchanged/m);
        assert.match(text, new RegExp(`^# Terraform ${kind} VPC module\\.network\\.aws_vpc\\.this, written by vpcrules import\\. Terraform addresses`, 'm'));
      });

      it("shows a declaration's Terraform address in the hover of its uses", () => {
        const analyzed = analyzedOf(imported.text);
        const lines = imported.text.split('\n');
        const use = lines.findIndex((line) => line.startsWith('instance web-1 '));
        const subnet = hoverAt(analyzed, { line: use, character: lines[use].indexOf('public-a') + 2 });
        assert.match(JSON.stringify(subnet?.contents), /module\.network\.aws_subnet\.public\[0\]/);
        const group = hoverAt(analyzed, { line: use, character: lines[use].indexOf('groups web') + 8 });
        assert.match(JSON.stringify(group?.contents), /aws_security_group\.web/);
      });

      it('reports what Terraform does not hold', () => {
        const reasons = imported.summary.skipped.map((s) => `${s.id}: ${s.reason}`);
        for (const expected of [
          /^aws_lb\.shop: a load balancer: AWS creates its network interfaces/,
          /^aws_lambda_function\.orders_worker: a Lambda function in the VPC/,
          /^module\.network\.aws_vpc\.this\.default_network_acl_id: the default network ACL is named only by id: AWS's default assumed/,
          /^aws_instance: Terraform does not hold an instance's platform: 4 instance\(s\)/,
          /^aws_security_group\.app: .*sg-0aa11bb22cc33dd44 is in account 111122223333/,
          /^module\.network\.aws_route_table\.private: the route to 172\.16\.0\.0\/12 -> tgw-0f1e2d3c4b5a69788 \(transit gateway\) is written as unmodelled/,
        ]) assert.ok(reasons.some((r) => expected.test(r)), `${expected}\n${reasons.join('\n')}`);
        assert.match(summaryText(imported.summary), /^imported module\.network\.aws_vpc\.this as shop-prod: 1 VPC, 6 subnets, /);
        const counts = Object.fromEntries(imported.summary.counts.map(({ kind: k, count }) => [k, count]));
        assert.equal(counts['instances (network interfaces)'], 6);
        assert.equal(counts['security groups'], 5);
        assert.equal(counts.routes, 8);
      });
    });
  }

  it('the state: the AWS ids beside the addresses, the routes of aws_route resources once, a blackhole route', () => {
    const { text } = importTerraform('three-tier', 'state');
    assert.match(text, /^vpc shop-prod 10\.20\.0\.0\/16 2600:1f18:4a3:6e00::\/56 +# module\.network\.aws_vpc\.this vpc-0a3f5e7c9b1d24680$/m);
    assert.match(text, /^instance web-1 subnet public-a ip 10\.20\.0\.10,10\.20\.0\.11 ip6 2600:1f18:4a3:6e00::10 public-ip 198\.51\.100\.10 groups web +# aws_instance\.web i-0a1b2c3d4e5f60001$/m);
    assert.match(text, /^ {2}route 192\.168\.50\.0\/24 -> blackhole +# pcx-0a1b2c3d4e5f60718 is gone$/m);
    assert.equal(text.match(/route 0\.0\.0\.0\/0 -> nat nat-a/g)?.length, 1);
    assert.doesNotMatch(text, /unknown until apply/);
  });

  it('the plan: ids resolved through the configuration, placeholders for what is unknown until apply', () => {
    const imported = importTerraform('three-tier', 'plan');
    const { text } = imported;
    // Nothing is lost: every resource the state has is in the plan's import.
    const declarations = (t: string) => t.split('\n').filter((l) => /^[a-z-]+ /.test(l)).map((l) => l.split(' ').slice(0, 2).join(' '));
    assert.deepEqual(declarations(text), declarations(importTerraform('three-tier', 'state').text));
    // The VPC's generated IPv6 block, its subnets' blocks inside it, and addresses inside those.
    assert.match(text, /^vpc shop-prod 10\.20\.0\.0\/16 2001:db8::\/56 +# module\.network\.aws_vpc\.this unknown until apply: IPv6 block 2001:db8::\/56$/m);
    assert.match(text, /^subnet public-a 10\.20\.0\.0\/24 2001:db8:0:1::\/64 routes public +# .* unknown until apply: IPv6 block 2001:db8:0:1::\/64$/m);
    assert.match(text, /^subnet app-b 10\.20\.11\.0\/24 routes private +# module\.network\.aws_subnet\.app\["b"\] us-east-1b$/m, 'a block known to be null is none');
    // A private address: a free one of its subnet (after AWS's four); a public one: from 203.0.113.0/24.
    assert.match(text, /^instance app-1 subnet app-a ip 10\.20\.10\.4 ip6 2001:db8::4 groups app +# aws_instance\.app\["a"\] unknown until apply: ip 10\.20\.10\.4, ip6 2001:db8::4$/m);
    assert.match(text, /^instance app-2 subnet app-b ip 10\.20\.11\.4 groups app /m);
    assert.match(text, /^nat-gateway nat-a subnet public-a ip 10\.20\.0\.4 public-ip 203\.0\.113\.1 +# .*unknown until apply: ip 10\.20\.0\.4, public-ip 203\.0\.113\.1 \(module\.network\.aws_eip\.nat\)$/m);
    assert.match(text, /^instance web-1 subnet public-a ip 10\.20\.0\.10,10\.20\.0\.11 ip6 2001:db8:0:1::4 public-ip 203\.0\.113\.2 groups web /m);
    // A rule whose CIDR is the VPC's unknown IPv6 block (through a module output) takes its placeholder.
    assert.match(text, /^ {2}inbound icmpv6 all from 2001:db8::\/56 "ICMPv6 inside the VPC" +# unknown until apply: 2001:db8::\/56 stands for module\.network\.aws_vpc\.this\.ipv6_cidr_block$/m);
    // A route whose target is unknown until apply: the resource the configuration names.
    assert.match(text, /^ {2}route 0\.0\.0\.0\/0 -> nat nat-a +# module\.network\.aws_nat_gateway\.a$/m);
    // Through an input variable of the module: the prefix list of the root module, one route per entry.
    assert.match(text, /^ {2}route 203\.0\.113\.0\/24 -> nat nat-a/m);
    assert.match(text, /^ {2}route 192\.168\.50\.0\/24 -> unmodelled "pcx-0a1b2c3d4e5f60718 \(VPC peering connection\)"$/m);
    // Every placeholder is reported, with what it stands for.
    const placeholders = imported.summary.skipped.filter((s) => s.kind === 'placeholder').map((s) => s.id);
    assert.deepEqual(placeholders, [
      'aws_instance.app["a"]', 'aws_instance.app["b"]', 'aws_instance.web', 'module.network.aws_nat_gateway.a', 'module.network.aws_subnet.app["a"]',
      'module.network.aws_subnet.public[0]', 'module.network.aws_subnet.public[1]', 'module.network.aws_vpc.this',
    ]);
  });

  it('gives the same verdicts as the import of the AWS CLI output of the same network', () => {
    const aws = writeDescription(readAws(fixtureInputs('aws/three-tier')))[0].text;
    const flows = THREE_TIER_FLOWS.map(([flow]) => flow);
    const expected = verdicts(aws, flows);
    for (const kind of ['state', 'plan'] as const) {
      assert.deepEqual([...verdicts(importTerraform('three-tier', kind).text, flows)], [...expected], kind);
    }
  });
});

const INSPECTION_FLOWS: [flow: string, verdict: Verdict, why: string][] = [
  ['flow https 203.0.113.200 -> web-a tcp 443 expect allow', 'allow',
    'stateless rule 100 forwards it; web-egress (priority 10) passes tcp to $HOME_NET 443, and the reply passes on that state'],
  ['flow https-b 203.0.113.200 -> web-b tcp 443 expect allow', 'allow', "the same through the other zone's endpoint"],
  ['flow blocked 198.51.100.7 -> web-a tcp 443 expect deny', 'deny', 'stateless rule 10 of block-list drops 198.51.100.0/24'],
  ['flow ssh 203.0.113.200 -> web-a tcp 22 expect deny', 'deny', 'web admits 22 from anywhere, but sid 102 of web-egress drops tcp to $HOME_NET 22 first'],
  ['flow out-https web-a -> 93.184.216.34 tcp 443 expect allow', 'allow', 'sid 101 passes tcp from $HOME_NET to 443; out by the public address'],
  ['flow out-dns web-a -> 93.184.216.34 udp 53 expect deny', 'deny',
    'no rule passes the request (strict default drop-established only drops established packets), so the reply is judged too: sid 202 drops udp to $HOME_NET'],
  ['flow east-west web-a -> web-b tcp 443 expect allow', 'allow', 'local routes: inside the VPC no endpoint is crossed'],
];

describe('import terraform: the inspection VPC with AWS Network Firewall', () => {
  for (const kind of ['state', 'plan'] as const) {
    describe(`as a ${kind}`, () => {
      const imported = importTerraform('inspection', kind);
      const golden = join(IMPORT_FIXTURES, 'terraform', `inspection.${kind}.vpcrules.golden`);

      it('writes the golden file, the same bytes twice and whatever the order of the resources', () => {
        if (process.env.UPDATE_GOLDEN || !existsSync(golden)) writeFileSync(golden, imported.text);
        assert.equal(imported.text, readFileSync(golden, 'utf8'));
        assert.equal(importTerraform('inspection', kind).text, imported.text);
        assert.equal(importTerraform('inspection', kind, true).text, imported.text);
      });

      it('checks with no error', () => {
        assert.deepEqual(analyze(imported.text).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.range.start.line + 1}: ${d.message}`), []);
      });

      it('gives the flows added to it the verdicts AWS gives', () => {
        const analysis = analyze(`${imported.text}\n${INSPECTION_FLOWS.map(([flow]) => flow).join('\n')}\n`);
        for (const [flow, verdict, why] of INSPECTION_FLOWS) {
          const name = flow.split(' ')[1];
          assert.equal(analysis.flows.find((f) => f.flow.name === name)?.verdict, verdict, `${name}: ${why}`);
        }
        const ssh = jsonReport([{ path: 'inspection.vpcrules', analysis }]).flows.find((f) => f.name === 'ssh')!;
        assert.deepEqual(ssh.trace.at(-1), { ...ssh.trace.at(-1), hop: 'firewall edge-fw-us-east-1a stateful', action: 'deny', rule: 'stateful sid 102 of group web-egress "no SSH from outside"' });
      });

      it('writes one firewall per endpoint, each zone routed to its own, the policy and its rule groups', () => {
        const text = imported.text;
        assert.match(text, /^firewall edge-fw-us-east-1a subnet fw-a policy edge-policy +# /m);
        assert.match(text, /^firewall edge-fw-us-east-1b subnet fw-b policy edge-policy +# /m);
        assert.match(text, /^route-table igw-ingress edge edge-igw \{/m);
        assert.match(text, /^ {2}route 10\.30\.1\.0\/24 -> firewall edge-fw-us-east-1a/m);
        assert.match(text, /^ {2}route 10\.30\.2\.0\/24 -> firewall edge-fw-us-east-1b/m);
        assert.match(text, /^route-table public-a \{[^}]*route 0\.0\.0\.0\/0 -> firewall edge-fw-us-east-1a/m);
        assert.match(text, /^route-table public-b \{[^}]*route 0\.0\.0\.0\/0 -> firewall edge-fw-us-east-1b/m);
        // The main route table the state names only by id: AWS's default, local routes only.
        assert.match(text, /^route-table main main \{ +# aws_vpc\.edge\.main_route_table_id /m);
        const policy = text.slice(text.indexOf('firewall-policy edge-policy {'), text.indexOf('}', text.indexOf('firewall-policy edge-policy {')));
        assert.deepEqual(policy.split('\n').slice(1).map((line) => line.trim()).filter(Boolean), [
          'stateless-default forward', 'stateless block-list priority 10', 'stateful web-egress priority 10', 'stateful ssh-and-icmp priority 20',
          'stateful allowed-domains priority 30', 'stateful-order strict', 'stateful-default drop-established,alert-established',
        ]);
        assert.match(text, /^ {2}rule 20 drop tcp,udp from any to 10\.30\.0\.0\/16 port 3389,445$/m);
        assert.match(text, /^ {2}# rule 30 drop tcp from any to any +# matches TCP flags/m);
        assert.match(text, /^ {2}pass tcp any any -> \$HOME_NET 443 \(msg:"HTTPS to the web servers"; sid:100;\)\n {2}pass tcp \$HOME_NET any -> any 443 \(sid:101;\)\n {2}drop tcp any any <> \$HOME_NET 22 /m);
        assert.match(text, /^ {2}pass icmp any any -> \$HOME_NET any \(msg:"ping"; sid:200; rev:1;\)\n {2}alert tcp \$EXTERNAL_NET any -> \$HOME_NET 22 /m);
      });
    });
  }

  it('the state: endpoints from firewall_status, routes to their vpce- ids', () => {
    const { text } = importTerraform('inspection', 'state');
    assert.match(text, /^firewall edge-fw-us-east-1a subnet fw-a policy edge-policy +# vpce-0fa1b2c3d4e5f6071 aws_networkfirewall_firewall\.edge us-east-1a$/m);
    assert.match(text, /^instance web-a subnet public-a ip 10\.30\.1\.10 public-ip 203\.0\.113\.10 groups web /m);
  });

  it('the plan: endpoints from subnet_mapping in their zones; routes to the endpoint of their zone', () => {
    const imported = importTerraform('inspection', 'plan');
    const { text } = imported;
    assert.match(text, /^firewall edge-fw-us-east-1a subnet fw-a policy edge-policy +# aws_networkfirewall_firewall\.edge\/us-east-1a unknown until apply: endpoint ids/m);
    // The public tables name the firewall (the endpoint of each.key's zone): their subnets' zone.
    assert.match(text, /^ {2}route 0\.0\.0\.0\/0 -> firewall edge-fw-us-east-1a +# aws_networkfirewall_firewall\.edge\/us-east-1a$/m);
    // The edge table names them through a local value, which the plan does not hold: the VPC's only
    // firewall, in the zone of the destination subnet; reported.
    const reasons = imported.summary.skipped.map((s) => `${s.id}: ${s.reason}`);
    assert.ok(reasons.some((r) => /^aws_route_table\.igw_ingress: .*assumed to be an endpoint of aws_networkfirewall_firewall\.edge, the VPC's only firewall$/.test(r)), reasons.join('\n'));
    // Elastic IPs unknown until apply: placeholders, on the instances they are associated with.
    assert.match(text, /^instance web-a subnet public-a ip 10\.30\.1\.10 public-ip 203\.0\.113\.1 groups web +# aws_instance\.web\["us-east-1a"\] unknown until apply: public-ip 203\.0\.113\.1 \(aws_eip\.web\["us-east-1a"\]\)$/m);
  });

  it('gives the same verdicts as the import of the AWS CLI output of the same network', () => {
    const aws = writeDescription(readAws(fixtureInputs('aws/inspection')))[0].text;
    const flows = INSPECTION_FLOWS.map(([flow]) => flow);
    const expected = verdicts(aws, flows);
    for (const kind of ['state', 'plan'] as const) {
      assert.deepEqual([...verdicts(importTerraform('inspection', kind).text, flows)], [...expected], kind);
    }
  });
});
