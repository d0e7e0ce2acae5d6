// The front door's main job: check every bundled example and show the verdicts.
import { spawnSync } from 'node:child_process';

const result = spawnSync(process.execPath, ['server/bin/vpcrules.js', 'check', 'examples'], { stdio: 'inherit' });
console.log(`
The errors and failing flows above are deliberate: examples/mistakes/ holds one realistic
mistake per check, and examples/ecommerce-tcp.vpcrules reproduces the classic outage of a
network ACL that drops replies to clients' ephemeral ports. Explain any flow with:
  npx vpcrules explain examples/ecommerce-tcp.vpcrules FLOW`);
process.exit(result.status === 2 ? 2 : 0);
