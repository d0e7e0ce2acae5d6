import { IntervalSet } from './intervals';

/** Well-known ports, for hovers and messages. */
export const WELL_KNOWN_PORTS: ReadonlyMap<number, string> = new Map([
  [20, 'FTP data'], [21, 'FTP'], [22, 'SSH'], [23, 'Telnet'], [25, 'SMTP'], [53, 'DNS'], [67, 'DHCP'], [68, 'DHCP client'],
  [80, 'HTTP'], [110, 'POP3'], [123, 'NTP'], [137, 'NetBIOS name service'], [138, 'NetBIOS datagram'], [143, 'IMAP'], [161, 'SNMP'], [389, 'LDAP'], [443, 'HTTPS'], [445, 'SMB'],
  [465, 'SMTPS'], [500, 'IKE (IPsec)'], [514, 'syslog'], [520, 'RIP'], [546, 'DHCPv6 client'], [547, 'DHCPv6 server'], [587, 'SMTP submission'], [636, 'LDAPS'], [853, 'DNS over TLS'], [993, 'IMAPS'],
  [995, 'POP3S'], [1194, 'OpenVPN'], [1433, 'Microsoft SQL Server'], [1521, 'Oracle Database'], [1701, 'L2TP'], [2049, 'NFS'],
  [2379, 'etcd'], [2380, 'etcd peer'], [3000, 'Grafana / dev HTTP'], [3128, 'HTTP proxy'], [3306, 'MySQL / Aurora MySQL'], [3389, 'RDP'],
  [3478, 'STUN/TURN'], [4500, 'IPsec NAT-T'], [5000, 'RTP / application'], [5060, 'SIP'], [5432, 'PostgreSQL'],
  [5439, 'Amazon Redshift'], [5671, 'AMQPS'], [5672, 'AMQP'], [5984, 'CouchDB'], [6379, 'Redis'], [6443, 'Kubernetes API'],
  [8080, 'HTTP alternate'], [8443, 'HTTPS alternate'], [9042, 'Cassandra'], [9092, 'Kafka'], [9200, 'Elasticsearch / OpenSearch'],
  [11211, 'Memcached'], [27017, 'MongoDB'],
]);

/** A service that must not face the whole internet, and the protocols (IANA numbers) it listens on. */
export interface AdminService {
  port: number;
  protocols: readonly number[];
}

const TCP = [6] as const;
const TCP_AND_UDP = [6, 17] as const;

/**
 * Remote administration and databases. Most listen on TCP only; RDP also carries sessions over
 * UDP 3389, and Memcached answers on UDP 11211 (the amplification attacks of 2018).
 */
export const ADMIN_SERVICES: readonly AdminService[] = [
  { port: 22, protocols: TCP }, { port: 23, protocols: TCP }, { port: 3389, protocols: TCP_AND_UDP },
  { port: 1433, protocols: TCP }, { port: 1521, protocols: TCP }, { port: 2379, protocols: TCP }, { port: 2380, protocols: TCP },
  { port: 3306, protocols: TCP }, { port: 5432, protocols: TCP }, { port: 5439, protocols: TCP }, { port: 5984, protocols: TCP },
  { port: 6379, protocols: TCP }, { port: 9042, protocols: TCP }, { port: 9200, protocols: TCP },
  { port: 11211, protocols: TCP_AND_UDP }, { port: 27017, protocols: TCP },
];

export function serviceName(port: number): string | undefined {
  return WELL_KNOWN_PORTS.get(port);
}

/**
 * UDP services whose clients send from the service port itself, so that replies come back to that
 * port, not to an ephemeral one: DHCP (67 and 68), NTP (123), NetBIOS name and datagram (137,
 * 138), IKE (500), RIP (520), DHCPv6 (546, 547), L2TP (1701), IPsec NAT traversal (4500). DNS is
 * not one: resolvers pick a random source port for every query.
 */
export const FIXED_SOURCE_PORT_UDP: readonly number[] = [67, 68, 123, 137, 138, 500, 520, 546, 547, 1701, 4500];

/** The source ports a NAT gateway chooses for the connections it opens (paths.md). */
export const NAT_GATEWAY_PORTS = IntervalSet.of(1024, 65535);
