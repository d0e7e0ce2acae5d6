// The end-to-end scenarios: each one does what a person would do in the editor and asserts what
// they would see. `ctx` carries the page, the file under test and the plan (plan.mjs).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { log } from './harness.mjs';
import { filterProblems, workspaceScenario } from './scenario-workspace.mjs';
import {
  SELECTORS,
  activeTabLabel,
  cursorPosition,
  findViewLine,
  goToLine,
  literal,
  normalize,
  quickInputState,
  quickOpen,
  runCommand,
  statusItems,
  texts,
  waitFor,
  waitForActiveTab,
  waitForEditorFocus,
  wordBox,
} from './workbench.mjs';

/**
 * How long a scenario waits for the extension to show something once the language server runs
 * (scenario a, the first, also waits for the server to start: FIRST_SHOW_TIMEOUT).
 */
const SHOW_TIMEOUT = 20_000;
const FIRST_SHOW_TIMEOUT = 60_000;

/** Makes the file under test the active editor (in the first group), opening it if needed. */
async function ensureFileActive(ctx) {
  const { page, fileName } = ctx;
  if ((await activeTabLabel(page)).startsWith(fileName) && (await isTextEditorActive(page))) return;
  await page.keyboard.press('Control+1'); // View: Focus First Editor Group
  const label = await waitFor('the first editor group to be active', async () => (await activeTabLabel(page)) || undefined, {
    timeout: 5000,
  }).catch(() => '');
  if (!label.startsWith(fileName)) await quickOpen(page, fileName);
  await waitForActiveTab(page, fileName);
  await waitForEditorFocus(page);
}

function isTextEditorActive(page) {
  return page.evaluate(() => !!document.activeElement?.closest('.editor-instance .monaco-editor'));
}

/** The rows of the Problems panel, as displayed. */
function problemRows(page) {
  return texts(page, SELECTORS.problemsRows).then((rows) => rows.map(normalize));
}

async function problemsVisible(page) {
  return page.evaluate((selector) => {
    const panel = document.querySelector(selector);
    return !!panel && panel.offsetParent !== null && panel.getBoundingClientRect().height > 0;
  }, '.markers-panel');
}

/** Hides the bottom panel (Problems), so that the editor gets the height of the window. */
async function hidePanel(page) {
  const visible = () =>
    page.evaluate(() => {
      const panel = document.getElementById('workbench.parts.panel');
      return !!panel && panel.offsetParent !== null && panel.getBoundingClientRect().height > 0;
    });
  if (!(await visible())) return;
  await runCommand(page, 'View: Hide Panel');
  await waitFor('the panel to hide', async () => !(await visible()), { timeout: 10_000 });
}

async function showProblems(page, fileName) {
  if (!(await problemsVisible(page))) {
    await runCommand(page, 'View: Focus Problems');
    await waitFor('the Problems panel', () => problemsVisible(page), { timeout: 10_000 });
  }
  // The panel lists the problems of every file of the folder: only those of the file under test.
  await filterProblems(page, fileName.replace(/\.vpcrules$/, ''));
}

/** A Problems row for the VR500 error of the failing flow: code and line. */
function failingRow(rows, plan) {
  return rows.find((row) => row.includes('VR500') && new RegExp(`\\bLn ${plan.failingLine}\\b`).test(row));
}

/** The rows of the quick fix menu (Ctrl+.), as displayed. */
const SELECTORS_ACTION_ROWS = '.action-widget .monaco-list-row';

function quickFixRows(page) {
  return texts(page, SELECTORS_ACTION_ROWS).then((rows) => rows.map(normalize));
}

/** The text of the focused row of the quick fix menu. */
function focusedQuickFix(page) {
  return page.$$eval(SELECTORS_ACTION_ROWS, (rows) => {
    const row = rows.find((candidate) => candidate.classList.contains('focused'));
    return row ? (row.textContent ?? '').replace(/[\u00a0\s]+/g, ' ').trim() : undefined;
  });
}

/** Whether the active tab has unsaved changes. */
function isDirty(page) {
  return page.$$eval(SELECTORS.activeTab, (tabs) => tabs.some((tab) => tab.classList.contains('dirty')));
}

/** Regex source of a flow's declaration line. */
function flowLine(name) {
  return `^\\s*flow\\s+${literal(name)}\\s`;
}

/** Names of the network ACLs and security groups that a trace goes through. */
function hopNames(trace) {
  const names = new Set();
  for (const step of trace) {
    const match = /(?:network ACL|security groups? of)\s+(\S+)/.exec(step.hop);
    if (match) names.add(match[1]);
  }
  return [...names];
}

/** The code lenses on screen with their boxes. */
function codeLenses(page) {
  return page.$$eval(SELECTORS.codeLens, (lenses) =>
    lenses.map((lens) => {
      const rect = lens.getBoundingClientRect();
      return {
        text: (lens.textContent ?? '').replace(/\u00a0/g, ' ').trim(),
        box: { x: rect.x, y: rect.y, width: rect.width, height: rect.height },
      };
    }),
  );
}

/** The lens drawn right above a rendered line: it ends where the line starts (within a line). */
async function lensAbove(page, name) {
  const line = await findViewLine(page, flowLine(name));
  if (!line) return undefined;
  const lenses = await codeLenses(page);
  const above = lenses.filter(
    (lens) => lens.text && lens.box.y < line.box.y && line.box.y - (lens.box.y + lens.box.height) < line.box.height,
  );
  return above.length > 0 ? { line, lens: above[above.length - 1] } : undefined;
}

async function hoverText(page) {
  return page.evaluate((selector) => {
    const hovers = [...document.querySelectorAll(selector)].filter(
      (hover) => hover.offsetParent !== null && hover.getBoundingClientRect().height > 0,
    );
    return hovers.map((hover) => hover.innerText).join('\n');
  }, SELECTORS.hover);
}

/** The box of the visible hover and of its first block that starts with `prefix`. */
function hoverBlock(page, prefix) {
  return page.evaluate(
    ({ selector, prefix }) => {
      const hover = [...document.querySelectorAll(selector)].find((element) => element.offsetParent !== null);
      if (!hover) return undefined;
      const box = (element) => {
        const rect = element.getBoundingClientRect();
        return { x: rect.x, y: rect.y, width: rect.width, height: rect.height };
      };
      const block = [...hover.querySelectorAll('.hover-row, .markdown-hover, p, div')].find((element) =>
        (element.innerText ?? '').replace(/\u00a0/g, ' ').trim().startsWith(prefix),
      );
      return { hover: box(hover), block: block ? box(block) : undefined };
    },
    { selector: SELECTORS.hover, prefix },
  );
}

/** Scrolls the hover with the mouse wheel until the block starting with `prefix` is at its top. */
async function scrollHoverTo(page, prefix) {
  const start = await hoverBlock(page, prefix);
  if (!start?.block) throw new Error(`the hover has no part starting with "${prefix}"`);
  const inView = (state) => state?.block && state.block.y >= state.hover.y - 1 && state.block.y < state.hover.y + 40;
  if (inView(start)) return;
  // Straight onto the hover (a sticky hover stays open when the mouse enters it), then the wheel.
  await page.mouse.move(start.hover.x + start.hover.width / 2, start.hover.y + start.hover.height / 2);
  await waitFor(
    `the hover scrolled to "${prefix}"`,
    async () => {
      const state = await hoverBlock(page, prefix);
      if (inView(state)) return state;
      if (state?.block) await page.mouse.wheel(0, Math.max(-200, Math.min(200, state.block.y - state.hover.y)));
      return undefined;
    },
    { timeout: 10_000, observe: () => hoverBlock(page, prefix) },
  );
}

function tallyParts(tally) {
  const parts = [];
  for (const verdict of ['allow', 'deny', 'partial']) if (tally[verdict] > 0) parts.push(`${tally[verdict]} ${verdict}`);
  return parts;
}

/** The frame of a webview whose document has an element matching `selector` (webviews live in frames of their own). */
async function webviewFrame(page, selector) {
  for (const frame of page.frames()) {
    if (frame === page.mainFrame()) continue;
    const found = await frame.evaluate((wanted) => !!document.querySelector(wanted), selector).catch(() => false);
    if (found) return frame;
  }
  return undefined;
}

/** The text of every webview frame (for what a wait saw). */
async function webviewTexts(page) {
  const bodies = [];
  for (const frame of page.frames()) {
    if (frame === page.mainFrame()) continue;
    const body = await frame.evaluate(() => document.body?.innerText ?? '').catch(() => '');
    if (body) bodies.push(normalize(body).slice(0, 200));
  }
  return bodies;
}

/** The label of an editor tab starting with `title`, once it is there. */
function waitForTab(page, title) {
  return waitFor(`a tab titled "${title}…"`, async () => (await texts(page, SELECTORS.tabs)).map(normalize).find((label) => label.startsWith(title)), {
    timeout: SHOW_TIMEOUT,
    observe: async () => (await texts(page, SELECTORS.tabs)).map(normalize),
  });
}

export const scenarios = [
  {
    id: 'a',
    name: 'problems',
    title: 'Quick Open the file: the Problems panel lists the failed expectation (VR500) at its line',
    async run(ctx) {
      const { page, fileName, plan } = ctx;
      await quickOpen(page, fileName);
      await showProblems(page, fileName);
      const row = await waitFor(`a Problems row with VR500 at Ln ${plan.failingLine}`, async () => failingRow(await problemRows(page), plan), {
        timeout: FIRST_SHOW_TIMEOUT,
        observe: () => problemRows(page),
      });
      if (!row.includes(plan.failingFlow.name)) throw new Error(`the VR500 row does not name flow '${plan.failingFlow.name}': ${row}`);
      return `row: ${row}`;
    },
  },
  {
    id: 'e',
    name: 'grammar',
    title: 'the grammar colours keywords (security-group, inbound) unlike names and plain text',
    async run(ctx) {
      const { page, source } = ctx;
      await ensureFileActive(ctx);
      const details = [];
      for (const keyword of ['security-group', 'inbound']) {
        const index = source.findIndex((text) => new RegExp(`^\\s*${keyword}\\s`).test(text));
        if (index < 0) throw new Error(`the file has no line starting with ${keyword}`);
        await goToLine(page, index + 1, 1);
        const pattern = `^\\s*${literal(source[index].trim())}\\s*$`;
        const tokens = await waitFor(
          `the tokens of line ${index + 1} (${keyword}) to be coloured`,
          async () => {
            const line = await findViewLine(page, pattern);
            const key = line?.tokens.find((token) => token.text.trim() === keyword);
            const name = line?.tokens.find((token) => token.text.trim() && !token.text.includes(keyword));
            // Monaco's class mtk1 is the default foreground: a keyword must not be drawn with it.
            return key && name && key.className !== 'mtk1' && key.className !== name.className ? { key, name } : undefined;
          },
          { timeout: 20_000, observe: () => findViewLine(page, pattern) },
        );
        details.push(`'${keyword}' ${tokens.key.className} (${tokens.key.color}) vs '${tokens.name.text.trim()}' ${tokens.name.className}`);
      }
      return details.join('; ');
    },
  },
  {
    id: 'f',
    name: 'status-bar',
    title: 'the status bar shows the flow tally of the file',
    async run(ctx) {
      const { page, plan } = ctx;
      await ensureFileActive(ctx);
      const wanted = [...tallyParts(plan.tally), `${plan.tally.failing} failing`];
      const item = await waitFor(
        `a status bar item with "${wanted.join(', ')}"`,
        async () => (await statusItems(page)).find((text) => wanted.every((part) => text.includes(part))),
        { timeout: SHOW_TIMEOUT, observe: () => statusItems(page) },
      );
      return `status bar: "${item}"`;
    },
  },
  {
    id: 'c',
    name: 'code-lens',
    title: 'a code lens above each flow shows its verdict',
    async run(ctx) {
      const { page, plan } = ctx;
      await ensureFileActive(ctx);
      const results = [];
      for (const flow of [plan.failingFlow, plan.holdingFlow]) {
        await goToLine(page, flow.line, 1);
        const found = await waitFor(
          `a code lens with "${flow.verdict}" above flow '${flow.name}'`,
          async () => {
            const above = await lensAbove(page, flow.name);
            return above && new RegExp(`\\b${flow.verdict}\\b`).test(above.lens.text) ? above : undefined;
          },
          { timeout: SHOW_TIMEOUT, observe: async () => ({ above: await lensAbove(page, flow.name), lenses: await codeLenses(page) }) },
        );
        results.push(`${flow.name}: "${found.lens.text}"`);
      }
      return results.join('; ');
    },
  },
  {
    id: 'b',
    name: 'hover',
    title: 'hovering a flow name shows its verdict and hop-by-hop trace',
    screenshotWhile: true,
    async run(ctx) {
      const { page, plan } = ctx;
      const flow = plan.failingFlow;
      await hidePanel(page);
      await ensureFileActive(ctx);
      await goToLine(page, flow.line, 1);
      const names = hopNames(flow.trace);
      if (names.length === 0) throw new Error(`the CLI trace of '${flow.name}' names no hop`);
      let attempt = 0;
      const text = await waitFor(
        `a hover with "flow ${flow.name}", "${flow.verdict}" and the hops ${names.join(', ')}`,
        async () => {
          const shown = await hoverText(page);
          // The server's part, not only the diagnostic's message (which also names the verdict and hops).
          const fromServer = shown?.includes(`flow ${flow.name}`) && shown.includes('hops');
          if (fromServer && shown.includes(flow.verdict) && names.every((name) => shown.includes(name))) return shown;
          // (Re)point at the name: away first, so that the editor sees a fresh mouse move.
          const box = await wordBox(page, flowLine(flow.name), flow.name);
          if (!box) return undefined;
          attempt += 1;
          if (attempt % 20 === 1) {
            await page.mouse.move(box.x + box.width / 2, box.y - 3 * box.height);
            await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 3 });
          }
          return undefined;
        },
        { timeout: SHOW_TIMEOUT, observe: () => hoverText(page) },
      );
      // A diagnostic on the line comes first in the hover: scroll the hover, as a person would,
      // until the flow's own part (verdict and trace) is in view, for the screenshot.
      await scrollHoverTo(page, `flow ${flow.name}`);
      await ctx.screenshot();
      await page.mouse.move(5, 5);
      return `hover: ${normalize(text).slice(0, 160)}…`;
    },
  },
  {
    id: 'g',
    name: 'explain',
    title: 'command palette "vpcrules: Explain Flow" on a flow line opens "Explain: <flow>" beside the editor',
    async run(ctx) {
      const { page, plan } = ctx;
      const flow = plan.failingFlow;
      await ensureFileActive(ctx);
      await goToLine(page, flow.line, 1);
      await runCommand(page, 'vpcrules: Explain Flow');
      const title = `Explain: ${flow.name}`;
      const tab = await waitFor(
        `a tab titled "${title}"`,
        async () => (await texts(page, SELECTORS.tabs)).map(normalize).find((label) => label.startsWith(title)),
        { timeout: SHOW_TIMEOUT, observe: async () => (await texts(page, SELECTORS.tabs)).map(normalize) },
      );
      // The report sits beside the editor: the file's tab is still open in another group.
      const groups = await page.$$eval('.editor-group-container', (elements) => elements.length);
      if (groups < 2) throw new Error(`the report did not open beside the editor (${groups} editor group)`);
      // Its content (a webview, in a frame of its own) names the verdict.
      const frameText = await waitFor(
        `the report's content with "${flow.verdict}"`,
        async () => {
          for (const frame of page.frames()) {
            if (frame === page.mainFrame()) continue;
            const body = await frame.evaluate(() => document.body?.innerText ?? '').catch(() => '');
            if (body.includes(flow.name) && body.includes(flow.verdict)) return body;
          }
          return undefined;
        },
        { timeout: 20_000 },
      );
      return `tab "${tab}", ${groups} editor groups, report: ${normalize(frameText).slice(0, 120)}…`;
    },
  },
  {
    id: 'k',
    name: 'matrix',
    title: 'command palette "vpcrules: Reachability Matrix": pick the protocol and port, click a cell, its explain report names the verdict the CLI gives',
    image: 'matrix.png',
    async run(ctx) {
      const { page, fileName, matrix } = ctx;
      const { cell } = matrix;
      await hidePanel(page);
      await ensureFileActive(ctx);
      await runCommand(page, 'vpcrules: Reachability Matrix');
      const tab = await waitForTab(page, `Reachability: ${fileName}`);
      const frame = await waitFor('the matrix page with its selection', () => webviewFrame(page, '#selection #ports'), {
        timeout: SHOW_TIMEOUT,
        observe: () => webviewTexts(page),
      });
      // The first matrix is of the service the file's groups open most; ask for the plan's.
      await waitFor('the first matrix', () => frame.$('#grid table'), { timeout: SHOW_TIMEOUT, observe: () => frame.evaluate(() => document.body.innerText) });
      await frame.selectOption('#protocol', matrix.protocol);
      await frame.fill('#ports', matrix.ports);
      await frame.click('#show');
      const caption = `${matrix.protocol} ${matrix.ports}: rows are sources`;
      const label = `${cell.src} to ${cell.dst}: ${cell.verdict}`;
      const button = `#grid button.cell[aria-label="${label}"]`;
      await waitFor(`the ${matrix.protocol} ${matrix.ports} matrix with a cell "${label}"`, async () => {
        const shown = await frame.evaluate(() => document.querySelector('#grid caption')?.textContent ?? '');
        return shown.startsWith(caption) && (await frame.$(button));
      }, { timeout: SHOW_TIMEOUT, observe: () => frame.evaluate(() => ({ caption: document.querySelector('#grid caption')?.textContent, status: document.getElementById('status')?.textContent })) });
      const cells = await frame.$$eval('#grid button.cell', (buttons) => buttons.length);
      if (cells !== matrix.size ** 2) throw new Error(`the matrix has ${cells} cells, the CLI's ${matrix.size ** 2}`);
      // The cells are grouped by subnet: one row group per subnet (and one outside the VPC).
      const groups = await frame.$$eval('#grid th[scope="rowgroup"]', (heads) => heads.map((head) => head.textContent));
      // The keyboard moves between cells: right then down from the first lands on the second row's second cell.
      await frame.focus('#grid button.cell[data-row="0"][data-col="0"]');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowDown');
      const focused = await waitFor('the focus on the cell of row 2, column 2', async () => {
        const active = await frame.evaluate(() => ({ row: document.activeElement?.dataset?.row, col: document.activeElement?.dataset?.col, label: document.activeElement?.getAttribute('aria-label') }));
        return active.row === '1' && active.col === '1' ? active.label : undefined;
      }, { timeout: 5000, observe: () => frame.evaluate(() => document.activeElement?.outerHTML?.slice(0, 200)) });
      await frame.focus(button);
      await ctx.screenshot();
      await frame.click(button);
      const explain = await waitForTab(page, `Explain: ${cell.src} → ${cell.dst}`);
      const report = await waitFor(`the cell's report naming "${cell.verdict}"`, async () => {
        for (const other of page.frames()) {
          if (other === page.mainFrame() || other === frame) continue;
          const body = await other.evaluate(() => document.body?.innerText ?? '').catch(() => '');
          if (body.includes(`${cell.src}->${cell.dst}`) && new RegExp(`\\b${cell.verdict}\\b`).test(body)) return body;
        }
        return undefined;
      }, { timeout: SHOW_TIMEOUT, observe: () => webviewTexts(page) });
      return `tab "${tab}", ${cells} cells in ${groups.length} groups (${groups.join(', ')}); arrows to "${focused}"; clicked "${label}": tab "${explain}", report: ${normalize(report).slice(0, 100)}…`;
    },
  },
  {
    id: 'l',
    name: 'path-diagram',
    title: 'the explain report of the failing flow shows its path diagram (an image of the SVG) above the text',
    image: 'path-diagram.png',
    async run(ctx) {
      const { page, plan } = ctx;
      const flow = plan.failingFlow;
      await hidePanel(page);
      await ensureFileActive(ctx);
      await goToLine(page, flow.line, 1);
      await runCommand(page, 'vpcrules: Explain Flow');
      const tab = await waitForTab(page, `Explain: ${flow.name}`);
      const image = await waitFor(`the path diagram of flow '${flow.name}' drawn in its report`, async () => {
        // Other reports (a matrix cell's) may be open too: this flow's is the one whose diagram names it.
        for (const frame of page.frames()) {
          if (frame === page.mainFrame()) continue;
          const drawn = await frame.evaluate(() => {
            const img = document.querySelector('figure.diagram img');
            return img && { src: img.getAttribute('src').slice(0, 26), alt: img.alt, width: img.naturalWidth, height: img.naturalHeight, complete: img.complete, text: document.body.innerText };
          }).catch(() => undefined);
          // Decoded and drawn: the page's policy admitted it.
          if (drawn?.complete && drawn.width > 0 && drawn.alt.includes(`flow ${flow.name}:`) && drawn.text.includes(flow.verdict)) return drawn;
        }
        return undefined;
      }, { timeout: SHOW_TIMEOUT, observe: () => webviewTexts(page) });
      if (image.src !== 'data:image/svg+xml;base64,') throw new Error(`the diagram is not an inline SVG image: ${image.src}`);
      if (!image.alt.includes(flow.verdict)) throw new Error(`the diagram's description does not name the verdict ${flow.verdict}: ${image.alt}`);
      // Wider, for the picture: the report's group alone, without side bars (best effort; the
      // assertion is above).
      await page.click(`${SELECTORS.tabs}:has-text("Explain: ${flow.name}")`).catch(() => {});
      let widened = true;
      await runCommand(page, 'View: Maximize Editor Group and Hide Side Bars').catch(async (error) => {
        widened = false;
        log(`(l) screenshot with the groups as they are: ${error.message}`);
        await page.keyboard.press('Escape');
      });
      if (widened) {
        await waitFor('the report to fill the window', async () => {
          const groups = await page.$$eval('.editor-group-container', (elements) => elements.filter((element) => element.getBoundingClientRect().width > 0).length);
          return groups === 1;
        }, { timeout: 5000 }).catch(() => {});
      }
      await ctx.screenshot();
      if (widened) {
        // Back to the layout the other scenarios expect: the groups, and the side bar.
        await runCommand(page, 'View: Toggle Maximize Editor Group').catch(() => page.keyboard.press('Escape'));
        const sideBarVisible = () => page.evaluate(() => {
          const bar = document.getElementById('workbench.parts.sidebar');
          return !!bar && bar.offsetParent !== null && bar.getBoundingClientRect().width > 0;
        });
        if (!(await sideBarVisible())) await runCommand(page, 'View: Toggle Primary Side Bar Visibility').catch(() => page.keyboard.press('Escape'));
      }
      return `tab "${tab}": diagram ${image.width}x${image.height} "${image.alt}"`;
    },
  },
  {
    id: 'd',
    name: 'fix',
    title: 'typing the fix into the NACL return rule clears the VR500 error, without saving',
    async run(ctx) {
      const { page, plan, fileName } = ctx;
      const { fix } = plan;
      await ensureFileActive(ctx);
      await showProblems(page, fileName);
      await waitFor('the VR500 row before the edit', async () => failingRow(await problemRows(page), plan), {
        timeout: SHOW_TIMEOUT,
        observe: () => problemRows(page),
      });
      await ensureFileActive(ctx);
      await goToLine(page, fix.line, fix.column);
      await page.keyboard.down('Shift');
      for (let i = 0; i < fix.oldRange.length; i++) await page.keyboard.press('ArrowRight');
      await page.keyboard.up('Shift');
      await waitFor(`"${fix.oldRange}" selected`, async () => {
        const [text] = await texts(page, SELECTORS.cursorStatus);
        return new RegExp(`\\(${fix.oldRange.length} selected\\)`).test(text ?? '');
      }, { observe: () => texts(page, SELECTORS.cursorStatus) });
      await page.keyboard.type(fix.newRange);
      const edited = fix.text.replace(fix.oldRange, fix.newRange);
      await waitFor(`line ${fix.line} to read "${edited}"`, () => findViewLine(page, `^\\s*${literal(edited)}\\s*$`), {
        observe: cursorPosition.bind(null, page),
      });
      await page.keyboard.press('Escape'); // a suggestion list, if one opened while typing
      // Intermediate versions typed on the way (`1024-65`, ...) have problems of their own: wait
      // for the analysis of the last one, which leaves no failing row when the plan says so.
      await waitFor(
        `the VR500 row of flow '${plan.failingFlow.name}' to disappear`,
        async () => {
          const rows = await problemRows(page);
          const settled = plan.fix.failingAfter > 0 || !rows.some((row) => row.includes('VR500'));
          return failingRow(rows, plan) || !settled ? undefined : rows;
        },
        { timeout: SHOW_TIMEOUT, observe: () => problemRows(page) },
      );
      const rows = await problemRows(page);
      if (plan.fix.failingAfter === 0 && rows.some((row) => row.includes('VR500'))) {
        throw new Error(`a VR500 row is still listed: ${rows.filter((row) => row.includes('VR500')).join(' | ')}`);
      }
      // Not saved: the tab is dirty.
      const dirty = await page.$$eval(SELECTORS.activeTab, (tabs) => tabs.some((tab) => tab.classList.contains('dirty')));
      if (!dirty) throw new Error(`the tab of ${fileName} is not marked as modified: was the file saved?`);
      const onDisk = readFileSync(ctx.filePath, 'utf8').split('\n')[fix.line - 1];
      if (!onDisk.includes(fix.oldRange)) throw new Error(`the file on disk changed: line ${fix.line} reads "${onDisk.trim()}"`);
      let status = '';
      if (plan.fix.failingAfter === 0) {
        status = await waitFor(
          'the status bar tally without failing flows',
          async () => (await statusItems(page)).find((text) => /\d+ allow/.test(text) && !/failing/.test(text)),
          { timeout: 20_000, observe: () => statusItems(page) },
        );
      }
      return `line ${fix.line}: "${edited}" (unsaved); Problems: ${rows.length} rows, no VR500${status ? `; status bar: "${status}"` : ''}`;
    },
  },
  {
    id: 'n',
    name: 'matrix-follows',
    title: 'after the fix typed in d, the open matrix shows the cell clicked in k with the verdict the CLI gives for the fixed file',
    async run(ctx) {
      const { page, matrix } = ctx;
      const { cell, fixedVerdict } = matrix;
      if (!fixedVerdict) throw new Error(`the CLI gives no cell ${cell.src} -> ${cell.dst} for the fixed file`);
      const label = `${cell.src} to ${cell.dst}: ${fixedVerdict}`;
      // The matrix of k is still open (in the background); the edit's analysis refreshed it.
      const frame = await waitFor(`the matrix page with a cell "${label}"`, async () => {
        const found = await webviewFrame(page, `#grid button.cell[aria-label="${label}"]`);
        if (!found) return undefined;
        const caption = await found.evaluate(() => document.querySelector('#grid caption')?.textContent ?? '');
        return caption.startsWith(`${matrix.protocol} ${matrix.ports}:`) ? found : undefined;
      }, { timeout: SHOW_TIMEOUT, observe: () => webviewTexts(page) });
      const status = await frame.evaluate(() => document.getElementById('status')?.textContent ?? '');
      return `"${cell.src} to ${cell.dst}": ${cell.verdict} before, "${label}" after the edit; status "${normalize(status)}"`;
    },
  },
  {
    id: 'h',
    name: 'firewall-hover',
    title: 'hovering a flow through AWS Network Firewall shows both stages and the stateful rule that drops it',
    async run(ctx) {
      const { page } = ctx;
      const fileName = 'inspection-vpc.vpcrules';
      const flow = 'partner-sftp';
      await hidePanel(page);
      await quickOpen(page, fileName);
      await waitForActiveTab(page, fileName);
      await waitForEditorFocus(page);
      const source = readFileSync(join(dirname(ctx.filePath), fileName), 'utf8').split('\n');
      const line = source.findIndex((text) => new RegExp(flowLine(flow)).test(text)) + 1;
      if (line === 0) throw new Error(`${fileName} has no flow ${flow}`);
      await goToLine(page, line, 1);
      // What the CLI says of this flow (examples.test.ts pins it): the stateless stage forwards the
      // SYN, the stateful stage drops it by sid 290.
      const wanted = [`flow ${flow}`, 'firewall inspect-a stateless', 'firewall inspect-a stateful', 'sid 290'];
      let attempt = 0;
      const text = await waitFor(
        `a hover with ${wanted.map((part) => `"${part}"`).join(', ')}`,
        async () => {
          const shown = await hoverText(page);
          if (shown && wanted.every((part) => shown.includes(part))) return shown;
          const box = await wordBox(page, flowLine(flow), flow);
          if (!box) return undefined;
          attempt += 1;
          if (attempt % 20 === 1) {
            await page.mouse.move(box.x + box.width / 2, box.y - 3 * box.height);
            await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 3 });
          }
          return undefined;
        },
        { timeout: SHOW_TIMEOUT, observe: () => hoverText(page) },
      );
      // For the screenshot only: the assertion above is on the text the hover showed.
      await scrollHoverTo(page, `flow ${flow}`).catch((error) => log(`(h) screenshot without scrolling the hover: ${error.message}`));
      await ctx.screenshot();
      await page.mouse.move(5, 5);
      const dropped = normalize(text).match(/firewall inspect-a stateful: deny[^\n]{0,120}/)?.[0] ?? '';
      return `hover: ${dropped || normalize(text).slice(0, 160)}`;
    },
  },
  {
    id: 'i',
    name: 'import',
    title: 'command palette "vpcrules: Import AWS or Terraform JSON...", pick a terraform show -json plan: its import opens as a new unsaved NAME.vpcrules',
    async run(ctx) {
      const { page, importFile, imported } = ctx;
      await hidePanel(page);
      await runCommand(page, 'vpcrules: Import AWS or Terraform JSON', { opensQuickInput: true });
      // code-server's open dialog is VS Code's simple file dialog: a quick input holding a path.
      await waitFor(
        'the open dialog (a quick input with a path)',
        async () => {
          const state = await quickInputState(page);
          return state.visible && state.focused && state.title.includes('import AWS CLI or Terraform JSON') && state.value.startsWith('/') ? state : undefined;
        },
        { timeout: SHOW_TIMEOUT, observe: () => quickInputState(page) },
      );
      // The dialog lists the folder it starts in, then takes the path typed into its box (here set
      // at once), lists the file and accepts it with Enter. It may still be reading a folder when
      // the path is set and put its own path back: the path is set again until the file is listed.
      const fileName = importFile.split('/').pop();
      await waitFor('the dialog to list the workspace folder', async () => (await texts(page, SELECTORS.quickInputRows)).some((row) => row.includes('imports')), {
        timeout: 10_000,
        observe: () => texts(page, SELECTORS.quickInputRows),
      });
      let lastAction = 0;
      let enters = 0;
      await waitFor(
        `the dialog to accept ${importFile}`,
        async () => {
          const state = await quickInputState(page);
          if (!state.visible || !state.title.includes('import AWS CLI or Terraform JSON')) return true;
          if (Date.now() - lastAction < 1000) return undefined;
          lastAction = Date.now();
          if (state.value !== importFile) {
            await page.fill(SELECTORS.quickInputBox, importFile);
            return undefined;
          }
          const listed = (await texts(page, SELECTORS.quickInputRows)).some((row) => row.includes(fileName));
          if (!listed) return undefined;
          enters += 1;
          if (enters <= 2) await page.keyboard.press('Enter');
          else await page.click('.quick-input-widget .monaco-button:has-text("Import")').catch(() => {});
          return undefined;
        },
        { timeout: 20_000, observe: async () => ({ dialog: await quickInputState(page), rows: await texts(page, SELECTORS.quickInputRows) }) },
      );
      // The import opens as a new untitled document in the vpcrules language.
      const header = `^${literal(imported.firstLines[0])}\\s*$`;
      const line = await waitFor(
        'the imported document with its header line',
        async () => ((await activeTabLabel(page)).startsWith(`${imported.name}.vpcrules`) ? findViewLine(page, header) : undefined),
        { timeout: SHOW_TIMEOUT, observe: async () => ({ tab: await activeTabLabel(page), dialog: await quickInputState(page) }) },
      );
      await waitFor(`the line "${imported.firstLines[1]}"`, () => findViewLine(page, `^${literal(imported.firstLines[1])}\\s*$`), { timeout: 5000 });
      const vpc = await waitFor(`the line "${imported.vpcLine}"`, () => findViewLine(page, `^${literal(imported.vpcLine)}\\s`), { timeout: 5000 });
      const language = await waitFor(
        'the language mode "vpcrules" in the status bar',
        async () => {
          const [mode] = await texts(page, SELECTORS.languageStatus);
          return normalize(mode) === 'vpcrules' ? normalize(mode) : undefined;
        },
        { timeout: 10_000, observe: () => texts(page, SELECTORS.languageStatus) },
      );
      const toast = await waitFor(
        `a notification "vpcrules: imported ${imported.name}"`,
        async () => (await texts(page, SELECTORS.notificationToasts)).map(normalize).find((text) => text.includes(`vpcrules: imported ${imported.name}`)),
        { timeout: 10_000, observe: () => texts(page, SELECTORS.notificationToasts) },
      );
      await ctx.screenshot();
      return `tab "${await activeTabLabel(page)}" (${language}): "${normalize(line.text)}" / "${normalize(vpc.text).slice(0, 60)}"; ${toast.slice(0, 100)}`;
    },
  },
  {
    id: 'j',
    name: 'repair',
    title: 'quick fix (Ctrl+.) on the failing flow: picking the repair clears the VR500 error',
    async run(ctx) {
      const { page, plan } = ctx;
      const { repair } = plan;
      await ensureFileActive(ctx);
      // Scenario d leaves its own fix typed in, unsaved: start again from the file on disk.
      if (await isDirty(page)) {
        await runCommand(page, 'File: Revert File');
        await waitFor('the file reverted', async () => !(await isDirty(page)), { timeout: 10_000 });
      }
      await showProblems(page, ctx.fileName);
      await waitFor('the VR500 row before the repair', async () => failingRow(await problemRows(page), plan), {
        timeout: SHOW_TIMEOUT,
        observe: () => problemRows(page),
      });
      await ensureFileActive(ctx);
      await goToLine(page, plan.failingLine, 1);
      let openedAt = 0;
      const row = await waitFor(
        `a quick fix "${repair.title}"`,
        async () => {
          // The server answers once the document's analysis is in; ask again while the menu has not got it.
          if (Date.now() - openedAt > 5000) {
            await page.keyboard.press('Escape');
            await page.keyboard.press('Control+.');
            openedAt = Date.now();
          }
          const rows = await quickFixRows(page);
          return rows.find((text) => text.includes(repair.title));
        },
        { timeout: SHOW_TIMEOUT, observe: () => quickFixRows(page) },
      );
      await ctx.screenshot();
      // The menu has the keyboard: down to the repair, then Enter (as a person would; the
      // menu's pointer block keeps synthetic clicks off it).
      await waitFor(
        `the quick fix "${repair.title}" focused`,
        async () => {
          const focused = await focusedQuickFix(page);
          if (focused?.includes(repair.title)) return focused;
          await page.keyboard.press('ArrowDown');
          return undefined;
        },
        { timeout: 10_000, observe: () => focusedQuickFix(page) },
      );
      await page.keyboard.press('Enter');
      const rows = await waitFor(
        `the VR500 row of flow '${plan.failingFlow.name}' to disappear`,
        async () => {
          // The flow's line moves when the repair adds lines above it: look for its name.
          if (!(await problemsVisible(page))) return undefined;
          const shown = await problemRows(page);
          return shown.some((text) => text.includes('VR500') && text.includes(`flow '${plan.failingFlow.name}'`)) ? undefined : shown;
        },
        { timeout: SHOW_TIMEOUT, observe: () => problemRows(page) },
      );
      // The editor holds the rule that `vpcrules fix` adds, where it adds it; the file is not saved.
      const added = repair.added[0];
      if (added) {
        await goToLine(page, added.line, 1);
        await waitFor(`line ${added.line} to read "${added.text}"`, () => findViewLine(page, `^\\s*${literal(added.text)}\\s*$`), {
          timeout: 5000,
          observe: cursorPosition.bind(null, page),
        });
      }
      if (!(await isDirty(page))) throw new Error('the tab is not marked as modified: was the file saved?');
      return `picked "${normalize(row)}"; line ${added?.line}: "${added?.text}" (unsaved); Problems: ${rows.length} rows, none VR500 at Ln ${plan.failingLine}`;
    },
  },
  workspaceScenario,
];
