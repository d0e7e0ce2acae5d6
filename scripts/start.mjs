// The front door's main job: check every bundled example and show the verdicts.
import { spawnSync } from 'node:child_process';

const result = spawnSync(process.execPath, ['server/bin/vpcrules.js', 'check', 'examples'], { stdio: 'inherit' });
console.log(`
The errors, warnings and failing flows above are deliberate:
  - examples/mistakes/ holds one realistic mistake per check, each file named after its check;
  - examples/ecommerce-tcp.vpcrules reproduces the classic outage of a network ACL whose return
    rule misses part of the clients' ephemeral ports: flow 'https' is partial;
  - examples/nat-return-gotcha.vpcrules has a NAT gateway whose subnet's network ACL drops the
    replies to the ports it chose: flow 'updates' is denied;
  - examples/inspection-vpc.vpcrules sends every packet through AWS Network Firewall, whose
    egress allowlist has no rule for the partner's SFTP server: flow 'partner-sftp' is denied.
Every flow of examples/video-streaming-udp.vpcrules and examples/layered-web-app-db.vpcrules
holds. See why a flow gets its verdict, hop by hop and packet by packet, with:
  npx vpcrules explain examples/ecommerce-tcp.vpcrules https`);
process.exit(result.status === 2 ? 2 : 0);
