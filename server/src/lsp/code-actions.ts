// Quick fixes: the fixes the engine attaches to its diagnostics, offered where they apply.
import { CodeAction, CodeActionKind, CodeActionParams, Diagnostic as LspDiagnostic } from 'vscode-languageserver';
import type { Range } from '../syntax/ast';
import type { Diagnostic } from '../diagnostics/diagnostic';
import type { AnalyzedDocument } from './analysis-source';
import { toLspDiagnostic, toLspRange } from './convert';

function before(a: Range['start'], b: Range['start']): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

function overlaps(a: Range, b: Range): boolean {
  return !before(a.end, b.start) && !before(b.end, a.start);
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/** The editor's own copy of the diagnostic when it sent one, so that it recognises it. */
function lspDiagnosticFor(diagnostic: Diagnostic, uri: string, sent: readonly LspDiagnostic[]): LspDiagnostic {
  return sent.find((candidate) => candidate.code === diagnostic.code && sameRange(candidate.range, diagnostic.range)) ?? toLspDiagnostic(diagnostic, uri);
}

export function quickFixes(analyzed: AnalyzedDocument, params: Pick<CodeActionParams, 'range' | 'context'>): CodeAction[] {
  const only = params.context.only;
  if (only && !only.some((kind) => kind === CodeActionKind.Empty || kind === CodeActionKind.QuickFix)) return [];
  return analyzed.analysis.diagnostics
    .filter((diagnostic) => diagnostic.fixes.length > 0 && overlaps(diagnostic.range, params.range))
    .flatMap((diagnostic) => {
      const attached = lspDiagnosticFor(diagnostic, analyzed.uri, params.context.diagnostics);
      return diagnostic.fixes.map((fix): CodeAction => ({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [attached],
        isPreferred: diagnostic.fixes.length === 1,
        edit: { changes: { [analyzed.uri]: fix.edits.map((edit) => ({ range: toLspRange(edit.range), newText: edit.newText })) } },
      }));
    });
}
