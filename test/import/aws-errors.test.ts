// Bad input to vpcrules import aws: a one-line error naming the file (and the field), or a reported
// skip; never a stack trace, never a silently wrong file. Also the CLI: arguments, --vpc, --out.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInProcess } from '../cli-run';
import { analyze } from '../../server/src/engine/analyze';
import { ImportInputError, InputFile, writeDescription } from '../../server/src/import';
import { readAws } from '../../server/src/import/aws';
import { IMPORT_FIXTURES } from './import-helpers';

function importError(files: InputFile[]): string {
  try {
    writeDescription(readAws(files));
  } catch (error) {
    assert.ok(error instanceof ImportInputError, `not an input error: ${(error as Error).stack}`);
    assert.ok(!error.message.includes('\n'), `one line: ${error.message}`);
    return error.message;
  }
  assert.fail('imported without an error');
}

const VPC = (id = 'vpc-1', cidr = '10.0.0.0/16') => ({ VpcId: id, CidrBlock: cidr, Tags: [{ Key: 'Name', Value: id }] });
const json = (path: string, value: unknown): InputFile => ({ path, text: JSON.stringify(value) });

describe('import aws: bad input', () => {
  it('is not JSON', () => {
    assert.match(importError([{ path: 'vpcs.json', text: '{"Vpcs": [' }]), /^vpcs\.json: not JSON \(/);
    assert.match(importError([{ path: 'vpcs.txt', text: 'VPCS\tvpc-1\t10.0.0.0/16' }]), /^vpcs\.txt: not JSON .*--output json/);
    assert.match(importError([{ path: 'empty.json', text: '  \n' }]), /^empty\.json: empty file/);
  });

  it('is JSON of another shape', () => {
    assert.match(importError([json('a.json', [1, 2])]), /^a\.json: expected the JSON object .* found an array/);
    assert.match(importError([json('a.json', { Hello: 1 })]), /^a\.json: not an output that import reads \(found Hello\); expected one of Vpcs, /);
    assert.match(importError([json('a.json', { Vpcs: {} })]), /^a\.json: \$\.Vpcs: expected an array .*describe-vpcs.*found an object/);
  });

  it('names the field of the wrong type by its JSON path', () => {
    const groups = { SecurityGroups: [{ GroupId: 'sg-1', VpcId: 'vpc-1', IpPermissions: [{ IpProtocol: 'tcp', FromPort: '22', ToPort: 22 }] }] };
    assert.equal(importError([json('vpcs.json', { Vpcs: [VPC()] }), json('sgs.json', groups)]),
      'sgs.json: $.SecurityGroups[0].IpPermissions[0].FromPort: expected number, found a string "22"');
    assert.equal(importError([json('subnets.json', { Subnets: [{ VpcId: 'vpc-1' }] })]), 'subnets.json: $.Subnets[0].SubnetId: missing; expected string');
  });

  it('is a describe output of the wrong service', () => {
    assert.match(importError([json('rds.json', { DBInstances: [] })]), /^rds\.json: .*rds describe-db-instances is not read: .*describe-network-interfaces/);
    assert.match(importError([json('lbs.json', { LoadBalancers: [] })]), /^lbs\.json: .*describe-network-interfaces/);
    assert.match(importError([json('plan.json', { format_version: '1.2', values: {} })]), /import terraform/);
  });

  it('has prefix list entries that name no list', () => {
    assert.match(importError([json('entries.json', { Entries: [{ Cidr: '10.1.0.0/16' }] })]), /^entries\.json: \$\.Entries: cannot tell which prefix list/);
    // By a key beside Entries, or by the file's name.
    const description = readAws([json('a.json', { PrefixListId: 'pl-0abc', Entries: [{ Cidr: '10.1.0.0/16' }] }), json('dir/pl-0def.json', { Entries: [{ Cidr: '10.2.0.0/16' }] })]);
    assert.deepEqual(description.prefixLists.map((l) => [l.id, l.cidrs]), [['pl-0abc', ['10.1.0.0/16']], ['pl-0def', ['10.2.0.0/16']]]);
  });

  it('gives an id twice with different contents, and accepts it twice the same', () => {
    assert.equal(importError([json('a.json', { Vpcs: [VPC()] }), json('b.json', { Vpcs: [VPC('vpc-1', '10.1.0.0/16')] })]),
      'b.json: $.Vpcs[0]: vpc-1 is given twice with different contents (also in a.json at $.Vpcs[0])');
    assert.equal(writeDescription(readAws([json('a.json', { Vpcs: [VPC()] }), json('b.json', { Vpcs: [VPC()] })])).length, 1);
  });

  it('has no VPC, or not the one asked for', () => {
    assert.match(importError([json('subnets.json', { Subnets: [{ SubnetId: 'subnet-1', VpcId: 'vpc-1', CidrBlock: '10.0.0.0/24' }] })]), /^no VPC in the input: add the output of 'aws ec2 describe-vpcs'/);
    assert.throws(() => writeDescription(readAws([json('a.json', { Vpcs: [VPC()] })]), 'vpc-2'), /no VPC 'vpc-2' in the input; it has vpc-1 \(vpc-1\)/);
  });

  it('refers to ids the input does not hold: reported, and the file still checks', () => {
    const files = [
      json('vpcs.json', { Vpcs: [VPC()] }),
      json('subnets.json', { Subnets: [{ SubnetId: 'subnet-1', VpcId: 'vpc-1', CidrBlock: '10.0.1.0/24' }] }),
      json('sgs.json', { SecurityGroups: [{ GroupId: 'sg-1', VpcId: 'vpc-1', OwnerId: '1', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, UserIdGroupPairs: [{ GroupId: 'sg-gone', UserId: '1' }], PrefixListIds: [{ PrefixListId: 'pl-gone' }] }] }] }),
      json('enis.json', { NetworkInterfaces: [
        { NetworkInterfaceId: 'eni-1', VpcId: 'vpc-1', SubnetId: 'subnet-1', PrivateIpAddress: '10.0.1.5', Groups: [{ GroupId: 'sg-1' }, { GroupId: 'sg-missing' }], Status: 'in-use' },
        { NetworkInterfaceId: 'eni-2', VpcId: 'vpc-1', SubnetId: 'subnet-gone', PrivateIpAddress: '10.0.9.5', Groups: [{ GroupId: 'sg-1' }], Status: 'in-use' },
      ] }),
      json('rts.json', { RouteTables: [{ RouteTableId: 'rtb-1', VpcId: 'vpc-1', Associations: [{ Main: true }], Routes: [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-gone', State: 'active' }, { DestinationCidrBlock: '10.9.0.0/16', NatGatewayId: 'nat-gone', State: 'active' }] }] }),
    ];
    const [file] = writeDescription(readAws(files));
    const reasons = file.summary.skipped.map((s) => `${s.id}: ${s.reason}`);
    assert.ok(reasons.some((r) => /^sg-1: .*sg-gone is not in the input/.test(r)), reasons.join('\n'));
    assert.ok(reasons.some((r) => /^pl-gone: referenced but not in the input/.test(r)), reasons.join('\n'));
    assert.ok(reasons.some((r) => /^sg-missing: used by network interfaces but not in the input/.test(r)), reasons.join('\n'));
    assert.ok(reasons.some((r) => /^eni-2: its subnet subnet-gone is not in the input/.test(r)), reasons.join('\n'));
    assert.ok(reasons.some((r) => /igw-gone \(internet gateway\) is written as unmodelled/.test(r)), reasons.join('\n'));
    assert.ok(reasons.some((r) => /nat-gone \(NAT gateway\) is written as unmodelled/.test(r)), reasons.join('\n'));
    assert.match(file.text, /^ {2}# inbound tcp 22 from sg sg-gone/m);
    assert.match(file.text, /^instance eni-1 subnet subnet-1 ip 10\.0\.1\.5 groups sg-1,sg-missing ephemeral 1024-65535 /m);
    assert.deepEqual(analyze(file.text).diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  });
});

describe('CLI: vpcrules import', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vpcrules-import-'));
  const cli = runInProcess;
  const threeTier = join(IMPORT_FIXTURES, 'aws', 'three-tier');
  const golden = readFileSync(join(IMPORT_FIXTURES, 'aws', 'three-tier.vpcrules.golden'), 'utf8');

  it('prints the file to stdout and the summary to stderr; a directory is read whole', () => {
    const { code, stdout, stderr } = cli('import', 'aws', threeTier);
    assert.equal(code, 0, stderr);
    assert.equal(`${stdout}\n`, golden);
    assert.match(stderr, /^imported vpc-0a3f5e7c9b1d24680 as shop-prod: /);
    assert.match(stderr, /not represented \(4\):/);
  });

  it('reads files given one by one, in any order, and writes --out FILE', () => {
    const files = readdirSync(threeTier).map((name) => join(threeTier, name)).reverse();
    const out = join(dir, 'shop.vpcrules');
    const { code, stdout, stderr } = cli('import', 'aws', ...files, '-o', out);
    assert.equal(code, 0, stderr);
    assert.equal(stdout, '');
    assert.equal(readFileSync(out, 'utf8'), golden);
    assert.match(stderr, /wrote .*shop\.vpcrules$/);
  });

  it('needs --vpc or --out DIR for several VPCs', () => {
    const a = join(dir, 'vpcs.json');
    writeFileSync(a, JSON.stringify({ Vpcs: [VPC('vpc-1'), VPC('vpc-2', '10.1.0.0/16')] }));
    const several = cli('import', 'aws', a);
    assert.equal(several.code, 2);
    assert.equal(several.stderr, 'vpcrules: the input has 2 VPCs (vpc-1, vpc-2): pick one with --vpc, or write one file each with --out DIR/');
    const one = cli('import', 'aws', a, '--vpc', 'vpc-2');
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /^vpc vpc-2 10\.1\.0\.0\/16 +# vpc-2$/m);
    const outDir = join(dir, 'out') + '/';
    const each = cli('import', 'aws', a, '--out', outDir);
    assert.equal(each.code, 0, each.stderr);
    assert.deepEqual(readdirSync(outDir).sort(), ['vpc-1.vpcrules', 'vpc-2.vpcrules']);
  });

  it('exits 2 with one line on bad usage and bad input', () => {
    const cases: [string[], RegExp][] = [
      [['import'], /^vpcrules: import needs a source: aws, terraform$/],
      [['import', 'awss', 'x.json'], /^vpcrules: unknown import source 'awss'; did you mean 'aws'\?$/],
      [['import', 'aws'], /^vpcrules: import aws needs at least one file$/],
      [['import', 'aws', '--frobnicate', 'x.json'], /^vpcrules: unknown option '--frobnicate' for import$/],
      [['import', 'aws', join(dir, 'nope.json')], /^vpcrules: cannot read '.*nope\.json': no such file or directory$/],
      [['import', 'aws', threeTier, '--vpc'], /^vpcrules: --vpc needs a value$/],
    ];
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"Subnets": [}');
    cases.push([['import', 'aws', bad], /^vpcrules: .*bad\.json: not JSON/]);
    for (const [args, message] of cases) {
      const { code, stderr } = cli(...args);
      assert.equal(code, 2, args.join(' '));
      assert.match(stderr, message);
      assert.ok(!stderr.includes('\n'), stderr);
    }
  });

  it('is in the help', () => {
    assert.match(cli('--help').stdout, /vpcrules import aws FILE\|DIR\.\.\. \[--vpc VPC-ID\] \[--out FILE\|DIR\]/);
  });
});
