import * as assert from 'node:assert/strict';
import type { Hover, MarkupContent, Position } from 'vscode-languageserver-protocol';
import { openSession, rangeOf, Session } from './harness';
import { SHOP } from './models';

const URI = 'file:///shop.vpcrules';
const SERVERS_URI = 'file:///servers.vpcrules';
const SERVERS = `vpc shop 10.0.0.0/16 2600:1f18:aa00::/56
subnet public 10.0.1.0/24 2600:1f18:aa00:1::/64
security-group web {
  inbound tcp 443 from 0.0.0.0/0 "public \\"HTTPS\\" # storefront"
}
instance web-1 subnet public ip 10.0.1.10,10.0.1.11 ip6 2600:1f18:aa00:1::10 groups web
instance web-2 subnet public ip 10.0.1.20 groups web
flow https internet -> web-1 tcp 443 expect allow
`;

/** A position inside the first occurrence of `needle`, `offset` characters in. */
function inside(needle: string, offset = 1, text = SHOP): Position {
  const start = rangeOf(text, needle).start;
  return { line: start.line, character: start.character + offset };
}

describe('language server: hover', () => {
  let session: Session;
  before(async () => {
    session = await openSession({ debounceMs: 0 });
    await session.open(URI, SHOP);
    await session.open(SERVERS_URI, SERVERS);
  });
  after(() => session.close());

  async function hoverText(position: Position, uri = URI): Promise<string> {
    const hover = await session.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position });
    assert.ok(hover, `no hover at ${JSON.stringify(position)}`);
    return (hover.contents as MarkupContent).value;
  }

  it('on a flow: verdict, expectation, witness, split, hop trace with deciding rules and the packet sequence', async () => {
    const text = await hoverText(inside('flow https'));
    assert.match(text, /\*\*partial\*\*; expected allow: ✗ fails/);
    assert.match(text, /split: admitted for source ports 32768-65535, dropped for 1024-32767/);
    assert.match(text, /witness: `tcp 1\.0\.0\.1:1024 -> 10\.0\.1\.10:443`/);
    assert.match(text, /1\\\. network ACL public-acl of subnet public, inbound: allow by rule 100 \(line 4\)/);
    assert.match(text, /3\\\. network ACL public-acl of subnet public, outbound \(reply\): \*\*deny\*\* by rule 200 \(line 6\)/);
    assert.match(text, /`SYN 1\.0\.0\.1:1024 -> 10\.0\.1\.10:443`/);
    assert.match(text, /`SYN-ACK 10\.0\.1\.10:443 -> 1\.0\.0\.1:1024`\n {2}- security groups of web-1 outbound: _passes on connection tracking_/);
  });

  it('on a flow whose expectation holds', async () => {
    const text = await hoverText(inside('flow ssh'));
    assert.match(text, /\*\*deny\*\*; expected deny: ✓ holds/);
    assert.match(text, /example \(dropped\): `tcp 1\.0\.0\.1:1024 -> 10\.0\.1\.10:22`/);
    assert.match(text, /1\\\. network ACL public-acl of subnet public, inbound: \*\*deny\*\* by rule \\\* \(implicit deny\)/);
    assert.match(text, /2\\\. security groups of web-1, inbound: _not reached_/);
  });

  it('on a NACL rule: what it matches, the flows it decides and its findings', async () => {
    const text = await hoverText(inside('outbound 200'));
    assert.match(text, /\*\*network ACL public-acl\*\*, outbound rule 200 \(line 6\)/);
    assert.match(text, /denies tcp ports 1024-32767 to `0\.0\.0\.0\/0`/);
    assert.match(text, /- flow https \(line 14\): partial/);
    assert.match(text, /hint VR402: outbound rule 200 of network ACL 'public-acl' is redundant/);
  });

  it('on a security group rule', async () => {
    const text = await hoverText(inside('inbound tcp 443'));
    assert.match(text, /\*\*security group web\*\*, inbound rule \(line 9\)/);
    assert.match(text, /allows tcp ports 443 from `0\.0\.0\.0\/0`/);
    assert.match(text, /- flow https \(line 14\): partial/);
  });

  it("on a security group rule with a description: the description's value, escapes read", async () => {
    const text = await hoverText(inside('inbound tcp 443', 1, SERVERS), SERVERS_URI);
    assert.match(text, /description: public "HTTPS" # storefront/);
  });

  it("on a subnet's CIDR: the block and the five addresses AWS reserves", async () => {
    const text = await hoverText(inside('10.0.1.0/24'));
    assert.match(text, /IPv4 network `10\.0\.1\.0`, prefix \/24/);
    assert.match(text, /- addresses: 256\n- first: `10\.0\.1\.0`\n- last: `10\.0\.1\.255`/);
    for (const line of ['`10.0.1.0`: network address', '`10.0.1.1`: VPC router', '`10.0.1.2`: DNS server', '`10.0.1.3`: reserved for future use', '`10.0.1.255`: broadcast address']) {
      assert.ok(text.includes(`- ${line}`), `missing '${line}' in\n${text}`);
    }
  });

  it("on the VPC's CIDR: no reserved addresses", async () => {
    const text = await hoverText(inside('10.0.0.0/16'));
    assert.match(text, /- addresses: 65,536/);
    assert.doesNotMatch(text, /reserves/);
  });

  it('on a port: its well-known service', async () => {
    assert.equal(await hoverText(inside('443 from')), '**port 443**: HTTPS');
    assert.match(await hoverText(inside('32768-65535', 8)), /ports 32768-65535: 32,768 ports/);
  });

  it('on a name: its declaration', async () => {
    const text = await hoverText(inside('web-1 tcp 443'));
    assert.match(text, /\*\*instance web-1\*\*, declared on line 13/);
    assert.match(text, /`instance web-1 subnet public ip 10\.0\.1\.10 groups web`/);
    assert.match(await hoverText(inside('acl public-acl', 5)), /\*\*network ACL public-acl\*\*, declared on line 3/);
  });

  it("on an instance's name: every address, the primary first", async () => {
    const declared = await hoverText(inside('web-1 subnet', 1, SERVERS), SERVERS_URI);
    assert.match(declared, /- IPv4: `10\.0\.1\.10` \(primary\), `10\.0\.1\.11`\n- IPv6: `2600:1f18:aa00:1::10`/);
    const used = await hoverText(inside('web-1 tcp', 1, SERVERS), SERVERS_URI);
    assert.match(used, /- IPv4: `10\.0\.1\.10` \(primary\), `10\.0\.1\.11`/);
    const single = await hoverText(inside('web-2', 1, SERVERS), SERVERS_URI);
    assert.match(single, /- IPv4: `10\.0\.1\.20`\n/);
  });

  it('on blank space: nothing', async () => {
    const hover = await session.request<Hover | null>('textDocument/hover', { textDocument: { uri: URI }, position: { line: 200, character: 0 } });
    assert.equal(hover, null);
  });
});
