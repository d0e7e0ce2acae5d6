/** Well-known ports, for hovers and messages. */
export const WELL_KNOWN_PORTS: ReadonlyMap<number, string> = new Map([
  [20, 'FTP data'], [21, 'FTP'], [22, 'SSH'], [23, 'Telnet'], [25, 'SMTP'], [53, 'DNS'], [67, 'DHCP'], [68, 'DHCP client'],
  [80, 'HTTP'], [110, 'POP3'], [123, 'NTP'], [143, 'IMAP'], [161, 'SNMP'], [389, 'LDAP'], [443, 'HTTPS'], [445, 'SMB'],
  [465, 'SMTPS'], [514, 'syslog'], [587, 'SMTP submission'], [636, 'LDAPS'], [853, 'DNS over TLS'], [993, 'IMAPS'],
  [995, 'POP3S'], [1194, 'OpenVPN'], [1433, 'Microsoft SQL Server'], [1521, 'Oracle Database'], [2049, 'NFS'],
  [2379, 'etcd'], [3000, 'Grafana / dev HTTP'], [3128, 'HTTP proxy'], [3306, 'MySQL / Aurora MySQL'], [3389, 'RDP'],
  [3478, 'STUN/TURN'], [4500, 'IPsec NAT-T'], [5000, 'RTP / application'], [5060, 'SIP'], [5432, 'PostgreSQL'],
  [5439, 'Amazon Redshift'], [5671, 'AMQPS'], [5672, 'AMQP'], [5984, 'CouchDB'], [6379, 'Redis'], [6443, 'Kubernetes API'],
  [8080, 'HTTP alternate'], [8443, 'HTTPS alternate'], [9042, 'Cassandra'], [9092, 'Kafka'], [9200, 'Elasticsearch / OpenSearch'],
  [11211, 'Memcached'], [27017, 'MongoDB'],
]);

/** Ports that must not face the whole internet: remote administration and databases. */
export const ADMIN_PORTS: readonly number[] = [22, 23, 3389, 1433, 1521, 2379, 3306, 5432, 5439, 5984, 6379, 9042, 9200, 11211, 27017];

export function serviceName(port: number): string | undefined {
  return WELL_KNOWN_PORTS.get(port);
}
