// Markdown building blocks: text from the model (names, messages) must not turn into formatting.

export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|~]/g, '\\$&');
}

export function code(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  return `${fence}${text}${fence}`;
}

/** Line N, 1-based, as people count them. */
export function lineLabel(line: number): string {
  return `line ${line + 1}`;
}
