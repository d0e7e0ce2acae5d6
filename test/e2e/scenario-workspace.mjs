// Scenario m: the problems of a file of the opened folder that is never opened in the editor are
// in the Problems panel, and follow the file when it changes on disk. What the row must say (the
// failing flow, its VR500 line) comes from the project's CLI run on the same file.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bundleCli } from './plan.mjs';
import { SELECTORS, dismissNotifications, normalize, runCommand, texts, waitFor } from './workbench.mjs';

/** A file of examples/ whose expectation fails, and which no other scenario opens. */
const FILE_NAME = 'nat-return-gotcha.vpcrules';
/** Time for the extension to start, find the folder's files and analyse them. */
const SHOW_TIMEOUT = 60_000;
const ROOT = join(dirname(new URL(import.meta.url).pathname), '..', '..');

/** `vpcrules check --format json FILE` through the bundle run.mjs made (or a new one). */
async function checkJson(tmp, file) {
  let cli = join(tmp, 'vpcrules-cli.cjs');
  if (!existsSync(cli)) cli = await bundleCli(ROOT, join(tmp, 'vpcrules-cli-m.cjs'));
  const program = `require(${JSON.stringify(cli)}).main(['check', '--format', 'json', ${JSON.stringify(file)}])`;
  const result = spawnSync(process.execPath, ['-e', program], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0 && result.status !== 1) throw new Error(`vpcrules check ${file} exited with ${result.status ?? result.signal}\n${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** The .vpcrules files under a folder, node_modules left out. */
function countFiles(folder) {
  let count = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (entry.isDirectory() && entry.name !== 'node_modules') count += countFiles(join(folder, entry.name));
    else if (entry.isFile() && entry.name.endsWith('.vpcrules')) count += 1;
  }
  return count;
}

function problemRows(page) {
  return texts(page, SELECTORS.problemsRows).then((rows) => rows.map(normalize));
}

async function problemsVisible(page) {
  return page.evaluate(() => {
    const panel = document.querySelector('.markers-panel');
    return !!panel && panel.offsetParent !== null && panel.getBoundingClientRect().height > 0;
  });
}

/**
 * Types into the Problems panel's filter box (empty: no filter); answers what it held before, or
 * undefined when the panel has no filter box.
 */
export async function filterProblems(page, text) {
  const box = page.locator('.viewpane-filter input, .markers-panel-action-filter input').first();
  if ((await box.count()) === 0) return undefined;
  const before = await box.inputValue();
  await box.fill(text);
  return before;
}

async function showProblems(page) {
  if (await problemsVisible(page)) return;
  await runCommand(page, 'View: Focus Problems');
  await waitFor('the Problems panel', () => problemsVisible(page), { timeout: 10_000 });
}

async function tabLabels(page) {
  return (await texts(page, SELECTORS.tabs)).map(normalize);
}

export const workspaceScenario = {
  id: 'm',
  name: 'workspace-problems',
  title: `without opening it, ${FILE_NAME} lists its failed expectation (VR500) in the Problems panel, and a change on disk updates it`,
  async run(ctx) {
    const { page } = ctx;
    const folder = dirname(ctx.filePath);
    const file = join(folder, FILE_NAME);
    const report = await checkJson(dirname(folder), file);
    const failure = report.diagnostics.find((d) => d.code === 'VR500' && d.severity === 'error');
    if (!failure) throw new Error(`${FILE_NAME} has no failed expectation (VR500)`);
    const flow = report.flows.find((f) => !f.ok && f.line === failure.line);
    if (!flow) throw new Error(`no failing flow of ${FILE_NAME} at line ${failure.line}`);
    const isFailingRow = (row) => row.includes('VR500') && new RegExp(`\\bLn ${failure.line}\\b`).test(row) && row.includes(`'${flow.name}'`);

    if ((await tabLabels(page)).some((label) => label.startsWith(FILE_NAME))) throw new Error(`${FILE_NAME} is open in the editor`);
    await showProblems(page);
    // Only this file's rows: the folder's other files have many problems of their own.
    const previousFilter = await filterProblems(page, FILE_NAME.replace(/\.vpcrules$/, ''));
    const original = readFileSync(file, 'utf8');
    try {
      const row = await waitFor(`a Problems row with VR500 at Ln ${failure.line} naming flow '${flow.name}'`, async () => (await problemRows(page)).find(isFailingRow), {
        timeout: SHOW_TIMEOUT,
        observe: () => problemRows(page),
      });
      const rows = await problemRows(page);
      if (!rows.some((text) => text.includes(FILE_NAME))) throw new Error(`no Problems row names ${FILE_NAME}: ${rows.join(' | ')}`);
      if ((await tabLabels(page)).some((label) => label.startsWith(FILE_NAME))) throw new Error(`${FILE_NAME} was opened in the editor`);
      await ctx.screenshot();

      // Check All Files tallies every file of the folder (and any unsaved vpcrules document) without opening one.
      const onDisk = countFiles(folder);
      await dismissNotifications(page).catch(() => {});
      await runCommand(page, 'vpcrules: Check All Files');
      const toast = await waitFor('a notification "vpcrules checked N files"', async () =>
        (await texts(page, SELECTORS.notificationToasts)).map(normalize).find((text) => /vpcrules checked \d+ files/.test(text)),
      { timeout: 30_000, observe: () => texts(page, SELECTORS.notificationToasts) });
      const checked = Number(/vpcrules checked (\d+) files/.exec(toast)[1]);
      if (checked < onDisk) throw new Error(`Check All Files checked ${checked} files, the folder has ${onDisk}: ${toast}`);
      if ((await tabLabels(page)).some((label) => label.startsWith(FILE_NAME))) throw new Error(`Check All Files opened ${FILE_NAME} in the editor`);
      await showProblems(page);

      // Another tool changes the file on disk: without the failing flow, its row leaves the panel.
      const lines = original.split('\n');
      lines.splice(flow.line - 1, 1);
      writeFileSync(file, lines.join('\n'));
      await waitFor(`the VR500 row of flow '${flow.name}' to leave the Problems panel after the file changed on disk`, async () => {
        const now = await problemRows(page);
        return now.some((text) => text.includes(FILE_NAME)) && !now.some((text) => text.includes('VR500')) ? now : undefined;
      }, { timeout: 30_000, observe: () => problemRows(page) });
      return `row: ${row}${previousFilter === undefined ? ' (no filter box)' : ''}; ${toast.slice(0, 120)}; after the change on disk: no VR500 row`;
    } finally {
      writeFileSync(file, original);
      if (previousFilter !== undefined) await filterProblems(page, previousFilter).catch(() => {});
    }
  },
};
