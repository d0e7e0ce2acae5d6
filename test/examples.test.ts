import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_CHECKS } from '../server/src/diagnostics/codes';
import { analyze, Analysis } from '../server/src/engine/analyze';
import { formatConnection, FlowResult } from '../server/src/engine/evaluate';
import { ruleName } from '../server/src/engine/explain';

const ROOT = join(__dirname, '..', '..');
const EXAMPLES = join(ROOT, 'examples');
const MISTAKES = join(EXAMPLES, 'mistakes');

type Verdict = 'allow' | 'deny' | 'partial';
/** Each flow's verdict and whether its expectation holds (true) or fails (false). */
type FlowTable = Record<string, [Verdict, boolean]>;

// Reasoned from the specs (vpcrules.md, and paths.md where the file declares route tables), flow by
// flow; see the comments in each example file.
const SCENARIOS: Record<string, FlowTable> = {
  'ecommerce-tcp.vpcrules': {
    // Deliberate: in through the internet gateway to web-1's public address and public-acl
    // inbound 100; the reply leaves by public-rt's 0.0.0.0/0 -> igw, and public-acl outbound 110
    // returns it only to ports 32768-65535, while internet clients use 1024-65535.
    'https': ['partial', false],
    // Local routes between subnets; every NACL crossing has its rule both ways.
    'web-app-a': ['allow', true],
    'web-app-b': ['allow', true],
    'app-db': ['allow', true],
    'app-b-db': ['allow', true],
    'app-db-standby': ['allow', true],
    // In through the internet gateway to the bastion's public address; the reply leaves by
    // public-rt (mgmt's table) and mgmt-acl outbound 100 admits every office port.
    'office-ssh': ['allow', true],
    'bastion-web': ['allow', true],
    'bastion-app': ['allow', true],
    'bastion-db': ['allow', true],
    // private-rt sends the internet to nat-a: app-acl outbound 130, public-acl inbound 100 (443
    // from anywhere); nat-a takes a port in 1024-65535 and public-rt sends it to the internet
    // gateway, public-acl outbound 120. The reply comes to nat-a's ports (public-acl inbound 120:
    // all of 1024-65535), then to the app server's ports 32768-60999 from the internet address
    // (public-acl outbound 110, app-acl inbound 130).
    'app-updates': ['allow', true],
    'app-b-updates': ['allow', true],
    'internet-ssh': ['deny', true], // public-acl admits SSH only from the bastion's subnet
    'web-db': ['deny', true], // web-sg opens nothing to the databases
    'internet-db': ['deny', true], // db-1 has no public address: dropped at the internet gateway
    'db-exfil': ['deny', true], // db-sg opens nothing outward (and db-a has only local routes)
    'internet-app': ['deny', true], // app-1 has no public address: dropped at the internet gateway
  },
  'nat-return-gotcha.vpcrules': {
    // Deliberate: the requests leave (private-acl outbound 100, public-acl inbound 100, nat-a,
    // public-acl outbound 100, the internet gateway), but every reply comes from an internet
    // address to one of nat-a's ports and public-acl inbound admits 1024-65535 only from the VPC:
    // dropped by `*` for every connection.
    'updates': ['deny', false],
    // app-1 has no public address: dropped at the internet gateway.
    'internet-ssh': ['deny', true],
    'internet-https': ['deny', true],
  },
  'inspection-vpc.vpcrules': {
    // The edge table sends each public subnet to its zone's endpoint, which forwards (stateless
    // default) to the stateful engine; sid 100 passes the SYN to the load balancer (to_server), so
    // the connection passes; the reply takes 0.0.0.0/0 back to the same endpoint, on state.
    'https-a': ['allow', true],
    'https-b': ['allow', true],
    'blocked-client': ['deny', true], // stateless rule 10 drops everything from 203.0.113.0/24
    // Local routes between subnets: no endpoint on the way.
    'lb-app-a': ['allow', true],
    'lb-app-b': ['allow', true],
    // Out through the zone's NAT gateway, whose subnet sends 0.0.0.0/0 to the endpoint: the SYN
    // (from the NAT gateway's address, in $HOME_NET) matches pass sid 200; the reply comes back by
    // the edge table to the same endpoint, on state, then to the NAT gateway.
    'payments': ['allow', true],
    'ntp': ['allow', true], // pass sid 201 (no flow option): the first datagram passes the connection
    'dns': ['allow', true], // pass sid 202, to the resolvers the allowlist names
    'other-dns': ['deny', true], // only drop sid 291 matches: dropped
    // Deliberate: the allowlist has no rule for SFTP, drop sid 290 drops the SYN.
    'partner-sftp': ['deny', false],
  },
  'video-streaming-udp.vpcrules': {
    'viewer-media-a': ['allow', true],
    'viewer-media-b': ['allow', true],
    'viewer-turn': ['allow', true],
    'turn-relay': ['allow', true],
    'studio-ingest': ['allow', true],
    'health-media-a': ['allow', true],
    'health-media-b': ['allow', true],
    'health-turn': ['allow', true],
    'pmtud': ['allow', true],
    'metrics': ['allow', true],
    'internet-ping': ['deny', true],
    'rogue-ingest': ['deny', true],
    'internet-ssh': ['deny', true],
  },
  'layered-web-app-db.vpcrules': {
    'https-a': ['allow', true],
    'https-b': ['allow', true],
    'https-a-v6': ['allow', true],
    'http3-a': ['allow', true],
    'web-app': ['allow', true],
    'web-app-v6': ['allow', true],
    'web-app-windows': ['allow', true],
    'app-db': ['allow', true],
    'app-db-windows': ['allow', true],
    'replication': ['allow', true],
    'dns': ['allow', true],
    'ntp': ['allow', true],
    'syslog': ['allow', true],
    'ssh-app': ['allow', true],
    'ssh-web-v6': ['allow', true],
    'rdp-windows': ['allow', true],
    'rdp-linux': ['deny', true],
    'ssh-outsider': ['deny', true],
    'internet-db': ['deny', true],
    'web-db': ['deny', true],
    'internet-app-v6': ['deny', true],
  },
};

const analyses = new Map<string, Analysis>();
function analysisOf(path: string): Analysis {
  let analysis = analyses.get(path);
  if (!analysis) {
    analysis = analyze(readFileSync(path, 'utf8'));
    analyses.set(path, analysis);
  }
  return analysis;
}

function flowOf(file: string, name: string): FlowResult {
  const flow = analysisOf(join(EXAMPLES, file)).flows.find((result) => result.flow.name === name);
  assert.ok(flow, `${file}: no flow '${name}'`);
  return flow;
}

/** "1 nacl inbound allow 100", "2 sg inbound allow", "3 nacl outbound deny *": steps numbered along the path */
function traceLines(result: FlowResult): string[] {
  return result.trace.map((step) => `${step.hop.step} ${step.hop.kind} ${step.hop.direction} ${step.action}${step.hop.kind === 'nacl' ? ` ${ruleName(step)}` : ''}`);
}

function problems(analysis: Analysis, severity: 'error' | 'warning'): string[] {
  return analysis.diagnostics.filter((d) => d.severity === severity).map((d) => `${d.range.start.line + 1} ${d.code}`);
}

describe('bundled examples', () => {
  describe('scenario verdicts', () => {
    for (const [file, table] of Object.entries(SCENARIOS)) {
      it(`${file}: every flow has the pinned verdict and expectation result`, () => {
        const actual: FlowTable = {};
        for (const result of analysisOf(join(EXAMPLES, file)).flows) actual[result.flow.name] = [result.verdict, result.ok];
        assert.deepEqual(actual, table);
      });
    }

    it('ecommerce-tcp: the only error is the deliberate failed expectation of flow https, with its cause flagged', () => {
      const analysis = analysisOf(join(EXAMPLES, 'ecommerce-tcp.vpcrules'));
      assert.deepEqual(problems(analysis, 'error'), ['128 VR500']);
      const failed = analysis.diagnostics.find((d) => d.code === 'VR500')!;
      assert.ok(failed.message.startsWith("flow 'https' expects allow but is partial (admitted for source ports 32768-65535, dropped for 1024-32767)"), failed.message);
      // The rule that admits the requests without their replies, on public-acl; the NAT gateway's traffic is right.
      assert.deepEqual(problems(analysis, 'warning'), ['79 VR405']);
    });

    it('nat-return-gotcha: the only error is the deliberate failed expectation of flow updates, with its cause flagged without a flow', () => {
      const analysis = analysisOf(join(EXAMPLES, 'nat-return-gotcha.vpcrules'));
      assert.deepEqual(problems(analysis, 'error'), ['56 VR500']);
      // On the NAT gateway, and on the rule that lets its requests out; both offer the same rule.
      assert.deepEqual(problems(analysis, 'warning'), ['26 VR407', '40 VR405']);
      const [nat, returns] = ['VR407', 'VR405'].map((code) => analysis.diagnostics.find((d) => d.code === code)!);
      assert.equal(nat.fixes[0].title, "Add return rule 'inbound 120 allow tcp 1024-65535 from 0.0.0.0/0'");
      assert.equal(nat.fixes[0], returns.fixes[0]);
    });

    it('inspection-vpc: the only error is the deliberate failed expectation of partner-sftp, dropped by the stateful allowlist', () => {
      const analysis = analysisOf(join(EXAMPLES, 'inspection-vpc.vpcrules'));
      assert.deepEqual(problems(analysis, 'error'), [`${flowOf('inspection-vpc.vpcrules', 'partner-sftp').flow.decl.range.start.line + 1} VR500`]);
      assert.deepEqual(problems(analysis, 'warning'), []);
      const sftp = flowOf('inspection-vpc.vpcrules', 'partner-sftp');
      const last = sftp.trace[sftp.trace.length - 1];
      assert.equal(`${last.hop.label}: ${ruleName(last)}`, 'firewall inspect-a stateful: stateful sid 290 of group egress-allowlist "other TCP out"');
      // The endpoint sees the NAT gateway's address and the port it chose.
      assert.equal(formatConnection(sftp.witness!), 'tcp 10.20.11.10:32768 -> 192.0.2.40:22');
    });

    it('video-streaming-udp and layered-web-app-db have no error and no warning', () => {
      for (const file of ['video-streaming-udp.vpcrules', 'layered-web-app-db.vpcrules']) {
        const analysis = analysisOf(join(EXAMPLES, file));
        assert.deepEqual([...problems(analysis, 'error'), ...problems(analysis, 'warning')], [], file);
      }
    });

    it('the partial flow shows the smallest failing connection and the hop that drops its reply', () => {
      const https = flowOf('ecommerce-tcp.vpcrules', 'https');
      assert.equal(https.split, 'admitted for source ports 32768-65535, dropped for 1024-32767');
      // Lowest internet address, lowest client port: its SYN-ACK has no outbound rule.
      assert.equal(formatConnection(https.witness!), 'tcp 1.0.0.1:1024 -> 10.0.0.10:443');
      // In through the internet gateway, routed locally to public-a; the reply leaves by public-rt.
      assert.deepEqual(traceLines(https), [
        '1 gateway inbound allow', '2 route outbound allow', '3 nacl inbound allow 100', '4 sg inbound allow', '5 route outbound allow', '6 nacl outbound deny *',
      ]);
    });

    it('the NAT gateway gotcha: the request leaves through the NAT gateway, the reply dies entering its subnet', () => {
      const updates = flowOf('nat-return-gotcha.vpcrules', 'updates');
      assert.equal(formatConnection(updates.witness!), 'tcp 10.1.10.10:32768 -> 1.0.0.1:443');
      assert.deepEqual(traceLines(updates), [
        '1 sg outbound allow', '2 route outbound allow', '3 nacl outbound allow 100', '4 nacl inbound allow 100', '5 nat outbound allow',
        '6 route outbound allow', '7 nacl outbound allow 100', '8 gateway outbound allow', '9 gateway inbound allow', '10 route outbound allow',
        '11 nacl inbound deny *',
      ]);
    });

    it('a denied flow that expects deny has no witness; its trace stops at the dropping hop', () => {
      const ping = flowOf('video-streaming-udp.vpcrules', 'internet-ping');
      assert.equal(ping.witness, undefined);
      // Echo requests are admitted only from the ops subnet, which the internet excludes.
      assert.deepEqual(traceLines(ping), ['1 nacl inbound deny *']);
      const webDb = flowOf('layered-web-app-db.vpcrules', 'web-db');
      assert.deepEqual(traceLines(webDb), ['1 sg outbound deny']);
    });

    it('replies are judged by the NACLs only: ntp comes back on port 123 by rule 140, oneway syslog has no reply hop', () => {
      const ntp = flowOf('layered-web-app-db.vpcrules', 'ntp');
      assert.equal(formatConnection(ntp.example), 'udp 10.30.0.10:123 -> 203.0.113.123:123');
      assert.deepEqual(traceLines(ntp), ['1 sg outbound allow', '2 nacl outbound allow 130', '3 nacl inbound allow 140']);
      const syslog = flowOf('layered-web-app-db.vpcrules', 'syslog');
      assert.deepEqual(traceLines(syslog), ['1 sg outbound allow', '2 nacl outbound allow 140', '3 nacl inbound allow 100', '4 sg inbound allow']);
      const echo = flowOf('video-streaming-udp.vpcrules', 'health-media-a');
      assert.deepEqual(traceLines(echo), [
        '1 sg outbound allow', '2 nacl outbound allow 100', '3 nacl inbound allow 120', '4 sg inbound allow',
        '5 nacl outbound allow 110', '6 nacl inbound allow 100',
      ]);
    });
  });

  describe('examples/mistakes: one file per check', () => {
    const files = readdirSync(MISTAKES).filter((name) => name.endsWith('.vpcrules')).sort();

    it('has exactly one file per check of the registry, named after it', () => {
      assert.deepEqual(files, ALL_CHECKS.map((check) => `${check.name}.vpcrules`).sort());
    });

    for (const check of ALL_CHECKS) {
      it(`${check.name}.vpcrules reports ${check.code} and no other error`, () => {
        const path = join(MISTAKES, `${check.name}.vpcrules`);
        const analysis = analysisOf(path);
        const own = analysis.diagnostics.filter((d) => d.code === check.code);
        assert.ok(own.length > 0, `${check.code} not reported; got ${analysis.diagnostics.map((d) => `${d.code}: ${d.message}`).join(' | ') || 'nothing'}`);
        assert.ok(own.some((d) => d.severity === check.severity), `${check.code} not reported as ${check.severity}`);
        const otherErrors = analysis.diagnostics.filter((d) => d.severity === 'error' && d.code !== check.code);
        assert.deepEqual(otherErrors.map((d) => `${d.code}: ${d.message}`), []);
        const text = readFileSync(path, 'utf8');
        assert.match(text, /^# Mistake: /, 'the file starts with a comment explaining the mistake');
        assert.match(text, /^# Fix: /m, 'the comment says how to fix it');
      });
    }
  });

  it('vpcrules check examples exits 1: the failures are deliberate', () => {
    const result = spawnSync(process.execPath, [join(ROOT, 'server', 'bin', 'vpcrules.js'), 'check', 'examples', '--format', 'json'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(result.status, 1, result.stderr);
    const report = JSON.parse(result.stdout) as { flows: { file: string; name: string; ok: boolean }[] };
    const failing = report.flows.filter((flow) => !flow.ok).map((flow) => `${flow.file.replace(/\\/g, '/')} ${flow.name}`);
    // The outages of ecommerce-tcp, inspection-vpc and nat-return-gotcha, and the flow that examples/mistakes/expectation-failed exists to fail.
    assert.deepEqual(failing.sort(), [
      'examples/ecommerce-tcp.vpcrules https', 'examples/inspection-vpc.vpcrules partner-sftp', 'examples/mistakes/expectation-failed.vpcrules app-db',
      'examples/nat-return-gotcha.vpcrules updates',
    ]);
  });
});
