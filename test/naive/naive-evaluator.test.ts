// The naive evaluator on hand-reasoned cases: each flow with the verdict worked out by hand from
// the spec and the recorded decisions, and the one-line reason. These pin the oracle itself, so
// that the property test compares the engine with the language, not with another program's slip.
import * as assert from 'node:assert/strict';
import {
  buildNaiveModel, Conn, coverageSize, decideConnection, evaluateNaive, exactVerdict, NaiveModel, NaiveVerdict, traceConnection,
} from './naive-evaluator';
import { parse } from '../../server/src/syntax/parser';
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


/**
 * A network with one AWS Network Firewall endpoint fw (in fw-sub) and the policy `p` given:
 * - public (web, with a public address, and nat-a) sends the internet to fw, fw-sub sends it to
 *   igw, and igw's edge table sends public's subnets back through fw (ingress and egress
 *   inspection, IPv4 and IPv6);
 * - private (app) reaches the internet through nat-a, then fw: fw sees nat-a's address and port;
 * - east and west send each other's subnet through fw (east-west inspection);
 * - lopsided sends the internet straight to igw, but the edge table sends its replies through fw.
 * Every NACL is the default one and every SG admits everything, so only routes and fw decide.
 */
function firewalled(policy: string, groups = '', fwSubnetAcl = ''): string {
  return `vpc main 10.0.0.0/16 2600:1f18:0:100::/56
internet-gateway igw
nat-gateway nat-a subnet public ip 10.0.1.10 public-ip 52.0.0.10
subnet fw-sub   10.0.0.0/28 2600:1f18:0:100::/64 routes fw-rt${fwSubnetAcl ? ' acl fw-acl' : ''}
subnet public   10.0.1.0/24 2600:1f18:0:101::/64 routes protected-rt
subnet private  10.0.2.0/24 routes private-rt
subnet east     10.0.3.0/24 routes east-rt
subnet west     10.0.4.0/24 routes west-rt
subnet lopsided 10.0.5.0/24 routes lopsided-rt
route-table fw-rt {
  route 0.0.0.0/0 -> igw igw
  route ::/0 -> igw igw
}
route-table protected-rt {
  route 0.0.0.0/0 -> firewall fw
  route ::/0 -> firewall fw
}
route-table private-rt {
  route 0.0.0.0/0 -> nat nat-a
}
route-table east-rt {
  route 10.0.4.0/24 -> firewall fw
}
route-table west-rt {
  route 10.0.3.0/24 -> firewall fw
}
route-table lopsided-rt {
  route 0.0.0.0/0 -> igw igw
}
route-table edge-rt edge igw {
  route 10.0.1.0/24 -> firewall fw
  route 2600:1f18:0:101::/64 -> firewall fw
  route 10.0.5.0/24 -> firewall fw
}
${fwSubnetAcl ? `network-acl fw-acl {\n${fwSubnetAcl}\n}\n` : ''}security-group open {
  inbound  all from 0.0.0.0/0
  inbound  all from ::/0
  outbound all to 0.0.0.0/0
  outbound all to ::/0
}
instance web subnet public   ip 10.0.1.20 ip6 2600:1f18:0:101::20 public-ip 52.0.0.20 groups open
instance app subnet private  ip 10.0.2.20 groups open
instance e1  subnet east     ip 10.0.3.20 groups open
instance w1  subnet west     ip 10.0.4.20 groups open
instance lop subnet lopsided ip 10.0.5.20 public-ip 52.0.0.50 groups open
firewall fw subnet fw-sub policy p
firewall-policy p {
${policy}
}
${groups}
`;
}

/** A policy whose stateless stage forwards everything to the given stateful groups, in default order. */
const FORWARD_ALL = 'stateless-default forward';

const FIREWALL_CASES: [network: string, title: string, cases: Case[]][] = [
  [firewalled('stateless-default pass'), 'a firewall that passes everything is only a detour', [
    ['web -> 8.8.8.8 tcp 443 from-ports 40000', 'allow', "out through fw, fw-sub's table and igw; the reply back through igw's edge table and fw"],
    ['8.8.8.8 -> web tcp 443', 'allow', "in through the edge table and fw; the reply out through fw"],
    ['web -> 2001:db8::1 icmpv6 type 128', 'allow', "IPv6 takes the same way, through fw both ways"],
    ['e1 -> w1 tcp 5432 from-ports 40000', 'allow', "east-west: each subnet sends the other's through fw"],
    ['app -> 8.8.8.8 udp 53 from-ports 40000', 'allow', "private -> nat-a -> fw -> igw, and back the same way"],
  ]],
  [firewalled('stateless-default pass', '', '  inbound 100 allow all from 0.0.0.0/0\n  outbound 100 deny tcp 443 to 0.0.0.0/0\n  outbound 110 allow all to 0.0.0.0/0'),
    "the endpoint's subnet NACL is crossed both ways, as a NAT gateway's", [
      ['web -> 8.8.8.8 tcp 443 from-ports 40000', 'deny', "fw-acl denies 443 as the packet leaves fw-sub for igw"],
      ['web -> 8.8.8.8 tcp 80 from-ports 40000', 'allow', "fw-acl lets 80 out, and the reply (to port 40000) in and out"],
      ['e1 -> w1 tcp 443 from-ports 40000', 'deny', "fw-acl denies 443 as the packet leaves fw-sub for west"],
    ]],
  [firewalled('stateless-default drop'), 'the stateless default', [
    ['web -> 8.8.8.8 tcp 443 from-ports 40000', 'deny', "no stateless rule: stateless-default drop"],
    ['web -> 10.0.2.20 tcp 443 from-ports 40000', 'allow', "public reaches private by the local route: not through fw"],
  ]],
  [firewalled(`stateless-default forward\n  stateless sl priority 1\n  stateful sf`, `stateless-rule-group sl {
  rule 1 pass tcp from any to any port 443
  rule 2 pass tcp from any port 443 to any
}
stateful-rule-group sf {
  drop tcp any any -> any any (sid:1;)
}`), 'a stateless pass: the stateful stage never sees the packet', [
    ['web -> 8.8.8.8 tcp 443 from-ports 40000', 'allow', "the stateless stage passes the request (to 443) and the reply (from 443): the stateful drop never sees them"],
    ['web -> 8.8.8.8 tcp 80 from-ports 40000', 'deny', "forwarded by the default: the stateful stage drops the SYN"],
  ]],
  [firewalled(`stateless-default forward\n  stateless sl priority 1\n  stateful sf`, `stateless-rule-group sl {
  rule 1 drop tcp from any port 443 to any
}
stateful-rule-group sf {
  pass tcp any any -> any 443 (sid:1;)
}`), 'the stateless stage judges every reply alone', [
    ['web -> 8.8.8.8 tcp 443 from-ports 40000', 'deny', "the stateful pass of the SYN does not help the SYN-ACK: the stateless stage drops it (source port 443)"],
    ['8.8.8.8 -> web tcp 443 from-ports 40000', 'deny', "the same from outside: the reply from web:443 is dropped by the stateless rule"],
    ['web -> 8.8.8.8 tcp 80 from-ports 40000', 'allow', "forwarded both ways; no stateful rule matches: each packet passes"],
  ]],
  [firewalled(`stateless-default forward\n  stateless sl priority 1\n  stateless sl2 priority 2\n  stateful sf`, `stateless-rule-group sl2 {
  rule 1 pass all from any to any
}
stateless-rule-group sl {
  rule 20 forward tcp from any to 8.8.8.0/24
  rule 10 drop tcp from any to 8.8.8.8 port 22
}
stateful-rule-group sf {
  alert ip any any -> any any (msg:"everything"; sid:1;)
}`), 'stateless groups by priority, rules by priority', [
    ['web -> 8.8.8.8 tcp 22 from-ports 40000', 'deny', "rule 10 (drop) comes before rule 20 (forward) though written after it"],
    ['web -> 8.8.8.9 tcp 22 from-ports 40000', 'allow', "rule 20 forwards the request; the stateful stage only alerts: the packets pass"],
    ['web -> 9.9.9.9 tcp 22 from-ports 40000', 'allow', "no rule of sl: group sl2 (priority 2) passes it"],
  ]],
  [firewalled(`${FORWARD_ALL}\n  stateful a\n  stateful b`, `stateful-rule-group a {
  drop tcp any any -> any 443 (sid:1;)
  alert udp any any -> any any (sid:2;)
}
stateful-rule-group b {
  pass tcp $HOME_NET any -> any 443 (sid:3;)
}`), 'default order: pass wins over drop, alert only logs, no match passes', [
    ['web -> 8.8.8.8 tcp 443 from-ports 40000', 'allow', "group a drops and group b passes the SYN: pass wins, and passes the connection"],
    ['8.8.8.8 -> web tcp 443 from-ports 40000', 'deny', "8.8.8.8 is not in $HOME_NET: only the drop matches the SYN"],
    ['web -> 8.8.8.8 udp 53 from-ports 40000', 'allow', "only an alert matches: every packet passes"],
    ['web -> 8.8.8.8 tcp 80 from-ports 40000', 'allow', "no rule matches: every packet passes"],
  ]],
  [firewalled(`${FORWARD_ALL}\n  stateful a priority 1\n  stateful b priority 2\n  stateful-order strict`, `stateful-rule-group a {
  drop tcp any any -> any 443 (sid:1;)
}
stateful-rule-group b {
  pass tcp $HOME_NET any -> any 443 (sid:3;)
}`), 'strict order: the group of lowest priority first', [
    ['web -> 8.8.8.8 tcp 443 from-ports 40000', 'deny', "group a (priority 1) drops the SYN before group b is read"],
  ]],
  [firewalled(`${FORWARD_ALL}\n  stateful a priority 2\n  stateful b priority 1\n  stateful-order strict`, `stateful-rule-group a {
  drop tcp any any -> any 443 (sid:1;)
}
stateful-rule-group b {
  pass tcp $HOME_NET any -> any 443 (sid:3;)
}`), '... by priority, not by the order written', [
    ['web -> 8.8.8.8 tcp 443 from-ports 40000', 'allow', "group b (priority 1) passes the SYN, and with it the connection"],
  ]],
  [firewalled(`${FORWARD_ALL}\n  stateful sf priority 1\n  stateful-order strict\n  stateful-default drop-strict`, `stateful-rule-group sf {
  alert tcp any any -> any any (sid:1;)
  drop tcp any any -> 8.8.8.0/24 any (sid:2;)
  pass tcp any any -> any any (sid:3;)
}`), 'strict order: rules in file order, the first pass, drop or reject decides; else drop-strict', [
    ['web -> 8.8.8.8 tcp 443 from-ports 40000', 'deny', "the alert goes on; the drop (sid 2) comes before the pass"],
    ['web -> 1.1.1.1 tcp 443 from-ports 40000', 'allow', "the pass (sid 3) decides the SYN, and passes the connection"],
    ['web -> 1.1.1.1 udp 53 from-ports 40000', 'deny', "no rule matches UDP: drop-strict drops the first datagram"],
    ['web -> 1.1.1.1 icmp type 8', 'deny', "no rule matches ICMP: drop-strict"],
  ]],
  [firewalled(`${FORWARD_ALL}\n  stateful sf priority 1\n  stateful-order strict\n  stateful-default drop-established`, `stateful-rule-group sf {
  pass tcp any any -> any 22 (flow:to_server,not_established; sid:1;)
  drop udp any any -> any 5353 (sid:2;)
}`), 'drop-established: the handshake gets through, the established packets are dropped', [
    ['web -> 8.8.8.8 tcp 443 from-ports 40000', 'deny', "SYN and SYN-ACK (not established) pass; the data from web is dropped"],
    ['web -> 8.8.8.8 tcp 443 from-ports 40000 oneway', 'allow', "a one-way flow is its SYN alone, not established"],
    ['web -> 8.8.8.8 udp 53 from-ports 40000', 'deny', "the first datagram passes; the reply is established: dropped"],
    ['web -> 8.8.8.8 icmp type 8', 'deny', "the echo request passes; the echo reply is established: dropped"],
    ['web -> 8.8.8.8 tcp 22 from-ports 40000', 'allow', "the SYN matches to_server,not_established: pass, for the whole connection"],
  ]],
  [firewalled(`${FORWARD_ALL}\n  stateful sf`, `stateful-rule-group sf {
  drop tcp any any -> any 443 (flow:to_server,established; sid:1;)
  drop tcp any 8080 -> any any (flow:to_client; sid:2;)
  drop tcp any any -> any 8443 (flow:not_established; sid:3;)
  pass tcp any any -> any 8443 (flow:established; sid:4;)
}`), 'flow options: direction and state', [
    ['web -> 8.8.8.8 tcp 443 from-ports 40000', 'deny', "the SYN is not established; the data from web is: dropped"],
    ['web -> 8.8.8.8 tcp 443 from-ports 40000 oneway', 'allow', "the SYN alone: not established, no drop"],
    ['web -> 8.8.8.8 tcp 8080 from-ports 40000', 'deny', "the SYN-ACK goes to the client: dropped by sid 2"],
    ['8.8.8.8 -> web tcp 8080 from-ports 40000', 'deny', "the same from outside: web's SYN-ACK from 8080 goes to the client"],
    ['web -> 8.8.8.8 tcp 8443 from-ports 40000', 'deny', "the SYN is not established: sid 3 drops it before sid 4 could pass the connection"],
  ]],
  [firewalled(`${FORWARD_ALL}\n  stateful sf priority 1\n  stateful-order strict\n  stateful-default drop-strict`, `stateful-rule-group sf {
  pass tcp $HOME_NET 443 <> $EXTERNAL_NET any (sid:1;)
  pass tcp $HOME_NET 8443 -> $EXTERNAL_NET any (sid:2;)
}`), '<> matches either way; -> only one', [
    ['8.8.8.8 -> web tcp 443 from-ports 40000', 'allow', "the SYN from 8.8.8.8 to web:443 matches sid 1 read backwards: pass"],
    ['8.8.8.8 -> web tcp 8443 from-ports 40000', 'deny', "sid 2 matches only packets from web:8443: the SYN meets drop-strict"],
    ['web -> 8.8.8.8 tcp 443 from-ports 40000', 'deny', "web's SYN comes from port 40000, not 443, and goes to 443, not from it: no rule, drop-strict"],
  ]],
  [firewalled(`${FORWARD_ALL}\n  stateful sf`, `stateful-rule-group sf {
  drop udp any 53 -> any any (sid:1;)
}`), 'a one-way flow is its first packet only', [
    ['web -> 8.8.8.8 udp 53 from-ports 40000', 'deny', "the reply comes from port 53: dropped"],
    ['web -> 8.8.8.8 udp 53 from-ports 40000 oneway', 'allow', "one-way: the first datagram only, which no rule drops"],
  ]],
  [firewalled(`${FORWARD_ALL}\n  stateful sf`, `stateful-rule-group sf {
  drop tcp 10.0.2.0/24 any -> any any (sid:1;)
  drop udp 10.0.1.10 any -> any any (sid:2;)
}`), 'a NAT gateway before the endpoint: the endpoint sees its address', [
    ['app -> 8.8.8.8 tcp 443 from-ports 40000', 'allow', "fw sees nat-a's 10.0.1.10, not app's 10.0.2.20"],
    ['app -> 8.8.8.8 udp 53 from-ports 40000', 'deny', "sid 2 names nat-a's address"],
  ]],
  [firewalled(`${FORWARD_ALL}\n  stateless sl priority 1`, `stateless-rule-group sl {
  rule 1 drop tcp from 10.0.1.10 port 1024-32767 to any
}`), "... and the port it chooses", [
    ['app -> 8.8.8.8 tcp 443 from-ports 40000', 'partial', "fw drops the connections for which nat-a chooses a port in 1024-32767"],
    ['web -> 8.8.8.8 tcp 443 from-ports 1024', 'allow', "web's own packets do not come from nat-a's address"],
  ]],
  [firewalled('stateless-default pass'), 'the reply must cross the endpoint the request crossed', [
    ['lop -> 8.8.8.8 tcp 443 from-ports 40000', 'deny', "the request bypasses fw; the edge table sends the reply through fw: asymmetric"],
    ['8.8.8.8 -> lop tcp 443 from-ports 40000', 'deny', "the request comes in through fw; the reply leaves by igw without it: asymmetric"],
  ]],
  [firewalled(`${FORWARD_ALL}\n  stateful sf`, `stateful-rule-group sf {
  drop http any any -> any any (sid:1;)
  drop tcp any any -> any 80 (content:"GET"; sid:2;)
  drop tcp any any -> any 81 (msg:"a # is no comment here"; sid:3;)
}`), 'rules on content the model does not have are left out', [
    ['web -> 8.8.8.8 tcp 80 from-ports 40000', 'allow', "an application protocol (http) and an option (content) the model does not have: both left out"],
    ['web -> 8.8.8.8 tcp 81 from-ports 40000', 'deny', "msg changes no verdict, and a # inside the options is text"],
  ]],
  [firewalled(`${FORWARD_ALL}\n  stateful sf`, `stateful-rule-group sf {
  drop icmp any any -> any any (sid:1;)
  drop ip any any -> any 0:65535 (sid:2;)
}`), 'icmp matches ICMPv6 too; a port constraint matches TCP and UDP only', [
    ['web -> 8.8.8.8 icmp type 8', 'deny', "icmp: dropped"],
    ['web -> 2001:db8::1 icmpv6 type 128', 'deny', "icmp in a stateful rule is ICMPv6 too"],
    ['web -> 8.8.8.8 udp 53 from-ports 40000', 'deny', "sid 2 has a port constraint, which UDP meets"],
  ]],
  [firewalled(`${FORWARD_ALL}\n  stateful sf`, `stateful-rule-group sf {
  drop ip any any -> any 0:65535 (sid:2;)
}`), '... a port constraint, however wide, never matches ICMP', [
    ['web -> 8.8.8.8 icmp type 8', 'allow', "ICMP has no ports: the rule does not match it"],
  ]],
  [firewalled(`${FORWARD_ALL}\n  stateful sf`, `stateful-rule-group sf {
  drop tcp any any -> [8.8.0.0/16,!8.8.8.0/24] any (sid:1;)
  drop tcp $HOME_NET any -> ![1.0.0.0/8,2.0.0.0/8] [!1000:2000,!443] (sid:2;)
  drop udp $HOME_NET any -> [!9.9.9.9] any (sid:3;)
  drop udp any any -> $EXTERNAL_NET !53 (sid:4;)
}`), 'Suricata lists: the positive items, less the negated ones', [
    ['web -> 8.8.4.4 tcp 443 from-ports 40000', 'deny', "8.8.0.0/16 less 8.8.8.0/24 holds 8.8.4.4"],
    ['web -> 8.8.8.8 tcp 443 from-ports 40000', 'allow', "8.8.8.8 is negated in sid 1; sid 2 excludes port 443"],
    ['web -> 1.1.1.1 tcp 1500 from-ports 40000', 'allow', "sid 2's destination is every address but 1.0.0.0/8 and 2.0.0.0/8"],
    ['web -> 8.8.8.8 tcp 1500 from-ports 40000', 'allow', "sid 2's ports are every port but 1000-2000 and 443"],
    ['web -> 8.8.8.8 tcp 2001 from-ports 40000', 'deny', "sid 2: outside 1.0.0.0/8 and 2.0.0.0/8, port outside 1000-2000 and 443"],
    ['web -> 9.9.9.9 udp 53 from-ports 40000', 'allow', "a list of negated items only: everything but 9.9.9.9; sid 4 excludes port 53; the reply comes from outside $HOME_NET"],
    ['web -> 8.8.8.8 udp 54 from-ports 40000', 'deny', "sid 3: everything but 9.9.9.9"],
  ]],
  [firewalled(`${FORWARD_ALL}\n  stateless sl priority 1\n  stateful sf priority 1\n  stateful-order strict\n  stateful-default drop-established`, `stateless-rule-group sl {
  rule 1 pass tcp from any to any port 443
  rule 2 pass tcp from any to any port 8443
}
stateful-rule-group sf {
  pass tcp any 8443 -> any any (flow:to_client; sid:1;)
}`), 'a packet keeps its place and state whether or not the stateful stage saw those before it', [
    ['web -> 8.8.8.8 tcp 443 from-ports 40000', 'deny', "the stateless stage passes web's packets; the SYN-ACK (not established) passes, the data back (established) is dropped"],
    ['web -> 8.8.8.8 tcp 8443 from-ports 40000', 'allow', "the SYN-ACK, the first packet the stateful stage sees, is passed by sid 1: and with it the data back"],
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

  describe('AWS Network Firewall', () => {
    it('every network of these cases parses without a diagnostic', () => {
      for (const [network] of FIREWALL_CASES) {
        const diagnostics = parse(network).diagnostics.map((d) => `${d.range.start.line + 1}: ${d.code} ${d.message}`);
        assert.deepEqual(diagnostics, [], network);
      }
    });
    for (const [network, title, cases] of FIREWALL_CASES) {
      describe(title, () => {
        for (const [flow, verdict, why] of cases) {
          it(`${flow}: ${verdict} (${why})`, () => assert.equal(verdictOf(network, flow), verdict));
        }
      });
    }

    const lastHop = (network: string, flow: string): string => {
      const model = buildNaiveModel(`${network}flow f ${flow} expect allow\n`);
      const result = evaluateNaive(model, model.flows[0]);
      const trace = traceConnection(model, model.flows[0], (result.someDropped ?? result.someAdmitted)!);
      return trace.map((s) => `${s.hop}: ${s.allow ? 'allow' : 'deny'}`).join('\n');
    };
    it('the trace names the stage, the group and the rule, and the packet it drops', () => {
      const network = firewalled(`${FORWARD_ALL}\n  stateful sf priority 1\n  stateful-order strict\n  stateful-default drop-established`, 'stateful-rule-group sf {\n  alert udp any any -> any any (sid:9;)\n}');
      const trace = lastHop(network, 'web -> 8.8.8.8 tcp 443 from-ports 40000');
      assert.match(trace.split('\n').pop()!, /firewall fw stateful \[data from the initiator, established\]: .*drop-established.*: deny$/, trace);
      const dropped = lastHop(firewalled(`${FORWARD_ALL}\n  stateful sf`, 'stateful-rule-group sf {\n  drop tcp any any -> any 443 (sid:7;)\n}'), 'web -> 8.8.8.8 tcp 443 from-ports 40000');
      assert.match(dropped.split('\n').pop()!, /firewall fw stateful \[SYN, not established\]: dropped by group sf drop rule sid 7 \(line \d+\): deny$/, dropped);
      const stateless = lastHop(firewalled('stateless-default drop'), 'web -> 8.8.8.8 tcp 443 from-ports 40000');
      assert.match(stateless.split('\n').pop()!, /firewall fw stateless .*stateless-default.*: deny$/, stateless);
    });
    it('the trace says asymmetric routing', () => {
      const trace = lastHop(firewalled('stateless-default pass'), 'lop -> 8.8.8.8 tcp 443 from-ports 40000');
      assert.match(trace.split('\n').pop()!, /asymmetric routing/, trace);
    });
    it('the trace says which rules are left out', () => {
      const network = firewalled(`${FORWARD_ALL}\n  stateful sf`, 'stateful-rule-group sf {\n  drop http any any -> any any (sid:1;)\n}');
      assert.match(lastHop(network, 'web -> 8.8.8.8 tcp 80 from-ports 40000'), /left out \(application protocol http\): the verdict assumes it does not decide/);
    });
    it('counts a connection through nat-a and fw once for every port nat-a may choose', () => {
      const network = firewalled(`${FORWARD_ALL}\n  stateless sl priority 1`, 'stateless-rule-group sl {\n  rule 1 drop tcp from 10.0.1.10 port 1024-32767 to any\n}');
      const model = buildNaiveModel(`${network}flow f app -> 8.8.8.8 tcp 443 from-ports 40000 expect allow\n`);
      const result = evaluateNaive(model, model.flows[0]);
      assert.deepEqual([result.verdict, result.total, result.admitted], ['partial', 64512, 65535 - 32768 + 1]);
    });
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
