// What the client tells the language server of the workspace's .vpcrules files on disk: which
// files count, what the server already has (so that an unchanged file is not sent again), which
// files a deleted folder took with it, and the batches the texts travel in. No `vscode` import, so
// that it is unit tested in plain Node.

/** Beyond this many files, the rest of the workspace is left out (and the output channel says so). */
export const MAX_WORKSPACE_FILES = 5000;
/** A larger file is left out: it is not a file anyone writes by hand. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;
/** One notification carries at most this many files, or this many characters of text. */
export const BATCH_FILES = 50;
export const BATCH_CHARS = 2_000_000;

export interface FileText {
  uri: string;
  text: string;
}

/** A `.vpcrules` file outside any `node_modules` folder (a path with `/` separators). */
export function isWorkspaceFile(path: string): boolean {
  return path.endsWith('.vpcrules') && !path.split('/').includes('node_modules');
}

/** A short fingerprint of a text: its length and FNV-1a hash, to tell a changed file from a touched one. */
export function textFingerprint(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `${text.length}:${hash.toString(16)}`;
}

/** The parent folders of a uri, nearest first (`file:///a/b/c.vpcrules` → `file:///a/b`, `file:///a`). */
function parents(uri: string): string[] {
  const result: string[] = [];
  const start = uri.indexOf('://') + 3;
  for (let end = uri.lastIndexOf('/'); end > start; end = uri.lastIndexOf('/', end - 1)) result.push(uri.slice(0, end));
  return result;
}

/** The files the server was sent, with the fingerprint of the text it has of each. */
export class SentFiles {
  private readonly sent = new Map<string, string>();

  get size(): number {
    return this.sent.size;
  }

  uris(): string[] {
    return [...this.sent.keys()];
  }

  /** Of files just read, those whose text the server does not have yet; they count as sent. */
  changed(files: readonly FileText[]): FileText[] {
    return files.filter((file) => {
      const fingerprint = textFingerprint(file.text);
      if (this.sent.get(file.uri) === fingerprint) return false;
      this.sent.set(file.uri, fingerprint);
      return true;
    });
  }

  /** After a scan of the whole workspace: the files sent before that it did not find (forgotten). */
  missing(found: Iterable<string>): string[] {
    const present = new Set(found);
    const gone = this.uris().filter((uri) => !present.has(uri));
    for (const uri of gone) this.sent.delete(uri);
    return gone;
  }

  /** Deleted uris, files or folders: the sent files among them or under them (forgotten). */
  removed(deleted: Iterable<string>): string[] {
    const gone = new Set([...deleted].map((uri) => uri.replace(/\/+$/, '')));
    if (gone.size === 0) return [];
    const removed = this.uris().filter((uri) => gone.has(uri) || parents(uri).some((parent) => gone.has(parent)));
    for (const uri of removed) this.sent.delete(uri);
    return removed;
  }

  clear(): void {
    this.sent.clear();
  }
}

/** Splits files into batches of at most `maxFiles` files and (unless one file is larger) `maxChars` characters. */
export function batches<T extends FileText>(files: readonly T[], maxFiles = BATCH_FILES, maxChars = BATCH_CHARS): T[][] {
  const result: T[][] = [];
  let current: T[] = [];
  let chars = 0;
  for (const file of files) {
    if (current.length > 0 && (current.length >= maxFiles || chars + file.text.length > maxChars)) {
      result.push(current);
      current = [];
      chars = 0;
    }
    current.push(file);
    chars += file.text.length;
  }
  if (current.length > 0) result.push(current);
  return result;
}

/**
 * The changes a file watcher reported since the last time they were taken: the last event of
 * each uri wins (a file deleted then created again is read again).
 */
export class PendingChanges {
  private readonly events = new Map<string, 'changed' | 'deleted'>();

  changed(uri: string): void {
    this.events.set(uri, 'changed');
  }

  deleted(uri: string): void {
    this.events.set(uri, 'deleted');
  }

  get size(): number {
    return this.events.size;
  }

  take(): { changed: string[]; deleted: string[] } {
    const changed: string[] = [];
    const deleted: string[] = [];
    for (const [uri, event] of this.events) (event === 'changed' ? changed : deleted).push(uri);
    this.events.clear();
    return { changed, deleted };
  }
}
