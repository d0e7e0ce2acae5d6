// Names for imported declarations: the source's name (a `Name` tag) made valid, else the id; unique
// per kind of declaration.
import { RESERVED_NAMES } from '../syntax/parser';

const NAME_SHAPE = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * A valid `.vpcrules` name from any text: every character outside `[A-Za-z0-9_.-]` becomes `-`;
 * a first character that is not a letter or `_`, or a reserved word, gets a `_` prefix.
 */
export function validName(text: string): string {
  let name = Array.from(text, (ch) => (/[A-Za-z0-9_.-]/.test(ch) ? ch : '-')).join('');
  if (!/^[A-Za-z_]/.test(name) || (RESERVED_NAMES as readonly string[]).includes(name)) name = `_${name}`;
  return name;
}

export function isValidName(text: string): boolean {
  return NAME_SHAPE.test(text) && !(RESERVED_NAMES as readonly string[]).includes(text);
}

/**
 * Gives every item of one kind a unique name. Items are named in the order of their ids, so that
 * the same input always gives the same names: the first to want a name gets it, the next ones get
 * `NAME-2`, `NAME-3`, … (the first such suffix that is free).
 */
export function assignNames<T extends { id: string }>(items: readonly T[], wanted: (item: T) => string | undefined): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set<string>();
  const ordered = [...items].sort((a, b) => compareText(a.id, b.id));
  // Names given by the source first, so that an id never takes the name a tag asked for.
  const bases = new Map(ordered.map((item) => {
    const name = wanted(item)?.trim();
    return [item.id, name ? validName(name) : undefined] as const;
  }));
  const claim = (item: T, base: string) => {
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
    taken.add(name);
    names.set(item.id, name);
  };
  for (const item of ordered) {
    const base = bases.get(item.id);
    if (base) claim(item, base);
  }
  for (const item of ordered) {
    if (!names.has(item.id)) claim(item, validName(item.id));
  }
  return names;
}

/** Code-point order: the same everywhere, whatever the locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
