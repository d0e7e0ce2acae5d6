// The language front end and the engine must not depend on the editor or the protocol:
// they may import each other, relative modules and ip-num, nothing else.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const roots = ['server/src/syntax', 'server/src/engine', 'server/src/diagnostics'];
const allowed = new Set(['ip-num']);
const importPattern = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (path.endsWith('.ts')) yield path;
  }
}

const violations = [];
for (const root of roots) {
  for (const file of sourceFiles(root)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(importPattern)) {
      const spec = match[1] ?? match[2] ?? match[3];
      if (spec.startsWith('.') || allowed.has(spec)) continue;
      const line = text.slice(0, match.index).split('\n').length;
      violations.push(`${relative('.', file)}:${line}: imports '${spec}'; the engine may import only relative modules and ${[...allowed].join(', ')}`);
    }
  }
}
if (violations.length > 0) {
  console.error(violations.join('\n'));
  process.exit(1);
}
