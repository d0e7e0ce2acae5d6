// The "Import AWS or Terraform JSON..." command: the user picks JSON files (AWS CLI describe
// outputs, or one `terraform show -json`), the language server imports them (vpcrules/import),
// and each VPC opens as a new untitled document NAME.vpcrules (saved into the first workspace
// folder), in the vpcrules language. The summary goes to an output channel.
import * as vscode from 'vscode';

export interface ImportFile {
  path: string;
  text: string;
}

export type ImportResult =
  | { kind: 'imported'; source: string; files: { vpcId: string; name: string; text: string; summary: string; notRepresented: number }[] }
  | { kind: 'unknown-source' }
  | { kind: 'error'; message: string };

export type ImportRequest = (params: { files: ImportFile[]; source?: string }) => Promise<ImportResult>;

const SOURCE_PICKS: (vscode.QuickPickItem & { source: string })[] = [
  { label: 'AWS CLI JSON', description: "the outputs of 'aws ec2 describe-...' and 'aws network-firewall describe-...'", source: 'aws' },
  { label: 'Terraform JSON', description: "'terraform show -json' of a state or of a saved plan", source: 'terraform' },
];

export async function importJson(request: ImportRequest, output: vscode.OutputChannel): Promise<void> {
  const uris = await vscode.window.showOpenDialog({
    canSelectFiles: true,
    canSelectFolders: false,
    canSelectMany: true,
    filters: { JSON: ['json'] },
    openLabel: 'Import',
    title: 'vpcrules: import AWS CLI or Terraform JSON',
  });
  if (!uris || uris.length === 0) return;
  const decoder = new TextDecoder('utf-8');
  let files: ImportFile[];
  try {
    files = await Promise.all(uris.map(async (uri) => ({
      path: vscode.workspace.asRelativePath(uri, false),
      text: decoder.decode(await vscode.workspace.fs.readFile(uri)),
    })));
  } catch (error) {
    void vscode.window.showErrorMessage(`vpcrules: cannot read the file: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  const names = files.map((file) => file.path).join(', ');
  const run = (source?: string) => vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `vpcrules: importing ${files.length === 1 ? files[0].path : `${files.length} files`}` },
    () => request({ files, source }),
  );
  let result: ImportResult;
  try {
    result = await run();
    if (result.kind === 'unknown-source') {
      const picked = await vscode.window.showQuickPick(SOURCE_PICKS, {
        placeHolder: `Which JSON ${files.length === 1 ? 'is' : 'are'} ${names}?`,
        title: 'vpcrules: the files are neither recognisably AWS CLI nor Terraform JSON',
      });
      if (!picked) return;
      result = await run(picked.source);
    }
  } catch (error) {
    void vscode.window.showErrorMessage(`vpcrules: the import failed: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  if (result.kind === 'unknown-source') return;
  if (result.kind === 'error') {
    output.appendLine(`import of ${names}: ${result.message}`);
    void vscode.window.showErrorMessage(`vpcrules: ${result.message}`);
    return;
  }
  output.appendLine(`import of ${names} (${result.source === 'aws' ? 'AWS CLI JSON' : 'Terraform JSON'}):`);
  for (const file of result.files) {
    output.appendLine(file.summary);
    await openImported(file.name, file.text);
  }
  output.appendLine('');
  const notRepresented = result.files.reduce((sum, file) => sum + file.notRepresented, 0);
  const what = result.files.map((file) => file.name).join(', ');
  const message = `vpcrules: imported ${what}${notRepresented > 0 ? `; ${notRepresented} item(s) not represented` : ''}. Save the file, then add the flows that must hold.`;
  const choice = await vscode.window.showInformationMessage(message, 'Show Summary');
  if (choice) output.show(true);
}

/**
 * Opens the text as a new untitled document named NAME.vpcrules (in the first workspace folder,
 * where saving puts it), NAME-2.vpcrules and so on when that name is taken.
 */
async function openImported(name: string, text: string): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const open = new Set(vscode.workspace.textDocuments.map((document) => document.uri.path));
  let uri: vscode.Uri | undefined;
  for (let n = 1; !uri; n++) {
    const fileName = `${name}${n > 1 ? `-${n}` : ''}.vpcrules`;
    const candidate = folder ? vscode.Uri.joinPath(folder, fileName) : vscode.Uri.file(`/${fileName}`);
    if (open.has(candidate.path) || (folder && (await exists(candidate)))) continue;
    uri = folder ? candidate.with({ scheme: 'untitled' }) : vscode.Uri.parse(`untitled:${fileName}`);
  }
  const document = await vscode.languages.setTextDocumentLanguage(await vscode.workspace.openTextDocument(uri), 'vpcrules');
  const editor = await vscode.window.showTextDocument(document, { preview: false });
  await editor.edit((builder) => builder.insert(new vscode.Position(0, 0), text));
  editor.selection = new vscode.Selection(0, 0, 0, 0);
  editor.revealRange(new vscode.Range(0, 0, 0, 0), vscode.TextEditorRevealType.AtTop);
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
