// `node out/bench/import-timing.js [INTERFACES] [GROUPS] [--write DIR]`: generates the AWS CLI JSON of
// one VPC with many network interfaces and security groups (1,000 and 300 by default), times
// `vpcrules import aws` on it (the mapping and the writer, as the CLI runs them, without the file
// reads), then the check of the result, and prints both. `--write DIR` also writes the JSON files
// there, for `npx vpcrules import aws DIR`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../server/src/engine/analyze';
import { InputFile, writeDescription } from '../server/src/import';
import { readAws } from '../server/src/import/aws';
import { randomStream } from '../test/naive/random-stream';

const VPC = 'vpc-0b1e2c3d4a5f60001';
const OWNER = '123456789012';
const hex = (n: number, width = 17) => n.toString(16).padStart(width, '0');
const tags = (name: string) => [{ Key: 'Name', Value: name }];

/** The JSON files of a VPC with `interfaces` network interfaces and `groups` security groups. */
export function generateAwsVpc(interfaces: number, groups: number, seed = 7): InputFile[] {
  const random = randomStream(seed);
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
  const subnetCount = 24;
  const subnets = Array.from({ length: subnetCount }, (_, i) => ({
    SubnetId: `subnet-${hex(i)}`, VpcId: VPC, CidrBlock: `10.40.${i * 4}.0/22`, AvailabilityZone: `us-east-1${'abc'[i % 3]}`,
    Tags: tags(`${i < 6 ? 'public' : i < 18 ? 'app' : 'data'}-${i}`),
  }));
  const groupIds = Array.from({ length: groups }, (_, i) => `sg-${hex(i)}`);
  const port = () => pick([22, 80, 443, 5432, 6379, 8080, 8443, 9092, 3306, 27017]);
  const securityGroups = groupIds.map((id, i) => {
    const peers = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(groupIds));
    return {
      GroupId: id, GroupName: `svc-${i}`, VpcId: VPC, OwnerId: OWNER, Tags: tags(`svc-${i}`),
      IpPermissions: [
        ...peers.map((peer) => ({ IpProtocol: 'tcp', FromPort: port(), ToPort: port(), UserIdGroupPairs: [{ GroupId: peer, UserId: OWNER, Description: 'from a peer service' }] }))
          .map((p) => ({ ...p, FromPort: Math.min(p.FromPort, p.ToPort), ToPort: Math.max(p.FromPort, p.ToPort) })),
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.40.0.0/16', Description: 'HTTPS inside the VPC' }] },
        { IpProtocol: 'icmp', FromPort: 8, ToPort: -1, IpRanges: [{ CidrIp: '10.40.0.0/16' }] },
      ],
      IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    };
  });
  const acl = (i: number) => ({
    NetworkAclId: `acl-${hex(i)}`, VpcId: VPC, IsDefault: i === 0, Tags: i === 0 ? [] : tags(`acl-${i}`),
    Associations: subnets.filter((_, s) => s % 4 === i).map((s) => ({ SubnetId: s.SubnetId })),
    Entries: i === 0
      ? [{ RuleNumber: 100, Egress: false, Protocol: '-1', RuleAction: 'allow', CidrBlock: '0.0.0.0/0' }, { RuleNumber: 100, Egress: true, Protocol: '-1', RuleAction: 'allow', CidrBlock: '0.0.0.0/0' }]
      : Array.from({ length: 20 }, (_, r) => ({
        RuleNumber: 100 + r * 10, Egress: r % 2 === 1, Protocol: '6', RuleAction: r === 18 ? 'deny' : 'allow', CidrBlock: r % 3 === 0 ? '0.0.0.0/0' : '10.40.0.0/16',
        PortRange: r % 2 === 1 ? { From: 1024, To: 65535 } : { From: port(), To: port() + 0 },
      })),
  });
  const networkInterfaces = Array.from({ length: interfaces }, (_, i) => {
    const subnet = subnets[i % subnetCount];
    const base = subnet.CidrBlock.split('.');
    const ip = `10.40.${Number(base[2]) + Math.floor(i / subnetCount / 250)}.${10 + ((Math.floor(i / subnetCount)) % 240)}`;
    const service = i % 10 === 9;
    return {
      NetworkInterfaceId: `eni-${hex(i)}`, SubnetId: subnet.SubnetId, VpcId: VPC, Status: 'in-use', InterfaceType: 'interface',
      Description: service ? 'RDSNetworkInterface' : '', RequesterId: service ? 'amazon-rds' : undefined, RequesterManaged: service,
      PrivateIpAddress: ip, PrivateIpAddresses: [{ PrivateIpAddress: ip, Primary: true }],
      Attachment: service ? { InstanceOwnerId: 'amazon-rds', DeviceIndex: 1 } : { InstanceId: `i-${hex(i)}`, DeviceIndex: 0 },
      Groups: Array.from({ length: 1 + (i % 3) }, () => ({ GroupId: pick(groupIds) })).filter((g, k, all) => all.findIndex((o) => o.GroupId === g.GroupId) === k),
      TagSet: service ? [] : tags(`host-${i}`),
    };
  });
  const json = (path: string, value: unknown) => ({ path, text: JSON.stringify(value, null, 4) });
  return [
    json('vpcs.json', { Vpcs: [{ VpcId: VPC, CidrBlock: '10.40.0.0/16', Tags: tags('large') }] }),
    json('subnets.json', { Subnets: subnets }),
    json('security-groups.json', { SecurityGroups: securityGroups }),
    json('network-acls.json', { NetworkAcls: [0, 1, 2, 3].map(acl) }),
    json('network-interfaces.json', { NetworkInterfaces: networkInterfaces }),
    json('internet-gateways.json', { InternetGateways: [{ InternetGatewayId: 'igw-0b1e2c3d4a5f60001', Attachments: [{ VpcId: VPC, State: 'available' }] }] }),
    json('route-tables.json', { RouteTables: [{ RouteTableId: 'rtb-0b1e2c3d4a5f60001', VpcId: VPC, Associations: [{ Main: true }], Routes: [
      { DestinationCidrBlock: '10.40.0.0/16', GatewayId: 'local', State: 'active' }, { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-0b1e2c3d4a5f60001', State: 'active' },
    ] }] }),
  ];
}

function main(): void {
  const args = process.argv.slice(2);
  const writeAt = args.indexOf('--write');
  const dir = writeAt >= 0 ? args[writeAt + 1] : undefined;
  const numbers = args.filter((arg, i) => /^\d+$/.test(arg) && i !== writeAt + 1).map(Number);
  const [interfaces = 1000, groups = 300] = numbers;
  const files = generateAwsVpc(interfaces, groups);
  if (dir) {
    mkdirSync(dir, { recursive: true });
    for (const file of files) writeFileSync(join(dir, file.path), file.text);
  }
  const bytes = files.reduce((n, file) => n + file.text.length, 0);
  readAws(files); // warm up
  const times: number[] = [];
  let text = '';
  for (let i = 0; i < 5; i++) {
    const start = process.hrtime.bigint();
    text = writeDescription(readAws(files))[0].text;
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  const start = process.hrtime.bigint();
  const analysis = analyze(text);
  const checkMs = Number(process.hrtime.bigint() - start) / 1e6;
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error').length;
  console.log(`import aws: ${interfaces} network interfaces, ${groups} security groups (${(bytes / 1e6).toFixed(1)} MB of JSON in ${files.length} files)`);
  console.log(`  import: median ${times[2].toFixed(0)} ms, best ${times[0].toFixed(0)} ms of 5 runs; ${text.split('\n').length} lines written`);
  console.log(`  check of the result: ${checkMs.toFixed(0)} ms, ${errors} errors`);
}

if (require.main === module) main();
