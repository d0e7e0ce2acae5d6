// Small models for the protocol tests, written from the language spec.

/** HTTPS from the internet to one web server whose NACL drops replies to low client ports. */
export const SHOP = `vpc shop 10.0.0.0/16
subnet public 10.0.1.0/24 acl public-acl
network-acl public-acl {
  inbound  100 allow tcp 443 from 0.0.0.0/0
  outbound 100 allow tcp 32768-65535 to 0.0.0.0/0
  outbound 200 deny tcp 1024-32767 to 0.0.0.0/0
}
security-group web {
  inbound tcp 443 from 0.0.0.0/0
}
security-group spare {
}
instance web-1 subnet public ip 10.0.1.10 groups web
flow https internet -> web-1 tcp 443 expect allow
flow ssh internet -> web-1 tcp 22 expect deny
`;
