// Very large inputs: a 5 MB model and a file with a 1 MB line. The analysis must finish and
// answer; how fast is the benchmark's business, but the time is printed for a reader to see.
import * as assert from 'node:assert/strict';
import { analyze, Analysis } from '../../server/src/engine/analyze';
import { largeModel } from '../large-model';

function timed(label: string, text: string): Analysis {
  const started = Date.now();
  const analysis = analyze(text);
  console.log(`      ${label}: ${(text.length / 1e6).toFixed(1)} MB, ${analysis.diagnostics.length} diagnostics, ${analysis.flows.length} flows, ${Date.now() - started} ms`);
  return analysis;
}

describe('hardening: very large inputs', function () {
  this.timeout(120_000);

  it('analyzes a 5 MB model and reports every flow', () => {
    const { text, tiers } = largeModel(5_000_000);
    const analysis = timed(`${tiers} tiers`, text);
    assert.equal(analysis.flows.length, tiers * 2);
    assert.deepEqual(analysis.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code), []);
    assert.equal(analysis.flows.find((f) => f.flow.name === `https-${tiers - 1}`)?.verdict, 'allow');
  });

  it('analyzes a prefix list written on one 1 MB line', () => {
    const cidrs: string[] = [];
    let length = 0;
    for (let i = 0; length < 1_000_000; i++) {
      const cidr = `198.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32`;
      cidrs.push(cidr);
      length += cidr.length + 1;
    }
    const text = [
      'vpc main 10.0.0.0/16',
      'subnet a 10.0.1.0/24',
      `prefix-list partners ${cidrs.join(' ')}`,
      'security-group g {',
      '  inbound tcp 443 from pl partners',
      '}',
      'instance web subnet a ip 10.0.1.10 groups g',
      'flow partner 198.0.0.7 -> web tcp 443 expect allow',
      '',
    ].join('\n');
    const analysis = timed(`${cidrs.length} CIDRs on one line`, text);
    assert.equal(analysis.flows[0]?.verdict, 'allow');
  });

  it('reports a 1 MB line of garbage once and checks the lines after it', () => {
    const garbage = '@'.repeat(1_000_000);
    const text = `vpc main 10.0.0.0/16\n${garbage}\nsubnet a 10.0.1.0/24\nsubnet a 10.0.2.0/24\n`;
    const analysis = timed('1 MB of garbage on one line', text);
    assert.deepEqual(analysis.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.range.start.line}:${d.code}`), ['1:VR100', '3:VR201']);
    const syntax = analysis.diagnostics.find((d) => d.code === 'VR100')!;
    assert.ok(syntax.message.length < 200, `the message quotes a short excerpt, not the whole line: ${syntax.message.length} characters`);
  });

  it('answers on a 1 MB Suricata rule and on lists nested far too deep', () => {
    const options = `(${'content:"a;b"; '.repeat(60_000)}sid:1;)`;
    const nested = `${'['.repeat(200_000)}10.0.0.0/8${']'.repeat(200_000)}`;
    const text = `stateful-rule-group g {\n  pass tcp any any -> any any ${options}\n  drop tcp ${nested} any -> any any\n  pass tcp ${'!'.repeat(100_000)}any any -> any any\n}\n`;
    const analysis = timed('a 1 MB Suricata rule, lists nested 200000 deep', text);
    // The group is unused (VR203) and its content rule cannot be decided (VR408); the two broken lines are syntax errors.
    assert.deepEqual(analysis.diagnostics.map((d) => `${d.range.start.line}:${d.code}`), ['0:VR203', '1:VR408', '2:VR100', '3:VR100']);
    assert.match(analysis.diagnostics[2].message, /nested more than 16 deep/);
  });

  it('answers on one 1 MB line of tokens without a line break', () => {
    const text = 'inbound tcp 443 from 10.0.0.0/8 '.repeat(32_000);
    const analysis = timed('1 MB of tokens on one line', text);
    assert.ok(analysis.diagnostics.some((d) => d.code === 'VR100'), 'a statement outside any block is a syntax error');
  });
});
