// Keeps the language server's copy of the workspace's .vpcrules files as they are on disk, so that
// the Problems panel lists the problems of every file, open or not (the server reads no file: see
// server/src/lsp/workspace-files.ts). Finds the files (honouring files.exclude), sends their text in
// batches, then follows a file system watcher: a file created or changed is read and sent again,
// a file or folder deleted is removed. Off with the setting `vpcrules.workspaceDiagnostics`.
import * as vscode from 'vscode';
import {
  batches, FileText, isWorkspaceFile, MAX_FILE_BYTES, MAX_WORKSPACE_FILES, PendingChanges, SentFiles,
} from './workspace-files';

export const WORKSPACE_DIAGNOSTICS_SETTING = 'workspaceDiagnostics';
const WORKSPACE_FILES_METHOD = 'vpcrules/workspaceFiles';
const WORKSPACE_FILES_REMOVED_METHOD = 'vpcrules/workspaceFilesRemoved';
/** Watcher events are gathered this long before they are read and sent. */
const FLUSH_DELAY_MS = 200;
/** Files read at once. */
const READ_CONCURRENCY = 16;

export type Notify = (method: string, params: object) => Promise<void>;

const decoder = new TextDecoder('utf-8');

export class WorkspaceSync implements vscode.Disposable {
  private readonly sent = new SentFiles();
  private readonly pending = new PendingChanges();
  private notify?: Notify;
  private watchers: vscode.Disposable[] = [];
  private flushTimer?: ReturnType<typeof setTimeout>;
  /** The scan or flush under way: they run one after the other. */
  private work: Promise<void> = Promise.resolve();

  constructor(private readonly output: vscode.OutputChannel) {}

  get enabled(): boolean {
    return vscode.workspace.getConfiguration('vpcrules').get<boolean>(WORKSPACE_DIAGNOSTICS_SETTING, true);
  }

  /** A language server that just started: it knows no file yet. */
  connect(notify: Notify): void {
    this.notify = notify;
    this.sent.clear();
    this.restart();
  }

  /** The server stopped: nothing is sent until the next one starts. */
  disconnect(): void {
    this.notify = undefined;
    this.stopWatching();
  }

  /** The setting or the workspace folders changed: start over, or stop and clear what was sent. */
  restart(): void {
    if (!this.notify) return;
    if (!this.enabled) {
      this.stopWatching();
      const uris = this.sent.uris();
      this.sent.clear();
      if (uris.length > 0) this.enqueue(() => this.send(WORKSPACE_FILES_REMOVED_METHOD, { uris }));
      return;
    }
    if (this.watchers.length === 0) this.watch();
    this.rescan();
  }

  /** Reads every file again and sends those that changed; resolves when the server has them all. */
  rescan(): Promise<void> {
    if (!this.notify || !this.enabled) return this.work;
    return this.enqueue(() => this.scan());
  }

  /** Resolves once what is under way has been sent. */
  idle(): Promise<void> {
    return this.work;
  }

  dispose(): void {
    this.disconnect();
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    this.work = this.work.then(task).catch((error: unknown) => {
      this.output.appendLine(`Sending the workspace's .vpcrules files to the language server: ${error instanceof Error ? error.message : String(error)}`);
    });
    return this.work;
  }

  private async send(method: string, params: object): Promise<void> {
    await this.notify?.(method, params);
  }

  private watch(): void {
    const files = vscode.workspace.createFileSystemWatcher('**/*.vpcrules');
    // Folders: a deleted folder takes its files with it, and one moved in brings files the
    // watcher above does not report one by one.
    const folders = vscode.workspace.createFileSystemWatcher('**/*', false, true, false);
    this.watchers = [
      files,
      folders,
      files.onDidCreate((uri) => this.changed(uri)),
      files.onDidChange((uri) => this.changed(uri)),
      files.onDidDelete((uri) => this.deleted(uri)),
      folders.onDidDelete((uri) => this.deleted(uri)),
      // Most folders have no dot in their name; a file's create is not worth a stat.
      folders.onDidCreate((uri) => {
        const name = uri.path.slice(uri.path.lastIndexOf('/') + 1);
        if (!name.includes('.')) this.changed(uri);
      }),
    ];
  }

  private stopWatching(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.pending.take();
    for (const watcher of this.watchers) watcher.dispose();
    this.watchers = [];
  }

  private changed(uri: vscode.Uri): void {
    this.pending.changed(uri.toString());
    this.scheduleFlush();
  }

  private deleted(uri: vscode.Uri): void {
    this.pending.deleted(uri.toString());
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.enqueue(() => this.flush());
    }, FLUSH_DELAY_MS);
  }

  /**
   * Sends what the watcher reported: deletions first, then the texts of the files created or
   * changed. The watcher does not apply files.exclude: a file created where it hides files is sent
   * until the next full scan (Check All Files, or a change of the setting) leaves it out again.
   */
  private async flush(): Promise<void> {
    const { changed, deleted } = this.pending.take();
    const removed = this.sent.removed(deleted);
    if (removed.length > 0) await this.send(WORKSPACE_FILES_REMOVED_METHOD, { uris: removed });
    const uris: vscode.Uri[] = [];
    for (const text of changed) {
      const uri = vscode.Uri.parse(text);
      if (isWorkspaceFile(uri.path)) {
        uris.push(uri);
        continue;
      }
      // A folder that appeared: its .vpcrules files.
      const stat = await Promise.resolve(vscode.workspace.fs.stat(uri)).catch(() => undefined);
      if (stat && (stat.type & vscode.FileType.Directory) !== 0) {
        uris.push(...(await vscode.workspace.findFiles(new vscode.RelativePattern(uri, '**/*.vpcrules'))).filter((found) => isWorkspaceFile(found.path)));
      }
    }
    const { files, unreadable } = await this.read(uris);
    const gone = this.sent.removed(unreadable);
    if (gone.length > 0) await this.send(WORKSPACE_FILES_REMOVED_METHOD, { uris: gone });
    await this.sendFiles(files);
  }

  private async scan(): Promise<void> {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'vpcrules: reading the workspace files' },
      async (progress) => {
        // No exclude: files.exclude applies.
        const found = (await vscode.workspace.findFiles('**/*.vpcrules', undefined, MAX_WORKSPACE_FILES + 1)).filter((uri) => isWorkspaceFile(uri.path));
        if (found.length > MAX_WORKSPACE_FILES) {
          this.output.appendLine(`The workspace has more than ${MAX_WORKSPACE_FILES} .vpcrules files: the problems of the others are shown when they are opened.`);
          found.length = MAX_WORKSPACE_FILES;
        }
        found.sort((a, b) => (a.toString() < b.toString() ? -1 : 1));
        let done = 0;
        const present: string[] = [];
        for (let start = 0; start < found.length; start += READ_CONCURRENCY * 4) {
          const chunk = found.slice(start, start + READ_CONCURRENCY * 4);
          const { files } = await this.read(chunk);
          present.push(...files.map((file) => file.uri));
          await this.sendFiles(files);
          done += chunk.length;
          progress.report({ message: `${done}/${found.length}` });
        }
        const missing = this.sent.missing(present);
        if (missing.length > 0) await this.send(WORKSPACE_FILES_REMOVED_METHOD, { uris: missing });
      },
    );
  }

  /** Reads files as text; those that cannot be read (gone, too large) are listed apart. */
  private async read(uris: readonly vscode.Uri[]): Promise<{ files: FileText[]; unreadable: string[] }> {
    const files: FileText[] = [];
    const unreadable: string[] = [];
    for (let start = 0; start < uris.length; start += READ_CONCURRENCY) {
      await Promise.all(uris.slice(start, start + READ_CONCURRENCY).map(async (uri) => {
        try {
          const bytes = await vscode.workspace.fs.readFile(uri);
          if (bytes.byteLength > MAX_FILE_BYTES) {
            this.output.appendLine(`${vscode.workspace.asRelativePath(uri)} is larger than ${MAX_FILE_BYTES} bytes: its problems are shown when it is opened.`);
            unreadable.push(uri.toString());
          } else {
            files.push({ uri: uri.toString(), text: decoder.decode(bytes) });
          }
        } catch {
          unreadable.push(uri.toString());
        }
      }));
    }
    return { files, unreadable };
  }

  private async sendFiles(files: readonly FileText[]): Promise<void> {
    for (const batch of batches(this.sent.changed(files))) await this.send(WORKSPACE_FILES_METHOD, { files: batch });
  }
}
