// Bundles the extension for packaging: the VS Code client (dist/client.js, `vscode` left to the
// editor) and the language server with all its dependencies (dist/server.js).
//   node scripts/bundle.mjs                 development build, with source maps
//   node scripts/bundle.mjs --production    minified, no source maps (what the .vsix ships)
//   node scripts/bundle.mjs --watch         rebuild on change
import * as esbuild from 'esbuild';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production') || process.env.NODE_ENV === 'production';
const watch = process.argv.includes('--watch');

const entries = [
  { in: 'client/src/extension.ts', out: 'dist/client.js', external: ['vscode'] },
  { in: 'server/src/lsp/main.ts', out: 'dist/server.js', external: [] },
];

for (const entry of entries) {
  if (!existsSync(join(root, entry.in))) {
    console.error(`bundle: ${entry.in} does not exist`);
    process.exit(1);
  }
}

// Stale maps from a development build must not end up in a production package.
if (production) rmSync(join(root, 'dist'), { recursive: true, force: true });

const options = (entry) => ({
  absWorkingDir: root,
  entryPoints: [entry.in],
  outfile: entry.out,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  external: entry.external,
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  legalComments: production ? 'none' : 'inline',
  logLevel: 'info',
});

if (watch) {
  for (const entry of entries) {
    const context = await esbuild.context(options(entry));
    await context.watch();
  }
  console.log('bundle: watching for changes');
} else {
  await Promise.all(entries.map((entry) => esbuild.build(options(entry))));
}
