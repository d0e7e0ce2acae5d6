// Quick fixes: the fixes the engine attaches to its diagnostics, offered where they apply, and
// the repairs of a failing flow on its failed-expectation diagnostic. Repairs re-analyse edited
// copies of the text, so they are computed only for the diagnostics in the requested range, in
// slices between which the connection is served, once per (document, version).
import {
  AnnotatedTextEdit, CancellationToken, CodeAction, CodeActionKind, CodeActionParams, Diagnostic as LspDiagnostic, LSPErrorCodes, ResponseError,
  TextDocumentEdit, WorkspaceEdit,
} from 'vscode-languageserver';
import type { Range } from '../syntax/ast';
import type { Diagnostic } from '../diagnostics/diagnostic';
import { CHECKS } from '../diagnostics/codes';
import type { Analysis } from '../engine/analyze';
import { flowChangeText, FlowRepairs, Repair, repairSteps } from '../engine/repairs';
import type { AnalyzedDocument } from './analysis-source';
import { toLspDiagnostic, toLspRange } from './convert';

const SLICE_MS = 10;
/** Beyond this size, each verification takes seconds: only the best repair is looked for. */
const LARGE_DOCUMENT = 256 * 1024;

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

function wantsQuickFixes(params: Pick<CodeActionParams, 'context'>): boolean {
  const only = params.context.only;
  return !only || only.some((kind) => kind === CodeActionKind.Empty || kind === CodeActionKind.QuickFix);
}

/** The engine's own fixes of the diagnostics in the range. */
export function quickFixes(analyzed: AnalyzedDocument, params: Pick<CodeActionParams, 'range' | 'context'>): CodeAction[] {
  if (!wantsQuickFixes(params)) return [];
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

/** Repairs found per analysis (one per document version), by flow name. */
const repairCache = new WeakMap<Analysis, Map<string, FlowRepairs>>();

function cancelled(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'request cancelled');
}

/** Runs the repair search in slices of ~10 ms, yielding to the event loop between them. */
async function computeRepairs(analysis: Analysis, flow: string, token: CancellationToken): Promise<FlowRepairs> {
  let cache = repairCache.get(analysis);
  const known = cache?.get(flow);
  if (known) return known;
  const steps = repairSteps(analysis, flow, { alternatives: analysis.text.length > LARGE_DOCUMENT ? 1 : undefined });
  for (;;) {
    const deadline = performance.now() + SLICE_MS;
    for (;;) {
      const step = steps.next();
      if (step.done) {
        if (!cache) repairCache.set(analysis, (cache = new Map()));
        cache.set(flow, step.value);
        return step.value;
      }
      if (token.isCancellationRequested) throw cancelled();
      if (performance.now() >= deadline) break;
    }
    await new Promise((resolve) => setImmediate(resolve));
    if (token.isCancellationRequested) throw cancelled();
  }
}

/** The workspace edit of a repair: applied at once, or, when other flows change, annotated for the editor to preview. */
export function repairEdit(analyzed: AnalyzedDocument, repair: Repair): WorkspaceEdit {
  const edits = repair.edits.map((edit) => ({ range: toLspRange(edit.range), newText: edit.newText }));
  if (repair.otherFlows.length === 0) return { changes: { [analyzed.uri]: edits } };
  const id = `vpcrules.repair.${repair.flow}`;
  const count = repair.otherFlows.length;
  return {
    documentChanges: [TextDocumentEdit.create({ uri: analyzed.uri, version: analyzed.version }, edits.map((edit) => AnnotatedTextEdit.replace(edit.range, edit.newText, id)))],
    changeAnnotations: {
      [id]: {
        label: `Also changes ${count} other flow${count === 1 ? '' : 's'}: ${repair.otherFlows.map((change) => change.name).join(', ')}`,
        description: repair.otherFlows.map(flowChangeText).join('; '),
        needsConfirmation: true,
      },
    },
  };
}

/** The repairs of the failing flows whose diagnostic is in the range, best first. */
export async function repairFixes(analyzed: AnalyzedDocument, params: Pick<CodeActionParams, 'range' | 'context'>, token: CancellationToken): Promise<CodeAction[]> {
  if (!wantsQuickFixes(params)) return [];
  const analysis = analyzed.analysis;
  const actions: CodeAction[] = [];
  for (const diagnostic of analysis.diagnostics) {
    if (diagnostic.code !== CHECKS.expectationFailed.code || !overlaps(diagnostic.range, params.range)) continue;
    const result = analysis.flows.find((candidate) => !candidate.ok && sameRange(candidate.flow.decl.range, diagnostic.range));
    if (!result) continue;
    const found = await computeRepairs(analysis, result.flow.name, token);
    const attached = lspDiagnosticFor(diagnostic, analyzed.uri, params.context.diagnostics);
    found.repairs.forEach((repair, index) => {
      const others = repair.otherFlows.length;
      actions.push({
        title: others === 0 ? repair.title : `${repair.title} (changes ${others} other flow${others === 1 ? '' : 's'})`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [attached],
        isPreferred: index === 0 && others === 0,
        edit: repairEdit(analyzed, repair),
      });
    });
  }
  return actions;
}

/** Every quick fix in the range: the engine's fixes, then the repairs of failing flows. */
export async function codeActions(analyzed: AnalyzedDocument, params: Pick<CodeActionParams, 'range' | 'context'>, token: CancellationToken): Promise<CodeAction[]> {
  return [...quickFixes(analyzed, params), ...(await repairFixes(analyzed, params, token))];
}
