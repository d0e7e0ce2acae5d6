// The status bar item: the active .vpcrules file's flow tally, hidden for other editors.
import * as vscode from 'vscode';
import { FlowTally, tallyText, tallyTooltip } from './tally';

export type TallyFetcher = (uri: string) => Promise<FlowTally | null>;

export class TallyStatus implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  /** Counts refreshes, so that a slow answer does not overwrite a newer one. */
  private generation = 0;

  constructor(
    private readonly fetch: TallyFetcher,
    clickCommand: string,
  ) {
    this.item = vscode.window.createStatusBarItem('vpcrules.tally', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'vpcrules flow tally';
    this.item.command = clickCommand;
  }

  async refresh(): Promise<void> {
    const generation = ++this.generation;
    const document = vscode.window.activeTextEditor?.document;
    if (document?.languageId !== 'vpcrules') {
      this.item.hide();
      return;
    }
    let tally: FlowTally | null;
    try {
      tally = await this.fetch(document.uri.toString());
    } catch {
      tally = null; // the server is starting or restarting: the next refresh will tell
    }
    if (generation !== this.generation) return;
    if (!tally) {
      this.item.hide();
      return;
    }
    this.item.text = tallyText(tally);
    this.item.tooltip = tallyTooltip(tally, vscode.workspace.asRelativePath(document.uri, false));
    this.item.backgroundColor = tally.failing > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
