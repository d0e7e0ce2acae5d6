// What every repair must do: its edits give its text, and on that text the flow holds, no new
// error appears, and every other flow changes exactly as the repair announces.
import * as assert from 'node:assert/strict';
import { analyze, Analysis } from '../server/src/engine/analyze';
import type { Repair } from '../server/src/engine/repairs';
import { applyEdits } from './apply-edits';

const EXPECTATION = 'VR500';

function errorCounts(analysis: Analysis): Map<string, number> {
  const counts = new Map<string, number>();
  for (const d of analysis.diagnostics) if (d.severity === 'error' && d.code !== EXPECTATION) counts.set(d.code, (counts.get(d.code) ?? 0) + 1);
  return counts;
}

/** Applies a repair, analyses the result, and checks that it does what it says. */
export function assertRepairHolds(before: Analysis, flow: string, repair: Repair, where: string): void {
  assert.equal(applyEdits(before.text, repair.edits), repair.text, `${where}: the edits give the repaired text`);
  const after = analyze(repair.text, { externalEphemeral: before.model.externalEphemeral });
  const repaired = after.flows.find((r) => r.flow.name === flow);
  assert.ok(repaired?.ok, `${where}: '${repair.title}' makes the flow hold`);
  const was = errorCounts(before);
  for (const [code, count] of errorCounts(after)) assert.ok(count <= (was.get(code) ?? 0), `${where}: '${repair.title}' adds an error ${code}`);
  for (const old of before.flows) {
    if (old.flow.name === flow) continue;
    const now = after.flows.find((r) => r.flow.name === old.flow.name)!;
    const announced = repair.otherFlows.find((change) => change.name === old.flow.name);
    if (announced) {
      assert.deepEqual(announced.before, { verdict: old.verdict, holds: old.ok }, `${where}: ${old.flow.name} before`);
      assert.deepEqual(announced.after, { verdict: now.verdict, holds: now.ok }, `${where}: ${old.flow.name} after`);
    } else {
      assert.equal(now.verdict, old.verdict, `${where}: '${repair.title}' changes ${old.flow.name} silently`);
      assert.equal(now.ok, old.ok, `${where}: '${repair.title}' changes ${old.flow.name} silently`);
    }
  }
}

