import * as assert from 'node:assert/strict';
import { ResponseError } from 'vscode-languageserver';
import { definitionLocations } from '../../server/src/lsp/definition';
import { referenceLocations } from '../../server/src/lsp/references';
import { prepareRename, renameEdits } from '../../server/src/lsp/rename';
import { applyEdits } from '../apply-edits';
import { analyzedOf, MODEL, positionOf, textAt, URI } from './analyzed';

const lineOf = (needle: string) => positionOf(MODEL, needle).line;

describe('go to definition', () => {
  const analyzed = analyzedOf(MODEL);

  it('jumps from a use of a security group to its declaration name', () => {
    const [location] = definitionLocations(analyzed, positionOf(MODEL, 'sg app-sg', 0, 4));
    assert.equal(location.uri, URI);
    assert.equal(location.range.start.line, lineOf('security-group app-sg'));
    assert.equal(textAt(MODEL, location.range), 'app-sg');
  });

  it('resolves each kind of name: acl, subnet, prefix list, instance in a flow', () => {
    const target = (needle: string, offset: number) => definitionLocations(analyzed, positionOf(MODEL, needle, 0, offset)).map((l) => l.range.start.line);
    assert.deepEqual(target('acl web-acl', 5), [lineOf('network-acl web-acl')]);
    assert.deepEqual(target('subnet web ip', 8), [lineOf('subnet web ')]);
    assert.deepEqual(target('pl office', 3), [lineOf('prefix-list office')]);
    assert.deepEqual(target('-> web-1', 3), [lineOf('instance web-1')]);
  });

  it('finds the declaration with the cursor right after the name', () => {
    assert.equal(definitionLocations(analyzed, positionOf(MODEL, 'groups web-sg', 0, 'groups web-sg'.length)).length, 1);
  });

  it('finds nothing on a keyword, a number or a comment', () => {
    assert.deepEqual(definitionLocations(analyzed, positionOf(MODEL, 'inbound  tcp 443')), []);
    assert.deepEqual(definitionLocations(analyzed, positionOf(MODEL, '8443')), []);
    assert.deepEqual(definitionLocations(analyzed, positionOf(MODEL, 'The web tier')), []);
  });
});

describe('find references', () => {
  const analyzed = analyzedOf(MODEL);

  it('lists every use of a security group, with its declaration when asked', () => {
    const at = positionOf(MODEL, 'security-group web-sg', 0, 16);
    const uses = referenceLocations(analyzed, at, false).map((l) => l.range.start.line);
    assert.deepEqual(uses, [lineOf('inbound tcp 8080 from sg web-sg'), lineOf('instance web-1')]);
    const all = referenceLocations(analyzed, at, true).map((l) => l.range.start.line);
    assert.deepEqual(all, [lineOf('security-group web-sg'), ...uses]);
  });

  it('keeps names of different kinds apart', () => {
    const text = 'vpc v 10.0.0.0/16\nsubnet web 10.0.1.0/24\nsecurity-group web { }\ninstance i subnet web ip 10.0.1.10 groups web\n';
    const refs = referenceLocations(analyzedOf(text), positionOf(text, 'subnet web ip', 0, 8), true);
    assert.deepEqual(refs.map((l) => `${l.range.start.line}:${l.range.start.character}`), ['1:7', '3:18']);
  });

  it('counts the uses on lines the model cannot evaluate', () => {
    const text = `${MODEL}flow broken web-1 -> app-1 tcp 80\n`;
    const refs = referenceLocations(analyzedOf(text), positionOf(text, 'instance app-1', 0, 10), false);
    assert.deepEqual(refs.map((l) => l.range.start.line), [lineOf('flow web-app'), lineOf('flow web-app') + 1]);
  });
});

describe('rename', () => {
  const analyzed = analyzedOf(MODEL);
  const rename = (needle: string, offset: number, newName: string) => {
    const edit = renameEdits(analyzed, positionOf(MODEL, needle, 0, offset), newName);
    return applyEdits(MODEL, edit!.changes![URI]);
  };

  it('prepares with the range and text of the name', () => {
    const prepared = prepareRename(analyzed, positionOf(MODEL, 'sg app-sg', 0, 5));
    assert.equal(prepared?.placeholder, 'app-sg');
    assert.equal(textAt(MODEL, prepared!.range), 'app-sg');
  });

  it('refuses to prepare on keywords, numbers and addresses', () => {
    for (const needle of ['inbound  tcp 443', 'tcp 443', '10.0.1.0/24', 'expect allow', 'internet ->']) {
      assert.equal(prepareRename(analyzed, positionOf(MODEL, needle, 0, 1)), null, needle);
    }
  });

  it('renames the declaration and every use', () => {
    const renamed = rename('sg app-sg', 5, 'backend');
    assert.ok(renamed.includes('security-group backend {'));
    assert.ok(renamed.includes('to   sg backend'));
    assert.ok(renamed.includes('groups backend'));
    assert.ok(!renamed.includes('app-sg'));
    const flows = analyzedOf(renamed).analysis;
    assert.deepEqual(flows.diagnostics.map((d) => d.code), analyzed.analysis.diagnostics.map((d) => d.code));
  });

  it('renames an instance used by flows from a flow end', () => {
    const renamed = rename('-> web-1', 4, 'frontend');
    assert.ok(renamed.includes('instance frontend subnet web'));
    assert.ok(renamed.includes('flow https internet -> frontend tcp'));
    assert.ok(renamed.includes('flow web-app frontend -> app-1'));
  });

  it('refuses an invalid name, a keyword and a name already taken by the same kind', () => {
    const at = positionOf(MODEL, 'sg app-sg', 0, 5);
    const refusal = (newName: string) => {
      try {
        renameEdits(analyzed, at, newName);
      } catch (error) {
        assert.ok(error instanceof ResponseError);
        return error.message;
      }
      return 'accepted';
    };
    assert.match(refusal('9lives'), /not a valid name/);
    assert.match(refusal('app sg'), /not a valid name/);
    assert.match(refusal('tcp'), /keyword/);
    for (const reserved of ['internet', 'any', 'all', 'local', 'blackhole']) assert.match(refusal(reserved), /keyword/);
    assert.match(refusal('web-sg'), /security group named 'web-sg' already exists/);
    // Another kind may share the name.
    assert.equal(refusal('web'), 'accepted');
  });
});
