// The reachability matrix's HTML page: a protocol select and a port input (the services the file's
// groups open offered first), the matrix as a table grouped by subnet whose cells are buttons
// coloured by verdict, a legend and a status line. The policy admits the page's own stylesheet and
// script (by nonce) and nothing else; the script only moves the focus between cells, and posts the
// chosen protocol and ports or the cell to explain to the extension, which answers with the table's
// HTML (built here, every name escaped). No `vscode` import, so that it is unit tested in plain Node.
import { escapeHtml } from './markdown';
import { webviewDocument } from './webview-html';

export type MatrixProtocol = 'tcp' | 'udp' | 'icmp';
export type CellVerdict = 'allow' | 'deny' | 'partial' | 'self' | 'none';

/** The answer of the server's `vpcrules/matrix` request (the CLI's JSON, with each end's subnet). */
export interface MatrixAnswer {
  protocol: MatrixProtocol;
  ports: string | null;
  sources: string[];
  destinations: string[];
  cells: { src: string; dst: string; verdict: CellVerdict }[];
  ends: { name: string; subnet?: string }[];
  version: number;
}

/** One of the answers of `vpcrules/matrixDefaults`. */
export interface MatrixChoice {
  protocol: MatrixProtocol;
  ports?: string;
  rules: number;
}

export interface MatrixSelection {
  protocol: MatrixProtocol;
  /** Empty for icmp. */
  ports: string;
}

/** What the webview's script posts to the extension. */
export type MatrixPageMessage =
  | { type: 'ready' }
  | { type: 'select'; protocol: string; ports: string }
  | { type: 'explain'; src: string; dst: string };

export interface MatrixPageOptions {
  /** A fresh random value per page: the only stylesheet and script the policy admits carry it. */
  nonce: string;
  /** The webview's own source (`webview.cspSource`), for its resources. */
  cspSource: string;
}

export interface MatrixPageState {
  fileName: string;
  selection: MatrixSelection;
  choices: MatrixChoice[];
  matrix?: MatrixAnswer;
  status?: string;
}

/** Used when the file's groups open no TCP, UDP or ICMP service. */
export const FALLBACK_SELECTION: MatrixSelection = { protocol: 'tcp', ports: '443' };

export function matrixPanelTitle(fileName: string): string {
  return `Reachability: ${fileName}`;
}

export function choiceSelection(choice: MatrixChoice | undefined): MatrixSelection {
  return choice ? { protocol: choice.protocol, ports: choice.ports ?? '' } : FALLBACK_SELECTION;
}

/** "tcp 443", "udp 5000-5100", "icmp echo request". */
export function selectionText(selection: { protocol: string; ports?: string | null }): string {
  return selection.protocol === 'icmp' ? 'icmp echo request' : `${selection.protocol} ${selection.ports ?? ''}`.trim();
}

/** The protocol and ports the page posted, if they make a matrix; else what is wrong. */
export function parseSelection(protocol: unknown, ports: unknown): MatrixSelection | string {
  if (protocol !== 'tcp' && protocol !== 'udp' && protocol !== 'icmp') return 'Pick tcp, udp or icmp.';
  if (protocol === 'icmp') return { protocol, ports: '' };
  const text = typeof ports === 'string' ? ports.replace(/\s+/g, '') : '';
  const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  const from = match ? Number(match[1]) : NaN;
  const to = match?.[2] !== undefined ? Number(match[2]) : from;
  if (!match || from > to || to > 65535) return `A ${protocol} matrix needs a port or a range N-M within 0-65535.`;
  return { protocol, ports: from === to ? String(from) : `${from}-${to}` };
}

const VERDICT_WORDS: Record<CellVerdict, string> = {
  allow: 'allow',
  deny: 'deny',
  partial: 'partial',
  self: 'itself, not evaluated',
  none: 'no flow (no IPv4 address or no subnet)',
};
const VERDICT_MARKS: Record<CellVerdict, string> = { allow: 'A', deny: 'D', partial: 'P', self: '–', none: '·' };

/** What a screen reader says of a cell: "web-1 to db-1: deny". */
export function cellLabel(src: string, dst: string, verdict: CellVerdict): string {
  return `${src} to ${dst}: ${VERDICT_WORDS[verdict]}`;
}

/** The heading of an end's group: its subnet; `internet` is outside the VPC. */
function groupOf(end: { name: string; subnet?: string }): string {
  return end.subnet ?? (end.name === 'internet' ? 'outside the VPC' : 'no subnet');
}

/** Runs of consecutive ends with the same group. */
function groups(ends: MatrixAnswer['ends']): { name: string; start: number; size: number }[] {
  const runs: { name: string; start: number; size: number }[] = [];
  ends.forEach((end, i) => {
    const name = groupOf(end);
    const last = runs[runs.length - 1];
    if (last && last.name === name) last.size++;
    else runs.push({ name, start: i, size: 1 });
  });
  return runs;
}

/** The matrix as a table: rows are sources, columns destinations, both grouped by subnet. */
export function matrixTable(matrix: MatrixAnswer): string {
  const { ends } = matrix;
  const n = ends.length;
  const runs = groups(ends);
  const starts = new Set(runs.map((run) => run.start));
  const what = selectionText(matrix);
  const out: string[] = [];
  out.push(`<table class="matrix" data-size="${n}" aria-describedby="legend">`);
  out.push(`<caption>${escapeHtml(what)}: rows are sources, columns destinations</caption>`);
  out.push(`<colgroup><col span="2">${runs.map((run) => `<col span="${run.size}" class="group">`).join('')}</colgroup>`);
  out.push('<thead>');
  out.push(`<tr><td class="corner" colspan="2" rowspan="2">source ↓ destination →</td>${runs
    .map((run) => `<th scope="colgroup" colspan="${run.size}" class="group-head${run.size < 3 ? ' narrow' : ''}${run.start > 0 ? ' group-start' : ''}" title="${escapeHtml(run.name)}"><span>${escapeHtml(run.name)}</span></th>`).join('')}</tr>`);
  out.push(`<tr>${ends.map((end, j) => `<th scope="col" class="dst${j > 0 && starts.has(j) ? ' group-start' : ''}"><span>${escapeHtml(end.name)}</span></th>`).join('')}</tr>`);
  out.push('</thead>');
  let focusable = true;
  for (const run of runs) {
    out.push(`<tbody class="group">`);
    for (let i = run.start; i < run.start + run.size; i++) {
      const row: string[] = ['<tr>'];
      if (i === run.start) row.push(`<th scope="rowgroup" rowspan="${run.size}" class="group-head">${escapeHtml(run.name)}</th>`);
      row.push(`<th scope="row" class="src">${escapeHtml(ends[i].name)}</th>`);
      for (let j = 0; j < n; j++) {
        const cell = matrix.cells[i * n + j];
        const verdict: CellVerdict = cell?.verdict ?? 'none';
        const explains = verdict !== 'self' && verdict !== 'none';
        const label = cellLabel(ends[i].name, ends[j].name, verdict);
        // One cell in the tab order (the first); the arrow keys move between the others.
        row.push(
          `<td class="${j > 0 && starts.has(j) ? 'group-start' : ''}"><button type="button" class="cell v-${verdict}" ` +
            `data-row="${i}" data-col="${j}" data-src="${escapeHtml(ends[i].name)}" data-dst="${escapeHtml(ends[j].name)}" ` +
            `data-explain="${explains}"${explains ? '' : ' aria-disabled="true"'} tabindex="${focusable ? 0 : -1}" ` +
            `aria-label="${escapeHtml(label)}" title="${escapeHtml(explains ? `${label} (Enter: explain)` : label)}">${VERDICT_MARKS[verdict]}</button></td>`,
        );
        focusable = false;
      }
      row.push('</tr>');
      out.push(row.join(''));
    }
    out.push('</tbody>');
  }
  out.push('</table>');
  const counts = { allow: 0, deny: 0, partial: 0 };
  for (const cell of matrix.cells) if (cell.verdict in counts) counts[cell.verdict as keyof typeof counts]++;
  out.push(`<p class="summary">${counts.allow} allow, ${counts.deny} deny, ${counts.partial} partial</p>`);
  return out.join('\n');
}

function legend(): string {
  const items = (['allow', 'deny', 'partial', 'self', 'none'] as CellVerdict[])
    .map((verdict) => `<li><span class="swatch cell v-${verdict}" aria-hidden="true">${VERDICT_MARKS[verdict]}</span> ${escapeHtml(VERDICT_WORDS[verdict])}</li>`);
  return `<ul class="legend" id="legend" aria-label="legend">${items.join('')}</ul>`;
}

function selectionForm(state: MatrixPageState): string {
  const { protocol, ports } = state.selection;
  const option = (value: string, label: string, selected: boolean) => `<option value="${escapeHtml(value)}"${selected ? ' selected' : ''}>${escapeHtml(label)}</option>`;
  const services = state.choices.map((choice) => {
    const value = `${choice.protocol} ${choice.ports ?? ''}`.trim();
    const rules = `${choice.rules} rule${choice.rules === 1 ? '' : 's'}`;
    return option(value, `${selectionText(choice)} (${rules})`, choice.protocol === protocol && (choice.ports ?? '') === ports);
  });
  const chosen = state.choices.some((choice) => choice.protocol === protocol && (choice.ports ?? '') === ports);
  return `<form id="selection" class="selection">
<label>service <select id="service">${services.join('')}${option('', 'other', !chosen)}</select></label>
<label>protocol <select id="protocol">${(['tcp', 'udp', 'icmp'] as const).map((p) => option(p, p, p === protocol)).join('')}</select></label>
<label>ports <input id="ports" type="text" inputmode="numeric" size="11" spellcheck="false" autocomplete="off" value="${escapeHtml(ports)}" placeholder="443 or 1024-2048" aria-describedby="ports-hint"${protocol === 'icmp' ? ' disabled' : ''}></label>
<button type="submit" id="show">Show</button>
<span id="ports-hint" class="hint">ICMP: echo request (type 8)</span>
</form>`;
}

export function matrixPage(state: MatrixPageState, options: MatrixPageOptions): string {
  const nonce = escapeHtml(options.nonce);
  const policy = `default-src 'none'; style-src ${escapeHtml(options.cspSource)} 'nonce-${nonce}'; script-src 'nonce-${nonce}'`;
  const title = matrixPanelTitle(state.fileName);
  const table = state.matrix ? matrixTable(state.matrix) : '';
  const body = `<h1>Reachability matrix of ${escapeHtml(state.fileName)}</h1>
${selectionForm(state)}
<p id="status" role="status" aria-live="polite">${escapeHtml(state.status ?? '')}</p>
${legend()}
<div id="grid">${table}</div>
<script nonce="${nonce}">${SCRIPT}</script>`;
  return webviewDocument({ title, policy, nonce: options.nonce, style: STYLE, body });
}

// Theme variables keep the page readable in light, dark and high-contrast themes; every verdict
// also has its letter, so that colour is never the only sign.
const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 20px 24px; }
h1 { font-size: 1.3em; font-weight: 600; }
.selection { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; margin-bottom: 8px; }
select, input { font: inherit; color: var(--vscode-input-foreground); background: var(--vscode-input-background);
  border: 1px solid var(--vscode-input-border, var(--vscode-panel-border, transparent)); padding: 2px 4px; }
select { color: var(--vscode-dropdown-foreground); background: var(--vscode-dropdown-background); border-color: var(--vscode-dropdown-border, transparent); }
input:disabled { opacity: .5; }
button#show { font: inherit; color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: 1px solid var(--vscode-button-border, transparent); padding: 3px 12px; cursor: pointer; }
button#show:hover { background: var(--vscode-button-hoverBackground); }
:focus-visible { outline: 2px solid var(--vscode-focusBorder); outline-offset: 1px; }
.hint { color: var(--vscode-descriptionForeground); font-size: .9em; }
#status { min-height: 1.4em; color: var(--vscode-descriptionForeground); }
#status.error { color: var(--vscode-errorForeground); }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 18px; padding: 0; margin: 6px 0 12px; }
.legend li { display: flex; align-items: center; gap: 6px; }
table.matrix { border-collapse: collapse; }
caption { text-align: left; padding: 4px 0 8px; font-weight: 600; }
th { font-weight: normal; text-align: left; padding: 2px 6px; white-space: nowrap; }
th.group-head { font-weight: 600; color: var(--vscode-descriptionForeground); vertical-align: top; }
thead th.group-head { border-bottom: 1px solid var(--vscode-panel-border, rgba(128,128,128,.35)); padding: 2px 3px; }
/* A subnet's name never widens its columns: it is cut to them (its title has it whole). */
thead th.group-head span { display: block; width: 0; min-width: 100%; overflow: hidden; text-overflow: ellipsis; }
/* Over one or two columns it is written upwards, like the destinations' names. */
thead th.group-head.narrow { vertical-align: bottom; }
thead th.group-head.narrow span { width: auto; min-width: 0; writing-mode: vertical-rl; transform: rotate(180deg); margin: 0 auto; }
th.dst { vertical-align: bottom; padding: 4px 0; }
th.dst span { writing-mode: vertical-rl; transform: rotate(180deg); display: inline-block; margin: 0 auto; }
th.src { text-align: right; }
tbody.group { border-top: 2px solid var(--vscode-panel-border, rgba(128,128,128,.35)); }
.group-start { border-left: 2px solid var(--vscode-panel-border, rgba(128,128,128,.35)); }
td { padding: 1px; text-align: center; }
.cell { display: inline-flex; align-items: center; justify-content: center; width: 26px; height: 26px; box-sizing: border-box;
  font-family: var(--vscode-editor-font-family); font-size: 12px; font-weight: 600; color: var(--vscode-foreground);
  border: 1px solid var(--vscode-panel-border, rgba(128,128,128,.35)); border-radius: 3px; background: transparent; padding: 0; }
button.cell { cursor: pointer; }
button.cell[aria-disabled="true"] { cursor: default; }
button.cell:focus-visible { outline: 3px solid var(--vscode-focusBorder); outline-offset: 1px; position: relative; z-index: 1; }
button.cell:hover { border-color: var(--vscode-focusBorder); }
.v-allow { background: color-mix(in srgb, var(--vscode-testing-iconPassed, #3fb950) 45%, transparent); }
.v-deny { background: color-mix(in srgb, var(--vscode-testing-iconFailed, #f85149) 45%, transparent); }
.v-partial { background: color-mix(in srgb, var(--vscode-editorWarning-foreground, #cca700) 55%, transparent); }
.v-self, .v-none { color: var(--vscode-disabledForeground, var(--vscode-descriptionForeground)); border-style: dashed; }
.summary { color: var(--vscode-descriptionForeground); }
.corner { color: var(--vscode-descriptionForeground); font-size: .85em; vertical-align: bottom; }
`;

// The page's only script: the selection and the cells post to the extension; the arrow keys, Home,
// End, PageUp and PageDown move the focus between cells (one cell in the tab order at a time).
const SCRIPT = `
(function () {
  const vscode = acquireVsCodeApi();
  const form = document.getElementById('selection');
  const protocol = document.getElementById('protocol');
  const ports = document.getElementById('ports');
  const service = document.getElementById('service');
  const grid = document.getElementById('grid');
  const status = document.getElementById('status');
  let current = null;
  function syncPorts() { ports.disabled = protocol.value === 'icmp'; }
  function submit() { vscode.postMessage({ type: 'select', protocol: protocol.value, ports: ports.value.trim() }); }
  protocol.addEventListener('change', () => { syncPorts(); service.value = ''; });
  ports.addEventListener('input', () => { service.value = ''; });
  service.addEventListener('change', () => {
    if (!service.value) return;
    const parts = service.value.split(' ');
    protocol.value = parts[0];
    ports.value = parts[1] || '';
    syncPorts();
    submit();
  });
  form.addEventListener('submit', (event) => { event.preventDefault(); submit(); });
  function at(row, col) { return grid.querySelector('button.cell[data-row="' + row + '"][data-col="' + col + '"]'); }
  function focusCell(button) {
    if (!button) return;
    for (const other of grid.querySelectorAll('button.cell[tabindex="0"]')) other.tabIndex = -1;
    button.tabIndex = 0;
    button.focus();
    current = [button.dataset.row, button.dataset.col];
  }
  grid.addEventListener('click', (event) => {
    const button = event.target.closest && event.target.closest('button.cell');
    if (!button) return;
    focusCell(button);
    if (button.dataset.explain === 'true') vscode.postMessage({ type: 'explain', src: button.dataset.src, dst: button.dataset.dst });
  });
  grid.addEventListener('keydown', (event) => {
    const button = event.target.closest && event.target.closest('button.cell');
    const table = grid.querySelector('table');
    if (!button || !table) return;
    const n = Number(table.dataset.size);
    let row = Number(button.dataset.row);
    let col = Number(button.dataset.col);
    switch (event.key) {
      case 'ArrowUp': row -= 1; break;
      case 'ArrowDown': row += 1; break;
      case 'ArrowLeft': col -= 1; break;
      case 'ArrowRight': col += 1; break;
      case 'Home': if (event.ctrlKey) row = 0; col = 0; break;
      case 'End': if (event.ctrlKey) row = n - 1; col = n - 1; break;
      case 'PageUp': row = 0; break;
      case 'PageDown': row = n - 1; break;
      default: return;
    }
    event.preventDefault();
    focusCell(at(Math.max(0, Math.min(n - 1, row)), Math.max(0, Math.min(n - 1, col))));
  });
  window.addEventListener('message', (event) => {
    const message = event.data;
    if (message.type === 'table') {
      const hadFocus = !!(document.activeElement && document.activeElement.closest && document.activeElement.closest('#grid'));
      grid.innerHTML = message.html;
      const again = current && at(current[0], current[1]);
      if (again) {
        for (const other of grid.querySelectorAll('button.cell[tabindex="0"]')) other.tabIndex = -1;
        again.tabIndex = 0;
        if (hadFocus) again.focus();
      }
    } else if (message.type === 'status') {
      status.textContent = message.text;
      status.classList.toggle('error', !!message.error);
    }
  });
  vscode.postMessage({ type: 'ready' });
})();
`;
