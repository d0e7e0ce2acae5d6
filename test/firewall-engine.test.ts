// AWS Network Firewall as a person reads it: which packets each engine judged, the rule named at
// each stage, the Suricata sets as the model reads them, and the JSON report's firewall fields.
// The verdicts of each rule of the spec's firewall section are in test/fixtures/engine/firewall.vpcrules.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatAddrSet } from '../server/src/engine/addresses';
import { analyze, Analysis } from '../server/src/engine/analyze';
import { checkPlace, packetSequence, ruleName } from '../server/src/engine/explain';
import { formatPorts } from '../server/src/engine/keys';
import { formatExplain } from '../server/src/engine/report-text';
import { jsonFlow } from '../server/src/cli/report';

const ROOT = join(__dirname, '..', '..');
const plain = { bold: (t: string) => t, dim: (t: string) => t, red: (t: string) => t, green: (t: string) => t, yellow: (t: string) => t };

function analysisOf(path: string): Analysis {
  return analyze(readFileSync(join(ROOT, path), 'utf8'));
}

function flowOf(analysis: Analysis, name: string) {
  const flow = analysis.flows.find((result) => result.flow.name === name);
  assert.ok(flow, `no flow ${name}`);
  return flow;
}

/** "SYN | firewall inspect-a stateful | judged | pass by ...": the firewall's part of each packet line. */
function firewallLines(result: ReturnType<typeof flowOf>): string[] {
  return packetSequence(result).flatMap((line) => line.checks.filter((check) => check.hop.kind === 'firewall')
    .map((check) => `${line.packet.split(' ')[0]} | ${checkPlace(check.hop, check.direction)} | ${check.judged ? 'judged' : 'not judged'} | ${check.note}`));
}

describe('AWS Network Firewall, as explained', () => {
  const inspection = analysisOf('examples/inspection-vpc.vpcrules');
  const fixture = analysisOf('test/fixtures/engine/firewall.vpcrules');

  it('shows the two engines side by side: every packet judged alone by the stateless stage, the stateful stage passing the rest on state', () => {
    const lines = firewallLines(flowOf(inspection, 'https-a'));
    assert.deepEqual(lines.slice(0, 4), [
      'SYN | firewall inspect-a stateless | judged | forward by the stateless default of policy shop-policy (line 54) (judged alone)',
      'SYN | firewall inspect-a stateful | judged | pass by stateful sid 100 of group ingress-rules "HTTPS to the load balancer" (line 65)',
      'SYN-ACK | firewall inspect-a stateless | judged | forward by the stateless default of policy shop-policy (line 54) (judged alone)',
      'SYN-ACK | firewall inspect-a stateful | not judged | passes on state: an earlier packet of the connection matched a pass rule',
    ]);
    // Every later packet, both ways: judged alone statelessly, passed on state statefully.
    for (const line of lines.slice(4)) assert.match(line, /stateless \| judged \| forward|stateful \| not judged \| passes on state/);
  });

  it('names the stage, the group and the rule that drops, with its line', () => {
    const sftp = flowOf(inspection, 'partner-sftp');
    const last = sftp.trace[sftp.trace.length - 1];
    assert.equal(last.hop.label, 'firewall inspect-a stateful');
    assert.equal(ruleName(last), 'stateful sid 290 of group egress-allowlist "other TCP out"');
    assert.equal(last.rule?.decl?.range.start.line, 70);
    // The endpoint sees the NAT gateway's address: sid 200 to 290 match $HOME_NET, which holds it.
    assert.match(formatExplain(sftp, plain), /firewall inspect-a stateful: deny \(SYN: drop by stateful sid 290 of group egress-allowlist "other TCP out" \(line 71\)\)/);
  });

  it('judges the reply at the stateless stage on its own: the missing return rule drops the SYN-ACK', () => {
    const pg = flowOf(fixture, 'pg');
    const steps = pg.trace.filter((step) => step.hop.kind === 'firewall').map((step) => `${step.hop.label} ${step.hop.phase} ${step.action} ${ruleName(step)}`);
    assert.deepEqual(steps, [
      'firewall fw-b stateless request allow stateless rule 10 of group east-stateless',
      'firewall fw-b stateful request allow no rule decides',
      'firewall fw-b stateless reply deny stateless default drop',
    ]);
    assert.deepEqual(firewallLines(pg).filter((line) => line.startsWith('SYN-ACK')), [
      'SYN-ACK | firewall fw-b stateless | judged | drop by the stateless default of policy east-policy (line 65) (judged alone)',
      'SYN-ACK | firewall fw-b stateful | not judged | not seen: the stateless stage dropped it',
    ]);
  });

  it('says which packets a stateless pass keeps from the stateful stage', () => {
    const ssh = flowOf(fixture, 'ssh-bypass');
    const syn = firewallLines(ssh).filter((line) => line.startsWith('SYN |'));
    assert.deepEqual(syn, [
      'SYN | firewall fw-a stateless | judged | pass by stateless rule 20 of group edge-stateless (line 51) (judged alone)',
      'SYN | firewall fw-a stateful | not judged | not seen: the stateless stage passed it',
    ]);
  });

  it('drops an established reply under drop-established, after the first datagram passed unmatched', () => {
    const syslog = flowOf(fixture, 'syslog');
    const stateful = syslog.trace.filter((step) => step.hop.kind === 'firewall' && step.hop.stage === 'stateful');
    assert.deepEqual(stateful.map((step) => `${step.hop.phase} ${step.action}`), ['request allow', 'reply deny']);
    assert.match(formatExplain(syslog, plain), /firewall fw-b stateful \(reply\): deny \(reply datagram: drop by the stateful default drop-established of policy east-policy/);
  });

  it('names the rules it leaves out in every verdict they could change, in the text and the JSON report', () => {
    const http = flowOf(fixture, 'http-in');
    assert.match(formatExplain(http, plain), /note: the verdict assumes stateful sid 4 of group edge-stateful "no plain http" \(line \d+\) does not decide: it matches on the application protocol 'http'/);
    const json = jsonFlow('firewall.vpcrules', http);
    assert.equal(json.assumes?.length, 1);
    // A flow whose packets the rule's header cannot match carries no such note.
    assert.equal(jsonFlow('firewall.vpcrules', flowOf(fixture, 'dns')).assumes, undefined);
  });

  it('gives each firewall stage of the JSON trace its packets', () => {
    const json = jsonFlow('inspection-vpc.vpcrules', flowOf(inspection, 'https-a'));
    const stateful = json.trace.find((step) => step.hop === 'firewall inspect-a stateful' && step.phase === 'reply');
    assert.deepEqual(stateful?.packets, [
      { packet: 'SYN-ACK', judged: false, action: null, note: 'passes on state: an earlier packet of the connection matched a pass rule' },
      { packet: 'data back', judged: false, action: null, note: 'passes on state: an earlier packet of the connection matched a pass rule' },
    ]);
  });

  it('splits a flow by the firewall rule that drops part of it', () => {
    assert.match(flowOf(fixture, 'web-in').split ?? '', /dropped for 192\.0\.2\.0\/24 by stateless rule 10 of group edge-stateless at firewall fw-a$/);
  });
});

describe('Suricata headers as the model reads them', () => {
  const model = analyze(`vpc corp 10.0.0.0/16 2600:1f18::/56
stateful-rule-group g {
  pass tcp [10.0.0.0/8,!10.0.1.0/24] 1024: -> $EXTERNAL_NET [80,443,8000:8100] (sid:1;)
  drop udp !$HOME_NET any <> any ![53,123] (flow:to_server,not_established; sid:2;)
  alert ip any any -> [!10.0.0.0/16] any (sid:3;)
}
`).model;
  const rules = model.statefulGroups.get('g')!.rules;

  it('reads a list as its items minus its negated items, and N: as N and up', () => {
    const [first] = rules;
    assert.equal(formatAddrSet(first.sources.v4, 4), '10.0.0.0/24, 10.0.2.0-10.255.255.255');
    assert.equal(first.sources.v4.has(0x0a000105n), false, '10.0.1.5 is negated');
    assert.equal(first.sources.v4.has(0x0a020304n), true, '10.2.3.4 is in 10.0.0.0/8');
    assert.equal(first.sources.v6.isEmpty(), true, 'the list holds IPv4 only');
    assert.equal(formatPorts(first.sourcePorts), '1024-65535');
    assert.equal(formatPorts(first.destinationPorts), '80, 443, 8000-8100');
    assert.equal(first.destinations.v4.has(0x0a000001n), false, '$EXTERNAL_NET excludes the VPC');
    assert.equal(first.destinations.v6.has(0x26001f18000000000000000000000001n), false);
    assert.equal(first.destinations.v4.has(0x08080808n), true);
  });

  it('reads negated variables and port lists, `<>` and the flow keywords', () => {
    const second = rules[1];
    assert.equal(second.sources.v4.has(0x0a000001n), false, '!$HOME_NET');
    assert.equal(second.bidirectional, true);
    assert.equal(second.destinationPorts.has(53), false);
    assert.equal(second.destinationPorts.has(54), true);
    assert.equal(second.flowDirection, 'to_server');
    assert.equal(second.flowState, 'not_established');
    assert.equal(second.hasPorts, true, 'a port other than any limits the rule to TCP and UDP');
    assert.equal(rules[2].hasPorts, false);
    assert.equal(rules[2].destinations.v4.has(0x0a000001n), false, 'a list of negated items is everything but them');
  });
});
