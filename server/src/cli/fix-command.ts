// vpcrules fix FILE [--flow NAME] [--write]: the repairs that make the failing flows hold, as a
// unified diff (or written to the file), with a note per flow of the other flows they change.
// The flows are repaired one after the other, each on the text the previous repairs left, so
// that the diff is one change that makes them all hold.
import { writeFileSync } from 'node:fs';
import { analyze, type Analysis } from '../engine/analyze';
import type { ModelOptions } from '../engine/build-model';
import { unifiedDiff } from '../engine/line-diff';
import { flowChangeText, repairFlow } from '../engine/repairs';
import { closest } from '../syntax/suggest';
import type { CliIo } from './main';

export interface FixRequest {
  path: string;
  text: string;
  /** Only this flow; every failing flow when undefined. */
  flow?: string;
  write: boolean;
  options: ModelOptions;
}

/** Exit 0 when every flow asked for holds or has a repair, 1 when one has none, 2 for a flow that is not there. */
export function fixCommand(request: FixRequest, io: CliIo): number {
  const original = analyze(request.text, request.options);
  let names: string[];
  if (request.flow !== undefined) {
    const name = request.flow;
    const result = original.flows.find((candidate) => candidate.flow.name === name);
    if (!result) {
      const declared = original.file.declarations.some((decl) => decl.kind === 'flow' && decl.name?.text === name);
      const suggestion = closest(name, original.flows.map((candidate) => candidate.flow.name));
      io.stderr(declared
        ? `vpcrules: flow '${name}' cannot be evaluated; run 'vpcrules check ${request.path}' to see why`
        : `vpcrules: no flow '${name}' in ${request.path}${suggestion ? `; did you mean '${suggestion}'?` : ''}`);
      return 2;
    }
    if (result.ok) {
      io.stdout(`flow '${name}' already holds (${result.verdict}, as expected): nothing to repair`);
      return 0;
    }
    names = [name];
  } else {
    names = original.flows.filter((result) => !result.ok).map((result) => result.flow.name);
    if (names.length === 0) {
      io.stdout(`every flow of ${request.path} holds: nothing to repair`);
      return 0;
    }
  }
  let analysis: Analysis = original;
  const notes: string[] = [];
  const unrepaired: string[] = [];
  for (const name of names) {
    const now = analysis.flows.find((candidate) => candidate.flow.name === name);
    if (now?.ok) {
      notes.push(`flow '${name}': holds once the repairs above are made`);
      continue;
    }
    const best = repairFlow(analysis, name, request.options).repairs[0];
    if (!best) {
      unrepaired.push(name);
      continue;
    }
    const others = best.otherFlows.length === 0 ? 'no other flow changes' : `other flows change: ${best.otherFlows.map(flowChangeText).join('; ')}`;
    notes.push(`flow '${name}': ${best.changes.join('; ')}; ${others}`);
    analysis = analyze(best.text, request.options);
  }
  for (const note of notes) io.stdout(note);
  if (analysis.text !== original.text) {
    if (request.write) {
      writeFileSync(request.path, analysis.text);
      io.stdout(`vpcrules: wrote ${request.path}`);
    } else {
      const name = request.path.replace(/\\/g, '/').replace(/^\/+/, '');
      io.stdout(unifiedDiff(original.text, analysis.text, `a/${name}`, `b/${name}`));
    }
  }
  if (unrepaired.length > 0) {
    io.stderr(`vpcrules: no repair found for ${unrepaired.map((name) => `flow '${name}'`).join(', ')}`);
    return 1;
  }
  return 0;
}
