import * as assert from 'node:assert/strict';
import { FoldingRangeKind, SymbolKind } from 'vscode-languageserver';
import { documentSymbols } from '../../server/src/lsp/document-symbols';
import { foldingRanges } from '../../server/src/lsp/folding';
import { workspaceSymbols } from '../../server/src/lsp/workspace-symbols';
import { analyzedOf, MODEL, positionOf } from './analyzed';

const lineOf = (needle: string) => positionOf(MODEL, needle).line;

describe('document symbols', () => {
  const symbols = documentSymbols(analyzedOf(MODEL));

  it('lists every declaration in order, with its kind', () => {
    assert.deepEqual(symbols.map((s) => [s.name, s.kind]), [
      ['prod', SymbolKind.Namespace], ['web', SymbolKind.Module], ['app', SymbolKind.Module], ['office', SymbolKind.Array],
      ['web-sg', SymbolKind.Class], ['app-sg', SymbolKind.Class], ['web-acl', SymbolKind.Struct], ['web-1', SymbolKind.Object],
      ['app-1', SymbolKind.Object], ['https', SymbolKind.Event], ['web-app', SymbolKind.Event],
    ]);
  });

  it('nests the rules of a block, spanning the block', () => {
    const acl = symbols.find((s) => s.name === 'web-acl')!;
    assert.deepEqual(acl.children!.map((c) => c.name), [
      'inbound 100 allow tcp 443 from 0.0.0.0/0',
      'outbound 100 allow tcp 1024-65535 to 0.0.0.0/0',
      'outbound 110 allow tcp 8080 to 10.0.2.0/24',
      'inbound 110 allow tcp 1024-65535 from 10.0.2.0/24',
    ]);
    assert.equal(acl.children![0].kind, SymbolKind.Field);
    assert.equal(acl.range.start.line, lineOf('network-acl web-acl'));
    assert.equal(acl.range.end.line, lineOf('network-acl web-acl') + 5);
    assert.equal(acl.selectionRange.start.character, 'network-acl '.length);
    assert.equal(symbols.find((s) => s.name === 'web-sg')!.children![2].name, 'outbound tcp 8080 to sg app-sg');
  });

  it('shows addresses and verdicts as details', () => {
    assert.equal(symbols.find((s) => s.name === 'web')!.detail, '10.0.1.0/24 acl web-acl');
    assert.equal(symbols.find((s) => s.name === 'web-1')!.detail, '10.0.1.10');
    assert.equal(symbols.find((s) => s.name === 'https')!.detail, 'expect allow, allow');
  });

  it("lists every address of an instance, the primary first, in its detail", () => {
    const text = MODEL.replace('ip 10.0.1.10 groups', 'ip 10.0.1.10,10.0.1.11 ip6 2600:1f18::10 groups');
    const [instance] = documentSymbols(analyzedOf(text)).filter((s) => s.name === 'web-1');
    assert.equal(instance.detail, '10.0.1.10, 10.0.1.11, 2600:1f18::10');
  });

  it('keeps the rules of an unclosed block inside its range', () => {
    const [group] = documentSymbols(analyzedOf('security-group open {\n  inbound tcp 22 from 10.0.0.0/8\n'));
    assert.equal(group.range.end.line, 1);
    assert.equal(group.children!.length, 1);
  });
});

describe('workspace symbols', () => {
  const documents = [analyzedOf(MODEL), analyzedOf('vpc other 10.1.0.0/16\nsubnet websub 10.1.0.0/24\n', 'file:///work/other.vpcrules')];

  it('finds the declarations of every open document whose name matches, in order of characters', () => {
    const found = workspaceSymbols(documents, 'wb');
    assert.deepEqual(found.map((s) => `${s.name} ${s.location.uri.split('/').pop()}`), [
      'web net.vpcrules', 'web-sg net.vpcrules', 'web-acl net.vpcrules', 'web-1 net.vpcrules', 'web-app net.vpcrules', 'websub other.vpcrules',
    ]);
    assert.equal(found[0].containerName, 'subnet');
  });

  it('lists everything for an empty query, ignoring case', () => {
    assert.equal(workspaceSymbols(documents, '').length, 13);
    assert.deepEqual(workspaceSymbols(documents, 'OTHER').map((s) => s.name), ['other']);
  });
});

describe('folding', () => {
  it('folds blocks up to their closing brace and runs of comment lines', () => {
    const ranges = foldingRanges(analyzedOf(MODEL));
    assert.deepEqual(ranges.map((r) => `${r.startLine}-${r.endLine}${r.kind ? ` ${r.kind}` : ''}`), [
      `${lineOf('# The web tier')}-${lineOf('# Faces')} ${FoldingRangeKind.Comment}`,
      `${lineOf('security-group web-sg')}-${lineOf('security-group web-sg') + 3}`,
      `${lineOf('security-group app-sg')}-${lineOf('security-group app-sg') + 1}`,
      `${lineOf('network-acl web-acl')}-${lineOf('network-acl web-acl') + 4}`,
    ]);
  });

  it('folds an unclosed block to its last rule and leaves one-line blocks alone', () => {
    const text = 'security-group a { inbound tcp 80 from 10.0.0.0/8 }\nsecurity-group b {\n  inbound tcp 22 from 10.0.0.0/8\n\n  outbound all to 10.0.0.0/8\n';
    assert.deepEqual(foldingRanges(analyzedOf(text)).map((r) => [r.startLine, r.endLine]), [[1, 4]]);
  });

  it('ends an unclosed block at its last rule, not at the declaration that ends it', () => {
    const text = 'security-group b {\n  inbound tcp 22 from 10.0.0.0/8\n  outbound all to 10.0.0.0/8\ninstance x subnet s ip 10.0.0.10 groups b\n';
    assert.deepEqual(foldingRanges(analyzedOf(text)).map((r) => [r.startLine, r.endLine]), [[0, 2]]);
  });
});
