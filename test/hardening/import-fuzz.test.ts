// Malformed and truncated JSON fed to vpcrules import aws and import terraform: either an import,
// or one line that names the file; never a crash. An import that succeeds writes text the parser
// reads without a syntax error.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { run } from '../../server/src/cli/main';
import { ImportInputError, InputFile, writeDescription } from '../../server/src/import';
import { readAws } from '../../server/src/import/aws';
import { readTerraform } from '../../server/src/import/terraform';
import { parse } from '../../server/src/syntax/parser';
import { fixtureInputs, terraformInput } from '../import/import-helpers';

const FIXTURES = ['aws/three-tier', 'aws/inspection'];
/** IMPORT_FUZZ_RUNS=1000 searches longer. */
const RUNS = Number(process.env.IMPORT_FUZZ_RUNS) || 100;

/** Imports; returns the texts, or the one-line error. Anything else thrown fails the property. */
function attempt(files: InputFile[], read = readAws): { texts?: string[]; error?: string } {
  try {
    return { texts: writeDescription(read(files)).map((file) => file.text) };
  } catch (error) {
    if (!(error instanceof ImportInputError)) throw error;
    assert.ok(!error.message.includes('\n'), `one line: ${error.message}`);
    return { error: error.message };
  }
}

function noSyntaxError(text: string): void {
  const syntax = parse(text).diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(syntax.map((d) => `${d.range.start.line + 1}: ${d.message}: ${text.split('\n')[d.range.start.line]}`), []);
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path to a value inside `value`. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out = [prefix];
  if (Array.isArray(value)) value.forEach((item, i) => out.push(...paths(item, [...prefix, i])));
  else if (value && typeof value === 'object') for (const key of Object.keys(value)) out.push(...paths(value[key], [...prefix, key]));
  return out;
}

function replaceAt(value: Json, path: (string | number)[], replacement: Json | undefined): Json {
  if (path.length === 0) return replacement ?? null;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    if (replacement === undefined && rest.length === 0) copy.splice(head as number, 1);
    else copy[head as number] = replaceAt(copy[head as number], rest, replacement);
    return copy;
  }
  const copy = { ...(value as Record<string, Json>) };
  if (replacement === undefined && rest.length === 0) delete copy[head];
  else copy[head] = replaceAt(copy[head], rest, replacement);
  return copy;
}

describe('import aws: malformed input never crashes', () => {
  for (const fixture of FIXTURES) {
    const FILES = fixtureInputs(fixture);

    it(`${fixture}: truncated files give one line naming the file`, () => {
      fc.assert(fc.property(fc.nat(FILES.length - 1), fc.double({ min: 0, max: 1, noNaN: true }), (index, cut) => {
        const file = FILES[index];
        const truncated = { path: file.path, text: file.text.slice(0, Math.floor(file.text.length * cut)) };
        const result = attempt([...FILES.slice(0, index), truncated, ...FILES.slice(index + 1)]);
        if (result.error) assert.ok(result.error.startsWith(`${file.path}: `) || result.error.startsWith('no VPC'), result.error);
        else for (const text of result.texts!) noSyntaxError(text);
      }), { numRuns: RUNS });
    });

    it(`${fixture}: values replaced or removed anywhere give an import or one line`, () => {
      const parsed = FILES.map((file) => JSON.parse(file.text) as Json);
      const weird = fc.oneof(
        fc.jsonValue() as fc.Arbitrary<Json>,
        fc.constantFrom<Json>('', '-1', 'all', 'tcp', '58', '999', '10.0.0.0/33', 'fe80::/200', '0.0.0.0/0', 'a"b\\c', 'x\ny # z', 'internet', '{', 'ANY', 'PASS', '$HOME_NET', -1, 70000, 1e100, null, [], {}),
      );
      fc.assert(fc.property(fc.nat(FILES.length - 1), fc.nat(), weird, fc.boolean(), (index, pick, replacement, remove) => {
        const all = paths(parsed[index]).filter((p) => p.length > 0);
        const path = all[pick % all.length];
        const mutated = replaceAt(parsed[index], path, remove ? undefined : replacement);
        const files = FILES.map((file, i) => (i === index ? { path: file.path, text: JSON.stringify(mutated) } : file));
        const result = attempt(files);
        if (result.error) assert.ok(result.error.startsWith(`${FILES[index].path}: `) || result.error.startsWith('no VPC'), result.error);
        else for (const text of result.texts!) noSyntaxError(text);
      }), { numRuns: RUNS * 3 });
    });
  }

  it('the CLI answers arbitrary bytes with exit 2 and one line, or an import', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => {
      const result = attempt([{ path: 'x.json', text }]);
      if (result.error) assert.ok(result.error.startsWith('x.json: ') || result.error.startsWith('no VPC'), result.error);
    }), { numRuns: 200 });
    const err: string[] = [];
    const code = run(['import', 'aws', __filename], { stdout: () => undefined, stderr: (t) => err.push(t), color: false });
    assert.equal(code, 2);
    assert.equal(err.length, 1);
    assert.match(err[0], /^vpcrules: .*import-fuzz\.test\.js: not JSON/);
  });

  for (const [network, kind] of [['three-tier', 'state'], ['three-tier', 'plan'], ['inspection', 'state'], ['inspection', 'plan']] as const) {
    const file = terraformInput(network, kind);
    const parsed = JSON.parse(file.text) as Json;
    const all = paths(parsed).filter((p) => p.length > 0);

    it(`terraform ${network} ${kind}: truncated files give one line naming the file`, () => {
      fc.assert(fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (cut) => {
        const result = attempt([{ path: file.path, text: file.text.slice(0, Math.floor(file.text.length * cut)) }], readTerraform);
        if (result.error) assert.ok(result.error.startsWith(`${file.path}: `), result.error);
        else for (const text of result.texts!) noSyntaxError(text);
      }), { numRuns: Math.ceil(RUNS / 2) });
    });

    it(`terraform ${network} ${kind}: values replaced or removed anywhere give an import or one line`, () => {
      const weird = fc.oneof(
        fc.jsonValue() as fc.Arbitrary<Json>,
        fc.constantFrom<Json>('', '-1', 'all', 'tcp', '58', '999', '10.0.0.0/33', 'fe80::/200', '0.0.0.0/0', 'a"b\\c', 'x\ny # z', 'internet', '{', 'ANY',
          'aws_vpc.main.id', 'module.x', 'count.index', 'each.value.id', 'var.x', 'local.y', 'aws_subnet.public[0]', '1.0', -1, 70000, 1e100, null, [], {}, true),
      );
      fc.assert(fc.property(fc.nat(), weird, fc.boolean(), (pick, replacement, remove) => {
        const path = all[pick % all.length];
        const mutated = replaceAt(parsed, path, remove ? undefined : replacement);
        const result = attempt([{ path: file.path, text: JSON.stringify(mutated) }], readTerraform);
        if (result.error) assert.ok(result.error.startsWith(`${file.path}: `), result.error);
        else for (const text of result.texts!) noSyntaxError(text);
      }), { numRuns: RUNS * 2 });
    });
  }

  it('import terraform answers arbitrary bytes with one line, or an import', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => {
      const result = attempt([{ path: 'x.json', text }], readTerraform);
      if (result.error) assert.ok(result.error.startsWith('x.json: '), result.error);
    }), { numRuns: 200 });
  });
});
