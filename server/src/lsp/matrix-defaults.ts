// vpcrules/matrixDefaults: the protocols and ports a reachability matrix offers first, the services
// the file's security groups open (inbound rules, then outbound ones), those opened by the most
// rules first. Read from the model of the current analysis.
import type { Connection } from 'vscode-languageserver';
import type { Model } from '../engine/model';
import type { MatrixProtocol } from '../engine/matrix';
import type { AnalysisSource } from './analysis-source';
import { onAnalyzed } from './requests';

export const MATRIX_DEFAULTS_METHOD = 'vpcrules/matrixDefaults';

export interface MatrixDefaultsParams {
  uri: string;
}

export interface MatrixChoice {
  protocol: MatrixProtocol;
  /** "443", "5000-5100"; absent for icmp (echo request). */
  ports?: string;
  /** How many security group rules open it. */
  rules: number;
}

const PROTOCOLS: Record<number, MatrixProtocol> = { 6: 'tcp', 17: 'udp', 1: 'icmp' };
const ECHO_REQUEST = 8 * 256;

/** The services the groups' rules open, most common first (inbound before outbound, then file order). */
export function matrixChoices(model: Model): MatrixChoice[] {
  const choices = new Map<string, MatrixChoice & { inbound: boolean; order: number }>();
  const groups = [...model.groups.values()];
  for (const group of groups) {
    for (const rule of group.rules) {
      const protocol = PROTOCOLS[rule.protocol];
      if (!protocol || !rule.decl) continue;
      const found: { ports?: string }[] = [];
      if (protocol === 'icmp') {
        if (rule.keys.has(ECHO_REQUEST)) found.push({});
      } else {
        for (const [from, to] of rule.keys.intervals) found.push({ ports: from === to ? String(from) : `${from}-${to}` });
      }
      for (const { ports } of found) {
        const key = `${protocol} ${ports ?? ''}`;
        const choice = choices.get(key) ?? { protocol, ports, rules: 0, inbound: false, order: choices.size };
        choice.rules++;
        choice.inbound ||= rule.direction === 'inbound';
        choices.set(key, choice);
      }
    }
  }
  return [...choices.values()]
    .sort((a, b) => Number(b.inbound) - Number(a.inbound) || b.rules - a.rules || a.order - b.order)
    .map(({ protocol, ports, rules }) => (ports === undefined ? { protocol, rules } : { protocol, ports, rules }));
}

export function registerMatrixDefaults(connection: Connection, source: AnalysisSource): void {
  connection.onRequest(MATRIX_DEFAULTS_METHOD, (params: MatrixDefaultsParams | undefined, token) =>
    onAnalyzed(connection, source, params?.uri, token, ({ analysis }): MatrixChoice[] => matrixChoices(analysis.model)));
}
