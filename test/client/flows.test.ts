import * as assert from 'node:assert/strict';
import { flowAtOrAbove, flowDeclarations } from '../../client/src/flows';

const FILE = [
  'vpc shop 10.0.0.0/16', // 0
  'security-group web {', // 1
  '  inbound tcp 443 from 0.0.0.0/0', // 2
  '}', // 3
  '# flow commented-out internet -> web1 tcp 80 expect deny', // 4
  'flow https internet -> web1 tcp 443 expect allow', // 5
  '', // 6
  '  # why this one must fail', // 7
  '  flow web.db_2-a web1 -> db1 tcp 5432 expect allow # trailing comment', // 8
  'flows are not declared like this', // 9
  'flowchart', // 10
];

describe('client: flows at the cursor', () => {
  it('lists the flow declarations with their lines, not comments or look-alikes', () => {
    assert.deepEqual(flowDeclarations(FILE), [
      { name: 'https', line: 5 },
      { name: 'web.db_2-a', line: 8 },
    ]);
  });

  it('finds the flow on the cursor line', () => {
    assert.deepEqual(flowAtOrAbove(FILE, 5), { name: 'https', line: 5 });
    assert.deepEqual(flowAtOrAbove(FILE, 8), { name: 'web.db_2-a', line: 8 });
  });

  it('finds the flow above the cursor across blank and comment lines only', () => {
    assert.deepEqual(flowAtOrAbove(FILE, 6), { name: 'https', line: 5 });
    assert.deepEqual(flowAtOrAbove(FILE, 7), { name: 'https', line: 5 });
  });

  it('finds none when another statement comes first', () => {
    assert.equal(flowAtOrAbove(FILE, 2), undefined);
    assert.equal(flowAtOrAbove(FILE, 4), undefined);
    assert.equal(flowAtOrAbove(FILE, 9), undefined);
    assert.equal(flowAtOrAbove([], 0), undefined);
  });

  it('clamps a cursor past the end of the lines', () => {
    assert.deepEqual(flowAtOrAbove(['flow a x -> y tcp 1 expect deny'], 5), { name: 'a', line: 0 });
  });
});
