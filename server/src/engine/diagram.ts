import type { FlowResult } from './evaluate';
export function pathDiagram(result: FlowResult): string { return result.flow.name; }
