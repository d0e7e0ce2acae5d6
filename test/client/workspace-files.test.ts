import * as assert from 'node:assert/strict';
import {
  batches, isWorkspaceFile, PendingChanges, SentFiles, textFingerprint,
} from '../../client/src/workspace-files';

describe('client: the workspace files sent to the server', () => {
  it('counts .vpcrules files outside node_modules', () => {
    assert.equal(isWorkspaceFile('/w/examples/shop.vpcrules'), true);
    assert.equal(isWorkspaceFile('/w/node_modules/pkg/shop.vpcrules'), false);
    assert.equal(isWorkspaceFile('/w/shop.vpcrules.bak'), false);
    assert.equal(isWorkspaceFile('/w/my_node_modules/shop.vpcrules'), true);
  });

  it('tells texts apart by fingerprint', () => {
    assert.equal(textFingerprint('vpc a 10.0.0.0/16\n'), textFingerprint('vpc a 10.0.0.0/16\n'));
    assert.notEqual(textFingerprint('vpc a 10.0.0.0/16\n'), textFingerprint('vpc b 10.0.0.0/16\n'));
    assert.notEqual(textFingerprint(''), textFingerprint(' '));
  });

  it('sends a file again only when its text changed', () => {
    const sent = new SentFiles();
    assert.deepEqual(sent.changed([{ uri: 'file:///w/a.vpcrules', text: 'x' }, { uri: 'file:///w/b.vpcrules', text: 'y' }]).length, 2);
    assert.deepEqual(sent.changed([{ uri: 'file:///w/a.vpcrules', text: 'x' }]), []);
    assert.deepEqual(sent.changed([{ uri: 'file:///w/a.vpcrules', text: 'z' }]), [{ uri: 'file:///w/a.vpcrules', text: 'z' }]);
    assert.equal(sent.size, 2);
  });

  it('finds the files a full scan no longer finds', () => {
    const sent = new SentFiles();
    sent.changed([{ uri: 'file:///w/a.vpcrules', text: 'x' }, { uri: 'file:///w/b.vpcrules', text: 'y' }]);
    assert.deepEqual(sent.missing(['file:///w/b.vpcrules', 'file:///w/c.vpcrules']), ['file:///w/a.vpcrules']);
    assert.deepEqual(sent.uris(), ['file:///w/b.vpcrules']);
  });

  it('removes a deleted file, and every file under a deleted folder', () => {
    const sent = new SentFiles();
    sent.changed(['a.vpcrules', 'sub/b.vpcrules', 'sub/deep/c.vpcrules', 'subway/d.vpcrules'].map((path) => ({ uri: `file:///w/${path}`, text: path })));
    assert.deepEqual(sent.removed(['file:///w/a.vpcrules', 'file:///w/other.txt']), ['file:///w/a.vpcrules']);
    assert.deepEqual(sent.removed(['file:///w/sub']), ['file:///w/sub/b.vpcrules', 'file:///w/sub/deep/c.vpcrules']);
    assert.deepEqual(sent.uris(), ['file:///w/subway/d.vpcrules']);
    assert.deepEqual(sent.removed([]), []);
  });

  it('batches files by count and by size, a larger file alone', () => {
    const file = (n: number, size: number) => ({ uri: `file:///w/${n}.vpcrules`, text: 'x'.repeat(size) });
    const sizes = (groups: { text: string }[][]) => groups.map((group) => group.map((f) => f.text.length));
    assert.deepEqual(sizes(batches([file(1, 1), file(2, 1), file(3, 1)], 2, 100)), [[1, 1], [1]]);
    assert.deepEqual(sizes(batches([file(1, 60), file(2, 60), file(3, 200), file(4, 10)], 10, 100)), [[60], [60], [200], [10]]);
    assert.deepEqual(batches([], 2, 100), []);
  });

  it('keeps the last event of each uri', () => {
    const pending = new PendingChanges();
    pending.changed('file:///w/a.vpcrules');
    pending.deleted('file:///w/a.vpcrules');
    pending.deleted('file:///w/b.vpcrules');
    pending.changed('file:///w/b.vpcrules');
    pending.changed('file:///w/c.vpcrules');
    assert.equal(pending.size, 3);
    assert.deepEqual(pending.take(), { changed: ['file:///w/b.vpcrules', 'file:///w/c.vpcrules'], deleted: ['file:///w/a.vpcrules'] });
    assert.equal(pending.size, 0);
  });
});
