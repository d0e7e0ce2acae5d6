// Hover on a port or port range: the well-known service of the port under the cursor.
import { serviceName } from '../engine/services';
import type { PortRange, Position } from '../syntax/ast';

/** The port number written under the cursor, if the cursor is on one. */
function portUnder(ports: PortRange, written: string, position: Position): number | undefined {
  const offset = position.character - ports.range.start.character;
  for (const match of written.matchAll(/\d+/g)) {
    if (offset >= match.index && offset <= match.index + match[0].length) return Number(match[0]);
  }
  return undefined;
}

export function portsHover(ports: PortRange, written: string, position: Position): string {
  const lines: string[] = [];
  const port = portUnder(ports, written, position);
  if (port !== undefined) lines.push(`**port ${port}**: ${serviceName(port) ?? 'no well-known service'}`);
  if (ports.from !== ports.to) {
    const count = ports.to - ports.from + 1;
    lines.push(`ports ${ports.from}-${ports.to}: ${count.toLocaleString('en-US')} port${count === 1 ? '' : 's'}`);
  }
  return lines.join('\n\n');
}
