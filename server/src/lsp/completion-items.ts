// What completion offers, shared by the completion of every form.
import { CompletionItemKind } from 'vscode-languageserver';
import { WELL_KNOWN_PORTS } from '../engine/services';

/** What completion offers, before it is tied to the text being replaced. */
export type Suggestion = { label: string; kind: CompletionItemKind; detail?: string; sortText?: string };

export function keywords(words: readonly string[], detail?: string): Suggestion[] {
  return words.map((label) => ({ label, kind: CompletionItemKind.Keyword, detail }));
}

/** The ports of well-known services, in port order. */
export function wellKnownPorts(): Suggestion[] {
  return [...WELL_KNOWN_PORTS].map(([port, service]): Suggestion => ({
    label: String(port), kind: CompletionItemKind.Value, detail: service, sortText: String(port).padStart(5, '0'),
  }));
}

export function cidrs(): Suggestion[] {
  return [
    { label: '0.0.0.0/0', kind: CompletionItemKind.Value, detail: 'every IPv4 address' },
    { label: '::/0', kind: CompletionItemKind.Value, detail: 'every IPv6 address' },
  ];
}

/** The next free number after the highest of `used`, in steps of `step` (the first is `first`); none past `max`. */
export function nextNumber(used: number[], first: number, step: number, max: number): number | undefined {
  const next = used.length === 0 ? first : Math.floor(Math.max(...used) / step) * step + step;
  return next > max ? undefined : next;
}
