// A realistic model of any size, for the tests of very large documents: tiers of a subnet, a
// network ACL, a group, two instances and two flows each.

/** One tier of a realistic model: its subnet, network ACL, group, two instances and flows. */
function tier(i: number): string {
  const net = `10.${(i >> 8) & 255}.${i & 255}`;
  return `
# --- tier ${i} ------------------------------------------------------------------
subnet tier-${i} ${net}.0/24 acl tier-${i}-acl
security-group tier-${i}-sg {
  inbound  tcp 443 from 0.0.0.0/0 "HTTPS from customers"
  inbound  tcp 22 from 10.0.0.0/8
  inbound  icmp type 8 from 10.0.0.0/8
  outbound tcp 5432 to sg tier-${i}-sg
}
network-acl tier-${i}-acl {
  inbound  100 allow tcp 443 from 0.0.0.0/0
  inbound  110 allow tcp 1024-65535 from 10.0.0.0/8
  inbound  120 deny  tcp 22 from 0.0.0.0/0
  outbound 100 allow tcp 1024-65535 to 0.0.0.0/0
  outbound 110 allow tcp 5432 to ${net}.0/24
}
instance web-${i} subnet tier-${i} ip ${net}.10 groups tier-${i}-sg
instance db-${i} subnet tier-${i} ip ${net}.20 groups tier-${i}-sg os windows
flow https-${i} internet -> web-${i} tcp 443 expect allow
flow db-${i} web-${i} -> db-${i} tcp 5432 expect deny
`;
}

/** The VPC: one /16 block (AWS's largest) per 256 tiers, 10.0.0.0/16, 10.1.0.0/16 and so on. */
function vpc(tiers: number): string {
  const blocks = Array.from({ length: ((tiers - 1) >> 8) + 1 }, (_, i) => `10.${i}.0.0/16`);
  return `vpc big ${blocks.join(' ')}\n`;
}

/** A valid model of at least `minBytes` characters. */
export function largeModel(minBytes: number): { text: string; tiers: number } {
  const parts: string[] = [];
  let size = 0;
  let tiers = 0;
  while (size < minBytes) {
    const text = tier(tiers++);
    parts.push(text);
    size += text.length;
  }
  return { text: vpc(tiers) + parts.join(''), tiers };
}
