// Engine types to protocol types. The engine already counts lines and UTF-16 characters from 0,
// as LSP does, so ranges carry over unchanged.
import { Diagnostic as LspDiagnostic, DiagnosticSeverity, DiagnosticTag, Range as LspRange } from 'vscode-languageserver';
import type { Diagnostic } from '../diagnostics/diagnostic';
import type { Severity } from '../diagnostics/codes';
import type { Range } from '../syntax/ast';

export const DIAGNOSTIC_SOURCE = 'vpcrules';

const SEVERITIES: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toLspRange(range: Range): LspRange {
  return {
    start: { line: range.start.line, character: range.start.character },
    end: { line: range.end.line, character: range.end.character },
  };
}

export function toLspDiagnostic(diagnostic: Diagnostic, uri: string): LspDiagnostic {
  const converted: LspDiagnostic = {
    range: toLspRange(diagnostic.range),
    severity: SEVERITIES[diagnostic.severity],
    code: diagnostic.code,
    source: DIAGNOSTIC_SOURCE,
    message: diagnostic.message,
  };
  if (diagnostic.related.length > 0) {
    converted.relatedInformation = diagnostic.related.map((related) => ({
      location: { uri, range: toLspRange(related.range) },
      message: related.message,
    }));
  }
  if (diagnostic.unnecessary) converted.tags = [DiagnosticTag.Unnecessary];
  return converted;
}
