import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze } from '../../server/src/engine/analyze';
import type { AnalyzedDocument } from '../../server/src/lsp/analysis-source';

export const URI = 'file:///work/net.vpcrules';

export function analyzedOf(text: string, uri = URI): AnalyzedDocument {
  return { uri, version: 1, document: TextDocument.create(uri, 'vpcrules', 1, text), analysis: analyze(text) };
}

/** The position of the `nth` (0-based) occurrence of `needle`, plus `offset` characters. */
export function positionOf(text: string, needle: string, nth = 0, offset = 0): { line: number; character: number } {
  let index = -1;
  for (let i = 0; i <= nth; i++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`'${needle}' #${nth} not in the text`);
  }
  const before = text.slice(0, index + offset);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - (before.lastIndexOf('\n') + 1) };
}

/** The text a range covers (single line). */
export function textAt(text: string, range: { start: { line: number; character: number }; end: { character: number } }): string {
  return text.split('\n')[range.start.line].slice(range.start.character, range.end.character);
}

export const MODEL = [
  'vpc prod 10.0.0.0/16',
  'subnet web 10.0.1.0/24 acl web-acl',
  'subnet app 10.0.2.0/24',
  'prefix-list office 203.0.113.0/24',
  '',
  '# The web tier.',
  '# Faces the internet.',
  'security-group web-sg {',
  '  inbound  tcp 443  from 0.0.0.0/0',
  '  inbound  tcp 8443 from pl office',
  '  outbound tcp 8080 to   sg app-sg',
  '}',
  'security-group app-sg {',
  '  inbound tcp 8080 from sg web-sg',
  '}',
  'network-acl web-acl {',
  '  inbound  100 allow tcp 443        from 0.0.0.0/0',
  '  outbound 100 allow tcp 1024-65535 to   0.0.0.0/0',
  '  outbound 110 allow tcp 8080       to   10.0.2.0/24',
  '  inbound  110 allow tcp 1024-65535 from 10.0.2.0/24',
  '}',
  'instance web-1 subnet web ip 10.0.1.10 groups web-sg',
  'instance app-1 subnet app ip 10.0.2.10 groups app-sg',
  'flow https internet -> web-1 tcp 443 expect allow',
  'flow web-app web-1 -> app-1 tcp 8080 expect allow',
  '',
].join('\n');
