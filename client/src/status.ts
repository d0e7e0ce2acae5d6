// The status bar item: the active .vpcrules file's flow tally. Click: check all files.
import * as vscode from 'vscode';

export interface FlowTally {
  allow: number;
  deny: number;
  partial: number;
  failing: number;
  total: number;
}

export function formatTally(tally: FlowTally): string {
  if (tally.total === 0) return '$(pass) no flows';
  const parts: string[] = [];
  if (tally.allow > 0) parts.push(`${tally.allow} allow`);
  if (tally.deny > 0) parts.push(`${tally.deny} deny`);
  if (tally.partial > 0) parts.push(`${tally.partial} partial`);
  const text = `$(pass) ${parts.join(', ')}`;
  return tally.failing > 0 ? `${text}, $(error) ${tally.failing} failing` : text;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export class TallyStatus implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;

  constructor(
    private readonly request: (uri: string) => Promise<FlowTally | null | undefined>,
    private readonly isVpcrules: (document: vscode.TextDocument) => boolean,
    checkAllCommand: string,
  ) {
    this.item = vscode.window.createStatusBarItem('vpcrules.flowTally', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'vpcrules flow tally';
    this.item.command = { command: checkAllCommand, title: 'Check all .vpcrules files' };
  }

  /** Refreshes soon (coalescing bursts of events), or hides the item for other editors. */
  schedule(delayMs = 50): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, delayMs);
  }

  async refresh(): Promise<void> {
    const generation = ++this.generation;
    const editor = vscode.window.activeTextEditor;
    if (!editor || !this.isVpcrules(editor.document)) {
      this.item.hide();
      return;
    }
    const document = editor.document;
    const name = vscode.workspace.asRelativePath(document.uri, false);
    let tally: FlowTally | null | undefined;
    try {
      tally = await this.request(document.uri.toString());
    } catch (error) {
      if (generation !== this.generation) return;
      this.item.text = '$(warning) vpcrules';
      this.item.tooltip = `vpcrules: the flow tally is not available (${error instanceof Error ? error.message : String(error)}).`;
      this.item.backgroundColor = undefined;
      this.item.accessibilityInformation = { label: 'vpcrules: flow tally not available' };
      this.item.show();
      return;
    }
    if (generation !== this.generation) return; // a newer refresh is under way
    if (!tally) {
      this.item.text = '$(sync~spin) vpcrules';
      this.item.tooltip = `vpcrules: analyzing ${name}`;
      this.item.backgroundColor = undefined;
      this.item.show();
      return;
    }
    this.item.text = formatTally(tally);
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown(`**vpcrules**: ${plural(tally.total, 'flow')} in \`${name}\`\n\n`);
    tooltip.appendMarkdown(`- verdict allow: ${tally.allow}\n- verdict deny: ${tally.deny}\n- verdict partial: ${tally.partial}\n`);
    tooltip.appendMarkdown(
      tally.failing > 0
        ? `\n$(error) ${plural(tally.failing, 'expectation')} not met\n\n`
        : `\n$(pass) every expectation holds\n\n`,
    );
    tooltip.appendMarkdown('Click to check all .vpcrules files in the workspace.');
    this.item.tooltip = tooltip;
    this.item.backgroundColor = tally.failing > 0 ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.accessibilityInformation = {
      label:
        `vpcrules: ${plural(tally.total, 'flow')}, ${tally.allow} allow, ${tally.deny} deny, ${tally.partial} partial, ` +
        `${tally.failing} failing`,
    };
    this.item.show();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.item.dispose();
  }
}
