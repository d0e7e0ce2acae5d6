// The naive evaluator on hand-reasoned cases: each flow with the verdict worked out by hand from
// the spec and the recorded decisions, and the one-line reason. These pin the oracle itself, so
// that the property test compares the engine with the language, not with another program's slip.
import * as assert from 'node:assert/strict';
import {
  buildNaiveModel, Conn, coverageSize, decideConnection, exactVerdict, NaiveModel, NaiveVerdict,
} from './naive-evaluator';

// web: a NACL that admits 443, every port >= 1024 and all ICMP from IPv4, all of IPv6; sends anything.
// app: a NACL that denies 8080 from the upper half of web, admits 8080 from the VPC, 22 from tools,
//      syslog from the VPC, and answers only ports 32768-65535 inside the VPC.
// tools: the default NACL (allows everything).
const MODEL = `
vpc main 10.0.0.0/16 2600:1f18:0:100::/56
subnet web 10.0.1.0/24 2600:1f18:0:101::/64 acl web-acl
subnet app 10.0.2.0/24 acl app-acl
subnet tools 10.0.3.0/24

network-acl web-acl {
  inbound  100 allow tcp 443 from 0.0.0.0/0
  inbound  110 allow tcp 1024-65535 from 0.0.0.0/0
  inbound  120 allow icmp all from 0.0.0.0/0
  inbound  130 allow all from ::/0
  outbound 100 allow all to 0.0.0.0/0
  outbound 110 allow all to ::/0
}
network-acl app-acl {
  inbound  100 deny  tcp 8080 from 10.0.1.128/25
  inbound  110 allow tcp 8080 from 10.0.0.0/16
  inbound  120 allow tcp 22 from 10.0.3.0/24
  inbound  130 allow udp 514 from 10.0.0.0/16
  outbound 100 allow tcp 32768-65535 to 10.0.0.0/16
}

security-group web-sg {
  inbound  tcp 443 from 0.0.0.0/0
  inbound  tcp 25 from 10.0.1.0/24
  inbound  icmp type 8 code 0 from 0.0.0.0/0
  inbound  icmp type 0 code 0 from 0.0.0.0/0
  inbound  icmp type 3 code 4 from 0.0.0.0/0
  inbound  icmpv6 type 128 from ::/0
  inbound  tcp 443 from 2600:1f18:0:101::/64
  outbound tcp 443 to 2600:1f18:0:101::10
  outbound tcp 8080 to 10.0.2.0/24
  outbound tcp 25 to 10.0.1.0/24
  outbound tcp 5432 to 10.0.1.0/24
}
security-group app-sg {
  inbound tcp 8080 from 0.0.0.0/0
  inbound tcp 22 from 10.0.0.0/16
}

instance web-1  subnet web   ip 10.0.1.10,10.0.1.140 ip6 2600:1f18:0:101::10,2600:1f18:0:101::11 groups web-sg
instance web-2  subnet web   ip 10.0.1.20 ip6 2600:1f18:0:101::20 groups web-sg
instance web-3  subnet web   ip 10.0.1.200 groups web-sg
instance app-1  subnet app   ip 10.0.2.10,10.0.2.11,10.0.2.12 groups app-sg
instance tool-1 subnet tools ip 10.0.3.10
instance tool-2 subnet tools ip 10.0.3.20
instance tool-3 subnet tools ip 10.0.3.30 groups default
`;

/** The same network with a declared default group: it admits 8000 from tools and sends nothing. */
const WITH_DEFAULT_GROUP = `${MODEL}
security-group default {
  inbound tcp 8000 from 10.0.3.0/24
}
`;

type Case = [flow: string, verdict: NaiveVerdict, why: string];

const CASES: Record<string, Case[]> = {
  'an address end that is an instance\'s address is that instance': [
    ['tool-1 -> 10.0.1.20 tcp 5432', 'deny', "10.0.1.20 is web-2, whose SG admits no 5432 (an external end would have no SG)"],
    ['10.0.1.10 -> app-1 tcp 8080', 'allow', "10.0.1.10 is web-1: its SG sends 8080, app's NACL admits it from the lower half of web"],
    ['10.0.3.10 -> app-1 tcp 22', 'allow', "10.0.3.10 is tool-1: its source ports 32768-60999 are all answered by app's NACL"],
  ],
  'other addresses of a subnet are hosts: its NACL, no SG': [
    ['web-3 -> 10.0.2.50 tcp 8080', 'deny', "app's NACL denies 8080 from 10.0.1.128/25, where web-3 lives"],
    ['tool-1 -> 10.0.2.50 udp 514 oneway', 'allow', "app's NACL admits syslog from the VPC and the host has no SG"],
    ['tool-1 -> app-1 udp 514 oneway', 'deny', "same packets to an instance: app-sg admits no syslog"],
    ['10.0.2.50 -> web-1 tcp 443', 'deny', "the host's subnet NACL (app, outbound) sends only 32768-65535"],
    ['10.0.3.50 -> app-1 tcp 22', 'partial', "a host's source ports are 1024-65535 and app's NACL answers only 32768-65535"],
  ],
  'no NACL inside one subnet': [
    ['web-1 -> web-2 tcp 25', 'allow', "web-acl has no rule for 25, but two instances of web cross no NACL"],
    ['web-1 -> 10.0.1.50 tcp 25', 'allow', "a host of web: no NACL and no SG on its side"],
    ['10.0.1.50 -> web-2 tcp 25', 'allow', "from a host of web: no NACL, web-2 admits 25 from web"],
    ['10.0.0.0/16 -> web-2 tcp 25', 'partial', "sources inside web cross no NACL and are admitted; the others meet web-acl, which has no 25"],
  ],
  'Amazon-provided addresses': [
    ['app-1 -> 169.254.169.254 tcp 80', 'allow', "the metadata service is not filtered (app-sg has no outbound rule at all)"],
    ['app-1 -> 10.0.0.2 udp 53', 'allow', "the VPC's base + 2 is Amazon DNS, not filtered"],
    ['app-1 -> 10.0.2.1 udp 67 oneway', 'allow', "the router of app-1's own subnet, not filtered"],
    ['app-1 -> 10.0.1.1 udp 67 oneway', 'deny', "the router of another subnet is a host of it: app-sg sends nothing"],
    ['web-1 -> fd00:ec2::254 tcp 80', 'allow', "the IPv6 metadata address, not filtered (web-sg sends nothing there)"],
    ['app-1 -> 169.254.169.252/30 tcp 80', 'deny', "a CIDR end holds no Amazon address: only .252 and .255 are left, app-sg sends nothing"],
    ['app-1 -> 10.0.2.0/28 tcp 80', 'deny', "the subnet's router 10.0.2.1 is not part of the CIDR end; app-1's own addresses are excluded"],
    ['app-1 -> internet tcp 443', 'deny', "internet holds no Amazon address, and app-sg sends nothing"],
  ],
  'instances without groups are in the default group': [
    ['tool-1 -> tool-2 tcp 8000', 'allow', "AWS's default group sends anything and admits its own members"],
    ['tool-3 -> tool-2 tcp 8000', 'allow', "tool-3 lists default: a member too"],
    ['10.0.3.50 -> tool-2 tcp 8000', 'deny', "a host of tools is no member of the default group"],
    ['tool-2 -> internet tcp 443', 'allow', "AWS's default group sends to 0.0.0.0/0; tools has the default NACL"],
  ],
  'ICMP echo without a code is code 0': [
    ['internet -> web-1 icmp type 8', 'allow', "web-sg admits type 8 code 0, the only code of echo request; the reply type 0 passes web-acl"],
    ['internet -> web-1 icmp type 0', 'allow', "web-sg admits type 0 code 0, the only code of echo reply"],
    ['internet -> web-1 icmp type 8 code 0', 'allow', "the same connections, written out"],
    ['internet -> web-1 icmp type 3', 'partial', "not echo: every code of type 3, and web-sg admits only code 4"],
  ],
  'an instance end is every address of its family': [
    ['web-1 -> app-1 tcp 8080', 'partial', "from 10.0.1.10 app's NACL admits 8080, from 10.0.1.140 it denies"],
    ['web-2 -> app-1 tcp 8080', 'allow', "web-2 has one address, in the admitted half"],
    ['web-2 -> 10.0.2.11 tcp 8080', 'allow', "a secondary address of app-1 is app-1"],
    ['web-2 -> web-1 tcp 443 ipv6', 'partial', "both IPv6 addresses of web-1, and web-sg sends 443 only to the first"],
  ],
  'an instance never talks to itself in a flow': [
    ['web-2 -> 10.0.1.16/28 tcp 5432', 'allow', "web-2 (10.0.1.20) would not admit its own 5432, but that connection is no part of the flow"],
  ],
  'icmpv6 makes the flow IPv6': [
    ['internet -> web-1 icmpv6 type 128', 'allow', "IPv6 internet to web-1's ip6: web-acl admits all from ::/0, web-sg admits type 128 from ::/0"],
  ],
};

function flowOf(model: NaiveModel) {
  assert.equal(model.flows.length, 1);
  return model.flows[0];
}

function verdictOf(network: string, flow: string): NaiveVerdict {
  const model = buildNaiveModel(`${network}flow f ${flow} expect allow\n`);
  return exactVerdict(model, flowOf(model));
}

describe('naive evaluator on hand-reasoned flows', () => {
  for (const [topic, cases] of Object.entries(CASES)) {
    describe(topic, () => {
      for (const [flow, verdict, why] of cases) {
        it(`${flow}: ${verdict} (${why})`, () => assert.equal(verdictOf(MODEL, flow), verdict));
      }
    });
  }

  describe('a declared security-group default replaces AWS\'s', () => {
    const cases: Case[] = [
      ['10.0.3.50 -> tool-2 tcp 8000', 'allow', "the declared default admits 8000 from all of tools"],
      ['tool-1 -> tool-2 tcp 8000', 'deny', "the declared default has no outbound rule"],
    ];
    for (const [flow, verdict, why] of cases) {
      it(`${flow}: ${verdict} (${why})`, () => assert.equal(verdictOf(WITH_DEFAULT_GROUP, flow), verdict));
    }
  });

  describe('one connection at a time', () => {
    const model = buildNaiveModel(`${MODEL}flow f web-1 -> 10.0.1.0/28 tcp 25 expect allow\nflow g web-1 -> 10.0.1.10 tcp 25 expect allow\n`);
    const [f, g] = model.flows;
    const tcp = (srcIp: bigint, dstIp: bigint, srcPort: number): Conn => ({ protocol: 6, family: 4, srcIp, dstIp, srcPort, key: 25 });
    const a = (last: number) => 0x0a000100n + BigInt(last); // 10.0.1.<last>

    it('covers a connection to a host of the CIDR, from an ephemeral port, and admits it', () => {
      assert.deepEqual(decideConnection(model, f, tcp(a(10), a(5), 40000)), { covered: true, admitted: true, trace: [{ hop: '1 sg out', allow: true }], natGateways: [] });
    });
    it('does not cover the instance talking to itself', () => {
      assert.equal(decideConnection(model, f, tcp(a(10), a(10), 40000)).covered, false);
    });
    it('does not cover the subnet router, removed from the CIDR end', () => {
      assert.equal(decideConnection(model, f, tcp(a(10), a(1), 40000)).covered, false);
    });
    it('does not cover a source port outside the instance\'s ephemeral range', () => {
      assert.equal(decideConnection(model, f, tcp(a(10), a(5), 1024)).covered, false);
    });
    it('counts a flow from an instance to one of its own addresses as covering nothing', () => {
      assert.equal(coverageSize(model, g), 0n);
    });
    it('counts the connections of a CIDR end without the router and the instance itself', () => {
      // 10.0.1.0/28 minus .1 (router) and .10 (web-1 itself): 14 addresses, from two source addresses.
      assert.equal(coverageSize(model, f), 2n * 14n * BigInt(60999 - 32768 + 1));
    });
  });
});
