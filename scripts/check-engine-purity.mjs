// The language front end and the engine must not depend on the editor or the protocol: they may
// import each other, relative modules and ip-num, nothing else. Import adds zod, and no I/O. The language server may add the
// LSP libraries and node:util, and nothing that could open a connection or start a process.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ENGINE_IMPORTS = ['ip-num'];
const rules = [
  ...['server/src/syntax', 'server/src/engine', 'server/src/diagnostics'].map((root) => ({ root, allowed: ENGINE_IMPORTS, what: 'the engine' })),
  // Import maps parsed JSON to text: pure functions, validated with zod; the CLI does the I/O.
  { root: 'server/src/import', allowed: [...ENGINE_IMPORTS, 'zod'], what: 'import' },
  {
    root: 'server/src/lsp',
    allowed: [...ENGINE_IMPORTS, 'vscode-languageserver', 'vscode-languageserver/node', 'vscode-languageserver-textdocument', 'node:util'],
    what: 'the language server',
  },
];
const importPattern = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (path.endsWith('.ts')) yield path;
  }
}

const violations = [];
for (const { root, allowed, what } of rules) {
  for (const file of sourceFiles(root)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(importPattern)) {
      const spec = match[1] ?? match[2] ?? match[3];
      if (spec.startsWith('.') || allowed.includes(spec)) continue;
      const line = text.slice(0, match.index).split('\n').length;
      violations.push(`${relative('.', file)}:${line}: imports '${spec}'; ${what} may import only relative modules and ${allowed.join(', ')}`);
    }
  }
}
if (violations.length > 0) {
  console.error(violations.join('\n'));
  process.exit(1);
}
