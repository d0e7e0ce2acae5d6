// The repository's real models (examples and fixtures), for tests that run on every one of them.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const REPOSITORY_ROOT = path.join(__dirname, '..', '..');

/** The .vpcrules files under each folder (relative to the repository root), as relative paths, sorted. */
export function modelFiles(...folders: string[]): string[] {
  return folders.flatMap((folder) => {
    const dir = path.join(REPOSITORY_ROOT, folder);
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.vpcrules'))
      .map((file) => path.join(folder, file))
      .sort();
  });
}

/** The texts of the .vpcrules files under each folder. */
export function modelTexts(...folders: string[]): string[] {
  return modelFiles(...folders).map((file) => fs.readFileSync(path.join(REPOSITORY_ROOT, file), 'utf8'));
}
