// A small public web server whose network ACL drops the replies to clients' ports 1024-32767: the
// flow `https` is partial, `ssh` denied as expected. Shared by the CLI, repair and editor tests.
export const SHOP = `vpc shop 10.0.0.0/16
subnet public 10.0.1.0/24 acl public-acl
network-acl public-acl {
  inbound  100 allow tcp 443 from 0.0.0.0/0
  outbound 100 allow tcp 32768-65535 to 0.0.0.0/0
}
security-group web {
  inbound tcp 443 from 0.0.0.0/0
}
instance web-1 subnet public ip 10.0.1.10 groups web
flow https internet -> web-1 tcp 443 expect allow
flow ssh internet -> web-1 tcp 22 expect deny
`;

/** The same without the `ssh` flow. */
export const SHOP_HTTPS = SHOP.replace('flow ssh internet -> web-1 tcp 22 expect deny\n', '');
