// Builds vpcrules.vsix: the production bundles, then vsce with the Marketplace README.
// Offline by design: everything the extension runs is inside dist/client.js and dist/server.js,
// so vsce is told not to ask npm for production dependencies, and .vscodeignore allow-lists
// what goes in.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function run(script, args) {
  const result = spawnSync(process.execPath, [join(root, script), ...args], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run('scripts/bundle.mjs', ['--production']);
run('node_modules/@vscode/vsce/vsce', [
  'package',
  '--no-dependencies',
  '--out', 'vpcrules.vsix',
  '--readme-path', 'docs/marketplace.md',
  // Images stay relative to the package, where the editor's extension page finds them; the
  // repository URL is not one from which vsce could derive absolute ones.
  '--no-rewrite-relative-links',
]);
