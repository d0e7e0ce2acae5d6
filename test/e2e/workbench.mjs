// What a person does and sees in the VS Code workbench, through the page's DOM. Every wait polls a
// condition until a deadline; nothing sleeps for a fixed time.
import { setTimeout as delay } from 'node:timers/promises';

export const SELECTORS = {
  workbench: '.monaco-workbench',
  quickInput: '.quick-input-widget',
  quickInputBox: '.quick-input-widget .quick-input-box input',
  quickInputRows: '.quick-input-widget .quick-input-list .monaco-list-row',
  activeTab: '.editor-group-container.active .tabs-container .tab.active',
  tabs: '.tabs-container .tab',
  problemsRows: '.markers-panel .monaco-list-row',
  hover: '.monaco-hover',
  codeLens: '.codelens-decoration',
  statusItems: '#workbench\\.parts\\.statusbar .statusbar-item',
  cursorStatus: '#status\\.editor\\.selection',
  notificationToasts: '.notifications-toasts .notification-toast',
  languageStatus: '#status\\.editor\\.mode',
};

const DEFAULT_TIMEOUT = 30_000;

/** Spaces as the editor renders them (non-breaking) become plain spaces; runs of blanks collapse. */
export function normalize(text) {
  return String(text ?? '').replace(/[\u00a0\s]+/g, ' ').trim();
}

/**
 * Polls `probe` (async; returns a value, or undefined/false/null when not there yet) until it
 * returns something, or throws after `timeout` ms with the description and the last observation.
 */
export async function waitFor(description, probe, { timeout = DEFAULT_TIMEOUT, interval = 100, observe } = {}) {
  const deadline = Date.now() + timeout;
  let lastError;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      let seen = '';
      if (observe) {
        try {
          seen = `; saw: ${JSON.stringify(await observe())}`;
        } catch {
          // nothing to add
        }
      }
      const cause = lastError ? ` (${lastError.message.split('\n')[0]})` : '';
      throw new Error(`timed out after ${timeout / 1000} s waiting for ${description}${cause}${seen}`);
    }
    await delay(interval);
  }
}

/** Inner texts of every element matching a selector. */
export function texts(page, selector) {
  return page.$$eval(selector, (elements) => elements.map((element) => element.innerText ?? element.textContent ?? ''));
}

async function quickInputVisible(page) {
  return page.evaluate((selector) => {
    const widget = document.querySelector(selector);
    return !!widget && widget.style.display !== 'none' && widget.offsetParent !== null;
  }, SELECTORS.quickInput);
}

/** Closes the quick input if it is open. */
export async function closeQuickInput(page) {
  if (await quickInputVisible(page)) {
    await page.keyboard.press('Escape');
    await waitFor('the quick input to close', async () => !(await quickInputVisible(page)), { timeout: 5000 });
  }
}

/** Opens the quick input with a key chord and waits for its input box to have the focus. */
async function openQuickInput(page, chord) {
  await closeQuickInput(page);
  await page.keyboard.press(chord);
  await waitFor(`the quick input after ${chord}`, () =>
    page.evaluate((selector) => document.activeElement?.matches(selector) ?? false, SELECTORS.quickInputBox),
  );
}

/** The labels of the quick input's rows, the focused one first. */
async function quickInputRows(page) {
  return page.$$eval(SELECTORS.quickInputRows, (rows) =>
    rows
      .map((row) => ({
        focused: row.classList.contains('focused'),
        label: (row.querySelector('.label-name, .monaco-icon-label .label-name')?.textContent ?? row.textContent ?? '').trim(),
        text: (row.textContent ?? '').trim(),
        aria: row.getAttribute('aria-label') ?? '',
      }))
      .sort((a, b) => Number(b.focused) - Number(a.focused)),
  );
}

/**
 * Command palette (F1): types the command's label and runs it once it is the focused row.
 * `opensQuickInput`: the command shows a quick input of its own (a pick, the simple file dialog),
 * so the palette's closing is not waited for.
 */
export async function runCommand(page, label, { opensQuickInput = false } = {}) {
  const wanted = normalize(label).toLowerCase();
  // Right after the workbench loads, an extension's commands may not be listed yet: the palette
  // lists what it knew when it opened, so it is opened again until the command is there.
  let openedAt = 0;
  await waitFor(
    `command "${label}" in the command palette`,
    async () => {
      if (Date.now() - openedAt > 5000) {
        await openQuickInput(page, 'F1');
        await page.keyboard.type(label);
        openedAt = Date.now();
      }
      const rows = await quickInputRows(page);
      return rows[0]?.focused && normalize(rows[0].aria || rows[0].text).toLowerCase().includes(wanted);
    },
    { observe: () => quickInputRows(page) },
  );
  await page.keyboard.press('Enter');
  if (opensQuickInput) return;
  await waitFor('the command palette to close', async () => !(await quickInputVisible(page)), { timeout: 10_000 });
}

/** The quick input's title, the value of its input box, and whether the box has the focus. */
export function quickInputState(page) {
  return page.evaluate((selectors) => {
    const widget = document.querySelector(selectors.quickInput);
    const box = document.querySelector(selectors.quickInputBox);
    return {
      visible: !!widget && widget.style.display !== 'none' && widget.offsetParent !== null,
      title: (widget?.querySelector('.quick-input-title')?.textContent ?? '').trim(),
      value: box?.value ?? '',
      focused: !!box && document.activeElement === box,
    };
  }, SELECTORS);
}

/** Quick Open (Ctrl+P): types the file name, waits for it to be the focused result, presses Enter. */
export async function quickOpen(page, fileName) {
  await openQuickInput(page, 'Control+P');
  await page.keyboard.type(fileName);
  await waitFor(
    `"${fileName}" in Quick Open`,
    async () => {
      const rows = await quickInputRows(page);
      return rows[0]?.focused && rows[0].label === fileName;
    },
    { observe: () => quickInputRows(page) },
  );
  await page.keyboard.press('Enter');
  await waitForActiveTab(page, fileName);
  await waitForEditorFocus(page);
}

export async function activeTabLabel(page) {
  const labels = await texts(page, SELECTORS.activeTab);
  return normalize(labels[0] ?? '');
}

export async function waitForActiveTab(page, label) {
  return waitFor(`the active tab "${label}"`, async () => (await activeTabLabel(page)).startsWith(label), {
    observe: () => activeTabLabel(page),
  });
}

export async function waitForEditorFocus(page) {
  return waitFor('the text editor to have the focus', () =>
    page.evaluate(() => !!document.activeElement?.closest('.monaco-editor') && !document.activeElement.closest('.quick-input-widget')),
  );
}

/** The status bar's "Ln L, Col C" item. */
export async function cursorPosition(page) {
  const [text] = await texts(page, SELECTORS.cursorStatus);
  const match = /Ln\s+(\d+),\s*Col\s+(\d+)/.exec(text ?? '');
  return match ? { line: Number(match[1]), column: Number(match[2]) } : undefined;
}

/** Go to Line (Ctrl+G) `line:column`, then waits for the status bar to show the new position. */
export async function goToLine(page, line, column = 1) {
  await openQuickInput(page, 'Control+G');
  await page.keyboard.type(`${line}:${column}`);
  await page.keyboard.press('Enter');
  await waitFor(
    `the cursor at Ln ${line}, Col ${column}`,
    async () => {
      const position = await cursorPosition(page);
      return position?.line === line && position.column === column;
    },
    { observe: () => cursorPosition(page) },
  );
  await waitForEditorFocus(page);
}

/**
 * The rendered line of the active text editor whose text matches `pattern` (a RegExp source):
 * its text, box, and its tokens (span text, class, box).
 */
export async function findViewLine(page, pattern) {
  return page.evaluate((source) => {
    const regex = new RegExp(source);
    const group = document.querySelector('.editor-group-container.active') ?? document;
    const editor = group.querySelector('.editor-instance .monaco-editor') ?? document.querySelector('.monaco-editor');
    if (!editor) return undefined;
    for (const line of editor.querySelectorAll('.view-lines .view-line')) {
      const text = (line.textContent ?? '').replace(/\u00a0/g, ' ');
      if (!regex.test(text)) continue;
      const box = line.getBoundingClientRect();
      const tokens = [...line.querySelectorAll('span > span')].map((span) => {
        const rect = span.getBoundingClientRect();
        return {
          text: (span.textContent ?? '').replace(/\u00a0/g, ' '),
          className: span.className,
          color: getComputedStyle(span).color,
          box: { x: rect.x, y: rect.y, width: rect.width, height: rect.height },
        };
      });
      return { text, box: { x: box.x, y: box.y, width: box.width, height: box.height }, tokens };
    }
    return undefined;
  }, pattern);
}

/** The screen box of the first occurrence of `word` in the rendered line matching `pattern`. */
export async function wordBox(page, pattern, word) {
  return page.evaluate(
    ({ source, word }) => {
      const regex = new RegExp(source);
      const group = document.querySelector('.editor-group-container.active') ?? document;
      const editor = group.querySelector('.editor-instance .monaco-editor') ?? document.querySelector('.monaco-editor');
      for (const line of editor?.querySelectorAll('.view-lines .view-line') ?? []) {
        const text = (line.textContent ?? '').replace(/\u00a0/g, ' ');
        if (!regex.test(text)) continue;
        const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const at = node.data.replace(/\u00a0/g, ' ').indexOf(word);
          if (at < 0) continue;
          const range = document.createRange();
          range.setStart(node, at);
          range.setEnd(node, at + word.length);
          const rect = range.getBoundingClientRect();
          return { x: rect.x, y: rect.y, width: rect.width, height: rect.height };
        }
      }
      return undefined;
    },
    { source: pattern, word },
  );
}

/** Text of the status bar items. */
export async function statusItems(page) {
  return (await texts(page, SELECTORS.statusItems)).map(normalize).filter(Boolean);
}

/** Closes notification toasts (for example about recommended extensions) that would hide things. */
export async function dismissNotifications(page) {
  const count = await page.$$eval(SELECTORS.notificationToasts, (toasts) => toasts.length);
  if (count > 0) await runCommand(page, 'Notifications: Clear All Notifications');
}

/** Regex source matching a literal string. */
export function literal(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
