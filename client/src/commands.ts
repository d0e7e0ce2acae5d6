// The "check all files" and "explain flow" commands.
import * as vscode from 'vscode';
import { flowAtOrAbove, FlowDeclaration, flowDeclarations } from './flows';
import { ExplainReports } from './report';
import { addTallies, checkAllSummary, EMPTY_TALLY, FlowTally } from './tally';
import type { WorkspaceTally } from '../../server/src/lsp/workspace-files';

export type TallyRequest = (uri: string) => Promise<FlowTally | null>;

/** The server's knowledge of every workspace file (workspace-sync.ts); absent when the setting is off. */
export interface WorkspaceTallies {
  /** Reads the workspace's files again; resolves once the server has them. */
  rescan(): Promise<void>;
  /** The tally of every file the server knows, open or not. */
  tally(): Promise<WorkspaceTally>;
}

/**
 * Shows the Problems panel and the totals of every .vpcrules file. The server knows every
 * workspace file, open or not, and keeps their problems in the panel; without it (the setting
 * `vpcrules.workspaceDiagnostics` off), every file is opened (without showing it) so that the
 * server analyses it, and its problems last as long as the editor keeps it open.
 */
export async function checkAll(requestTally: TallyRequest, workspace?: WorkspaceTallies): Promise<void> {
  const tallies = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'vpcrules: checking all files' },
    async () => {
      if (workspace) {
        await workspace.rescan();
        return (await workspace.tally()).files.map((file) => file.tally);
      }
      const documents = await openAllVpcrulesDocuments();
      return Promise.all(documents.map((document) => requestTally(document.uri.toString()).catch(() => null)));
    },
  );
  await vscode.commands.executeCommand('workbench.actions.view.problems');
  const total = tallies.reduce<FlowTally>((sum, tally) => (tally ? addTallies(sum, tally) : sum), EMPTY_TALLY);
  const summary = checkAllSummary(tallies.length, total);
  if (total.failing > 0) void vscode.window.showWarningMessage(summary);
  else void vscode.window.showInformationMessage(summary);
}

async function openAllVpcrulesDocuments(): Promise<vscode.TextDocument[]> {
  const byUri = new Map<string, vscode.TextDocument>();
  for (const document of vscode.workspace.textDocuments) {
    if (document.languageId === 'vpcrules') byUri.set(document.uri.toString(), document);
  }
  const files = await vscode.workspace.findFiles('**/*.vpcrules', '**/node_modules/**');
  for (const uri of files) {
    if (byUri.has(uri.toString())) continue;
    try {
      byUri.set(uri.toString(), await vscode.workspace.openTextDocument(uri));
    } catch {
      // An unreadable file has nothing to check.
    }
  }
  return [...byUri.values()];
}

/**
 * Explains a flow. A code lens passes (uri, flow name); from the palette or the context menu,
 * it is the flow at or above the cursor, or else one picked from the file's flows.
 */
export async function explainFlow(reports: ExplainReports, uri?: unknown, flowName?: unknown): Promise<void> {
  if (typeof uri === 'string' && typeof flowName === 'string') {
    await reports.show(vscode.Uri.parse(uri).toString(), flowName);
    return;
  }
  const editor = vscode.window.activeTextEditor;
  if (editor?.document.languageId !== 'vpcrules') {
    void vscode.window.showInformationMessage('vpcrules: open a .vpcrules file to explain one of its flows.');
    return;
  }
  const lines = editor.document.getText().split(/\r?\n/);
  const flow = flowAtOrAbove(lines, editor.selection.active.line) ?? (await pickFlow(flowDeclarations(lines)));
  if (flow) await reports.show(editor.document.uri.toString(), flow.name);
}

async function pickFlow(flows: FlowDeclaration[]): Promise<FlowDeclaration | undefined> {
  if (flows.length === 0) {
    void vscode.window.showInformationMessage('vpcrules: this file declares no flow.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    flows.map((flow) => ({ label: flow.name, description: `line ${flow.line + 1}`, flow })),
    { placeHolder: 'Flow to explain' },
  );
  return picked?.flow;
}
