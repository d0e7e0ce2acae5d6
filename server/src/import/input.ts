// What every source shares about its input files: the text of each file, JSON parsing with one-line
// errors that name the file, and validation errors that name the field by its JSON path.
import type { z } from 'zod';

/** One input file: its path (for messages and, for some sources, for what its name says) and text. */
export interface InputFile {
  path: string;
  text: string;
}

/** Input that cannot be imported: the message is one line and names the file (and the field). */
export class ImportInputError extends Error {}

/** `$.SecurityGroups[3].IpPermissions[0].FromPort` */
export function jsonPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    const text = String(key);
    return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(text) ? `${out}.${text}` : `${out}[${JSON.stringify(text)}]`;
  }, '$');
}

/** Parses a file's JSON; anything else is an error naming the file (with a hint for the source's usual mistakes). */
export function parseJson(file: InputFile, source: 'aws' | 'terraform' = 'aws'): unknown {
  const text = file.text.replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new ImportInputError(`${file.path}: empty file; expected JSON`);
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = oneLine((error as Error).message);
    const hint = source === 'aws' ? (looksLikeTable(text) ? "; run the AWS CLI with '--output json'" : '')
      : text.startsWith('PK') ? "; a saved plan is binary: give the output of 'terraform show -json plan.tfplan'"
        : looksLikeTable(text) ? "; give the output of 'terraform show -json' (a state) or 'terraform show -json plan.tfplan' (a saved plan)" : '';
    throw new ImportInputError(`${file.path}: not JSON (${message})${hint}`);
  }
}

function looksLikeTable(text: string): boolean {
  const first = text.trimStart()[0];
  return first !== '{' && first !== '[';
}

export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Validates `value` (found at `path` in `file`); the first problem is an error naming the field. */
export function validate<T extends z.ZodType>(schema: T, value: unknown, file: InputFile, path: (string | number)[]): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = jsonPath([...path, ...issue.path]);
  throw new ImportInputError(`${file.path}: ${where}: ${describeIssue(issue, value, [...issue.path])}`);
}

function describeIssue(issue: z.core.$ZodIssue, root: unknown, path: PropertyKey[]): string {
  if (issue.code === 'invalid_type') {
    const found = valueAt(root, path);
    return found === undefined ? `missing; expected ${issue.expected}` : `expected ${issue.expected}, found ${kindOf(found)}`;
  }
  return oneLine(issue.message);
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `a string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value === 'number' ? 'the number' : typeof value} ${String(value)}`;
}
