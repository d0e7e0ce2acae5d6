#!/usr/bin/env node
// End-to-end tests of the extension in a real VS Code: code-server (VS Code 1.100.3 in the
// browser) driven through chromium by playwright-core. `npm run test:e2e`; see test/e2e/README.md.
//
//   1. installs code-server (../shared/tools/install-code-server.sh, idempotent), builds the .vsix
//      (`npm run package`) and installs it into a fresh extensions directory;
//   2. copies examples/ to a temporary folder, starts code-server on it (127.0.0.1, a free port)
//      and chromium, and opens the folder;
//   3. runs the scenarios (scenarios.mjs), printing each result with its duration, and saves a
//      screenshot of each;
//   4. always stops the browser and code-server (their process groups, by pid) and removes the
//      temporary directories, also on failure and on SIGINT/SIGTERM.
//
// Environment:
//   E2E_SCREENSHOTS=DIR      where screenshots (and, on failure, logs) go; default test-results/e2e
//   E2E_UPDATE_IMAGES=1      also copy the hover screenshot to images/screenshot-hover.png, and
//                            those of the matrix and the path diagram to images/matrix.png and
//                            images/path-diagram.png
//   E2E_VSIX=FILE            test this .vsix instead of building one with `npm run package`
//   E2E_ONLY=a,b             run only these scenarios (by letter)
//   E2E_BREAK=server         install the extension with its language server path broken, to check
//                            that the scenarios then fail
//   E2E_KEEP=1               keep the temporary directory (its path is printed)
//   E2E_INSTALL_SCRIPT=FILE  the code-server install script; default ../shared/tools/install-code-server.sh
//   CHROMIUM=FILE            the browser; default /usr/bin/chromium
import { chromium } from 'playwright-core';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  installCodeServer,
  installedExtensionDir,
  freePort,
  log,
  removeDir,
  run,
  startChromium,
  startCodeServer,
  waitForHttp,
} from './harness.mjs';
import { bundleCli, importPlan, makePlan, matrixPlan } from './plan.mjs';
import { scenarios } from './scenarios.mjs';
import { SELECTORS, dismissNotifications, waitFor } from './workbench.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const env = process.env;
const FILE_NAME = 'ecommerce-tcp.vpcrules';
/** The JSON the import scenario picks in the open dialog: copied into the workspace. */
const IMPORT_FIXTURE = join('test', 'fixtures', 'import', 'terraform', 'three-tier.plan.json');
const IMPORT_TARGET = join('imports', 'three-tier.plan.json');
const EXTENSION_ID = 'vpcrules.vpcrules';
const SCENARIO_TIMEOUT_MS = 120_000;
const RUN_TIMEOUT_MS = Number(env.E2E_TIMEOUT_MS ?? 15 * 60_000);

const config = {
  installScript: resolve(ROOT, env.E2E_INSTALL_SCRIPT ?? '../shared/tools/install-code-server.sh'),
  chromium: env.CHROMIUM ?? '/usr/bin/chromium',
  results: resolve(ROOT, env.E2E_SCREENSHOTS ?? 'test-results/e2e'),
  updateImages: env.E2E_UPDATE_IMAGES === '1',
  vsix: env.E2E_VSIX ? resolve(env.E2E_VSIX) : undefined,
  only: env.E2E_ONLY ? new Set(env.E2E_ONLY.split(',').map((id) => id.trim())) : undefined,
  breakServer: env.E2E_BREAK === 'server',
  keep: env.E2E_KEEP === '1',
};

/** Everything that cleanup must undo. */
const state = { tmp: undefined, codeServer: undefined, chromium: undefined, browser: undefined };
let cleaningUp;
/** The signal that stops the run, if any: its handler then decides the exit code. */
let stoppedBy;

async function cleanup() {
  cleaningUp ??= (async () => {
    if (state.browser) await Promise.race([state.browser.close().catch(() => {}), sleepMs(5000)]);
    await Promise.all([state.chromium?.kill(), state.codeServer?.kill()]);
    if (state.tmp && !config.keep) removeDir(state.tmp);
  })();
  return cleaningUp;
}

function sleepMs(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
  process.on(signal, () => {
    if (stoppedBy) return;
    stoppedBy = signal;
    log(`${signal}: stopping`);
    cleanup().finally(() => process.exit(code));
  });
}
process.on('exit', () => {
  // Last resort when the process ends without cleanup() having finished.
  state.chromium?.killNow();
  state.codeServer?.killNow();
});

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Builds vpcrules.vsix with `npm run package` and checks that it is fresh. */
function buildVsix() {
  const vsix = join(ROOT, 'vpcrules.vsix');
  const started = Date.now();
  run('npm', ['run', '--silent', 'package'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  if (!existsSync(vsix) || statSync(vsix).mtimeMs < started - 2000) throw new Error('`npm run package` did not produce vpcrules.vsix');
  log(`built ${relative(ROOT, vsix)} in ${seconds(Date.now() - started)}`);
  return vsix;
}

/** Replaces the client's path to the language server in the installed copy (E2E_BREAK=server). */
function breakServerPath(extensionDir) {
  const client = join(extensionDir, JSON.parse(readFileSync(join(extensionDir, 'package.json'), 'utf8')).main.replace(/^\.\//, ''));
  const file = existsSync(client) ? client : `${client}.js`;
  const text = readFileSync(file, 'utf8');
  if (!text.includes('dist/server.js')) throw new Error(`${file} does not mention dist/server.js: cannot break it`);
  writeFileSync(file, text.replaceAll('dist/server.js', 'dist/no-such-server.js'));
  log(`E2E_BREAK=server: the installed client now starts dist/no-such-server.js`);
}

function userSettings() {
  return {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'files.autoSave': 'off',
    'git.enabled': false,
    'editor.hover.delay': 100,
    'editor.minimap.enabled': false,
    'editor.codeLens': true,
    'window.restoreWindows': 'none',
    'chat.commandCenter.enabled': false,
  };
}

/** The folder that code-server opens: a copy of examples/ (or of the test's own fixtures). */
function prepareWorkspace(tmp) {
  const folder = join(tmp, 'workspace');
  const examples = join(ROOT, 'examples');
  const fixtures = join(ROOT, 'test', 'e2e', 'fixtures');
  const source = existsSync(join(examples, FILE_NAME)) ? examples : fixtures;
  if (source === fixtures) log(`examples/${FILE_NAME} does not exist: using test/e2e/fixtures/ instead`);
  cpSync(source, folder, { recursive: true });
  mkdirSync(join(folder, dirname(IMPORT_TARGET)), { recursive: true });
  cpSync(join(ROOT, IMPORT_FIXTURE), join(folder, IMPORT_TARGET));
  return { folder, source };
}

/** Copies the logs that explain a failure next to the screenshots. */
function saveLogs(tmp) {
  const target = join(config.results, 'logs');
  try {
    mkdirSync(target, { recursive: true });
    for (const name of ['code-server.log', 'chromium.log', 'page-console.log']) {
      if (existsSync(join(tmp, name))) cpSync(join(tmp, name), join(target, name));
    }
    const userLogs = join(tmp, 'user', 'logs');
    if (existsSync(userLogs)) cpSync(userLogs, join(target, 'vscode'), { recursive: true });
    log(`logs saved in ${target}`);
  } catch (error) {
    log(`could not save the logs: ${error.message}`);
  }
}

async function main() {
  const started = Date.now();
  const watchdog = setTimeout(() => {
    log(`the whole run took longer than ${seconds(RUN_TIMEOUT_MS)}: stopping`);
    cleanup().finally(() => process.exit(1));
  }, RUN_TIMEOUT_MS);
  watchdog.unref();

  mkdirSync(config.results, { recursive: true });
  for (const name of readdirSync(config.results)) if (name.endsWith('.png')) removeDir(join(config.results, name));
  removeDir(join(config.results, 'logs'));

  log(`installing code-server (${relative(ROOT, config.installScript)})`);
  const entry = installCodeServer(config.installScript);
  log(`code-server entry: ${entry}`);
  const vsix = config.vsix ?? buildVsix();

  const tmp = (state.tmp = mkdtempSync(join(tmpdir(), 'vpcrules-e2e-')));
  const dirs = { user: join(tmp, 'user'), extensions: join(tmp, 'extensions'), chromium: join(tmp, 'chromium') };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  mkdirSync(join(dirs.user, 'User'), { recursive: true });
  writeFileSync(join(dirs.user, 'User', 'settings.json'), JSON.stringify(userSettings(), null, 2));

  run(process.execPath, [entry, '--extensions-dir', dirs.extensions, '--user-data-dir', dirs.user, '--install-extension', vsix]);
  const extensionDir = installedExtensionDir(dirs.extensions, EXTENSION_ID);
  if (!extensionDir) throw new Error(`installing ${vsix} left no ${EXTENSION_ID} in ${dirs.extensions}`);
  log(`installed ${basename(vsix)} as ${basename(extensionDir)}`);
  if (config.breakServer) breakServerPath(extensionDir);

  const { folder, source } = prepareWorkspace(tmp);
  const file = join(folder, FILE_NAME);
  const cli = await bundleCli(ROOT, join(tmp, 'vpcrules-cli.cjs'));
  mkdirSync(join(tmp, 'scratch'));
  const plan = makePlan(cli, file, join(tmp, 'scratch'));
  log(
    `${relative(ROOT, join(source, FILE_NAME))}: flow '${plan.failingFlow.name}' (line ${plan.failingLine}) is ${plan.failingFlow.verdict}; ` +
      `fix: line ${plan.fix.line} ${plan.fix.oldRange} -> ${plan.fix.newRange}`,
  );

  const matrix = matrixPlan(cli, file, plan.failingFlow, plan.fix.file);
  log(`${FILE_NAME}: the ${matrix.protocol} ${matrix.ports} matrix has ${matrix.cell.src} -> ${matrix.cell.dst} ${matrix.cell.verdict} (${matrix.fixedVerdict} after the fix)`);

  const importFile = join(folder, IMPORT_TARGET);
  const imported = importPlan(cli, 'terraform', importFile);
  log(`${IMPORT_TARGET}: the import writes VPC ${imported.name} (${imported.summary.slice(0, 80)}...)`);

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  state.codeServer = startCodeServer({
    entry,
    port,
    userDataDir: dirs.user,
    extensionsDir: dirs.extensions,
    configFile: join(tmp, 'code-server.yaml'),
    folder,
    logFile: join(tmp, 'code-server.log'),
  });
  await waitForHttp(`${base}/healthz`, state.codeServer, 60_000);
  log(`code-server (pid ${state.codeServer.pid}) answers on ${base}`);

  const browserStart = await startChromium({
    executable: config.chromium,
    userDataDir: dirs.chromium,
    logFile: join(tmp, 'chromium.log'),
    timeoutMs: 30_000,
  });
  state.chromium = browserStart.child;
  state.browser = await chromium.connectOverCDP(browserStart.wsEndpoint, { timeout: 30_000 });
  log(`chromium (pid ${state.chromium.pid}) connected`);
  const context = await state.browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const consoleLog = join(tmp, 'page-console.log');
  writeFileSync(consoleLog, '');
  page.on('console', (message) => appendLine(consoleLog, `[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => appendLine(consoleLog, `[pageerror] ${error.message}`));
  // The machine may have no internet: the editor must not need it. Record what it tries.
  const external = new Set();
  context.on('request', (request) => {
    const { protocol, hostname } = new URL(request.url());
    if (/^(https?|wss?):$/.test(protocol) && hostname !== '127.0.0.1' && hostname !== 'localhost') external.add(request.url());
  });
  context.on('response', (response) => {
    if (response.status() >= 400) appendLine(consoleLog, `[http ${response.status()}] ${response.url()}`);
  });

  const url = `${base}/?folder=${encodeURIComponent(folder)}`;
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  await waitFor('the workbench', () => page.$(`${SELECTORS.workbench} #workbench\\.parts\\.statusbar`), { timeout: 60_000 });
  await waitFor(`the explorer to list ${FILE_NAME}`, () =>
    page.$$eval('.explorer-folders-view .monaco-list-row', (rows, name) => rows.some((row) => row.textContent?.includes(name)), FILE_NAME),
  { timeout: 60_000 });
  await dismissNotifications(page).catch(() => {});
  log(`workbench ready at ${url} after ${seconds(Date.now() - started)}`);

  const sourceLines = readFileSync(file, 'utf8').split('\n');
  const results = [];
  let hoverShot;
  /** [screenshot, file of images/] of the scenarios that picture a feature for the README. */
  const images = [];
  for (const scenario of scenarios) {
    if (stoppedBy) return false;
    if (config.only && !config.only.has(scenario.id)) continue;
    const shotPath = join(config.results, `${scenario.id}-${scenario.name}.png`);
    let shotTaken = false;
    const ctx = {
      page,
      plan,
      fileName: FILE_NAME,
      filePath: file,
      source: sourceLines,
      importFile,
      imported,
      matrix,
      screenshot: async () => {
        await page.screenshot({ path: shotPath });
        shotTaken = true;
      },
    };
    const t0 = Date.now();
    let outcome;
    try {
      const detail = await withTimeout(scenario.run(ctx), SCENARIO_TIMEOUT_MS, `scenario ${scenario.id}`);
      outcome = { ok: true, detail };
    } catch (error) {
      outcome = { ok: false, detail: error.message };
    }
    if (stoppedBy) return false;
    const duration = Date.now() - t0;
    if (!shotTaken || !outcome.ok) await page.screenshot({ path: shotPath }).catch(() => {});
    if (scenario.name === 'hover' && outcome.ok) hoverShot = shotPath;
    if (scenario.image && outcome.ok && shotTaken) images.push([shotPath, scenario.image]);
    results.push({ scenario, duration, shotPath, ...outcome });
    const mark = outcome.ok ? 'PASS' : 'FAIL';
    log(`${mark} (${scenario.id}) ${scenario.title} [${seconds(duration)}]\n       ${outcome.detail}`);
    if (!outcome.ok) await page.keyboard.press('Escape').catch(() => {});
  }

  console.log('\nScreenshots:');
  for (const result of results) console.log(`  ${result.shotPath}`);
  if (config.updateImages && hoverShot) {
    const target = join(ROOT, 'images', 'screenshot-hover.png');
    cpSync(hoverShot, target);
    console.log(`  copied ${relative(ROOT, hoverShot)} to ${relative(ROOT, target)}`);
  }
  for (const [shot, image] of config.updateImages ? images : []) {
    const target = join(ROOT, 'images', image);
    cpSync(shot, target);
    console.log(`  copied ${relative(ROOT, shot)} to ${relative(ROOT, target)}`);
  }

  if (external.size > 0) {
    log(`the page tried ${external.size} request(s) off this machine, e.g. ${[...external].slice(0, 3).join(', ')}`);
  }
  const failed = results.filter((result) => !result.ok);
  console.log(`\nE2E summary (${seconds(Date.now() - started)} in all):`);
  for (const result of results) {
    console.log(`  ${result.ok ? 'PASS' : 'FAIL'}  (${result.scenario.id}) ${result.scenario.name.padEnd(10)} ${seconds(result.duration).padStart(7)}`);
  }
  if (results.length === 0) throw new Error('no scenario ran (E2E_ONLY?)');
  if (failed.length > 0) saveLogs(tmp);
  return failed.length === 0;
}

function appendLine(file, line) {
  try {
    writeFileSync(file, `${line}\n`, { flag: 'a' });
  } catch {
    // the temporary directory is being removed
  }
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took longer than ${seconds(ms)}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

let ok = false;
try {
  ok = await main();
} catch (error) {
  if (!stoppedBy) {
    log(`error: ${error.stack ?? error.message}`);
    if (state.tmp) saveLogs(state.tmp);
  }
} finally {
  await cleanup();
}
if (!stoppedBy) {
  log(ok ? 'all scenarios passed' : 'FAILED');
  process.exit(ok ? 0 : 1);
}
