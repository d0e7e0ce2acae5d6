// Bad and unusual input to vpcrules import terraform: a one-line error naming the file (and the
// field), or a reported skip; never a stack trace, never a silently wrong file. Also the CLI.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInProcess } from '../cli-run';
import { analyze } from '../../server/src/engine/analyze';
import { detectSource, ImportInputError, InputFile, writeDescription } from '../../server/src/import';
import { readTerraform } from '../../server/src/import/terraform';
import { fixtureInputs, IMPORT_FIXTURES, terraformInput } from './import-helpers';

function importError(files: InputFile[], vpc?: string): string {
  try {
    writeDescription(readTerraform(files), vpc);
  } catch (error) {
    assert.ok(error instanceof ImportInputError, `not an input error: ${(error as Error).stack}`);
    assert.ok(!error.message.includes('\n'), `one line: ${error.message}`);
    return error.message;
  }
  assert.fail('imported without an error');
}

const json = (path: string, value: unknown): InputFile => ({ path, text: JSON.stringify(value) });

interface Resource {
  address: string;
  mode: string;
  type: string;
  name: string;
  index?: number | string;
  values: Record<string, unknown>;
}

function resource(type: string, name: string, values: Record<string, unknown>, index?: number | string, module?: string): Resource {
  const key = index === undefined ? '' : `[${typeof index === 'number' ? index : JSON.stringify(index)}]`;
  return { address: `${module ? `${module}.` : ''}${type}.${name}${key}`, mode: 'managed', type, name, ...(index === undefined ? {} : { index }), values };
}

const state = (resources: Resource[], children: { address: string; resources: Resource[] }[] = []) => ({
  format_version: '1.0', terraform_version: '1.11.4', values: { root_module: { resources, child_modules: children } },
});

const VPC = (name = 'main', id = 'vpc-1', cidr = '10.0.0.0/16') => resource('aws_vpc', name, {
  id, cidr_block: cidr, default_network_acl_id: `acl-${id}`, main_route_table_id: `rtb-${id}`, default_security_group_id: `sg-${id}`, tags: { Name: name },
});

/** A plan: planned values, after_unknown per address, and the configuration's root module. */
function plan(resources: (Resource & { unknown?: Record<string, unknown> })[], config: unknown[]) {
  return {
    format_version: '1.2',
    planned_values: { root_module: { resources: resources.map(({ unknown, ...r }) => (void unknown, r)) } },
    resource_changes: resources.map((r) => ({ address: r.address, change: { actions: ['create'], after: r.values, after_unknown: r.unknown ?? {} } })),
    configuration: { root_module: { resources: config } },
  };
}

const block = (type: string, name: string, expressions: Record<string, unknown>) => ({ address: `${type}.${name}`, mode: 'managed', type, name, expressions });
const ref = (...references: string[]) => ({ references });

describe('import terraform: bad input', () => {
  it('is not JSON', () => {
    assert.match(importError([{ path: 'state.json', text: '{"values": {' }]), /^state\.json: not JSON \(/);
    assert.match(importError([{ path: 'plan.tfplan', text: 'PK\u0003\u0004\u0014\u0000binary' }]), /^plan\.tfplan: not JSON .*a saved plan is binary: give the output of 'terraform show -json plan\.tfplan'/);
    assert.match(importError([{ path: 'plan.txt', text: 'Terraform will perform the following actions:' }]), /^plan\.txt: not JSON .*'terraform show -json'/);
    assert.match(importError([{ path: 'empty.json', text: '\n' }]), /^empty\.json: empty file/);
  });

  it('is JSON of another shape', () => {
    assert.match(importError([json('a.json', [1])]), /^a\.json: expected the JSON object 'terraform show -json' prints, found an array/);
    assert.match(importError([json('vpcs.json', { Vpcs: [] })]), /^vpcs\.json: not the output of 'terraform show -json' \(found Vpcs, no format_version\): this looks like the AWS CLI's output: use 'vpcrules import aws'$/);
    assert.match(importError([json('tf.tfstate', { version: 4, terraform_version: '1.11.4', serial: 3, lineage: 'x', resources: [] })]), /^tf\.tfstate: .*a raw state file \(terraform\.tfstate\); give its 'terraform show -json' instead/);
    assert.match(importError([json('schema.json', { format_version: '1.0', provider_schemas: {} })]), /^schema\.json: this is 'terraform providers schema -json'/);
    assert.match(importError([json('v.json', { format_version: '2.0', values: { root_module: {} } })]), /^v\.json: \$\.format_version: 2\.0 is not read; 'terraform show -json' format 1\.x is$/);
    assert.equal(importError([json('empty.json', { format_version: '1.0' })]), 'empty.json: $.values.root_module: missing; the state holds no resources');
  });

  it('names the field of the wrong type by its JSON path', () => {
    assert.equal(importError([json('state.json', state([resource('aws_vpc', 'main', { cidr_block: 3 })]))]),
      'state.json: $.values.root_module.resources[0].values.cidr_block: expected string, found the number 3');
    const sg = resource('aws_security_group', 'web', { vpc_id: 'vpc-1', ingress: [{ protocol: 'tcp', from_port: '22', to_port: 22 }] });
    assert.equal(importError([json('state.json', state([VPC(), sg]))]),
      'state.json: $.values.root_module.resources[1].values.ingress[0].from_port: expected number, found a string "22"');
    assert.equal(importError([json('state.json', { format_version: '1.0', values: { root_module: { resources: [{ mode: 'managed', type: 'aws_vpc', name: 'x' }] } } })]),
      'state.json: $.values.root_module.resources[0].address: missing; expected string');
    assert.match(importError([json('state.json', state([{ ...VPC(), address: 'aws_vpc.other' }]))]), /^state\.json: \$\.values\.root_module\.resources\[0\]\.address: aws_vpc\.other does not end with its mode, type, name and index \(aws_vpc\.main\)$/);
  });

  it('gives an address twice', () => {
    assert.equal(importError([json('state.json', state([VPC(), VPC('main', 'vpc-2')]))]),
      'state.json: $.values.root_module.resources[1].address: aws_vpc.main is given twice (also at $.values.root_module.resources[0])');
  });

  it('has no VPC, or not the one asked for, or several files', () => {
    assert.equal(importError([json('state.json', state([resource('aws_subnet', 'a', { id: 'subnet-1', vpc_id: 'vpc-9', cidr_block: '10.0.0.0/24' })]))]),
      'state.json: no VPC in the state: none of its 1 resource(s) is an aws_vpc (or a data.aws_vpc)');
    assert.match(importError([json('state.json', state([VPC()]))], 'vpc-7'), /^no VPC 'vpc-7' in the input; it has aws_vpc\.main \(main\)$/);
    assert.match(importError([json('a.json', state([VPC()])), json('b.json', state([VPC()]))]), /^import terraform reads one file .*; got 2: a\.json, b\.json$/);
  });

  it('picks a VPC by address, AWS id or name', () => {
    const both = readTerraform([json('state.json', state([VPC('a', 'vpc-1'), VPC('b', 'vpc-2', '10.1.0.0/16')]))]);
    assert.equal(writeDescription(both).length, 2);
    for (const pick of ['aws_vpc.b', 'vpc-2', 'b']) assert.equal(writeDescription(both, pick)[0].vpcId, 'aws_vpc.b', pick);
  });

  it('refers to ids the input does not hold: reported, and the file still checks', () => {
    const [file] = writeDescription(readTerraform([json('state.json', state([
      VPC(),
      resource('aws_subnet', 'a', { id: 'subnet-1', vpc_id: 'vpc-1', cidr_block: '10.0.1.0/24', availability_zone: 'us-east-1a' }),
      resource('aws_security_group', 'web', {
        id: 'sg-1', vpc_id: 'vpc-1', name: 'web',
        ingress: [{ protocol: 'tcp', from_port: 22, to_port: 22, security_groups: ['sg-gone'], prefix_list_ids: ['pl-gone'], cidr_blocks: [], self: false }],
      }),
      resource('aws_instance', 'web', { id: 'i-1', subnet_id: 'subnet-1', private_ip: '10.0.1.5', vpc_security_group_ids: ['sg-1', 'sg-missing'] }),
      resource('aws_instance', 'lost', { id: 'i-2', subnet_id: 'subnet-gone', private_ip: '10.0.9.5', vpc_security_group_ids: ['sg-1'] }),
      resource('aws_route_table', 'rt', { id: 'rtb-9', vpc_id: 'vpc-1', route: [{ cidr_block: '0.0.0.0/0', gateway_id: 'igw-gone' }, { cidr_block: '10.9.0.0/16', nat_gateway_id: '' }] }),
      resource('aws_security_group_rule', 'orphan', { type: 'ingress', security_group_id: 'sg-elsewhere', protocol: 'tcp', from_port: 1, to_port: 1, cidr_blocks: ['10.0.0.0/8'] }),
    ]))]));
    const reasons = file.summary.skipped.map((s) => `${s.id}: ${s.reason}`);
    const has = (pattern: RegExp) => assert.ok(reasons.some((r) => pattern.test(r)), `${pattern}\n${reasons.join('\n')}`);
    has(/^aws_security_group\.web: .*sg-gone is not in the input/);
    has(/^pl-gone: referenced but not in the input/);
    has(/^sg-missing: used by network interfaces but not in the input/);
    has(/^aws_instance\.lost: its subnet subnet-gone is not in the input: not written/);
    has(/igw-gone \(internet gateway\) is written as unmodelled/);
    has(/^aws_route_table\.rt: aws_route_table\.rt route\.1: a route without a target: left out/);
    has(/^aws_security_group_rule\.orphan: its group sg-elsewhere is not in the input: left out/);
    has(/^aws_vpc\.main\.main_route_table_id: the main route table is named only by id/);
    assert.match(file.text, /^instance web subnet a ip 10\.0\.1\.5 groups web,sg-missing +# aws_instance\.web i-1$/m);
    assert.deepEqual(analyze(file.text).diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  });
});

describe('import terraform: what a state holds', () => {
  it('reads modules with count, data sources, the default NACL changed, and every protocol spelling', () => {
    const module = 'module.net[0]';
    const [file] = writeDescription(readTerraform([json('state.json', state([
      resource('aws_instance', 'app', { id: 'i-1', subnet_id: 'subnet-2', private_ip: '10.5.2.10', vpc_security_group_ids: ['sg-default'], tags: { OS: 'WINDOWS' } }),
    ], [{
      address: module,
      resources: [
        { ...resource('aws_vpc', 'shared', { id: 'vpc-5', cidr_block: '10.5.0.0/16', cidr_block_associations: [{ cidr_block: '10.5.0.0/16' }, { cidr_block: '100.64.0.0/16' }] }, undefined, module), mode: 'data', address: `${module}.data.aws_vpc.shared` },
        resource('aws_subnet', 'app', { id: 'subnet-2', vpc_id: 'vpc-5', cidr_block: '10.5.2.0/24', tags: { Name: 'app' } }, 'x', module),
        resource('aws_default_network_acl', 'default', {
          id: 'acl-5', default_network_acl_id: 'acl-5', vpc_id: 'vpc-5', subnet_ids: ['subnet-2'],
          ingress: [
            { rule_no: 100, action: 'allow', protocol: 'tcp', cidr_block: '10.0.0.0/8', from_port: 443, to_port: 443 },
            { rule_no: 110, action: 'allow', protocol: '17', cidr_block: '10.0.0.0/8', from_port: 53, to_port: 53 },
            { rule_no: 120, action: 'deny', protocol: 'all', cidr_block: '0.0.0.0/0', from_port: 0, to_port: 0 },
            { rule_no: 130, action: 'allow', protocol: 'icmp', cidr_block: '10.0.0.0/8', icmp_type: -1, icmp_code: -1 },
          ],
          egress: [{ rule_no: 100, action: 'allow', protocol: '-1', cidr_block: '0.0.0.0/0', from_port: 0, to_port: 0 }],
        }, undefined, module),
        resource('aws_network_acl_rule', 'extra', { network_acl_id: 'acl-5', rule_number: 140, egress: false, protocol: '58', rule_action: 'allow', ipv6_cidr_block: '::/0', icmp_type: 128, icmp_code: 0 }, undefined, module),
        resource('aws_default_security_group', 'default', {
          id: 'sg-default', vpc_id: 'vpc-5', ingress: [{ protocol: '-1', from_port: 0, to_port: 0, self: true }],
          egress: [{ protocol: 'all', from_port: 0, to_port: 0, cidr_blocks: ['0.0.0.0/0'] }, { protocol: '6', from_port: 0, to_port: 65535, ipv6_cidr_blocks: ['::/0'] }],
        }, undefined, module),
        resource('aws_vpc_security_group_ingress_rule', 'ping', { security_group_id: 'sg-default', ip_protocol: 'icmp', from_port: 8, to_port: -1, cidr_ipv4: '10.0.0.0/8', security_group_rule_id: 'sgr-1' }, undefined, module),
        resource('aws_vpc_security_group_ingress_rule', 'partner', { security_group_id: 'sg-default', ip_protocol: '-1', referenced_security_group_id: '444455556666/sg-partner' }, undefined, module),
      ],
    }]))]));
    const text = file.text;
    // A VPC read by a data source: its blocks; no main route table or default NACL is assumed for it.
    assert.match(text, /^vpc shared 10\.5\.0\.0\/16 100\.64\.0\.0\/16 +# module\.net\[0\]\.data\.aws_vpc\.shared vpc-5$/m);
    assert.doesNotMatch(text, /route-table/);
    assert.match(text, /^subnet app 10\.5\.2\.0\/24 acl default +# module\.net\[0\]\.aws_subnet\.app\["x"\] subnet-2$/m);
    assert.match(text, /^ {2}inbound 100 allow tcp 443 from 10\.0\.0\.0\/8$/m);
    assert.match(text, /^ {2}inbound 110 allow udp 53 from 10\.0\.0\.0\/8$/m);
    assert.match(text, /^ {2}inbound 120 deny all from 0\.0\.0\.0\/0$/m);
    assert.match(text, /^ {2}inbound 130 allow icmp all from 10\.0\.0\.0\/8$/m);
    assert.match(text, /^ {2}inbound 140 allow icmpv6 type 128 code 0 from ::\/0$/m);
    assert.match(text, /^ {2}outbound 100 allow all to 0\.0\.0\.0\/0$/m);
    assert.match(text, /^ {2}inbound all from sg default$/m);
    assert.match(text, /^ {2}outbound tcp all to ::\/0$/m);
    assert.match(text, /^ {2}inbound icmp type 8 from 10\.0\.0\.0\/8 +# module\.net\[0\]\.aws_vpc_security_group_ingress_rule\.ping$/m);
    assert.match(text, /^ {2}# inbound all from sg sg-partner +# the group sg-partner is in account 444455556666$/m);
    // A tag os = windows, in any case.
    assert.match(text, /^instance app subnet app ip 10\.5\.2\.10 groups default os windows +# aws_instance\.app i-1$/m);
    assert.deepEqual(analyze(text).diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  });

  it('assumes AWS default rules for a default security group used but not in the input', () => {
    const [file] = writeDescription(readTerraform([json('state.json', state([
      VPC(),
      resource('aws_subnet', 'a', { id: 'subnet-1', vpc_id: 'vpc-1', cidr_block: '10.0.1.0/24' }),
      resource('aws_instance', 'x', { id: 'i-1', subnet_id: 'subnet-1', private_ip: '10.0.1.5', vpc_security_group_ids: ['sg-vpc-1'] }),
    ]))]));
    assert.match(file.text, /^security-group default \{ +# aws_vpc\.main\.default_security_group_id sg-vpc-1 AWS's default rules, the VPC's default group\n {2}inbound all from sg default\n {2}outbound all to 0\.0\.0\.0\/0\n\}/m);
    assert.ok(file.summary.skipped.some((s) => s.id === 'aws_vpc.main.default_security_group_id' && /AWS's default rules assumed/.test(s.reason)));
  });
});

describe('import terraform: what a plan leaves unknown', () => {
  const vpc = { ...resource('aws_vpc', 'main', { cidr_block: '10.0.0.0/16', tags: { Name: 'main' } }), unknown: { id: true, main_route_table_id: true } };
  const subnet = { ...resource('aws_subnet', 'a', { cidr_block: '10.0.1.0/24', availability_zone: 'us-east-1a' }), unknown: { id: true, vpc_id: true } };
  const config = [
    block('aws_vpc', 'main', { cidr_block: { constant_value: '10.0.0.0/16' } }),
    block('aws_subnet', 'a', { vpc_id: ref('aws_vpc.main.id', 'aws_vpc.main'), cidr_block: { constant_value: '10.0.1.0/24' } }),
  ];

  it('reports a reference the configuration cannot resolve (a local value), and writes the rest', () => {
    const instance = { ...resource('aws_instance', 'x', { private_ip: '10.0.1.9' }), unknown: { id: true, subnet_id: true, vpc_security_group_ids: true } };
    const [file] = writeDescription(readTerraform([json('plan.json', plan([vpc, subnet, instance], [
      ...config, block('aws_instance', 'x', { subnet_id: ref('local.subnet_id'), private_ip: { constant_value: '10.0.1.9' } }),
    ]))]));
    assert.ok(file.summary.skipped.some((s) => s.id === 'aws_instance.x' && /its subnet is unknown until apply and the configuration does not name it: not written/.test(s.reason)));
    assert.match(file.text, /^subnet a 10\.0\.1\.0\/24 +# aws_subnet\.a us-east-1a$/m);
    assert.doesNotMatch(file.text, /^instance /m);
  });

  it('puts an interface without groups in its VPC default group, with AWS default rules', () => {
    const instance = { ...resource('aws_instance', 'x', {}), unknown: { id: true, subnet_id: true, private_ip: true, vpc_security_group_ids: true } };
    const [file] = writeDescription(readTerraform([json('plan.json', plan([vpc, subnet, instance], [
      ...config, block('aws_instance', 'x', { subnet_id: ref('aws_subnet.a.id', 'aws_subnet.a') }),
    ]))]));
    assert.match(file.text, /^instance x subnet a ip 10\.0\.1\.4 groups default +# aws_instance\.x unknown until apply: ip 10\.0\.1\.4$/m);
    assert.match(file.text, /^security-group default \{/m);
  });

  it('leaves out inline group references it cannot tell apart, and says to use rule resources', () => {
    const groups = ['a', 'b'].map((name) => ({ ...resource('aws_security_group', name, { name }), unknown: { id: true, vpc_id: true } }));
    const web = {
      ...resource('aws_security_group', 'web', {
        name: 'web', ingress: [
          { protocol: 'tcp', from_port: 80, to_port: 80, security_groups: [null], cidr_blocks: [], self: false },
          { protocol: 'tcp', from_port: 443, to_port: 443, security_groups: [null], cidr_blocks: [], self: false },
          { protocol: 'tcp', from_port: 22, to_port: 22, security_groups: [], cidr_blocks: ['10.0.0.0/8'], self: false },
        ],
      }),
      unknown: { id: true, vpc_id: true, ingress: [{ security_groups: [true] }, { security_groups: [true] }, {}] },
    };
    const [file] = writeDescription(readTerraform([json('plan.json', plan([vpc, ...groups, web], [
      ...config,
      ...['a', 'b', 'web'].map((name) => block('aws_security_group', name, {
        vpc_id: ref('aws_vpc.main.id', 'aws_vpc.main'),
        ...(name === 'web' ? { ingress: ref('aws_security_group.a.id', 'aws_security_group.a', 'aws_security_group.b.id', 'aws_security_group.b') } : {}),
      })),
    ]))]));
    const reasons = file.summary.skipped.filter((s) => s.id.startsWith('aws_security_group.web')).map((s) => s.reason);
    assert.equal(reasons.filter((r) => /configuration names more \(aws_security_group\.a, aws_security_group\.b\) than it can tell apart: left out; write such rules as aws_vpc_security_group_ingress_rule/.test(r)).length, 2, reasons.join('\n'));
    assert.match(file.text, /^security-group web \{ .*\n {2}inbound tcp 22 from 10\.0\.0\.0\/8\n\}/m);
  });

  it("takes an aws_route's target from what the configuration sets, not from its computed attributes", () => {
    const subnetB = { ...resource('aws_subnet', 'b', { cidr_block: '10.0.2.0/24', availability_zone: 'us-east-1a' }), unknown: { id: true, vpc_id: true } };
    const policy = { ...resource('aws_networkfirewall_firewall_policy', 'p', { name: 'p', firewall_policy: [{ stateless_default_actions: ['aws:forward_to_sfe'] }] }), unknown: { arn: true, id: true } };
    const firewall = {
      ...resource('aws_networkfirewall_firewall', 'fw', { name: 'fw', subnet_mapping: [{}] }),
      unknown: { arn: true, id: true, vpc_id: true, firewall_policy_arn: true, firewall_status: true, subnet_mapping: [{ subnet_id: true }] },
    };
    const table = { ...resource('aws_route_table', 'rt', {}), unknown: { id: true, vpc_id: true, route: true } };
    const route = {
      ...resource('aws_route', 'out', { destination_cidr_block: '0.0.0.0/0', gateway_id: null }),
      unknown: { id: true, route_table_id: true, vpc_endpoint_id: true, network_interface_id: true, instance_id: true, state: true },
    };
    const associations = [
      { ...resource('aws_route_table_association', 'a', {}), unknown: { id: true, subnet_id: true, route_table_id: true } },
      { ...resource('aws_route_table_association', 'b', {}), unknown: { id: true, subnet_id: true, route_table_id: true } },
    ];
    const vpcRef = ref('aws_vpc.main.id', 'aws_vpc.main');
    const [file] = writeDescription(readTerraform([json('plan.json', plan([vpc, subnet, subnetB, policy, firewall, table, route, ...associations], [
      ...config,
      block('aws_subnet', 'b', { vpc_id: vpcRef }),
      block('aws_networkfirewall_firewall_policy', 'p', { firewall_policy: [{ stateless_default_actions: { constant_value: ['aws:forward_to_sfe'] } }] }),
      block('aws_networkfirewall_firewall', 'fw', {
        vpc_id: vpcRef, firewall_policy_arn: ref('aws_networkfirewall_firewall_policy.p.arn', 'aws_networkfirewall_firewall_policy.p'),
        subnet_mapping: [{ subnet_id: ref('aws_subnet.a.id', 'aws_subnet.a') }],
      }),
      block('aws_route_table', 'rt', { vpc_id: vpcRef }),
      block('aws_route', 'out', {
        route_table_id: ref('aws_route_table.rt.id', 'aws_route_table.rt'), destination_cidr_block: { constant_value: '0.0.0.0/0' },
        vpc_endpoint_id: ref('aws_networkfirewall_firewall.fw.firewall_status[0].sync_states', 'aws_networkfirewall_firewall.fw.firewall_status[0]', 'aws_networkfirewall_firewall.fw.firewall_status', 'aws_networkfirewall_firewall.fw'),
      }),
      block('aws_route_table_association', 'a', { subnet_id: ref('aws_subnet.b.id', 'aws_subnet.b'), route_table_id: ref('aws_route_table.rt.id', 'aws_route_table.rt') }),
      // A subnet associated with the VPC's main table by its id.
      block('aws_route_table_association', 'b', { subnet_id: ref('aws_subnet.a.id', 'aws_subnet.a'), route_table_id: ref('aws_vpc.main.main_route_table_id', 'aws_vpc.main') }),
    ]))]));
    assert.match(file.text, /^ {2}route 0\.0\.0\.0\/0 -> firewall fw-us-east-1a +# aws_networkfirewall_firewall\.fw\/us-east-1a$/m);
    assert.match(file.text, /^subnet a 10\.0\.1\.0\/24 routes main +# aws_subnet\.a us-east-1a$/m);
    assert.match(file.text, /^subnet b 10\.0\.2\.0\/24 routes rt +# aws_subnet\.b us-east-1a$/m);
    assert.deepEqual(analyze(file.text).diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  });

  it('resolves through each.value of a for_each over another resource, and a variable of a module', () => {
    const moduleVpc = { ...resource('aws_vpc', 'this', { cidr_block: '10.1.0.0/16' }, undefined, 'module.core'), unknown: { id: true } };
    const subnets = ['x', 'y'].map((key, i) => ({ ...resource('aws_subnet', 's', { cidr_block: `10.1.${i}.0/24` }, key, 'module.core'), unknown: { id: true, vpc_id: true } }));
    const tables = ['x', 'y'].map((key) => ({ ...resource('aws_route_table_association', 'a', {}, key), unknown: { id: true, subnet_id: true, route_table_id: true } }));
    const table = { ...resource('aws_route_table', 'rt', { tags: { Name: 'rt' } }), unknown: { id: true, vpc_id: true, route: true } };
    const document = plan([moduleVpc, ...subnets, ...tables, table], [
      block('aws_route_table', 'rt', { vpc_id: ref('module.core.vpc_id', 'module.core') }),
      { ...block('aws_route_table_association', 'a', { subnet_id: ref('each.value.id', 'each.value'), route_table_id: ref('aws_route_table.rt.id', 'aws_route_table.rt') }), for_each_expression: ref('module.core.subnets', 'module.core') },
    ]);
    (document.planned_values.root_module as Record<string, unknown>).resources = [...tables, table].map(({ unknown, ...r }) => (void unknown, r));
    (document.planned_values.root_module as Record<string, unknown>).child_modules = [{ address: 'module.core', resources: [moduleVpc, ...subnets].map(({ unknown, ...r }) => (void unknown, r)) }];
    (document.configuration.root_module as Record<string, unknown>).module_calls = {
      core: {
        source: './core', expressions: { cidr: { constant_value: '10.1.0.0/16' } },
        module: {
          outputs: { vpc_id: { expression: ref('aws_vpc.this.id', 'aws_vpc.this') }, subnets: { expression: ref('aws_subnet.s') } },
          resources: [block('aws_vpc', 'this', { cidr_block: ref('var.cidr') }), block('aws_subnet', 's', { vpc_id: ref('aws_vpc.this.id', 'aws_vpc.this') })],
        },
      },
    };
    const [file] = writeDescription(readTerraform([json('plan.json', document)]));
    assert.match(file.text, /^subnet s-x 10\.1\.0\.0\/24 routes rt +# module\.core\.aws_subnet\.s\["x"\]$/m);
    assert.match(file.text, /^subnet s-y 10\.1\.1\.0\/24 routes rt +# module\.core\.aws_subnet\.s\["y"\]$/m);
  });
});

describe('import: which source a file is', () => {
  it('tells AWS CLI output from terraform show -json', () => {
    assert.equal(detectSource(fixtureInputs('aws/three-tier')), 'aws');
    assert.equal(detectSource([terraformInput('three-tier', 'plan')]), 'terraform');
    assert.equal(detectSource([terraformInput('inspection', 'state')]), 'terraform');
    assert.equal(detectSource([json('x.json', { hello: 1 })]), undefined);
    assert.equal(detectSource([{ path: 'x.json', text: 'not json' }]), undefined);
    assert.equal(detectSource([terraformInput('three-tier', 'plan'), ...fixtureInputs('aws/three-tier')]), undefined, 'a mix');
  });
});

describe('CLI: vpcrules import terraform', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vpcrules-import-tf-'));
  const cli = runInProcess;
  const planFile = join(IMPORT_FIXTURES, 'terraform', 'three-tier.plan.json');
  const golden = readFileSync(join(IMPORT_FIXTURES, 'terraform', 'three-tier.plan.vpcrules.golden'), 'utf8');

  it('prints the file to stdout and the summary to stderr', () => {
    const { code, stdout, stderr } = cli('import', 'terraform', planFile);
    assert.equal(code, 0, stderr);
    assert.equal(`${stdout}\n`, golden);
    assert.match(stderr, /^imported module\.network\.aws_vpc\.this as shop-prod: /);
    assert.match(stderr, /^ {2}module\.network\.aws_vpc\.this \(placeholder\): unknown until apply: IPv6 block 2001:db8::\/56/m);
  });

  it('writes --out FILE, and picks a VPC with --vpc', () => {
    const out = join(dir, 'shop.vpcrules');
    const { code, stderr } = cli('import', 'terraform', planFile, '-o', out, '--vpc', 'shop-prod');
    assert.equal(code, 0, stderr);
    assert.equal(readFileSync(out, 'utf8'), golden);
    const several = join(dir, 'two.json');
    writeFileSync(several, JSON.stringify(state([VPC('a', 'vpc-1'), VPC('b', 'vpc-2', '10.1.0.0/16')])));
    const both = cli('import', 'terraform', several);
    assert.equal(both.code, 2);
    assert.equal(both.stderr, 'vpcrules: the input has 2 VPCs (aws_vpc.a, aws_vpc.b): pick one with --vpc, or write one file each with --out DIR/');
    const one = cli('import', 'terraform', several, '--vpc', 'vpc-2');
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /^vpc b 10\.1\.0\.0\/16 +# aws_vpc\.b vpc-2$/m);
  });

  it('exits 2 with one line on bad usage and bad input', () => {
    const cases: [string[], RegExp][] = [
      [['import'], /^vpcrules: import needs a source: aws, terraform$/],
      [['import', 'terraform'], /^vpcrules: import terraform needs a file$/],
      [['import', 'teraform', planFile], /^vpcrules: unknown import source 'teraform'; did you mean 'terraform'\?$/],
      [['import', 'terraform', planFile, planFile], /^vpcrules: import terraform reads one file, the output of 'terraform show -json'; got 2$/],
      [['import', 'terraform', join(IMPORT_FIXTURES, 'aws', 'three-tier')], /^vpcrules: '.*three-tier' is a directory; import terraform reads one file/],
      [['import', 'terraform', join(IMPORT_FIXTURES, 'aws', 'three-tier', 'vpcs.json')], /^vpcrules: .*vpcs\.json: not the output of 'terraform show -json' .*use 'vpcrules import aws'$/],
      [['import', 'aws', planFile], /^vpcrules: .*three-tier\.plan\.json: not an output that import reads .*use 'vpcrules import terraform'$/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = cli(...args);
      assert.equal(code, 2, args.join(' '));
      assert.match(stderr, message);
      assert.ok(!stderr.includes('\n'), stderr);
    }
  });

  it('is in the help', () => {
    assert.match(cli('--help').stdout, /vpcrules import terraform FILE \[--vpc ADDRESS-OR-ID\] \[--out FILE\|DIR\]/);
  });
});
