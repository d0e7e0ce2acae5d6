// What a person reads about a flow: the deciding rule as written (spaces normalised), the hop that
// AWS does not filter, where an address end's example lies, and connections AWS does not track.
import * as assert from 'node:assert/strict';
import { analyze } from '../server/src/engine/analyze';
import { exampleEnds, packetSequence, ruleName } from '../server/src/engine/explain';
import { formatExplain } from '../server/src/engine/report-text';

const MODEL = `vpc shop 10.0.0.0/16
subnet web 10.0.1.0/24
subnet data 10.0.2.0/24
security-group web {
  inbound   tcp 443   from 0.0.0.0/0      "HTTPS  from anyone"
  outbound  all       to   0.0.0.0/0
}
security-group db {
  inbound tcp 5432 from sg web
}
instance web-1 subnet web ip 10.0.1.10 groups web
instance db-1 subnet data ip 10.0.2.10 groups db
flow https internet -> web-1 tcp 443 expect allow
flow db web-1 -> 10.0.2.10 tcp 5432 expect allow
flow host web-1 -> 10.0.2.99 tcp 5432 expect allow
flow metadata web-1 -> 169.254.169.254 tcp 80 expect allow
`;

const plain = { bold: (t: string) => t, dim: (t: string) => t, red: (t: string) => t, green: (t: string) => t, yellow: (t: string) => t };

describe('explanations', () => {
  const analysis = analyze(MODEL);
  const flow = (name: string) => analysis.flows.find((result) => result.flow.name === name)!;

  it('quotes a security group rule with single spaces outside its description', () => {
    const step = flow('https').trace.find((s) => s.hop.kind === 'sg')!;
    assert.equal(ruleName(step), 'web: inbound tcp 443 from 0.0.0.0/0 "HTTPS  from anyone"');
  });

  it('says that replies of a connection AWS does not track pass by the rule of the other direction', () => {
    const lines = packetSequence(flow('https'));
    const synAck = lines.find((line) => line.packet.startsWith('SYN-ACK'))!;
    const sg = synAck.checks.find((check) => check.hop.kind === 'sg')!;
    assert.equal(sg.note, "passes by rule 'web: outbound all to 0.0.0.0/0' (line 6): AWS does not track this connection");
    const data = lines.find((line) => line.packet.startsWith('ACK, data'))!;
    assert.match(data.checks.find((check) => check.hop.kind === 'sg')!.note, /^passes by rule 'web: inbound tcp 443 from 0\.0\.0\.0\/0 "HTTPS {2}from anyone"' \(line 5\): AWS does not track/);
  });

  it('keeps connection tracking for a group that does not open everything both ways', () => {
    const lines = packetSequence(flow('db'));
    const reply = lines.find((line) => line.packet.startsWith('SYN-ACK'))!;
    assert.deepEqual(reply.checks.filter((check) => check.hop.kind === 'sg').map((check) => check.note), [
      'passes on connection tracking', 'passes on connection tracking',
    ]);
  });

  it('names the instance an address end is, and a host of a subnet as such', () => {
    assert.equal(exampleEnds(flow('db')), 'web-1 (10.0.1.10) -> db-1 (10.0.2.10)');
    assert.equal(exampleEnds(flow('host')), 'web-1 (10.0.1.10) -> 10.0.2.99, a host of subnet data (no security group modelled)');
    assert.equal(exampleEnds(flow('https')), undefined);
  });

  it('traces traffic to the metadata service as one step that AWS does not filter', () => {
    const text = formatExplain(flow('metadata'), plain);
    assert.match(text, /verdict: allow/);
    assert.match(text, /1\. the instance metadata service \(not filtered by AWS\): allow \(AWS does not filter traffic between an instance and the instance metadata service\)/);
  });
});
