import * as assert from 'node:assert/strict';
import { addTallies, checkAllSummary, EMPTY_TALLY, tallyText, tallyTooltip } from '../../client/src/tally';

describe('client: flow tally words', () => {
  it('counts the verdicts and leaves zero counts out', () => {
    assert.equal(tallyText({ allow: 3, deny: 0, partial: 1, failing: 0, total: 4 }), '$(check) 3 allow, 1 partial');
  });

  it('makes failing flows stand out', () => {
    assert.equal(
      tallyText({ allow: 3, deny: 0, partial: 1, failing: 1, total: 4 }),
      '$(error) 3 allow, 1 partial, 1 failing',
    );
  });

  it('says so when a file has no flow', () => {
    assert.equal(tallyText(EMPTY_TALLY), '$(check) no flows');
  });

  it('names the file and the expectations in the tooltip', () => {
    assert.equal(
      tallyTooltip({ allow: 1, deny: 1, partial: 0, failing: 1, total: 2 }, 'vpc/shop.vpcrules'),
      'vpcrules: 2 flows in vpc/shop.vpcrules, 1 expectation not met. Click to check all files.',
    );
    assert.match(tallyTooltip({ allow: 1, deny: 0, partial: 0, failing: 0, total: 1 }, 'a.vpcrules'), /1 flow in a\.vpcrules, every expectation holds/);
  });

  it('sums the files of "check all" into one summary', () => {
    const total = addTallies(
      { allow: 2, deny: 1, partial: 0, failing: 0, total: 3 },
      { allow: 1, deny: 0, partial: 1, failing: 1, total: 2 },
    );
    assert.deepEqual(total, { allow: 3, deny: 1, partial: 1, failing: 1, total: 5 });
    assert.equal(checkAllSummary(2, total), 'vpcrules checked 2 files, 5 flows: 3 allow, 1 deny, 1 partial, 1 failing.');
    assert.equal(
      checkAllSummary(1, { allow: 1, deny: 0, partial: 0, failing: 0, total: 1 }),
      'vpcrules checked 1 file, 1 flow: 1 allow, every expectation holds.',
    );
    assert.equal(checkAllSummary(0, EMPTY_TALLY), 'vpcrules checked 0 files, 0 flows.');
  });
});
