// SARIF 2.1.0, for code-scanning dashboards in CI.
import { ALL_CHECKS } from '../diagnostics/codes';
import type { FileAnalysis } from './report';
import { VERSION } from './version';

const LEVEL: Record<string, string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

export function sarifReport(files: FileAnalysis[]): object {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'vpcrules',
          version: VERSION,
          rules: ALL_CHECKS.map((check) => ({
            id: check.code,
            name: check.name,
            shortDescription: { text: check.doc },
            defaultConfiguration: { level: LEVEL[check.severity] },
          })),
        },
      },
      results: files.flatMap(({ path, analysis }) => analysis.diagnostics.map((d) => ({
        ruleId: d.code,
        level: LEVEL[d.severity],
        message: { text: d.message },
        locations: [{
          physicalLocation: {
            artifactLocation: { uri: path.split('\\').join('/') },
            region: {
              startLine: d.range.start.line + 1,
              startColumn: d.range.start.character + 1,
              endLine: d.range.end.line + 1,
              endColumn: d.range.end.character + 1,
            },
          },
        }],
      }))),
    }],
  };
}
