import type { Range } from '../syntax/ast';
import { CHECKS, CheckKey, Severity } from './codes';

export interface TextEdit {
  range: Range;
  newText: string;
}

/** A fix the editor can offer: a title and the edits that carry it out. */
export interface Fix {
  title: string;
  edits: TextEdit[];
}

export interface RelatedInfo {
  range: Range;
  message: string;
}

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  range: Range;
  related: RelatedInfo[];
  /** The code is unused or changes nothing: editors may fade it. */
  unnecessary?: boolean;
  fixes: Fix[];
}

export function makeDiagnostic(
  key: CheckKey,
  range: Range,
  message: string,
  extra: { related?: RelatedInfo[]; fixes?: Fix[]; unnecessary?: boolean; severity?: Severity } = {},
): Diagnostic {
  const info = CHECKS[key];
  const diagnostic: Diagnostic = {
    code: info.code,
    severity: extra.severity ?? info.severity,
    message,
    range,
    related: extra.related ?? [],
    fixes: extra.fixes ?? [],
  };
  if (extra.unnecessary) diagnostic.unnecessary = true;
  return diagnostic;
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, information: 2, hint: 3 };

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    a.range.start.line - b.range.start.line ||
    a.range.start.character - b.range.start.character ||
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    a.code.localeCompare(b.code)
  );
}
