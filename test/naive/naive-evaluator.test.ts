// The naive evaluator on hand-reasoned cases: each flow with the verdict worked out by hand from
// the spec and the recorded decisions, and the one-line reason. These pin the oracle itself, so
// that the property test compares the engine with the language, not with another program's slip.
import * as assert from 'node:assert/strict';
import {
  buildNaiveModel, Conn, coverageSize, decideConnection, evaluateNaive, exactVerdict, NaiveModel, NaiveVerdict, traceConnection,
} from './naive-evaluator';
import { connectionOfJsonWitness } from './json-witness';

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

/** A network with routing (../shared/spec/paths.md); every verdict below is reasoned on it. */
const ROUTED = `vpc main 10.0.0.0/16 2600:1f18:0:100::/56
internet-gateway igw
egress-only-gateway eigw
nat-gateway nat-a subnet public ip 10.0.0.10 public-ip 52.0.0.10
nat-gateway nat-b subnet app ip 10.0.1.5 public-ip 52.0.0.11
nat-gateway nat-c subnet looped ip 10.0.7.5 public-ip 52.0.0.12

# public: the internet through igw; public-acl answers TCP only on 32768-65535, UDP on 1024-65535.
# app, mixed, misc (no table: the main one): the internet through nat-a, IPv6 through eigw, a
#   blackhole, an unmodelled VPN, NAT64, and db's subnet through nat-a (middlebox routing).
# db: local routes only. inspected: its local route replaced by an appliance. inner: through nat-b
#   (in app), then nat-a. looped: through nat-c, whose own subnet sends it to nat-c again.
# other: its route for public's subnet goes through nat-b.
subnet public    10.0.0.0/24 2600:1f18:0:100::/64 acl public-acl routes public-rt
subnet app       10.0.1.0/24 2600:1f18:0:101::/64 routes private-rt
subnet db        10.0.2.0/24 routes isolated-rt
subnet misc      10.0.3.0/24
subnet mixed     10.0.4.0/24 routes private-rt
subnet inspected 10.0.5.0/24 routes inspect-rt
subnet inner     10.0.6.0/24 routes inner-rt
subnet looped    10.0.7.0/24 routes loop-rt
subnet other     10.0.8.0/24 routes other-rt

route-table public-rt {
  route 0.0.0.0/0 -> igw igw
  route ::/0 -> igw igw
}
route-table private-rt main {
  route 0.0.0.0/0 -> nat nat-a
  route ::/0 -> eigw eigw
  route 198.51.100.0/24 -> blackhole
  route 203.0.113.0/24 -> unmodelled "vpn to the office"
  route 64:ff9b::/96 -> nat nat-a
  route 10.0.2.0/24 -> nat nat-a
}
route-table isolated-rt {
}
route-table inspect-rt {
  route 10.0.0.0/16 -> unmodelled "inspection appliance"
}
route-table inner-rt {
  route 0.0.0.0/0 -> nat nat-b
}
route-table loop-rt {
  route 0.0.0.0/0 -> nat nat-c
}
route-table other-rt {
  route 10.0.0.0/24 -> nat nat-b
}

network-acl public-acl {
  inbound  100 allow tcp 443 from 0.0.0.0/0
  inbound  105 deny  udp 123 from 10.0.1.0/24
  inbound  110 allow tcp 32768-65535 from 0.0.0.0/0
  inbound  115 allow udp 1024-65535 from 0.0.0.0/0
  inbound  120 allow all from 10.0.0.0/16
  inbound  130 allow all from ::/0
  inbound  140 allow icmp all from 0.0.0.0/0
  outbound 100 deny  tcp 443 to 8.8.4.0/24
  outbound 110 allow all to 0.0.0.0/0
  outbound 120 allow all to ::/0
}

security-group web-sg {
  inbound  tcp 443 from 0.0.0.0/0
  inbound  tcp 443 from ::/0
  outbound all to 0.0.0.0/0
  outbound all to ::/0
}
security-group app-sg {
  inbound  tcp 443 from ::/0
  inbound  tcp 8080 from 10.0.0.0/16
  outbound all to 0.0.0.0/0
  outbound all to ::/0
}
security-group db-sg {
  inbound  tcp 5432 from 10.0.0.10
  inbound  tcp 5433 from 10.0.1.0/24
  inbound  tcp 5434 from 10.0.0.0/16
  outbound all to 0.0.0.0/0
}

instance web-1   subnet public    ip 10.0.0.20,10.0.0.21 ip6 2600:1f18:0:100::20 public-ip 52.0.0.20 groups web-sg
instance web-2   subnet public    ip 10.0.0.30 ip6 2600:1f18:0:100::30 groups web-sg
instance app-1   subnet app       ip 10.0.1.10 ip6 2600:1f18:0:101::10 groups app-sg
instance db-1    subnet db        ip 10.0.2.10 groups db-sg
instance misc-1  subnet misc      ip 10.0.3.10 groups app-sg
instance mixed-1 subnet mixed     ip 10.0.4.10 public-ip 52.0.0.40 groups web-sg
instance insp-1  subnet inspected ip 10.0.5.10 groups app-sg
instance insp-2  subnet inspected ip 10.0.5.20 groups app-sg
instance inner-1 subnet inner     ip 10.0.6.10 groups app-sg
instance loop-1  subnet looped    ip 10.0.7.10 groups app-sg
instance other-1 subnet other     ip 10.0.8.10 groups app-sg
`;

/** The routed network with an ingress table on the internet gateway. */
const WITH_EDGE_TABLE = `${ROUTED}
route-table edge-rt edge igw {
  route 10.0.0.0/16 -> local
  route 10.0.0.0/24 -> unmodelled "appliance"
  route 2600:1f18:0:101::/64 -> unmodelled "appliance"
}
`;

/** The routed network without a main table: misc has local routes only. */
const WITHOUT_MAIN = ROUTED.replace('route-table private-rt main {', 'route-table private-rt {');

/** The routed network without its internet gateway (its routes become blackholes). */
const WITHOUT_IGW = ROUTED.replace('internet-gateway igw\n', '').replaceAll('-> igw igw', '-> blackhole');

/** A network without a route table: gateways and public addresses change nothing. */
const UNROUTED = `
vpc main 10.0.0.0/16
internet-gateway igw
subnet db 10.0.2.0/24
security-group db-sg {
  inbound  tcp 443 from 0.0.0.0/0
  outbound all to 0.0.0.0/0
}
instance db-1 subnet db ip 10.0.2.10 groups db-sg
`;

/** The same with one empty route table: routing is modelled, local routes only. */
const UNROUTED_PLUS_TABLE = `${UNROUTED}route-table rt {
}
`;

const ROUTED_CASES: [network: string, title: string, cases: Case[]][] = [
  [UNROUTED, 'without a route table nothing about routing applies', [
    ['db-1 -> 8.8.8.8 tcp 443', 'allow', "no route table: db-sg and the default NACL alone decide"],
    ['8.8.8.8 -> db-1 tcp 443', 'allow', "no route table: no public address needed"],
  ]],
  [UNROUTED_PLUS_TABLE, 'one route table makes routing apply', [
    ['db-1 -> 8.8.8.8 tcp 443', 'deny', "db uses no table and there is no main one: local routes only, no route to 8.8.8.8"],
    ['8.8.8.8 -> db-1 tcp 443', 'deny', "db-1 has no public-ip: IPv4 from outside cannot reach it"],
  ]],
  [ROUTED, 'implicit local routes, one per VPC block', [
    ['app-1 -> misc-1 tcp 8080', 'allow', "private-rt has no route for misc but the implicit local route of 10.0.0.0/16"],
    ['app-1 -> web-1 tcp 443 ipv6', 'allow', "the IPv6 block's implicit local route is longer than ::/0 -> eigw"],
  ]],
  [ROUTED, "a route with a VPC block's exact destination replaces its local route", [
    ['insp-1 -> misc-1 tcp 8080', 'deny', "inspect-rt sends 10.0.0.0/16 to an unmodelled appliance"],
    ['misc-1 -> insp-1 tcp 8080', 'deny', "the request arrives, but insp-1's reply is routed by inspect-rt to the appliance"],
  ]],
  [ROUTED, 'traffic within one subnet is not routed', [
    ['insp-1 -> insp-2 tcp 8080', 'allow', "two addresses of inspected: switched in the subnet, inspect-rt does not apply"],
  ]],
  [ROUTED, "a subnet uses its table, else the main one", [
    ['misc-1 -> 8.8.8.8 udp 53', 'allow', "misc names no table: the main private-rt sends it through nat-a, whose subnet answers UDP on every NAT port"],
  ]],
  [WITHOUT_MAIN, '... else local routes only', [
    ['misc-1 -> 8.8.8.8 udp 53', 'deny', "no table and no main table: local routes only, no route to 8.8.8.8"],
    ['misc-1 -> app-1 tcp 8080', 'allow', "local routes still reach the other subnets"],
  ]],
  [ROUTED, 'the longest prefix wins; no route, blackhole and unmodelled drop', [
    ['app-1 -> 198.51.100.7 udp 53', 'deny', "198.51.100.0/24 -> blackhole is longer than 0.0.0.0/0 -> nat"],
    ['app-1 -> 198.51.100.0/23 udp 53', 'partial', "198.51.101.0/24 takes 0.0.0.0/0 through nat-a, 198.51.100.0/24 the blackhole"],
    ['app-1 -> 203.0.113.5 tcp 443', 'deny', "203.0.113.0/24 goes to an unmodelled VPN: the file cannot follow it"],
    ['db-1 -> 8.8.8.8 tcp 443', 'deny', "isolated-rt holds only the local routes: no route to 8.8.8.8"],
  ]],
  [ROUTED, 'a host in no declared subnet has no route table', [
    ['10.0.200.5 -> db-1 tcp 5434', 'allow', "straight to db by local routing; db's reply takes the local route of 10.0.0.0/16"],
    ['db-1 -> 10.0.200.5 tcp 5434', 'allow', "the local route of 10.0.0.0/16 reaches it with no further hop"],
  ]],
  [ROUTED, 'the internet gateway sends IPv4 out only from a public address', [
    ['web-1 -> 8.8.8.8 tcp 443', 'partial', "public-ip maps to web-1's first address: 10.0.0.21 has no public address"],
    ['web-2 -> 8.8.8.8 tcp 443', 'deny', "web-2 has no public-ip"],
    ['web-1 -> 8.8.4.4 tcp 443', 'deny', "public-acl (leaving for the gateway) denies 443 to 8.8.4.0/24; 10.0.0.21 has no public address"],
  ]],
  [ROUTED, "IPv4 from outside reaches only an instance's first address, when it has a public-ip", [
    ['8.8.8.8 -> 10.0.0.20 tcp 443', 'allow', "web-1's first address, behind 52.0.0.20; the reply leaves by igw from that address"],
    ['8.8.8.8 -> web-1 tcp 443', 'partial', "the connections to web-1's second address 10.0.0.21 are dropped"],
    ['8.8.8.8 -> 10.0.0.21 tcp 443', 'deny', "a secondary address cannot be reached from outside"],
    ['8.8.8.8 -> web-2 tcp 443', 'deny', "web-2 has no public-ip"],
    ['8.8.8.8 -> app-1 tcp 443', 'deny', "app-1 has no public-ip"],
  ]],
  [ROUTED, 'IPv6 from outside comes in through the internet gateway', [
    ['2001:db8::1 -> web-1 tcp 443', 'allow', "no public address for IPv6: igw, local route, public-acl admits ::/0, web-sg 443"],
    ['2001:db8::1 -> app-1 tcp 443', 'allow', "in through igw; the reply leaves by ::/0 -> eigw, which may carry an IPv6 reply too"],
  ]],
  [WITHOUT_IGW, 'without an internet gateway IPv6 from outside is dropped', [
    ['2001:db8::1 -> web-1 tcp 443', 'deny', "no internet gateway: nothing comes in from outside"],
    ['app-1 -> 2001:db8::1 tcp 443', 'allow', "out through eigw, the reply back through it"],
  ]],
  [ROUTED, 'the egress-only gateway', [
    ['app-1 -> 2001:db8::1 tcp 443', 'allow', "::/0 -> eigw; the reply comes back through it by local routes"],
  ]],
  [WITH_EDGE_TABLE, "the internet gateway's edge table routes what comes in", [
    ['8.8.8.8 -> 10.0.0.20 tcp 443', 'deny', "edge-rt sends public's subnet to an unmodelled appliance"],
    ['web-1 -> 8.8.8.8 tcp 443', 'deny', "the reply comes in through igw too, and edge-rt sends it to the appliance"],
    ['app-1 -> 8.8.8.8 udp 53', 'deny', "the reply to nat-a's public address comes in through igw: edge-rt sends nat-a's subnet to the appliance"],
    ['2001:db8::1 -> web-1 tcp 443', 'allow', "edge-rt has no IPv6 route for public: its implicit local route"],
    ['2001:db8::1 -> app-1 tcp 443', 'deny', "edge-rt sends app's IPv6 subnet to the appliance"],
    ['app-1 -> 2001:db8::1 tcp 443', 'allow', "the reply comes back through eigw, which has no edge table: local routes"],
  ]],
  [ROUTED, 'the NAT gateway', [
    ['app-1 -> 8.8.8.8 udp 53', 'allow', "nat-a rewrites the source to 10.0.0.10 (52.0.0.10 at igw); public-acl answers UDP on every NAT port"],
    ['app-1 -> 8.8.8.8 tcp 443', 'partial', "public-acl admits TCP replies only on 32768-65535: NAT ports 1024-32767 are dropped"],
    ['app-1 -> 8.8.4.4 tcp 443', 'deny', "public-acl, crossed from nat-a's subnet to igw, denies 443 to 8.8.4.0/24"],
    ['app-1 -> 8.8.8.8 udp 123', 'deny', "public-acl, crossed from app's subnet into nat-a's, denies NTP from app"],
    ['app-1 -> 8.8.8.8 icmp type 8', 'allow', "ICMP has no port for nat-a to choose; public-acl admits the echo reply"],
    ['app-1 -> 64:ff9b::808:808 tcp 443', 'deny', "an IPv6 route to a NAT gateway is NAT64: not modelled, dropped"],
    ['app-1 -> db-1 tcp 5432', 'allow', "private-rt sends db's subnet through nat-a: db-1 sees 10.0.0.10, which db-sg admits"],
    ['app-1 -> db-1 tcp 5433', 'deny', "db-sg admits 5433 from app's subnet, but the packet comes from nat-a's address"],
    ['inner-1 -> 8.8.8.8 udp 53', 'allow', "through nat-b, then nat-a; the reply back through nat-a, then nat-b"],
    ['inner-1 -> 8.8.8.8 tcp 443', 'partial', "nat-a's ports 1024-32767 are dropped by public-acl on the way back"],
  ]],
  [ROUTED, 'a public address named as an end is external', [
    ['app-1 -> 52.0.0.20 udp 8443', 'allow', "web-1's public address: out through nat-a and igw; web-sg (no 8443) does not judge it"],
  ]],
  [ROUTED, 'the reply must cross the same NAT gateways, in reverse order', [
    ['8.8.8.8 -> 10.0.4.10 tcp 443', 'deny', "mixed-1 has a public address, but its reply goes out through nat-a, which the request never crossed"],
    ['web-2 -> other-1 tcp 8080', 'deny', "other-rt sends the reply to public's subnet through nat-b: asymmetric"],
  ]],
  [ROUTED, 'a routing loop', [
    ['loop-1 -> 8.8.8.8 udp 53', 'deny', "nat-c's own subnet sends 0.0.0.0/0 back to nat-c: more than 16 nodes"],
  ]],
];


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

  describe('routing', () => {
    for (const [network, title, cases] of ROUTED_CASES) {
      describe(title, () => {
        for (const [flow, verdict, why] of cases) {
          it(`${flow}: ${verdict} (${why})`, () => assert.equal(verdictOf(network, flow), verdict));
        }
      });
    }
  });

  describe('the trace of a dropped routed connection says why', () => {
    const cases: [flow: string, why: string][] = [
      ['db-1 -> 8.8.8.8 tcp 443', 'no route to 8.8.8.8'],
      ['app-1 -> 198.51.100.7 udp 53', '198.51.100.0/24 -> blackhole'],
      ['app-1 -> 203.0.113.5 tcp 443', 'not modelled: vpn to the office'],
      ['web-2 -> 8.8.8.8 tcp 443', 'no public IPv4 address for 10.0.0.30'],
      ['8.8.8.8 -> web-2 tcp 443', 'no public IPv4 address for 10.0.0.30'],
      ['app-1 -> 64:ff9b::808:808 tcp 443', 'NAT64 is not modelled'],
      ['8.8.8.8 -> 10.0.4.10 tcp 443', 'asymmetric routing'],
      ['loop-1 -> 8.8.8.8 udp 53', 'routing loop'],
      ['app-1 -> 8.8.8.8 tcp 443', 'nacl public in (reply)'],
    ];
    for (const [flow, why] of cases) {
      it(`${flow}: ${why}`, () => {
        const model = buildNaiveModel(`${ROUTED}flow f ${flow} from-ports 40000 expect allow\n`);
        const dropped = evaluateNaive(model, model.flows[0]).someDropped!;
        const trace = traceConnection(model, model.flows[0], dropped);
        assert.ok(trace[trace.length - 1].hop.includes(why), trace.map((s) => s.hop).join('\n'));
      });
    }
  });

  describe('one connection through NAT gateways at a time', () => {
    const model = buildNaiveModel(`${ROUTED}flow f app-1 -> 8.8.8.8 tcp 443 from-ports 40000-40001 expect allow
flow g inner-1 -> 8.8.8.8 tcp 443 from-ports 40000 expect allow
flow h app-1 -> 8.8.8.8 icmp type 8 expect allow
`);
    const [f, g, h] = model.flows;
    const dns = 0x08080808n; // 8.8.8.8
    const tcp = (srcIp: bigint, natPorts?: number[]): Conn => ({ protocol: 6, family: 4, srcIp, dstIp: dns, srcPort: 40000, key: 443, natPorts });
    const app1 = 0x0a00010an; // 10.0.1.10
    const inner1 = 0x0a00060an; // 10.0.6.10

    it('drops it when nat-a chooses a port public-acl does not answer', () => {
      assert.equal(decideConnection(model, f, tcp(app1, [2000])).admitted, false);
    });
    it('admits it when nat-a chooses a port public-acl answers', () => {
      assert.equal(decideConnection(model, f, tcp(app1, [40000])).admitted, true);
    });
    it('without a NAT port, admits it only if every port is admitted, and names the NAT gateways', () => {
      const decision = decideConnection(model, f, tcp(app1));
      assert.equal(decision.admitted, false);
      assert.deepEqual(decision.natGateways, ['nat-a']);
    });
    it('counts every connection once for every port nat-a may choose', () => {
      const result = evaluateNaive(model, f);
      assert.deepEqual([result.verdict, result.total, result.admitted], ['partial', 2 * 64512, 2 * 32768]);
    });
    it('takes the ports in the order the NAT gateways are crossed: nat-b, then nat-a', () => {
      assert.deepEqual(decideConnection(model, g, tcp(inner1)).natGateways, ['nat-b', 'nat-a']);
      assert.equal(decideConnection(model, g, tcp(inner1, [1024, 40000])).admitted, true);
      assert.equal(decideConnection(model, g, tcp(inner1, [40000, 1024])).admitted, false);
    });
    it('counts the connection through two NAT gateways once for every pair of ports', () => {
      const result = evaluateNaive(model, g);
      assert.deepEqual([result.total, result.admitted], [64512 * 64512, 64512 * 32768]);
    });
    it("reads the NAT ports of a JSON witness from its rewrites, in the order crossed", () => {
      const witness = {
        protocol: 'tcp', srcIp: '10.0.6.10', srcPort: 40000, dstIp: '8.8.8.8', dstPort: 443,
        rewrites: [
          { hop: 'NAT gateway nat-b', srcIp: '10.0.1.5', srcPort: 1024, dstIp: '8.8.8.8', dstPort: 443 },
          { hop: 'NAT gateway nat-a', srcIp: '10.0.0.10', srcPort: 2000, dstIp: '8.8.8.8', dstPort: 443 },
          { hop: 'internet gateway igw', srcIp: '52.0.0.10', srcPort: 2000, dstIp: '8.8.8.8', dstPort: 443 },
        ],
      };
      const conn = connectionOfJsonWitness(witness);
      assert.deepEqual(conn.natPorts, [1024, 2000]);
      const decision = decideConnection(model, g, conn);
      assert.deepEqual([decision.covered, decision.admitted], [true, false]);
    });
    it('gives ICMP no NAT port: one connection', () => {
      const result = evaluateNaive(model, h);
      assert.deepEqual([result.verdict, result.total], ['allow', 1]);
    });
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
