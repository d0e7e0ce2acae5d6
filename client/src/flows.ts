// Finds flow declarations in a document's lines, for "explain flow" without arguments. A flow is
// one line (`flow NAME SRC -> DST ...`), so a line-based scan is exact enough and needs no
// server round trip. No `vscode` import, so that it is unit tested in plain Node.

export interface FlowDeclaration {
  name: string;
  /** 0-based line of the declaration. */
  line: number;
}

const FLOW_DECLARATION = /^\s*flow\s+([A-Za-z_][A-Za-z0-9_.-]*)/;
const BLANK_OR_COMMENT = /^\s*(#.*)?$/;

export function flowDeclarations(lines: readonly string[]): FlowDeclaration[] {
  const flows: FlowDeclaration[] = [];
  lines.forEach((text, line) => {
    const match = FLOW_DECLARATION.exec(text);
    if (match) flows.push({ name: match[1], line });
  });
  return flows;
}

/**
 * The flow declared on the cursor's line, or above it with only blank and comment lines
 * between; undefined when another statement comes first (the cursor is not "on" a flow).
 */
export function flowAtOrAbove(lines: readonly string[], cursorLine: number): FlowDeclaration | undefined {
  for (let line = Math.min(cursorLine, lines.length - 1); line >= 0; line--) {
    const match = FLOW_DECLARATION.exec(lines[line]);
    if (match) return { name: match[1], line };
    if (!BLANK_OR_COMMENT.test(lines[line])) return undefined;
  }
  return undefined;
}
